/**
 * Data shaping for tear sheets and notebook views: compounded series, several runs on one date axis,
 * Sharpe by lag per residualize mode, and the breakeven cost. Typed arrays in and out; no HTML here.
 */
import type { BacktestResult, DailyResult } from "../engine/types.ts";
import { cumulativeReturns } from "../metrics/returns.ts";

/**
 * Compounded return series from simple returns, `Π(1 + r[0..t]) − 1` (NaN counts as 0): metrics'
 * `cumulativeReturns` from a starting value of 0.
 *
 * @example
 * ```ts
 * compoundSeries([0.1, 0.1]); // => Float64Array [0.1, 0.21]
 * ```
 */
export function compoundSeries(returns: ArrayLike<number>): Float64Array {
  return cumulativeReturns(returns);
}

/**
 * Net cumulative returns of several runs on the union of their dates (ascending). Each series is
 * compounded over its own traded dates, NaN before its first date and carried forward over dates it
 * did not trade (a skipped day earns nothing).
 *
 * @example
 * ```ts
 * const { dates, series } = alignedCumulative([{ name: "a", daily: a.daily }, { name: "b", daily: b.daily }]);
 * ```
 */
export function alignedCumulative(
  runs: readonly { name: string; daily: Pick<DailyResult, "date" | "net"> }[],
): { dates: Float64Array; series: Record<string, Float64Array> } {
  const all = new Set<number>();
  for (const run of runs) run.daily.date.forEach((d) => all.add(d));
  const dates = Float64Array.from(all).sort();
  const series: Record<string, Float64Array> = {};
  for (const run of runs) {
    const cumulative = compoundSeries(run.daily.net);
    const out = new Float64Array(dates.length).fill(NaN);
    let k = 0, last = NaN;
    for (let t = 0; t < dates.length; t++) {
      if (k < run.daily.date.length && run.daily.date[k] === dates[t]) last = cumulative[k++];
      out[t] = last;
    }
    series[uniqueKey(series, run.name)] = out;
  }
  return { dates, series };
}

function uniqueKey(record: Record<string, unknown>, name: string): string {
  let key = name, n = 2;
  while (key in record) key = `${name} (${n++})`;
  return key;
}

/**
 * Net Sharpe by lag, one series per residualize mode, over the variants with the given cost (so a
 * cost dimension in the preset does not mix in). Lags ascending; NaN where a (mode, lag) was not run.
 *
 * @example
 * ```ts
 * lagDecay(suite.signal.variants, 10); // => { lags: [0, 1, 2], series: { off: [1.4, 1.1, 0.9], industry: [...] } }
 * ```
 */
export function lagDecay(
  variants: readonly { result: BacktestResult }[],
  tcBps: number,
): { lags: number[]; series: Record<string, Float64Array> } {
  const chosen = variants.filter((v) => v.result.config.tcBps === tcBps);
  const lags = [...new Set(chosen.map((v) => v.result.config.lag))].sort((a, b) => a - b);
  const series: Record<string, Float64Array> = {};
  for (const { result } of chosen) {
    const mode = result.config.residualize;
    series[mode] ??= new Float64Array(lags.length).fill(NaN);
    series[mode][lags.indexOf(result.config.lag)] = result.summary.overall.sharpe;
  }
  return { lags, series };
}

/**
 * The cost in basis points per unit of turnover at which the mean net return is zero:
 * `1e4 · mean(gross) / mean(turnover)`. NaN without turnover.
 *
 * @example
 * ```ts
 * breakevenBps({ gross: [0.001, 0.001], turnover: [0.5, 0.5] }); // => 20
 * ```
 */
export function breakevenBps(daily: { gross: ArrayLike<number>; turnover: ArrayLike<number> }): number {
  let gross = 0, turnover = 0;
  for (let t = 0; t < daily.gross.length; t++) {
    if (Number.isFinite(daily.gross[t]) && Number.isFinite(daily.turnover[t])) {
      gross += daily.gross[t];
      turnover += daily.turnover[t];
    }
  }
  return turnover > 0 ? (1e4 * gross) / turnover : NaN;
}
