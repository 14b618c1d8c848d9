/**
 * The cross-sectional fractile backtest engine: rank a signal across securities each day, hold the
 * top fractile long and the bottom short ($1 / $1), rebalance daily, charge costs on turnover, and
 * report summaries (overall, per year, per mcap tercile), daily series, fractile returns, rank IC and
 * diagnostics. Timing follows the signal contract (`lib/signal/align.ts`).
 *
 * @example
 * ```ts
 * import { backtest, createBacktester } from "./mod.ts";
 * const result = backtest(panel, signal, { lag: 1, residualize: "industry" });
 * const bt = createBacktester(panel, { known }); // many variants, shared sorting
 * const variants = [0, 1, 2].map((lag) => bt.run({ lag }));
 * ```
 *
 * @module
 */
export { adoptPreparation, backtest, createBacktester, preparePanel } from "./backtest.ts";
export type { Backtester, BacktesterOptions, PanelPreparation } from "./backtest.ts";
export { fractileCut } from "./cuts.ts";
export { DEFAULT_CONFIG, resolveConfig } from "./config.ts";
export { residualize, riskDescriptors } from "./residualize.ts";
export { earnedReturns } from "./returns.ts";
export type { EarnedReturns } from "./returns.ts";
export { averageRanksInto, pearsonOver, spearman } from "./rank.ts";
export { rowOrders, sortByKey } from "./sort.ts";
export type { RowOrders } from "./sort.ts";
export { sliceSummary } from "./summary.ts";
export type {
  BacktestConfig,
  BacktestOptions,
  BacktestResult,
  BacktestSummary,
  DailyResult,
  Diagnostics,
  FractileResult,
  IcResult,
  ResidualizeMode,
  SignalInput,
  SliceName,
  SliceSummary,
  WeightMode,
} from "./types.ts";
