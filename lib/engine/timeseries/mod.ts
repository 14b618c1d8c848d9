/**
 * Time-series backtests of one instrument at a time, many columns at once: `fromSignals` (vectorized
 * entry/exit signals with fees, slippage, stops), parameter grids (`gridSearch`, `maCrossoverGrid`), and
 * the shared pieces (bars, cost model, trade records). A parameter grid is just more columns.
 *
 * @example
 * ```ts
 * import { crossSignals, fromSignals, maCrossoverGrid, columnSummary } from "./mod.ts";
 * const { entries, exits } = crossSignals(sma(close, 20), sma(close, 100));
 * const result = fromSignals({ close, dates }, entries, exits, { feesBps: 10, stopLoss: 0.05 });
 * columnSummary(result).sharpe;
 * const grid = maCrossoverGrid({ close, dates }, { fast: [5, 10, 20], slow: [50, 100, 200] });
 * ```
 *
 * @module
 */
export { type Bars, barsFromPanel, periodsPerYearOf, resolveBars, type ResolvedBars } from "./bars.ts";
export { type CostModel, resolveCosts, type ResolvedCosts } from "./costs.ts";
export {
  columnEquity,
  columnPosition,
  columnReturns,
  type ColumnStats,
  columnSummary,
  type Direction,
  type FillTiming,
  fromSignals,
  type FromSignalsOptions,
  type FromSignalsResult,
  type SignalMask,
  type SizeType,
} from "./from_signals.ts";
export { EXIT_REASONS, type ExitReason, type TradeRecords, type TradeRow, tradeRows } from "./trades.ts";
export {
  type BestColumn,
  GRID_METRICS,
  gridCombinations,
  type GridMetric,
  type GridOptions,
  type GridResult,
  type GridRow,
  gridSearch,
  type ParamGrid,
  type Params,
  type SignalsFor,
} from "./grid.ts";
export { type CrossoverGrid, crossSignals, maCrossoverGrid } from "./crossover.ts";
export { recordTimeseriesRun, type TimeseriesRunMeta } from "./record.ts";
export { sampleBars } from "./sample.ts";
