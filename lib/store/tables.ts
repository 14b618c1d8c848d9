/**
 * The store's tables as columnar, in-memory records: what ingest produces and `writeTables` loads.
 * Dates are epoch ms at UTC midnight; NaN means missing in numeric columns.
 */

/** One security of the universe. `listed`/`delisted` are epoch ms or null when unknown/still listed. */
export interface SecurityRow {
  security_id: string;
  name: string;
  industry: string;
  /**
   * "equity" (default) for tradable shares — the cross-section every engine reads — and "index" for
   * benchmarks such as SPX; B3 ingest also stores "unit", "etf", "fii", "bdr", "fractional", "term" and
   * "option" instruments, kept out of the equity cross-section (see `lib/ingest/b3/market.ts`).
   */
  asset_class?: "equity" | "index" | "unit" | "etf" | "fii" | "bdr" | "fractional" | "term" | "option";
  listed: number | null;
  delisted: number | null;
}

/** Raw, unadjusted daily prices keyed by (security_id, date). */
export interface PriceColumns {
  security_id: string[];
  date: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/**
 * Corporate actions keyed by (security_id, ex_date, kind).
 * `split`: value = shares after / shares before (2 for a 2-for-1; raw prices halve on ex_date).
 * `dividend`: value = cash per share, going ex on ex_date.
 */
export interface ActionColumns {
  security_id: string[];
  ex_date: Float64Array;
  kind: ("split" | "dividend")[];
  value: Float64Array;
}

/** Per-date descriptors keyed by (security_id, date): market cap, 20-day ADV (currency), value, beta. */
export interface DescriptorColumns {
  security_id: string[];
  date: Float64Array;
  mcap: Float64Array;
  adv: Float64Array;
  value: Float64Array;
  beta: Float64Array;
}

/**
 * Dated values of series that belong to no security, keyed by (series_id, date): a cash rate (the
 * CDI, a policy rate) or a benchmark level (Ibovespa). Units are in `SeriesInfoRow.unit`.
 */
export interface SeriesColumns {
  series_id: string[];
  date: Float64Array;
  value: Float64Array;
}

/**
 * What a series is. `kind` "rate": `unit` "percent_per_day" (e.g. BCB series 12, the daily CDI, 0.05 =
 * 0.05% for the day) or "percent_per_year" (e.g. the Selic target, 252-business-day basis); `kind`
 * "index": `unit` "level" (index points).
 */
export interface SeriesInfoRow {
  series_id: string;
  name: string;
  kind: "rate" | "index";
  unit: "percent_per_day" | "percent_per_year" | "level";
  /** Where the values came from (a URL, a file, "synthetic"). */
  source: string;
}

/** Everything one ingest produces; any part may be empty. */
export interface Tables {
  securities: SecurityRow[];
  prices: PriceColumns;
  corporate_actions: ActionColumns;
  descriptors: DescriptorColumns;
  /** Trading days, epoch ms ascending. */
  calendar: Float64Array;
  /** Rates and benchmark levels (most ingests have none). */
  series?: SeriesColumns;
  series_info?: SeriesInfoRow[];
}
