/**
 * Tail risk: percentiles with numpy's default linear interpolation, historical and Gaussian
 * value-at-risk and conditional value-at-risk, and the tail ratio (empyrical conventions).
 * VaR and CVaR are returns (negative = loss), not loss magnitudes. NaN = missing.
 */

import { quantile, quickselect } from "simple-statistics";
import { finite, mean, sampleStd } from "./core.ts";
import { normalPdf, normalQuantile } from "./distributions.ts";
import { asArray } from "./_utils.ts";

/**
 * Percentile `q` ∈ [0, 100] of the non-NaN values with numpy's default `linear` method: position
 * `h = (n - 1) * q / 100` in the sorted values, interpolating between `x[floor(h)]` and `x[ceil(h)]`
 * (simple-statistics `quantile`, type 7, by quickselect: O(n), no full sort). NaN when empty.
 *
 * @example
 * ```ts
 * percentile([4, 1, 3, 2], 5); // => h = 0.15 ⇒ 1 + 0.15 * (2 - 1) = 1.15
 * ```
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile q must be in [0, 100], found ${q}`);
  const r = finite(values);
  return r.length ? quantile(asArray(r), q / 100) : NaN;
}

/**
 * Historical value-at-risk (empyrical's `value_at_risk`): the `100 * (1 - confidence)` percentile of
 * the returns, linear interpolation. At 95% this is the 5th percentile, a return ≤ 0 for most series.
 *
 * @example
 * ```ts
 * valueAtRisk([-0.04, -0.02, 0, 0.01, 0.03], 0.95); // => h = 4 * 0.05 = 0.2 ⇒ -0.04 + 0.2 * 0.02 = -0.036
 * ```
 */
export function valueAtRisk(returns: ArrayLike<number>, confidence = 0.95): number {
  return percentile(returns, 100 * (1 - confidence));
}

/**
 * Historical conditional value-at-risk / expected shortfall (empyrical's
 * `conditional_value_at_risk` with `cutoff = 1 - confidence`): the mean of the
 * `floor((n - 1) * cutoff) + 1` smallest non-NaN returns — the returns at or below the historical
 * VaR (identical unless values tie at the cut). The cut index is snapped to an integer within 1e-9,
 * so the round-off in `1 - confidence` (`1 - 0.8 = 0.19999999999999996`) never drops a value:
 * 21 returns at 0.8 average the worst `20 · 0.2 + 1 = 5` (issue 9's "20 values … the worst 5" is this
 * case: `(n - 1) · cutoff` = 20 · 0.2 is the only product that round-off can push below an integer;
 * 20 returns give `int(19 · 0.2) + 1 = 4`, as in empyrical, with no round-off involved).
 *
 * @example
 * ```ts
 * conditionalValueAtRisk([-0.04, -0.02, 0, 0.01, 0.03], 0.7); // => cut 1 ⇒ mean(-0.04, -0.02) = -0.03
 * ```
 */
export function conditionalValueAtRisk(returns: ArrayLike<number>, confidence = 0.95): number {
  const r = finite(returns).slice();
  if (r.length === 0) return NaN;
  const h = (r.length - 1) * (1 - confidence);
  const cut = Math.floor(h + 1e-9 * Math.max(1, h));
  quickselect(asArray(r), cut); // r[0..cut] are now the cut + 1 smallest returns
  let sum = 0;
  for (let k = 0; k <= cut; k++) sum += r[k];
  return sum / (cut + 1);
}

/**
 * Gaussian (parametric) value-at-risk: `mean(r) + z * sampleStd(r)` with `z = Φ⁻¹(1 - confidence)`
 * (≈ -1.644854 at 95%) and the sample standard deviation (ddof = 1) over the non-NaN returns: quantstats'
 * `value_at_risk` (`norm.ppf(1 - confidence, mean, std)`) on a series without missing values
 * (quantstats fills a missing period with 0 first).
 *
 * @example
 * ```ts
 * gaussianValueAtRisk([0.01, -0.01], 0.95); // => 0 - 1.644854 * 0.0141421 ≈ -0.023262
 * ```
 */
export function gaussianValueAtRisk(returns: ArrayLike<number>, confidence = 0.95): number {
  return mean(returns) + normalQuantile(1 - confidence) * sampleStd(returns);
}

/**
 * Gaussian conditional value-at-risk (expected shortfall of a normal with the sample mean and
 * standard deviation, ddof = 1): `mean(r) - sampleStd(r) * φ(z) / (1 - confidence)` with
 * `z = Φ⁻¹(1 - confidence)`; at 95% the multiplier is φ(1.644854) / 0.05 ≈ 2.062713.
 *
 * @example
 * ```ts
 * gaussianConditionalValueAtRisk([0.01, -0.01], 0.95); // => -2.062713 * 0.0141421 ≈ -0.029171
 * ```
 */
export function gaussianConditionalValueAtRisk(returns: ArrayLike<number>, confidence = 0.95): number {
  const tail = 1 - confidence;
  return mean(returns) - (sampleStd(returns) * normalPdf(normalQuantile(tail))) / tail;
}

/**
 * Tail ratio (empyrical's `tail_ratio`): `|percentile(r, 95)| / |percentile(r, 5)|`, linear
 * interpolation. Above 1, the right tail (gains) is fatter than the left (losses).
 *
 * @example
 * ```ts
 * tailRatio([-0.04, -0.02, 0, 0.01, 0.03]); // => |0.03 - 0.2 * 0.02| / |-0.036| = 0.026 / 0.036 ≈ 0.72222
 * ```
 */
export function tailRatio(returns: ArrayLike<number>): number {
  const r = finite(returns);
  if (r.length === 0) return NaN;
  const [p5, p95] = quantile(asArray(r), [0.05, 0.95]);
  return Math.abs(p95) / Math.abs(p5);
}
