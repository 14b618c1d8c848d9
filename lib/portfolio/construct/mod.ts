/**
 * Portfolio construction over return streams (strategies or assets): equal weight, inverse
 * volatility, equal risk contribution, hierarchical risk parity, long-only minimum variance and
 * maximum Sharpe, rolling-Sharpe and regime-conditional weights; each with a lookback, a rebalance
 * schedule and optional Ledoit–Wolf shrinkage. Outputs weights over time, the combined returns,
 * turnover and risk contributions; `comparePortfolios` and `lookbackStability` put methods and
 * lookbacks side by side.
 *
 * @example
 * ```ts
 * import { comparePortfolios, constructPortfolio } from "./mod.ts";
 * const erc = constructPortfolio(streams, { method: "erc", lookback: 252, rebalance: "monthly", shrinkage: "ledoit_wolf" });
 * const { rows } = comparePortfolios(streams, { methods: ["inverse_vol", "erc", "hrp"] });
 * ```
 *
 * @module
 */
export * from "./construct.ts";
export * from "./compare.ts";
export {
  type CovarianceEstimate,
  covarianceEstimate,
  gramMatrix,
  rowRange,
  type Shrinkage,
  streamCorrelations,
} from "./covariance.ts";
export { type ErcOptions, ercWeights } from "./erc.ts";
export { equalWeights, inverseVolWeights, rollingSharpeWeights } from "./heuristic.ts";
export { hrpOrder, type HrpTree, hrpWeights } from "./hrp.ts";
export { maxSharpeWeights, minVarianceWeights } from "./mean_variance.ts";
export { solveSimplexQp } from "./qp.ts";
export { covTimes, portfolioVariance, riskContributions } from "./risk.ts";
export { parseSchedule, rebalanceFlags, type Schedule } from "./schedule.ts";
export { readReturnsFile, RUN_RETURN_COLUMNS, streamsFromRuns, streamsFromSeries } from "./inputs.ts";
