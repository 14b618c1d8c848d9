/**
 * Portfolio construction (lib/portfolio/construct).
 *
 * Sources: closed forms worked out in the comments (two-asset minimum variance, inverse volatility,
 * tangency weights, a three-asset HRP by hand), and tests/fixtures/portfolio/construct_reference.json
 * from construct_reference.py (pandas 1.5.3 covariance, scikit-learn 1.2.1 ledoit_wolf, López de
 * Prado's 2016 HRP code with scipy 1.10.1, SLSQP minimum variance / maximum Sharpe), run here.
 */
import { strict as assert } from "node:assert";
import {
  comparePortfolios,
  CONSTRUCTION_METHODS,
  constructPortfolio,
  type CovarianceEstimate,
  covarianceEstimate,
  ercWeights,
  hrpOrder,
  hrpWeights,
  inverseVolWeights,
  lookbackStability,
  maxSharpeWeights,
  methodWeights,
  minVarianceWeights,
  portfolioVariance,
  rebalanceFlags,
  type ReturnStreams,
  riskContributions,
  rollingSharpeWeights,
  rowRange,
  trendRegimes,
} from "../lib/portfolio/construct/mod.ts";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";

const ref = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/portfolio/construct_reference.json", import.meta.url)),
);
const T = ref.returns.length, K = ref.returns[0].length;
const RETURNS = Float64Array.from(ref.returns.flat());
const ALL = Int32Array.from({ length: K }, (_, i) => i);

/** An estimate from a given covariance (means optional). */
function estimate(cov: number[], mean: number[] = []): CovarianceEstimate {
  const k = Math.round(Math.sqrt(cov.length));
  return {
    k,
    cov: Float64Array.from(cov),
    mean: Float64Array.from(mean.length ? mean : new Array(k).fill(0)),
    shrinkage: 0,
    n: 100,
  };
}

/** Weekday dates from 2021-01-04. */
function weekdays(n: number): Float64Array {
  const out: number[] = [];
  for (let d = Date.UTC(2021, 0, 4); out.length < n; d += 86_400_000) {
    const day = new Date(d).getUTCDay();
    if (day !== 0 && day !== 6) out.push(d);
  }
  return Float64Array.from(out);
}

const STREAMS: ReturnStreams = {
  dates: weekdays(T),
  names: Array.from({ length: K }, (_, i) => `s${i}`),
  returns: RETURNS,
  periodsPerYear: 252,
};

Deno.test("covariance estimates", async (t) => {
  await t.step("the sample covariance is pandas' DataFrame.cov() (ddof 1)", () => {
    const est = covarianceEstimate(RETURNS, K, ALL, rowRange(0, T));
    assertAllClose(est.cov, ref.cov.flat(), 1e-17);
  });

  await t.step("Ledoit–Wolf shrinkage matches scikit-learn's ledoit_wolf", () => {
    const est = covarianceEstimate(RETURNS, K, ALL, rowRange(0, T), "ledoit_wolf");
    assertAlmostEquals(est.shrinkage, ref.lw_shrinkage, 1e-12);
    assertAllClose(est.cov, ref.lw_cov.flat(), 1e-17);
  });
});

