/**
 * Series that belong to no security, from Brazil's public sources: the daily CDI (central bank SGS
 * series 12, stored as "CDI", percent per day) and the Ibovespa (B3's index history, stored as "IBOV",
 * points), fetched and cached like raw files, or read from a local CSV.
 *
 * @example
 * ```ts
 * import { fetchSeries, loadSeriesCsv } from "./mod.ts";
 * await fetchSeries(store, "CDI", 2020, 2024, { rawDir: "data/raw/b3" });
 * await loadSeriesCsv(store, "IBOV", "ibov.csv");
 * ```
 * @module
 */
export { B3_SERIES, fetchSeries, type FetchSeriesOptions, loadSeriesCsv, type SeriesLoad } from "./load.ts";
export {
  B3_INDEX_BASE_URL,
  BCB_SGS_BASE_URL,
  type DatedValues,
  indexHistoryUrl,
  parseIndexHistoryJson,
  parseSgsJson,
  SGS_CDI,
  sgsUrl,
} from "./sources.ts";
