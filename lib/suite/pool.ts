import type { Panel } from "../panel/types.ts";
import { runUnit, type UnitRequest, type UnitResult } from "./unit.ts";

/**
 * Runs units over `workers` Web Workers (0 = in this thread), handing each free worker the next
 * unit. Results come back in unit order whatever the worker count or finishing order, so a suite's
 * numbers do not depend on parallelism. `onDone` is called after each unit (for progress).
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
  const count = Math.min(workers, units.length);
  let next = 0;
  await Promise.all(Array.from({ length: count }, async () => {
    const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
    try {
      worker.postMessage({ type: "init", panel, input });
      while (next < units.length) {
        const unit = units[next++];
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
          worker.postMessage({ type: "run", ...unit });
        });
        onDone();
      }
    } finally {
      worker.terminate();
    }
  }));
  return results;
}