Deno.test("weighting methods", async (t) => {
  await t.step("minimum variance equals the two-asset closed form, clipped when long-only binds", () => {
    // σ1 = 0.2, σ2 = 0.1, ρ = 0.3: σ12 = 0.006, w1 = (σ2² − σ12)/(σ1² + σ2² − 2σ12) = 0.004/0.038.
    assertAllClose(
      minVarianceWeights(estimate([0.04, 0.006, 0.006, 0.01])),
      [0.004 / 0.038, 0.034 / 0.038],
      1e-15,
    );
    // ρ = 0.8: σ12 = 0.016 > σ2², so the unconstrained w1 = −0.006/0.018 < 0: long-only holds asset 2 only.
    assertAllClose(minVarianceWeights(estimate([0.04, 0.016, 0.016, 0.01])), [0, 1], 1e-15);
  });

  await t.step("minimum variance and maximum Sharpe on 8 streams match the certified optimum", () => {
    const est = covarianceEstimate(RETURNS, K, ALL, rowRange(0, T));
    const mv = minVarianceWeights(est);
    assertAllClose(mv, ref.min_variance, 1e-12);
    assert.equal(mv[0], 0);
    // SLSQP stops near it, with a higher variance.
    assertAllClose(mv, ref.min_variance_slsqp, 2e-4);
    assert.ok(
      portfolioVariance(est.cov, mv) <= portfolioVariance(est.cov, Float64Array.from(ref.min_variance_slsqp)),
    );
    const ms = maxSharpeWeights(est).weights;
    assertAllClose(ms, ref.max_sharpe, 1e-12);
    assertAllClose(ms, ref.max_sharpe_slsqp, 2e-4);
  });

  await t.step(
    "maximum Sharpe of uncorrelated assets is ∝ μ/σ²; without a positive mean it falls back",
    () => {
      // μ = (0.001, 0.0005), σ² = (0.04, 0.01): μ/σ² = (0.025, 0.05) ⇒ (1/3, 2/3).
      assertAllClose(
        maxSharpeWeights(estimate([0.04, 0, 0, 0.01], [0.001, 0.0005])).weights,
        [1 / 3, 2 / 3],
        1e-15,
      );
      const none = maxSharpeWeights(estimate([0.04, 0, 0, 0.01], [-0.001, -0.0005]));
      assert.equal(none.fallback, true);
      assertAllClose(none.weights, [0.2, 0.8], 1e-15);
    },
  );

  await t.step("equal risk contribution: risk contributions equal to 1e-8", () => {
    // Two assets: ERC is inverse volatility whatever the correlation, here (1/0.2, 1/0.1) ⇒ (1/3, 2/3).
    assertAllClose(ercWeights(estimate([0.04, 0.006, 0.006, 0.01])), [1 / 3, 2 / 3], 1e-12);
    for (const shrink of ["none", "ledoit_wolf"] as const) {
      const est = covarianceEstimate(RETURNS, K, ALL, rowRange(0, T), shrink);
      const w = ercWeights(est);
      assertAllClose(riskContributions(est.cov, w), new Array(K).fill(1 / K), 1e-8);
      assertAlmostEquals(w.reduce((a, b) => a + b), 1, 1e-15);
      assert.ok(w.every((v) => v > 0));
    }
  });

  await t.step("HRP by hand on three assets (A, B correlated 0.9; C apart)", () => {
    // σ = (0.1, 0.2, 0.15), ρ_AB = 0.9: cov_AB = 0.018. d_AB = √0.05, d_AC = d_BC = √0.5;
    // d̃_AB = √0.1 < d̃_AC = d̃_BC = √1.2338 ⇒ merge (A, B), then (C, AB): order [C, A, B].
    // Bisection [C] | [A, B]: IVP weights in AB are (0.8, 0.2), V_AB = 0.64·0.01 + 0.04·0.04 +
    // 2·0.8·0.2·0.018 = 0.01376, V_C = 0.0225, α = 1 − 0.0225/0.03626 to C; then [A] | [B]:
    // α = 1 − 0.01/0.05 = 0.8 to A.
    const est = estimate([0.01, 0.018, 0, 0.018, 0.04, 0, 0, 0, 0.0225]);
    const tree = hrpOrder(est);
    assert.deepEqual(Array.from(tree.order), [2, 0, 1]);
    assertAllClose(tree.linkage, [
      0,
      1,
      Math.sqrt(0.1),
      2,
      2,
      3,
      Math.sqrt(0.5 + (Math.sqrt(0.05) - Math.sqrt(0.5)) ** 2 + 0.5),
      3,
    ], 1e-15);
    const toC = 1 - 0.0225 / (0.0225 + 0.01376);
    assertAllClose(hrpWeights(est), [(1 - toC) * 0.8, (1 - toC) * 0.2, toC], 1e-15);
  });

  await t.step("HRP on 8 streams matches López de Prado's code (linkage, order, weights)", () => {
    const est = covarianceEstimate(RETURNS, K, ALL, rowRange(0, T));
    const tree = hrpOrder(est);
    assertAllClose(tree.linkage, ref.linkage.flat(), 1e-12);
    assert.deepEqual(Array.from(tree.order), ref.order);
    assertAllClose(hrpWeights(est), ref.hrp, 1e-14);
  });

  await t.step("inverse volatility and rolling Sharpe weights", () => {
    assertAllClose(inverseVolWeights(estimate([0.04, 0, 0, 0.01])), [1 / 3, 2 / 3], 1e-15);
    // SR = μ/σ = (0.002/0.2, −0.001/0.1, 0.003/0.1) ⇒ (0.01, 0, 0.03)/0.04.
    const est = estimate([0.04, 0, 0, 0, 0.01, 0, 0, 0, 0.01], [0.002, -0.001, 0.003]);
    assertAllClose(rollingSharpeWeights(est), [0.25, 0, 0.75], 1e-15);
    assertAllClose(rollingSharpeWeights(estimate([0.04, 0, 0, 0.01], [-1, -1])), [0.5, 0.5], 0);
  });
});

