/** Reading a run's daily series. */
import { join } from "node:path";
import { readDailyParquet } from "./daily_parquet.ts";
import { resolveRunDir, type RunsDirOptions } from "./get_run.ts";
import type { Daily } from "./types.ts";

/**
 * Reads the daily series of a run (id or unique prefix) from its `daily.parquet`: `date` as epoch ms,
 * the other columns as Float64Array with NULL read as NaN. A run recorded without a daily series gives
 * `{ date: Float64Array [] }`.
 *
 * @example
 * ```ts
 * const { date, net } = await readDaily("20240102-101500-mom", { runsDir: "runs" });
 * ```
 */
export async function readDaily(id: string, options: RunsDirOptions = {}): Promise<Daily> {
  const path = join(await resolveRunDir(id, options.runsDir), "daily.parquet");
  try {
    await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { date: new Float64Array(0) };
    throw e;
  }
  return readDailyParquet(path);
}
