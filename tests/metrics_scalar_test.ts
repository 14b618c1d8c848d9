// Scalar metrics on small series, each expected value worked out by hand in the comment beside it.

import { equal, throws } from "node:assert/strict";
import {
  alpha,
  annualReturn,
  bestPeriod,
  beta,
  calmarRatio,
  conditionalValueAtRisk,
  cumulativeReturn,
  downsideRisk,
  gaussianConditionalValueAtRisk,
  gaussianValueAtRisk,
  hitRate,
  informationRatio,
  kurtosis,
  maxDrawdown,
  normalQuantile,
  omegaRatio,
  percentile,
  periodRate,
  sharpeRatio,
  skew,
  sortinoRatio,
  stabilityOfTimeseries,
  tailRatio,
  trackingError,
  valueAtRisk,
  worstPeriod,
} from "../lib/metrics/mod.ts";
import { assertNear } from "./fixtures/metrics/near.ts";

const R4 = [0.02, -0.01, 0.01, -0.03];

Deno.test("core metrics keep their empyrical values", () => {
  // prod(1.1, 0.9) - 1 = 0.99 - 1
  assertNear(cumulativeReturn([0.1, NaN, -0.1]), -0.01);
  // 2 periods at 2 per year: CAGR = 1.21^(2/2) - 1
  assertNear(annualReturn([0.1, 0.1], 2), 0.21);
  // mean 0.02, sd 0.01 ⇒ 2 * sqrt(252)
  assertNear(sharpeRatio([0.01, 0.02, 0.03], 0, 252), 2 * Math.sqrt(252));
  // wealth 1.1, 0.55 ⇒ 0.55 / 1.1 - 1; a first-period loss counts from the starting wealth 1
  assertNear(maxDrawdown([0.1, -0.5, 0.2]), -0.5);
  assertNear(maxDrawdown([-0.2, 0.1]), -0.2);
});

Deno.test("periodRate() compounds an annual rate down to one period", () => {
  // (1.05)^(1/252) - 1, and back: (1 + p)^252 = 1.05
  assertNear(Math.pow(1 + periodRate(0.05, 252), 252), 1.05);
  assertNear(periodRate(0.21, 2), 0.1); // sqrt(1.21) - 1
});

Deno.test("hitRate(), bestPeriod(), worstPeriod() skip NaN", () => {
  assertNear(hitRate([0.01, -0.02, 0, NaN, 0.03]), 0.5); // 2 positive of 4 non-NaN (0 is not a hit)
  assertNear(bestPeriod([0.01, NaN, -0.02, 0.03]), 0.03);
  assertNear(worstPeriod([0.01, NaN, -0.02, 0.03]), -0.02);
  assertNear(hitRate([NaN]), NaN);
});

Deno.test("stabilityOfTimeseries() is the R² of cumulative log return on time", () => {
  // constant return ⇒ log-wealth is a straight line ⇒ R² = 1
  assertNear(stabilityOfTimeseries([0.01, 0.01, 0.01, NaN, 0.01]), 1);
  // r = e^[1, -1, 1] - 1 ⇒ y = [1, 0, 1], t = [0, 1, 2]: cov(t, y) = 0 ⇒ R² = 0
  assertNear(stabilityOfTimeseries([Math.E - 1, Math.exp(-1) - 1, Math.E - 1]), 0);
  assertNear(stabilityOfTimeseries([0.01]), NaN);
});

Deno.test("downsideRisk() and sortinoRatio() average over ALL periods", async (t) => {
  await t.step("threshold 0", () => {
    // min(r, 0)^2 = [0, 1e-4, 0, 9e-4]; mean over 4 = 2.5e-4 ⇒ sqrt * sqrt(252)
    const dr = Math.sqrt(2.5e-4) * Math.sqrt(252);
    assertNear(downsideRisk(R4, 0, 252), dr);
    // mean(r) = -0.0025 ⇒ -0.0025 * 252 / dr
    assertNear(sortinoRatio(R4, 0, 252), (-0.0025 * 252) / dr);
  });
  await t.step("required return 0.01", () => {
    // r - 0.01 = [0.01, -0.02, 0, -0.04]; squares of negatives 4e-4 + 16e-4 = 2e-3, /4 = 5e-4
    const dr = Math.sqrt(5e-4) * Math.sqrt(12);
    assertNear(downsideRisk(R4, 0.01, 12), dr);
    assertNear(sortinoRatio(R4, 0.01, 12), (-0.0125 * 12) / dr); // mean(r - 0.01) = -0.0125
  });
  await t.step("no losing period gives +Infinity, as numpy", () => {
    equal(sortinoRatio([0.01, 0.02], 0, 252), Infinity);
  });
});

Deno.test("calmarRatio() is CAGR over |max drawdown|", () => {
  // wealth 1.1, 0.88, 0.968 ⇒ max dd -0.2; CAGR with 3 periods at 3/year = 0.968 - 1 = -0.032
  assertNear(calmarRatio([0.1, -0.2, 0.1], 3), -0.16);
  assertNear(calmarRatio([0.1, 0.2], 252), NaN); // no drawdown
});

Deno.test("omegaRatio() sums gains over losses around a per-period threshold", () => {
  assertNear(omegaRatio(R4, 0), 0.03 / 0.04); // gains 0.02 + 0.01, losses 0.01 + 0.03
  // threshold 0.01: r - 0.01 = [0.01, -0.02, 0, -0.04] ⇒ 0.01 / 0.06
  assertNear(omegaRatio(R4, 0.01), 0.01 / 0.06);
  assertNear(omegaRatio([0.01, 0.02], 0), NaN);
});

