// The metric definitions issue 9 pins (empyrical's conventions at the edges), each with a hand
// computation or a scipy/pandas value run here (/usr/bin/python3: numpy 1.24.2, scipy 1.10.1,
// pandas 1.5.3).

import { equal } from "node:assert/strict";
import {
  annualReturn,
  averageDrawdown,
  beta,
  calmarRatio,
  conditionalValueAtRisk,
  cumulativeReturn,
  informationRatio,
  kurtosisAdjusted,
  maxDrawdown,
  maxDrawdownDuration,
  normalCdf,
  normalQuantile,
  rollingBeta,
  rollingSharpe,
  sharpeRatio,
  skewAdjusted,
} from "../lib/metrics/mod.ts";
import { assertNear } from "./fixtures/metrics/near.ts";

Deno.test("annualReturn() counts every period, NaN rows included (empyrical: len(returns) / ann)", () => {
  // [NaN, 0.1, 0.1] is 3 periods at 3/year: growth 1.21 over 1 year ⇒ 0.21 (not 1.21^(3/2) - 1)
  assertNear(annualReturn([NaN, 0.1, 0.1], 3), 0.21);
  // calmarRatio() is built on it: wealth 1.1, 0.88 ⇒ dd -0.2; CAGR over 4 periods at 4/year = -0.032
  assertNear(calmarRatio([0.1, NaN, -0.2, 0.1], 4), -0.032 / 0.2);
  assertNear(annualReturn([NaN, NaN], 252), NaN); // nothing to compound
  assertNear(annualReturn([0.5, -1], 2), -1); // wealth 0
});

Deno.test("beta() is NaN when the benchmark variance is zero up to round-off (< 1e-30)", () => {
  const r = [0.01, -0.02, 0.03, 0.005, -0.01, 0.02];
  // a constant 0.001 benchmark: its computed mean is off by an ulp, the centred variance ~1e-38,
  // which used to give cov / var ≈ 1e16
  assertNear(beta(r, new Array(6).fill(0.001)), NaN);
  assertNear(rollingBeta(r, new Array(6).fill(0.001), 3)[5], NaN);
  // a genuine benchmark still works: r = 2b exactly
  assertNear(beta([0.02, 0.04, 0.0], [0.01, 0.02, 0.0]), 2);
});

Deno.test("conditionalValueAtRisk() does not lose a value to round-off in 1 - confidence", () => {
  const r = Array.from({ length: 21 }, (_, k) => -(k + 1) / 100);
  // empyrical with cutoff 0.2: int((21 - 1) * 0.2) = 4 ⇒ mean of the 5 worst, -0.21..-0.17 = -0.19;
  // 1 - 0.8 = 0.19999999999999996 gives int(3.9999999999999991) = 3 (worst 4) without snapping
  assertNear(conditionalValueAtRisk(r, 0.8), -0.19);
  // 20 values (-0.02..-0.21): int(19 * 0.2) = int(3.8) = 3 ⇒ the 4 worst, -0.21..-0.18 (as empyrical)
  assertNear(conditionalValueAtRisk(r.slice(1), 0.8), -0.195);
});

Deno.test("normalQuantile() is accurate to ~1e-15 (scipy.stats.norm.ppf)", () => {
  // deno-fmt-ignore
  const scipy: [number, number][] = [[1e-300, -37.0470962993612], [1e-20, -9.262340089798409],
    [1e-10, -6.361340902404056], [1e-5, -4.264890793922825], [0.001, -3.090232306167813],
    [0.05, -1.6448536269514729], [0.3, -0.5244005127080409], [0.7, 0.5244005127080407],
    [0.95, 1.6448536269514722], [0.999999, 4.753424308817087]];
  for (const [p, expected] of scipy) assertNear(normalQuantile(p), expected, 1e-15, `p = ${p}`);
  assertNear(normalCdf(normalQuantile(0.025)), 0.025, 1e-15);
});

Deno.test("empty input gives NaN, not 0", () => {
  for (const f of [cumulativeReturn, maxDrawdown, averageDrawdown, maxDrawdownDuration]) {
    assertNear(f([]), NaN, 0, f.name);
    assertNear(f([NaN]), NaN, 0, `${f.name} of [NaN]`);
  }
  assertNear(annualReturn([], 252), NaN);
});

Deno.test("a series without deviation has an infinite Sharpe ratio by the sign of its mean", () => {
  // constant 0.001: mean 0.001, std 0 (computed ~6e-19 from round-off, which gave 2.4e16)
  equal(sharpeRatio(new Array(252).fill(0.001), 0, 252), Infinity);
  equal(sharpeRatio(new Array(252).fill(-0.001), 0, 252), -Infinity);
  assertNear(sharpeRatio([0, 0, 0], 0, 252), NaN); // 0 / 0
  // risk-free equal to the return: excess 0 ⇒ NaN
  assertNear(sharpeRatio([0.001, 0.001], 0.001, 252), NaN);
  equal(rollingSharpe([0.01, 0.001, 0.001, 0.001], 3)[3], Infinity);
  equal(informationRatio([0.011, 0.021, 0.031], [0.01, 0.02, 0.03], 252), Infinity);
});

Deno.test("skewAdjusted() and kurtosisAdjusted() are pandas' bias-corrected G1 / G2 (quantstats)", () => {
  const x = [0.0029, 0.026, -0.0176, 0.0208, -0.0042, -0.0042, 0.039];
  // pandas 1.5.3: pd.Series(x).skew() = 0.294107752415044, pd.Series(x).kurt() = -1.1670765143692856
  assertNear(skewAdjusted(x), 0.294107752415044, 1e-12);
  assertNear(kurtosisAdjusted(x), -1.1670765143692856, 1e-12);
  assertNear(skewAdjusted([1, 1, 1]), NaN);
});
