import { adoptPreparation, type PanelPreparation, preparePanel } from "../engine/backtest.ts";
import { sharedPanel } from "../panel/shared.ts";
import type { Panel } from "../panel/types.ts";
import { toShared } from "../util/shared.ts";
import { BASELINES } from "./baselines.ts";
import { INPUT, runUnit, type UnitRequest, type UnitResult } from "./unit.ts";

/** What the pool posts to a worker once: everything in shared memory, nothing copied. */
export interface WorkerInit {
  type: "init";
  panel: Panel;
  preparation: PanelPreparation;
  input: Float64Array;
}

/** One unit for a worker, with the known matrix of its signal (shared memory). */
export type WorkerRun = { type: "run"; known: Float64Array } & UnitRequest;

/**
 * Runs units over `workers` Web Workers (0 = in this thread), handing each free worker the next
 * unit. Results come back in unit order whatever the worker count or finishing order, so a suite's
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
  // Start the workers first: they load their modules while this thread prepares what they share.
  const count = Math.min(workers, units.length);
  const pool = Array.from(
    { length: count },
    () => new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" }),
  );
  const shared = sharedPanel(panel);
  let init: WorkerInit;
  try {
    init = { type: "init", panel: shared, preparation: preparePanel(shared, true), input: toShared(input) };
  } catch (error) {
    for (const worker of pool) worker.terminate();
    throw error;
  }
  const knowns = new Map<string, Float64Array>([[INPUT, init.input]]);
  const knownOf = (signal: string): Float64Array => {
    let known = knowns.get(signal);
    if (!known) knowns.set(signal, known = BASELINES[signal](shared).known);
    return known;
  };
  let next = 0;
  // While the first units run, build the baselines the later ones need, one per turn of the event
  // loop so that finished workers are handed their next unit in between.
  const prebuild = (async () => {
    for (const unit of units) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      knownOf(unit.signal);
    }
  })();
  await Promise.all([
    prebuild,
    ...pool.map(async (worker) => {
      try {
        worker.postMessage(init);
        while (next < units.length) {
          const unit = units[next++];
          const run: WorkerRun = { type: "run", known: knownOf(unit.signal), ...unit };
          results[unit.unit] = await new Promise<UnitResult>((resolve, reject) => {
            worker.onmessage = (event: MessageEvent) => {
              const m = event.data;
              if (m.type === "error") reject(new Error(`suite unit ${m.unit}: ${m.message}`));
              else resolve(m.result);
            };
            worker.onerror = (event) => {
              event.preventDefault();
              reject(new Error(`suite worker failed: ${event.message}`));
            };
            worker.postMessage(run);
          });
          onDone();
        }
      } finally {
        worker.terminate();
      }
    }),
  ]);
  return results;
}

/** Adopts a pool's init message in a worker: the unit context over the shared panel. */
export function workerContext(
  init: WorkerInit,
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
