/**
 * Performance metrics of return series (empyrical's conventions: the library behind pyfolio and
 * quantstats). Every function takes simple per-period returns as `ArrayLike<number>` with NaN =
 * missing, and an explicit `periodsPerYear` wherever it annualises.
 *
 * @example
 * ```ts
 * import { allMetrics, drawdownTable, periodRate } from "./mod.ts";
 * const ret = [0.01, -0.02, 0.015, 0.003, -0.01, 0.007];
 * const m = allMetrics(ret, { periodsPerYear: 252, riskFree: periodRate(0.03, 252) });
 * console.log(m.sharpe, m.max_drawdown, drawdownTable(ret, 5));
 * ```
 *
 * @module
 */

export * from "./core.ts";
export * from "./returns.ts";
export * from "./risk.ts";
export * from "./moments.ts";
export * from "./tail.ts";
export * from "./distributions.ts";
export * from "./drawdown.ts";
export * from "./benchmark.ts";
export * from "./tables.ts";
export * from "./rolling.ts";
export * from "./capture.ts";
export * from "./gpd.ts";
export * from "./quantstats.ts";
export * from "./sharpe_inference.ts";
export * from "./regime.ts";
export * from "./bootstrap.ts";
export * from "./summary.ts";
export * from "./series_csv.ts";
export * from "./check.ts";
