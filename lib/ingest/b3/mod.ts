/**
 * B3 market data: COTAHIST files (B3's official fixed-width layout, yearly/monthly/daily ZIPs or TXT)
 * to an adjusted, research-ready Brazilian store — parser, market filter and security master,
 * downloads, published corporate actions, split detection, adjustment checks, summaries, the
 * nine-step pipeline, and a synthetic market to try it all offline.
 *
 * Security ids: the ISIN for spot instruments (stable across ticker changes); `ISIN:F` fractional
 * lots, `ISIN:T<days>` term contracts, `TICKER:YYYYMMDD` options. `securities.asset_class` is
 * `equity` for shares (the cross-section) and `unit`, `etf`, `fii`, `bdr`, `fractional`, `term`,
 * `option` otherwise; `security_master.share_class` (ON, PN, PNA…, UNIT, ETF, FII, BDR) and
 * `security_master.lot_size` describe each instrument.
 *
 * @example
 * ```ts
 * import { runB3Pipeline } from "./mod.ts";
 * await runB3Pipeline(store, { periods: [{ kind: "yearly", year: 2024 }] });
 * ```
 * @module
 */
export {
  CotahistError,
  type CotahistHeader,
  type CotahistQuote,
  type CotahistTrailer,
  describeProblem,
  type LineProblem,
  parseCotahist,
  type ParseOptions,
  type ParseReport,
} from "./cotahist.ts";
export { QUOTE_FIELDS, RECORD_LENGTH, TPMERC } from "./layout.ts";
export { type CotahistPeriod, cotahistPeriod, type CotahistText, cotahistTexts } from "./source.ts";
export {
  formatCotahist,
  formatHeader,
  formatQuote,
  formatTrailer,
  latin1Bytes,
  type QuoteFields,
} from "./write_cotahist.ts";
export { crc32, writeZip, zipEntries, type ZipEntry, zipEntryChunks, type ZipInput } from "./zip.ts";
export { codintToIsin, isinCheckDigit, isValidIsin } from "./isin.ts";
export { BRL_CURRENCIES, currencyOn, type CurrencyPeriod, unitsPerBrl } from "./currency.ts";
export {
  type B3AssetClass,
  type B3Market,
  type Classification,
  classifyQuote,
  DEFAULT_KEEP,
  isinOf,
  KEEP_KINDS,
  type KeepKind,
  lotSizeOf,
  prefilterFor,
  securityIdOf,
} from "./market.ts";
export { type FileLoad, loadCotahistFile, type LoadOptions } from "./load.ts";
export {
  B3_COTAHIST_BASE_URL,
  cotahistFileName,
  DEFAULT_RAW_DIR,
  DownloadError,
  downloadFile,
  type DownloadOptions,
  type DownloadResult,
  listRawFiles,
  type RawFile,
} from "./download.ts";
export { type CorporateActionImport, importCorporateActions } from "./corporate_actions.ts";
export {
  detectAndApplySplits,
  type DetectedSplit,
  detectSplitsIn,
  type PriceSeries,
  SPLIT_RATIOS,
  type SplitDetection,
} from "./splits.ts";
export {
  type AdjustedCheck,
  adjustedCheck,
  type FactorStats,
  factorStats,
  readAdjustmentInput,
} from "./adjustments.ts";
export { refreshListingAndLiquidity } from "./refresh.ts";
export {
  b3Overview,
  type B3Summary,
  b3Summary,
  type LiquidityOptions,
  type LiquidityRow,
  liquidityUniverse,
} from "./summary.ts";
export {
  B3_STEPS,
  type B3Period,
  type B3PipelineOptions,
  type B3PipelineResult,
  runB3Pipeline,
} from "./pipeline.ts";
export {
  DEFAULT_SYNTHETIC_B3,
  syntheticB3Events,
  syntheticB3Market,
  type SyntheticB3Options,
  writeSyntheticB3,
} from "./synthetic.ts";