Deno.test("constructPortfolio()", async (t) => {
  await t.step("every method's weights sum to 1 and are long-only at every rebalance", () => {
    const benchmark = {
      name: "idx",
      level: Float64Array.from({ length: T }, (_, t) => 100 + 10 * Math.sin(t / 20)),
    };
    for (const method of CONSTRUCTION_METHODS) {
      const p = constructPortfolio({ ...STREAMS, benchmark }, {
        method,
        lookback: 60,
        rebalance: "monthly",
        regime: { trend: 50 },
      });
      assert.ok(p.rebalances.length >= 10, method);
      for (let r = 0; r < p.rebalances.length; r++) {
        const w = p.weights.subarray(r * K, (r + 1) * K);
        assertAlmostEquals(w.reduce((a, b) => a + b), 1, 1e-12, `${method} rebalance ${r}`);
        assert.ok(w.every((v) => v >= 0), `${method} long-only`);
      }
    }
  });

  await t.step(
    "returns come from drifting weights; the first trade is from cash; costs hit the next bar",
    () => {
      const p = constructPortfolio(STREAMS, { method: "inverse_vol", lookback: 60, rebalance: 21 });
      assert.deepEqual(Array.from(p.rebalances.subarray(0, 3)), [59, 80, 101]);
      assert.ok(Number.isNaN(p.returns[59]));
      assertAlmostEquals(p.turnover[0], 1, 1e-15);
      for (const t of [60, 75, 81]) {
        let r = 0;
        for (let i = 0; i < K; i++) r += p.held[t * K + i] * RETURNS[t * K + i];
        assertAlmostEquals(p.returns[t], r, 1e-17, `bar ${t}`);
      }
      // Bar 61's weights are bar 60's grown by (1 + r) and renormalised.
      const grown = Array.from({ length: K }, (_, i) => p.held[60 * K + i] * (1 + RETURNS[60 * K + i]));
      const total = grown.reduce((a, b) => a + b);
      assertAllClose(p.held.subarray(61 * K, 62 * K), grown.map((g) => g / total), 1e-16);
      const costly = constructPortfolio(STREAMS, {
        method: "inverse_vol",
        lookback: 60,
        rebalance: 21,
        tcBps: 10,
      });
      assertAlmostEquals(costly.returns[60], p.returns[60] - 10 / 1e4 * p.turnover[0], 1e-17);
      assertAlmostEquals(costly.returns[81], p.returns[81] - 10 / 1e4 * p.turnover[1], 1e-17);
      assertAlmostEquals(costly.returns[82], p.returns[82], 0);
    },
  );

  await t.step("monthly rebalances fall on each month's last bar after the first full lookback", () => {
    const flags = rebalanceFlags(STREAMS.dates, "monthly", 59);
    const bars = Array.from(flags.keys()).filter((t) => flags[t]);
    assert.equal(bars[0], 59);
    for (const t of bars.slice(1)) {
      assert.notEqual(new Date(STREAMS.dates[t]).getUTCMonth(), new Date(STREAMS.dates[t + 1]).getUTCMonth());
    }
  });

  await t.step("regime weights use the lookback's bars of the current regime", () => {
    const level = Float64Array.from({ length: T }, (_, t) => 100 + 10 * Math.sin(t / 20));
    const p = constructPortfolio({ ...STREAMS, benchmark: { name: "idx", level } }, {
      method: "regime",
      lookback: 80,
      rebalance: "monthly",
      regime: { trend: 30, base: "inverse_vol", minBars: 10 },
    });
    const regimes = trendRegimes(level, 30);
    const r = 3, t = p.rebalances[r];
    const rows = rowRange(t - 79, t + 1).filter((row) => regimes[row] === regimes[t]);
    const direct = methodWeights("inverse_vol", covarianceEstimate(RETURNS, K, ALL, rows)).weights;
    assertAllClose(p.weights.subarray(r * K, (r + 1) * K), direct, 1e-15);
    assert.equal(p.regimes![r], regimes[t]);
    // A change of regime is a rebalance.
    for (let b = 80; b < T - 1; b++) {
      if (regimes[b] !== regimes[b - 1]) assert.ok(p.rebalances.includes(b), `bar ${b}`);
    }
  });

  await t.step("the comparison table and the lookback stability", () => {
    const { rows } = comparePortfolios(STREAMS, { methods: ["inverse_vol", "erc", "hrp"], lookback: 60 });
    assert.deepEqual(rows.map((row) => row.method), ["inverse_vol", "erc", "hrp"]);
    const erc = constructPortfolio(STREAMS, { method: "erc", lookback: 60 });
    assert.equal(rows[1].sharpe, erc.metrics.sharpe);
    const stability = lookbackStability(STREAMS, { methods: ["hrp"], lookbacks: [60, 120] });
    assert.equal(stability[0].weight_distance, 0);
    assertAlmostEquals(stability[0].correlation_to_base, 1, 1e-12);
    assert.ok(stability[1].weight_distance > 0 && stability[1].weight_distance < 1);
  });

  await t.step("bad input gets one clear message", () => {
    assert.throws(
      () => constructPortfolio(STREAMS, { method: "erc", lookback: 400 }),
      /lookback of 400 bars is longer than the data \(300 bars\)/,
    );
    assert.throws(
      () => constructPortfolio(STREAMS, { method: "risk_parity" as "erc" }),
      /unknown construction method "risk_parity"/,
    );
    assert.throws(
      () => constructPortfolio(STREAMS, { method: "regime" }),
      /regime-conditional weights need a benchmark/,
    );
    assert.throws(
      () => constructPortfolio(STREAMS, { method: "erc", rebalance: "fortnightly" }),
      /rebalance schedule must be one of/,
    );
    assert.throws(
      () => constructPortfolio({ ...STREAMS, names: ["a", "a"] }, { method: "erc" }),
      /returns has 2400 values, expected 300 bars × 2 streams/,
    );
  });
});