Deno.test("skew() and kurtosis() use population moments, kurtosis in excess", () => {
  // [1, 2, 10]: deviations -10/3, -7/3, 17/3 ⇒ m2 = 146/9, m3 = 3570/81; scipy.stats.skew → 0.6745554845457661
  assertNear(skew([1, 2, NaN, 10]), 3570 / 81 / Math.pow(146 / 9, 1.5));
  assertNear(skew([1, 2, 10]), 0.6745554845457661);
  // [1, 2, 3, 4]: m2 = 1.25, m4 = (2 * 1.5^4 + 2 * 0.5^4) / 4 = 2.5625 ⇒ 2.5625 / 1.5625 - 3 = -1.36 (scipy: -1.36)
  assertNear(kurtosis([1, 2, 3, 4]), -1.36);
  assertNear(kurtosis([1, 2, 3]), NaN);
});

Deno.test("percentile() interpolates linearly like numpy", () => {
  // sorted [1, 2, 3, 4]: h = 3 * 0.05 = 0.15 ⇒ 1.15; h = 3 * 0.5 = 1.5 ⇒ 2.5; q = 100 ⇒ 4
  assertNear(percentile([4, 1, NaN, 3, 2], 5), 1.15);
  assertNear(percentile([4, 1, 3, 2], 50), 2.5);
  assertNear(percentile([4, 1, 3, 2], 100), 4);
  throws(() => percentile([1], 101), RangeError);
});

Deno.test("valueAtRisk(), conditionalValueAtRisk() and tailRatio() follow empyrical", () => {
  const r = [0.03, -0.02, 0.01, -0.04, 0];
  // sorted [-0.04, -0.02, 0, 0.01, 0.03]: 5th pct h = 4 * 0.05 = 0.2 ⇒ -0.04 + 0.2 * 0.02 = -0.036
  assertNear(valueAtRisk(r, 0.95), -0.036);
  // cut = floor(4 * 0.05) = 0 ⇒ mean of the single worst return
  assertNear(conditionalValueAtRisk(r, 0.95), -0.04);
  // 70%: cut = floor(4 * 0.3) = 1 ⇒ mean(-0.04, -0.02)
  assertNear(conditionalValueAtRisk(r, 0.7), -0.03);
  // 95th pct h = 3.8 ⇒ 0.01 + 0.8 * 0.02 = 0.026; |0.026| / |-0.036|
  assertNear(tailRatio(r), 0.026 / 0.036);
});

Deno.test("normalQuantile() and the Gaussian VaR / CVaR match scipy.stats.norm", () => {
  // scipy.stats.norm.ppf(0.05) = -1.6448536269514729; ppf(0.975) = 1.959963984540054; ppf(1e-4) = -3.7190164854556804 (scipy 1.10.1; mpmath agrees)
  assertNear(normalQuantile(0.05), -1.6448536269514729, 1e-15);
  assertNear(normalQuantile(0.975), 1.959963984540054, 1e-15);
  assertNear(normalQuantile(1e-4), -3.7190164854556804, 1e-15);
  // [0.01, -0.01]: mean 0, sd 0.0141421356 ⇒ scipy: norm.ppf(0.05) * sd = -0.023261743073533483
  assertNear(gaussianValueAtRisk([0.01, -0.01], 0.95), -0.023261743073533483, 1e-8);
  // ES: -sd * norm.pdf(norm.ppf(0.05)) / 0.05 = -0.0141421356 * 2.0627128075074253 = -0.02917116427657684
  assertNear(gaussianConditionalValueAtRisk([0.01, -0.01], 0.95), -0.02917116427657684, 1e-8);
});

Deno.test("beta() and alpha() follow empyrical's alpha_beta on paired periods", () => {
  // r = 2b exactly ⇒ β = 2; NaN in either drops the pair
  assertNear(beta([0.02, 0.04, 0.0, NaN, 0.5], [0.01, 0.02, 0.0, 0.3, NaN]), 2);
  // r = [0.03, 0.05, 0.01], b = [0.01, 0.02, 0]: cov = (0 + 0.0002 + 0.0002)/3, var = 0.0002/3 ⇒ β = 2;
  // r - 2b = 0.01 each ⇒ alpha = (1.01)^12 - 1
  assertNear(alpha([0.03, 0.05, 0.01], [0.01, 0.02, 0.0], 0, 12), Math.pow(1.01, 12) - 1);
  // rf = 0.005: (r - rf) - 2 (b - rf) = 0.01 + 0.005 ⇒ (1.015)^12 - 1
  assertNear(alpha([0.03, 0.05, 0.01], [0.01, 0.02, 0.0], 0.005, 12), Math.pow(1.015, 12) - 1);
  assertNear(beta([0.01, 0.02], [0.01, 0.01]), NaN); // constant benchmark
  throws(() => beta([0.01], [0.01, 0.02]), RangeError);
});

Deno.test("trackingError() and informationRatio() use the ddof-1 std of r - b", () => {
  // active = [0.01, 0, 0.02]: mean 0.01, sd 0.01
  const r = [0.02, 0.01, 0.03];
  const b = [0.01, 0.01, 0.01];
  assertNear(trackingError(r, b, 252), 0.01 * Math.sqrt(252));
  assertNear(informationRatio(r, b, 252), Math.sqrt(252));
  assertNear(informationRatio(b, b, 252), NaN);
});
