import { adoptPreparation, type PanelPreparation, preparePanel } from "../engine/backtest.ts";
import { sharedPanel } from "../panel/shared.ts";
import type { Panel } from "../panel/types.ts";
import { runPool } from "../util/pool.ts";
import { toShared } from "../util/shared.ts";
import { BASELINES } from "./baselines.ts";
import { INPUT, runUnit, type UnitRequest, type UnitResult } from "./unit.ts";

/** What each worker is given once: everything in shared memory, nothing copied. */
export interface UnitPoolInit {
  panel: Panel;
  preparation: PanelPreparation;
  input: Float64Array;
}

/** One unit for a worker, with the known matrix of its signal (shared memory). */
export type UnitTask = { known: Float64Array } & UnitRequest;

/**
 * Runs units over `workers` Web Workers (0 = in this thread) through the shared pool
 * (`lib/util/pool.ts`), handing each free worker the next unit. Results come back in unit order whatever the worker count or finishing order, so a suite's
 * numbers do not depend on parallelism. `onDone` is called after each unit (for progress).
 *
 * Memory does not grow with the worker count: the panel, its sorted returns and caps, the input
 * signal and each baseline (built once, here, while the workers run) live in SharedArrayBuffers
 * that every worker reads in place; a worker holds only its current unit's residualized signal and
 * sort orders.
 */
export async function runUnits(
  panel: Panel,
  input: Float64Array,
  units: UnitRequest[],
  workers: number,
  onDone: () => void = () => {},
): Promise<UnitResult[]> {
  const results: UnitResult[] = new Array(units.length);
  if (workers <= 0) {
    const context = { panel, input, cache: new Map() };
    for (const unit of units) {
      results[unit.unit] = runUnit(context, unit);
      onDone();
    }
    return results;
  }
  // The workers start first (runPool calls `init` after starting them): they load their modules while
  // this thread prepares what they share.
  let sharedCopy: Panel | undefined;
  const shared = () => (sharedCopy ??= sharedPanel(panel));
  const knowns = new Map<string, Float64Array>();
  const knownOf = (signal: string): Float64Array => {
    let known = knowns.get(signal);
    if (!known) {
      known = signal === INPUT ? toShared(input) : BASELINES[signal](shared()).known;
      knowns.set(signal, known);
    }
    return known;
  };
  // While the first units run, build the baselines the later ones need, one per turn of the event
  // loop so that finished workers are handed their next unit in between.
  const prebuild = (async () => {
    for (const unit of units) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      knownOf(unit.signal);
    }
  })();
  const [, out] = await Promise.all([
    prebuild,
    runPool<UnitPoolInit, UnitRequest, UnitResult>({
      module: new URL("./unit_task.ts", import.meta.url).href,
      init: () => ({ panel: shared(), preparation: preparePanel(shared(), true), input: knownOf(INPUT) }),
      tasks: units,
      dispatch: (unit): UnitTask => ({ known: knownOf(unit.signal), ...unit }),
      workers,
      onResult: () => onDone(),
      label: "suite unit",
    }),
  ]);
  for (const [k, unit] of units.entries()) results[unit.unit] = out[k];
  return results;
}

/** Adopts a pool's init payload in a worker: the unit context over the shared panel. */
export function workerContext(
  init: UnitPoolInit,
): { panel: Panel; input: Float64Array; cache: Map<string, Float64Array> } {
  adoptPreparation(init.panel, init.preparation);
  return { panel: init.panel, input: init.input, cache: new Map() };
}

/** Bytes a worker holds per panel cell: its unit's residualized signal (8) and sort orders (5), rounded up. */
const WORKER_BYTES_PER_CELL = 14;
/** A worker's own runtime (isolate, code, scratch), roughly. */
const WORKER_BASE_BYTES = 80 * 2 ** 20;

/**
 * The default worker count of a suite on `panel`: one per core, but no more than fit in half of
 * the memory available now, a worker needing ~14 bytes per panel cell (its unit's residualized
 * signal and sort orders; everything else is shared) plus ~80 MB of runtime. At least 1.
 *
 * @example
 * ```ts
 * defaultWorkers(panel); // 2 on a 2-core machine with room to spare
 * defaultWorkers(panel, 16, 4 * 2 ** 30); // a 10,000 × 5,040 panel: 4 GiB available ⇒ 2 workers
 * ```
 */
export function defaultWorkers(
  panel: Panel,
  cores: number = navigator.hardwareConcurrency ?? 1,
  available: number = Deno.systemMemoryInfo().available,
): number {
  const perWorker = WORKER_BASE_BYTES + WORKER_BYTES_PER_CELL * panel.dates.length * panel.securityIds.length;
  return Math.max(1, Math.min(cores, Math.floor((available / 2) / perWorker)));
}
