/**
 * Configuration and result shapes of the cross-sectional fractile backtest.
 */
import type { Signal } from "../signal/types.ts";

/**
 * Residualization of the signal per date, before ranking (on the values known at each close, with
 * the descriptors of that close):
 * - `off`: raw signal.
 * - `industry`: demeaned within industry (`panel.industries`; "" is a group of its own).
 * - `factor`: OLS residual on an intercept + the risk descriptors present among log(mcap), value,
 *   beta (names missing a descriptor drop out that day).
 * - `all`: industry dummies + descriptors jointly (computed by Frisch–Waugh–Lovell: industry-demean
 *   signal and descriptors, then regress).
 */
export type ResidualizeMode = "off" | "industry" | "factor" | "all";

/** Weights within each leg: equal, ∝ |z-score of the signal|, or ∝ mcap (at the prior close). */
export type WeightMode = "equal" | "signal" | "cap";

/** Summary slices: the whole period, each calendar year, and per-date mcap terciles. */
export type SliceName = "overall" | "year" | "cap";

/** A fully resolved backtest configuration (see `DEFAULT_CONFIG` for defaults). */
export interface BacktestConfig {
  /** Extra days between knowing a value (close of day k) and holding it (day k + 1 + lag). */
  readonly lag: number;
  readonly residualize: ResidualizeMode;
  /** Cost in basis points per unit of turnover: cost = tcBps / 1e4 × turnover. */
  readonly tcBps: number;
  readonly weight: WeightMode;
  /**
   * `[lo, hi]` percentiles: long names with `100·(rank−1)/n >= hi`, short those `< lo`; or a bucket
   * count q: long bucket q − 1, short bucket 0, bucket = floor(q·(rank−1)/n).
   */
  readonly fractile: readonly [number, number] | number;
  /** Trade at the open of the holding day instead of the prior close (see `lib/signal/align.ts`). */
  readonly fromOpen: boolean;
  /** Dates with fewer valid names are skipped (no positions) and counted. */
  readonly mincos: number;
  readonly slices: readonly SliceName[];
}

/** Config overrides; anything omitted takes its default. */
export type BacktestOptions = Partial<BacktestConfig>;

/**
 * What the engine takes as a signal: a columnar `Signal` (aligned with `knownMatrix`) or a dense
 * `T × N` date-major matrix of values known at the close of each date (how baselines and suites
 * pass signals computed on the panel).
 */
export type SignalInput = Signal | { readonly known: Float64Array };

/** Performance of one slice, on NET daily returns unless named gross; annualised with periodsPerYear. */
export interface SliceSummary {
  readonly annual_return: number;
  readonly annual_volatility: number;
  readonly sharpe: number;
  readonly sharpe_gross: number;
  readonly max_drawdown: number;
  /** Share of traded days with net return > 0. */
  readonly hit_rate: number;
  /** Mean daily turnover. */
  readonly turnover: number;
  readonly n_long: number;
  readonly n_short: number;
  /** Mean over traded days of valid names / names with a return. */
  readonly coverage: number;
  readonly n_days: number;
}

/** Summaries: overall, per calendar year (UTC, "2024"), per mcap tercile (absent without mcap). */
export interface BacktestSummary {
  readonly overall: SliceSummary;
  readonly year: Readonly<Record<string, SliceSummary>>;
  readonly cap?: Readonly<Record<"small" | "mid" | "large", SliceSummary>>;
}

/** Daily series of the overall slice, traded dates only. */
export interface DailyResult {
  readonly date: Float64Array;
  /** Long leg return (weights sum to +1). */
  readonly long: Float64Array;
  /** Short leg return as held long (weights' magnitudes sum to 1); gross = long − short. */
  readonly short: Float64Array;
  readonly gross: Float64Array;
  /** gross − tcBps/1e4 × turnover. */
  readonly net: Float64Array;
  /** Net compounded from 1, minus 1. */
  readonly cumulative: Float64Array;
  /** Net drawdown (≤ 0). */
  readonly drawdown: Float64Array;
  readonly turnover: Float64Array;
  readonly n_long: Float64Array;
  readonly n_short: Float64Array;
}

/**
 * Earned-day return per bucket (deciles in percentile mode, else the q buckets) over traded dates,
 * raw (not demeaned), two ways.
 */
export interface FractileResult {
  readonly buckets: number;
  /**
   * Per-date mean, the default: each traded date's mean over the bucket's names, averaged over the
   * dates the bucket held names (Alphalens' `mean_return_by_quantile`: every date weighs the same).
   */
  readonly mean_return: Float64Array;
  /** Pooled mean over all (date, name) pairs: Σ returns / `count` (dates with more names weigh more). */
  readonly mean_return_pooled: Float64Array;
  /** (date, name) pairs per bucket. */
  readonly count: Float64Array;
  /** Traded dates on which the bucket held at least one name. */
  readonly dates: Float64Array;
  /** Spearman of bucket index vs `mean_return` (1 = perfectly increasing). */
  readonly monotonicity: number;
}

/** Daily Spearman rank IC of the aligned signal vs the earned return (average ranks for ties). */
export interface IcResult {
  readonly date: Float64Array;
  readonly ic: Float64Array;
  readonly mean: number;
  readonly std: number;
  /** mean / std. */
  readonly ir: number;
  /** mean / std · √n. */
  readonly t_stat: number;
}

/** Data-quality diagnostics. */
export interface Diagnostics {
  /** Per panel date: valid names / names with a return (NaN when none has a return). */
  readonly coverage: Float64Array;
  /** 1 − valid / with-return cells, over the dates the signal spans. */
  readonly missing_share: number;
  /**
   * Mean Spearman of consecutive known dates' signal ranks over their common names; NaN unless asked
   * for (`backtest()` does; `createBacktester(…, { rankAutocorrelation: true })`).
   */
  readonly rank_autocorrelation: number;
  readonly skipped_dates: number;
  /** Dates within the signal's span skipped: fewer than mincos valid names, or an empty leg. */
  readonly skipped: Float64Array;
  /** How many of the skipped dates had empty legs only because tied values may not be split. */
  readonly tied_dates: number;
  /** Those dates (a subset of `skipped`). */
  readonly tied: Float64Array;
}

/** Everything one backtest produces. */
export interface BacktestResult {
  readonly summary: BacktestSummary;
  readonly daily: DailyResult;
  readonly fractiles: FractileResult;
  readonly ic: IcResult;
  readonly diagnostics: Diagnostics;
  /** What the user should know about these numbers (e.g. dates without a position because of ties). */
  readonly warnings: readonly string[];
  readonly config: BacktestConfig;
}
