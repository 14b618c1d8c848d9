/**
 * The suite's pool task (`lib/util/pool.ts`): a worker adopts the shared panel, its preparation and
 * the input signal once, then runs units (one signal × a list of variants), each with its signal's
 * shared known matrix. Runs exactly the code the in-process path runs.
 */
import { type UnitPoolInit, type UnitTask, workerContext } from "./pool.ts";
import { INPUT, runUnit, type UnitContext, type UnitResult } from "./unit.ts";

/** Pool setup: the unit context over the shared panel. */
export function setup(init: UnitPoolInit): UnitContext {
  return workerContext(init);
}

/** Pool run: one unit (a baseline's known matrix is cached for the worker's later units). */
export function run(context: UnitContext, task: UnitTask): UnitResult {
  if (task.signal !== INPUT) context.cache.set(task.signal, task.known);
  return runUnit(context, task);
}
