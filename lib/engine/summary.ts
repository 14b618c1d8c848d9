/**
 * Summaries of a slice's daily series.
 */
import { annualReturn, annualVolatility, maxDrawdown, mean, sharpeRatio } from "../metrics/core.ts";
import type { SliceSummary } from "./types.ts";

/** A slice's daily series over its traded days (all arrays the same length). */
export interface SliceDaily {
  readonly net: Float64Array;
  readonly gross: Float64Array;
  readonly turnover: Float64Array;
  readonly n_long: Float64Array;
  readonly n_short: Float64Array;
  readonly coverage: Float64Array;
}

/**
 * Summarises a slice: annual return (CAGR), annual volatility (ddof 1), Sharpe (net and gross,
 * rf = 0), max drawdown on net returns, all annualised with `periodsPerYear` (empyrical conventions,
 * `lib/metrics/core.ts`); hit rate = share of days with net > 0; means of turnover, n_long, n_short,
 * coverage; n_days. NaN statistics when there are no days.
 *
 * @example
 * ```ts
 * sliceSummary({ net, gross, turnover, n_long, n_short, coverage }, 252).sharpe;
 * ```
 */
export function sliceSummary(daily: SliceDaily, periodsPerYear: number): SliceSummary {
  const { net } = daily;
  let wins = 0;
  for (let k = 0; k < net.length; k++) if (net[k] > 0) wins++;
  return {
    annual_return: annualReturn(net, periodsPerYear),
    annual_volatility: annualVolatility(net, periodsPerYear),
    sharpe: sharpeRatio(net, 0, periodsPerYear),
    sharpe_gross: sharpeRatio(daily.gross, 0, periodsPerYear),
    max_drawdown: net.length ? maxDrawdown(net) : NaN,
    hit_rate: net.length ? wins / net.length : NaN,
    turnover: mean(daily.turnover),
    n_long: mean(daily.n_long),
    n_short: mean(daily.n_short),
    coverage: mean(daily.coverage),
    n_days: net.length,
  };
}

/**
 * The rows of a slice's daily series picked by `keep` (indices into it), as a new `SliceDaily`.
 *
 * @example
 * ```ts
 * pickDays(daily, Int32Array.of(0, 2)).net.length; // => 2
 * ```
 */
export function pickDays(daily: SliceDaily, keep: Int32Array): SliceDaily {
  const pick = (x: Float64Array) => gather(x, keep);
  return {
    net: pick(daily.net),
    gross: pick(daily.gross),
    turnover: pick(daily.turnover),
    n_long: pick(daily.n_long),
    n_short: pick(daily.n_short),
    coverage: pick(daily.coverage),
  };
}

/**
 * `x[index[k]]` for every k, as a new array (a plain loop: no callback per element).
 *
 * @example
 * ```ts
 * gather(Float64Array.of(10, 20, 30), Int32Array.of(2, 0)); // => Float64Array [30, 10]
 * ```
 */
export function gather(x: ArrayLike<number>, index: ArrayLike<number>): Float64Array {
  const out = new Float64Array(index.length);
  for (let k = 0; k < index.length; k++) out[k] = x[index[k]];
  return out;
}
