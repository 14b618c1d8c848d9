/**
 * Overfitting guards: PSR, MinTRL, expected maximum Sharpe, DSR (lib/metrics/sharpe_inference.ts) and
 * PBO by CSCV (lib/optimize/pbo.ts).
 *
 * Sources: the deflated Sharpe ratio paper's numerical example (Bailey & López de Prado 2014: DSR =
 * 0.9004), hand computations shown inline, and tests/fixtures/optimize/guards_reference.json written
 * by guards_reference.py (the papers' formulas with numpy 2.4.6 / scipy 1.17.1, run here).
 */
import { strict as assert } from "node:assert";
import {
  deflatedSharpe,
  expectedMaxSharpe,
  minTrackRecordLength,
  probabilisticSharpe,
  sharpeMoments,
  sharpeStandardError,
} from "../lib/metrics/sharpe_inference.ts";
import { probabilityOfOverfitting } from "../lib/optimize/pbo.ts";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";

const ref = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/optimize/guards_reference.json", import.meta.url)),
);

/** Row-major T × N matrix from a list of rows. */
function matrix(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

Deno.test("Sharpe-ratio inference (PSR, MinTRL, DSR)", async (t) => {
  await t.step("deflatedSharpe() reproduces the 2014 paper's numerical example (DSR ≈ 0.9004)", () => {
    // Bailey & López de Prado (2014), "A numerical example": annualised SR 2.5 over 5 years of daily
    // returns (T = 1250, 250 days a year), γ3 = −3, γ4 = 10, N = 100 trials whose annualised Sharpe
    // ratios have variance 1/2. SR0 (annualised) ≈ 0.1132·√250 → per day 0.1132; DSR = 0.9004.
    const m = { sharpe: 2.5 / Math.sqrt(250), n: 1250, skew: -3, kurtosis: 10 };
    const out = deflatedSharpe(m, { trials: 100, variance: 0.5 / 250 });
    assertAlmostEquals(out.sr0, 0.1132, 5e-5, "SR0");
    assertAlmostEquals(out.dsr, 0.9004, 5e-5, "DSR");
    // Same numbers from the formula in scipy: 0.11317200186513214, 0.9003968344493903.
    assertAlmostEquals(out.sr0, 0.11317200186513214, 1e-14);
    assertAlmostEquals(out.dsr, 0.9003968344493903, 1e-12);
  });

  await t.step("probabilisticSharpe() under normal moments is Φ(SR·√(n−1)/√(1 + SR²/2))", () => {
    // SR = 0.1, n = 101, γ3 = 0, γ4 = 3: σ = √((1 + 0.5·0.01)/100) = 0.100250; z = 0.99751;
    // Φ(z) = 0.8407413278013518 (scipy norm.cdf).
    const m = { sharpe: 0.1, n: 101, skew: 0, kurtosis: 3 };
    assertAlmostEquals(sharpeStandardError(m), Math.sqrt(1.005 / 100), 1e-15);
    assertAlmostEquals(probabilisticSharpe(m), 0.8407413278013518, 1e-14);
    // MinTRL at 95%: 1 + 1.005·(1.6448536269514722/0.1)² = 272.907117136589.
    assertAlmostEquals(minTrackRecordLength(m), 272.907117136589, 1e-9);
  });

  await t.step("PSR and MinTRL of a skewed, fat-tailed series match the reference", () => {
    const m = sharpeMoments(ref.series);
    assertAlmostEquals(m.sharpe, ref.sharpe, 1e-14);
    assertAlmostEquals(m.skew, ref.skew, 1e-12);
    assertAlmostEquals(m.kurtosis, ref.kurtosis, 1e-11);
    assertAlmostEquals(probabilisticSharpe(ref.series), ref.psr_0, 1e-12);
    assertAlmostEquals(probabilisticSharpe(m, 0.05), ref.psr_005, 1e-12);
    assertAlmostEquals(minTrackRecordLength(m), ref.mintrl_0, 1e-9);
    assertAlmostEquals(minTrackRecordLength(m, 0.02, 0.99), ref.mintrl_002_99, 1e-8);
    assert.equal(minTrackRecordLength(m, 0.5), Infinity);
  });

  await t.step("deflatedSharpe() takes the trials' Sharpe ratios and their dispersion", () => {
    const columns = ref.trial_sharpes.length;
    const best = ref.trial_sharpes.indexOf(Math.max(...ref.trial_sharpes));
    const selected = ref.trials.map((row: number[]) => row[best]);
    const out = deflatedSharpe(selected, ref.trial_sharpes);
    assert.equal(out.trials, columns);
    assertAlmostEquals(out.variance, ref.trial_variance, 1e-15);
    assertAlmostEquals(out.sr0, ref.sr0, 1e-14);
    assertAlmostEquals(out.dsr, ref.dsr, 1e-12);
  });

  await t.step("expectedMaxSharpe() of one trial is its mean; bad counts are refused", () => {
    assert.equal(expectedMaxSharpe(1, 4, 0.3), 0.3);
    assert.throws(() => expectedMaxSharpe(0, 1), /trials must be an integer ≥ 1, found 0/);
    assert.throws(() => expectedMaxSharpe(10, -1), /variance must be ≥ 0/);
  });
});

Deno.test("probabilityOfOverfitting() by CSCV", async (t) => {
  await t.step("matches the reference on 7 trials with S = 8 and S = 4 (3 leading rows dropped)", () => {
    for (const [blocks, key] of [[8, "cscv_8"], [4, "cscv_4"]] as const) {
      const out = probabilityOfOverfitting(matrix(ref.trials), 7, { blocks });
      const want = ref[key];
      assert.equal(out.droppedRows, 3);
      assert.equal(out.splits, blocks === 8 ? 70 : 6);
      assertAlmostEquals(out.pbo, want.pbo, 1e-15, `${key} pbo`);
      assertAllClose(out.logits, want.logits, 1e-12, `${key} logits`);
      assert.deepEqual(Array.from(out.best), want.best);
      assertAllClose(out.isSharpe, want.is_sharpe, 1e-12, `${key} in-sample Sharpe`);
      assertAllClose(out.oosSharpe, want.oos_sharpe, 1e-12, `${key} out-of-sample Sharpe`);
      assertAlmostEquals(out.degradation, want.degradation, 1e-9, `${key} slope`);
      assertAlmostEquals(out.probabilityOfLoss, want.probability_of_loss, 1e-15);
    }
  });

  await t.step("trials of pure noise are overfit about half the time (reference 0.5429)", () => {
    const out = probabilityOfOverfitting(matrix(ref.noise), 10, { blocks: 8 });
    assertAlmostEquals(out.pbo, ref.cscv_noise.pbo, 1e-15);
    assertAllClose(out.logits, ref.cscv_noise.logits, 1e-12);
  });

  await t.step("a hand-computed case: S = 2, the in-sample winner is worst out of sample", () => {
    // Rows 0–3 are block 0, rows 4–7 block 1. Trial 0 is good in block 0 and bad in block 1; trial 1
    // the reverse; trial 2 flat-ish. Split {0}: best IS = trial 0, OOS ranks (block 1): trial 0
    // worst ⇒ ω = 1/4, λ = ln(1/3) < 0. Split {1}: best IS = trial 1, worst in block 0 ⇒ same. PBO = 1.
    const rows = [
      [0.02, -0.02, 0.001],
      [0.03, -0.01, -0.001],
      [0.01, -0.03, 0.002],
      [0.02, -0.02, -0.002],
      [-0.02, 0.02, 0.001],
      [-0.01, 0.03, -0.001],
      [-0.03, 0.01, 0.002],
      [-0.02, 0.02, -0.002],
    ];
    const out = probabilityOfOverfitting(matrix(rows), 3, { blocks: 2 });
    assert.equal(out.pbo, 1);
    assertAllClose(out.logits, [Math.log(1 / 3), Math.log(1 / 3)], 1e-15);
    assert.deepEqual(Array.from(out.best), [0, 1]);
    assert.equal(out.probabilityOfLoss, 1);
  });

  await t.step("bad input gets one clear message", () => {
    const m = new Float64Array(40);
    assert.throws(() => probabilityOfOverfitting(m, 2, { blocks: 3 }), /even integer ≥ 2, found 3/);
    assert.throws(() => probabilityOfOverfitting(m, 1), /at least 2 trials, found 1/);
    assert.throws(() => probabilityOfOverfitting(m, 3), /not a multiple of 3 trials/);
    assert.throws(() => probabilityOfOverfitting(m, 2, { blocks: 16 }), /at least 32 rows.*found 20/);
  });
});
