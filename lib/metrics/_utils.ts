/** Private helpers shared by the metric modules (not re-exported by `mod.ts`). */

/**
 * simple-statistics only indexes, reads `length`, slices or swaps in place, all of which typed arrays
 * do, but types its inputs as arrays; this names that one cast instead of scattering it.
 */
export function asArray(values: Float64Array): number[] {
  return values as unknown as number[];
}

/**
 * The positions where both series are non-NaN, as two packed arrays. Throws a `RangeError` when the
 * lengths differ (series must already be aligned by date).
 */
export function pairedFinite(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
): [Float64Array, Float64Array] {
  checkAligned(returns, benchmark);
  const r = new Float64Array(returns.length);
  const b = new Float64Array(returns.length);
  let n = 0;
  for (let k = 0; k < returns.length; k++) {
    if (!Number.isNaN(returns[k]) && !Number.isNaN(benchmark[k])) {
      r[n] = returns[k];
      b[n++] = benchmark[k];
    }
  }
  return [r.subarray(0, n), b.subarray(0, n)];
}

/** Throws a `RangeError` unless `value` is an integer ≥ `min`; `name` labels the message. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, found ${value}`);
  }
}

/** Throws a `RangeError` unless the two series have the same length (aligned by date). */
export function checkAligned(returns: ArrayLike<number>, benchmark: ArrayLike<number>): void {
  if (returns.length !== benchmark.length) {
    throw new RangeError(
      `returns and benchmark must be aligned: expected equal lengths, found ${returns.length} and ${benchmark.length}`,
    );
  }
}

/**
 * A risk-free rate (or required return) PER PERIOD: one constant, or a series aligned by position
 * with the returns (a missing value there makes that period missing).
 */
export type RiskFree = number | ArrayLike<number>;

/**
 * `returns - riskFree` position by position (NaN where either is NaN). Throws a `RangeError` when a
 * series rate has another length than the returns.
 */
export function excessReturns(returns: ArrayLike<number>, riskFree: RiskFree): Float64Array {
  const out = Float64Array.from(returns);
  if (typeof riskFree === "number") {
    if (riskFree !== 0) { for (let k = 0; k < out.length; k++) out[k] -= riskFree; }
    return out;
  }
  if (riskFree.length !== returns.length) {
    throw new RangeError(
      `the risk-free series must be aligned with the returns: expected ${returns.length} values, found ${riskFree.length}`,
    );
  }
  for (let k = 0; k < out.length; k++) out[k] -= riskFree[k];
  return out;
}

/**
 * `f` over each full window `[t + 1 - window, t]` of one or two aligned series (`b` may be omitted),
 * as subarray views; the output has the input's length, NaN before the first full window.
 */
export function rollWindows(
  a: ArrayLike<number>,
  b: ArrayLike<number> | null,
  window: number,
  f: (a: Float64Array, b: Float64Array) => number,
): Float64Array {
  if (b) checkAligned(a, b);
  checkInteger("window", window, 1);
  const x = Float64Array.from(a), y = b ? Float64Array.from(b) : x;
  const out = new Float64Array(x.length).fill(NaN);
  for (let t = window - 1; t < x.length; t++) {
    out[t] = f(x.subarray(t + 1 - window, t + 1), y.subarray(t + 1 - window, t + 1));
  }
  return out;
}
