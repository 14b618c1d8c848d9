/**
 * The normal and Student t distribution functions the metrics need: Φ, φ, Φ⁻¹ and the t CDF, each
 * accurate to double precision. The complementary error function (fdlibm's algorithm) and the t CDF
 * (Boost's incomplete beta) come from stdlib-js; the quantile is our own, refined to full precision.
 */

import { createRequire } from "node:module";

// Required on first use, not imported: the two packages are hundreds of small CommonJS modules
// (~150 ms to load), and most processes that import the metrics (a batch worker running backtests,
// most CLI commands) never call them.
const require = createRequire(import.meta.url);
let erfcFn: ((x: number) => number) | undefined;
let tCdfFn: ((t: number, df: number) => number) | undefined;
const erfc = (x: number): number => (erfcFn ??= require("@stdlib/math-base-special-erfc"))(x);
const tCdf = (t: number, df: number): number => (tCdfFn ??= require("@stdlib/stats-base-dists-t-cdf"))(t, df);

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * Standard normal density φ(x) = exp(-x²/2) / sqrt(2π).
 *
 * @example
 * ```ts
 * normalPdf(0); // => 0.3989422804014327
 * ```
 */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Standard normal CDF Φ(x) = erfc(-x / √2) / 2, accurate in both tails (relative error near 1e-16,
 * as scipy's `norm.cdf`).
 *
 * @example
 * ```ts
 * normalCdf(-1.6448536269514729); // => 0.05 (to 1e-16)
 * ```
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9), the
// starting point of one Halley step.
const A = [
  -39.69683028665376,
  220.9460984245205,
  -275.9285104469687,
  138.357751867269,
  -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293,
  -0.3223964580411365,
  -2.400758277161838,
  -2.549732539343734,
  4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

function acklam(p: number): number {
  if (p > 1 - 0.02425) return -acklam(1 - p);
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/**
 * Standard normal quantile Φ⁻¹(p) for p ∈ (0, 1): Acklam's rational approximation refined by one
 * Halley step on `Φ(x) - p` (Acklam's own refinement), which brings the relative error to ~1e-15
 * (scipy's `norm.ppf` to the last digits). Symmetric: the upper half is computed as `-Φ⁻¹(1 - p)`
 * only where `1 - p` is exact, so tiny tail probabilities keep their precision.
 *
 * @example
 * ```ts
 * normalQuantile(0.05); // => -1.6448536269514729
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs p in (0, 1), found ${p}`);
  const x = acklam(p);
  // Halley: e = Φ(x) - p, u = e / φ(x); x ← x - u / (1 + x u / 2). In the upper half e is taken
  // as (1 - p) - Φ(-x), the same difference without cancelling against 1.
  const e = p > 0.5 ? (1 - p) - normalCdf(-x) : normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/**
 * Student t CDF with `df` degrees of freedom (stdlib-js, from Boost's incomplete beta; matches
 * scipy's `t.cdf` to ~1e-15).
 *
 * @example
 * ```ts
 * studentTCdf(-2, 10); // => 0.036694017385370196
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  return tCdf(t, df);
}
