/**
 * Ingest: every way data gets into the store — the deterministic synthetic universe, the bundled
 * S&P 500 sample, a user's CSV/Parquet files — plus split/dividend back-adjustment.
 *
 * @example
 * ```ts
 * import { ingestSynthetic, ingestSample } from "./mod.ts";
 * await ingestSynthetic(store, { seed: 7 });
 * await ingestSample(store);
 * ```
 * @module
 */
import type { Store } from "../store/db.ts";
import { type LoadCounts, writeTables } from "../store/write.ts";
import {
  DEFAULT_SYNTHETIC,
  simulateUniverse,
  type SyntheticOptions,
  type SyntheticUniverse,
} from "./synthetic.ts";

export { type Action, type AdjustedFields, adjustmentFactors, adjustPanel } from "./adjust.ts";
export { DATE_FORMATS, dateFormatCandidates, detectDateFormat } from "./date_format.ts";
export { InputError, type InputProblem } from "./errors.ts";
export {
  type FileTable,
  ingestFile,
  type IngestFileOptions,
  type IngestFileResult,
  type InputWarning,
} from "./file.ts";
export { FILE_TABLES } from "./file_rules.ts";
export { ingestSample, SAMPLE_ID, samplePath } from "./sample.ts";
export {
  DEFAULT_SYNTHETIC,
  generateUniverse,
  sentimentSignal,
  type SentimentSignalOptions,
  simulateUniverse,
  type SyntheticOptions,
  type SyntheticUniverse,
} from "./synthetic.ts";
export { syntheticCalendar } from "./calendar.ts";

/**
 * Generates the synthetic universe and loads it into the store in one transaction, recording the
 * generator parameters in `ingest_log` (and so in every snapshot's manifest).
 *
 * @example
 * ```ts
 * const counts = await ingestSynthetic(store, { nSecurities: 100, years: 2 });
 * ```
 */
export async function ingestSynthetic(store: Store, options: SyntheticOptions = {}): Promise<LoadCounts> {
  const params = { ...DEFAULT_SYNTHETIC, ...options };
  return await loadUniverse(store, simulateUniverse(params), params);
}

/**
 * Loads an already simulated universe (e.g. one whose `sentimentSignal` you also want) into the
 * store in one transaction, recording `params` in `ingest_log`.
 *
 * @example
 * ```ts
 * const universe = simulateUniverse(DEFAULT_SYNTHETIC);
 * await loadUniverse(store, universe, DEFAULT_SYNTHETIC);
 * const signal = sentimentSignal(universe);
 * ```
 */
export async function loadUniverse(
  store: Store,
  universe: SyntheticUniverse,
  params: SyntheticOptions,
): Promise<LoadCounts> {
  return await writeTables(store, universe.tables, {
    source: "synthetic",
    params: { ...DEFAULT_SYNTHETIC, ...params },
  });
}
