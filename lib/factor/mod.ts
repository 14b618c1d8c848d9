/**
 * Factor analysis at Alphalens depth on quantnb's dense panel: forward returns, quantiles and bins
 * with pandas' edge semantics, mean return by quantile, the spread, factor weights and returns,
 * alpha/beta, information coefficient, turnover, rank autocorrelation and the event study.
 * `analyzeFactor` runs them all; each step is also exported on its own.
 *
 * @example
 * ```ts
 * import { analyzeFactor } from "./mod.ts";
 * const fa = analyzeFactor(panel, signal, { periods: [1, 5, 10], quantiles: 5, groupBy: "industry" });
 * fa.information.map((i) => i.summary.mean); // mean rank IC per period
 * ```
 *
 * @module
 */

export * from "./forward_returns.ts";
export * from "./quantize.ts";
export * from "./prepare.ts";
export * from "./returns.ts";
export * from "./ic.ts";
export * from "./turnover.ts";
export * from "./event.ts";
export * from "./analyze.ts";
