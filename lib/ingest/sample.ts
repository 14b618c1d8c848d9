import { createRequire } from "node:module";
import { sqlString, type Store } from "../store/db.ts";
import { ingestFile, type IngestFileResult } from "./file.ts";

/** The benchmark's security id in the store. */
export const SAMPLE_ID = "SPX";

/**
 * Path of the bundled real sample: daily S&P 500 OHLCV, 2000-01-03 → 2020-04-17, as shipped in the
 * npm package `vega-datasets` (`data/sp500-2000.csv`; its `adjclose` equals `close` for the index).
 */
export function samplePath(): string {
  return createRequire(import.meta.url).resolve("vega-datasets/data/sp500-2000.csv");
}

/**
 * Ingests the bundled S&P 500 sample as security `SPX` (asset class `index`, usable as benchmark and
 * kept out of equity cross-sections).
 *
 * @example
 * ```ts
 * const { rows } = await ingestSample(store); // => 5105 daily bars
 * ```
 */
export async function ingestSample(store: Store, file: string = samplePath()): Promise<IngestFileResult> {
  const result = await ingestFile(store, file, { security: SAMPLE_ID });
  await store.conn.run(
    `UPDATE securities SET name = 'S&P 500 index', asset_class = 'index', industry = 'Index'
     WHERE security_id = ${sqlString(SAMPLE_ID)}`,
  );
  return result;
}
