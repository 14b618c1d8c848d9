import { deepStrictEqual, deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { assertAlmostEquals } from "./_assert.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import type { Panel } from "../lib/panel/types.ts";
import { createRng } from "../lib/util/rng.ts";
import {
  expandPreset,
  judge,
  meanRankCorrelation,
  momentum12_1,
  pnlCorrelation,
  PRESETS,
  reversal5d,
  runSuite,
  trailingReturn,
  valueBaseline,
  VERDICT_THRESHOLDS,
} from "../lib/suite/mod.ts";
import type { BacktestResult } from "../lib/engine/types.ts";
import { adoptPreparation, createBacktester, preparePanel } from "../lib/engine/backtest.ts";
import { sharedPanel } from "../lib/panel/shared.ts";
import { defaultWorkers } from "../lib/suite/pool.ts";
import { isShared } from "../lib/util/shared.ts";

const DAY = 86_400_000;
const day = (k: number) => Date.UTC(2020, 0, 1) + k * DAY;

Deno.test("trailingReturn() compounds a window and skips recent periods", () => {
  // one security, ret = 0.1, 0.1, -0.5, 0.2, NaN, 0.1
  const panel = makePanel({
    dates: [0, 1, 2, 3, 4, 5].map(day),
    securityIds: ["A"],
    fields: { ret: [[0.1], [0.1], [-0.5], [0.2], [null], [0.1]] },
  });
  const two = trailingReturn(panel, 2);
  // t=1: 1.1·1.1 − 1 = 0.21; t=2: 1.1·0.5 − 1 = −0.45; t=3: 0.5·1.2 − 1 = −0.4; t=4,5: window has NaN
  assertAlmostEquals(two[1], 0.21, 1e-12);
  assertAlmostEquals(two[2], -0.45, 1e-12);
  assertAlmostEquals(two[3], -0.4, 1e-12);
  assert(Number.isNaN(two[0]) && Number.isNaN(two[4]) && Number.isNaN(two[5]));
  const skip = trailingReturn(panel, 2, 1);
  // t=2 with skip 1: window t=0..1 → 0.21; t=3: window 1..2 → −0.45
  assertAlmostEquals(skip[2], 0.21, 1e-12);
  assertAlmostEquals(skip[3], -0.45, 1e-12);
  assert(Number.isNaN(skip[1]));
});

Deno.test("baselines are computed on the panel: reversal_5d, momentum_12_1, value", () => {
  const nT = 260;
  const ret = Array.from({ length: nT }, (_, t) => [0.01, t % 2 ? -0.01 : 0.02]);
  const panel = makePanel({
    dates: Array.from({ length: nT }, (_, t) => day(t)),
    securityIds: ["A", "B"],
    fields: { ret, value: ret.map(() => [1.5, -0.5]) },
  });
  const rev = reversal5d(panel);
  // A at t=4: −(1.01^5 − 1)
  assertAlmostEquals(rev.known[4 * 2 + 0], -(Math.pow(1.01, 5) - 1), 1e-12);
  assert(Number.isNaN(rev.known[3 * 2]));
  const mom = momentum12_1(panel);
  // month = 21, window = 231 periods ending at t − 21: for A, 1.01^231 − 1 first defined at t = 251
  assert(Number.isNaN(mom.known[250 * 2]));
  assertAlmostEquals(mom.known[251 * 2], Math.pow(1.01, 231) - 1, 1e-9);
  assertEquals(Array.from(valueBaseline(panel).known.subarray(0, 2)), [1.5, -0.5]);
});

Deno.test("expandPreset() expands the standard matrix into 6 labelled variants", () => {
  const variants = expandPreset(PRESETS.standard);
  assertEquals(variants.map((v) => v.label), [
    "lag0_off",
    "lag1_off",
    "lag2_off",
    "lag0_industry",
    "lag1_industry",
    "lag2_industry",
  ]);
  assertEquals(variants[4].options, { lag: 1, residualize: "industry", tcBps: 10 });
  const custom = expandPreset({
    name: "c",
    matrix: { lag: [1], tcBps: [0, 20] },
    base: { weight: "signal" },
  });
  assertEquals(custom.map((v) => v.label), ["lag1_off_tc0", "lag1_off_tc20"]);
  assertEquals(custom[1].options, { weight: "signal", lag: 1, residualize: "off", tcBps: 20 });
});

Deno.test("meanRankCorrelation() and pnlCorrelation() measure similarity", () => {
  const a = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  const b = Float64Array.from([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  // row 0: identical ranks (+1); row 1: reversed (−1) → mean 0
  assertAlmostEquals(meanRankCorrelation(a, b, 2, 10), 0, 1e-12);
  assertAlmostEquals(meanRankCorrelation(a, a, 2, 10), 1, 1e-12);
  const date = Float64Array.from([1, 2, 3, 4]);
  assertAlmostEquals(
    pnlCorrelation({ date, net: Float64Array.from([1, 2, 3, 4]) }, {
      date: Float64Array.from([2, 3, 4, 5]),
      net: Float64Array.from([4, 6, 8, 0]),
    }),
    1, // matched dates 2,3,4: (2,3,4) vs (4,6,8)
    1e-12,
  );
});

/** A fake backtest result with just what the verdict reads. */
function fake(
  lag: number,
  residualize: string,
  sharpe: number,
  extra: { turnover?: number; cap?: number[]; ic?: number } = {},
) {
  const slice = (annual_return: number) => ({ annual_return, sharpe, turnover: extra.turnover ?? 0.2 });
  return {
    label: `lag${lag}_${residualize}`,
    result: {
      config: { lag, residualize },
      ic: { mean: extra.ic ?? 0.02 },
      summary: {
        overall: slice(0.1),
        ...(extra.cap
          ? { cap: { small: slice(extra.cap[0]), mid: slice(extra.cap[1]), large: slice(extra.cap[2]) } }
          : {}),
      },
    } as unknown as BacktestResult,
  };
}
const distinct = [{ baseline: "reversal_5d", rank_correlation: 0.05, pnl_correlation: -0.1 }];

Deno.test("judge() reaches every colour from its documented thresholds", async (t) => {
  await t.step("green: strong, survives lags and residualization, distinct", () => {
    const v = judge({
      variants: [fake(0, "off", 1.8), fake(1, "off", 1.5), fake(2, "off", 1.2), fake(0, "industry", 1.6)],
      uniqueness: distinct,
    });
    assertEquals(v.color, "green");
    assert(v.reasons.some((r) => r.includes("survives")));
  });
  await t.step("yellow: Sharpe between 0.5 and 1.0", () => {
    const v = judge({
      variants: [fake(0, "off", 0.8), fake(1, "off", 0.7), fake(2, "off", 0.6)],
      uniqueness: distinct,
    });
    assertEquals(v.color, "yellow");
    assert(v.reasons[0].includes("between 0.5 and 1"));
  });
  await t.step("yellow: high turnover and small-cap concentration", () => {
    const hot = judge({
      variants: [fake(0, "off", 2, { turnover: 1.6 }), fake(1, "off", 1.8, { turnover: 1.6 })],
      uniqueness: distinct,
    });
    assertEquals(hot.color, "yellow");
    assert(hot.reasons.some((r) => r.startsWith("high turnover")));
    const small = judge({ variants: [fake(0, "off", 2, { cap: [0.3, 0.05, 0.0] })], uniqueness: distinct });
    assertEquals(small.color, "yellow");
    assert(small.reasons.some((r) => r.startsWith("small-cap concentrated: 86%")));
  });
  await t.step("red: weak, dies at lag 1, or a baseline clone", () => {
    assertEquals(judge({ variants: [fake(0, "off", 0.3)], uniqueness: distinct }).color, "red");
    const dies = judge({ variants: [fake(0, "off", 2.5), fake(1, "off", 0.2)], uniqueness: distinct });
    assertEquals(dies.color, "red");
    assert(dies.reasons.some((r) => r.startsWith("dies at lag 1")));
    const clone = judge({
      variants: [fake(0, "off", 2.5), fake(1, "off", 2.4)],
      uniqueness: [{ baseline: "reversal_5d", rank_correlation: 0.95, pnl_correlation: 0.9 }],
    });
    assertEquals(clone.color, "red");
    assert(clone.reasons[0].startsWith("baseline clone of reversal_5d"));
  });
  await t.step("red: too good to be true (net Sharpe > 3 or |IC| > 0.1), naming the variant", () => {
    // The observed leaks: Sharpe 36.7 with IC 1.0, and a noisy one at Sharpe 4.2 / IC 0.08.
    const leak = judge({
      variants: [fake(0, "off", 36.7, { ic: 1 }), fake(1, "off", 0.1, { ic: 0 })],
      uniqueness: distinct,
    });
    assertEquals(leak.color, "red");
    assert(
      leak.reasons[0].startsWith(
        "too good to be true: net Sharpe 36.70 (lag0_off) > 3 and mean daily rank IC 1.000 (lag0_off) beyond ±0.1",
      ),
      leak.reasons[0],
    );
    const noisy = judge({
      variants: [fake(0, "off", 4.2, { ic: 0.08 }), fake(1, "off", 4.0, { ic: 0.08 })],
      uniqueness: distinct,
    });
    assertEquals(noisy.color, "red");
    assert(
      noisy.reasons[0].includes("net Sharpe 4.20 (lag0_off) > 3") && !noisy.reasons[0].includes("IC"),
      noisy.reasons[0],
    );
    const ic = judge({
      variants: [fake(0, "off", 2, { ic: -0.2 }), fake(1, "off", 1.9)],
      uniqueness: distinct,
    });
    assert(
      ic.color === "red" && ic.reasons[0].includes("mean daily rank IC -0.200 (lag0_off) beyond ±0.1"),
      ic.reasons[0],
    );
    // The demo's vendor sentiment (net Sharpe 1.75, IC 0.018) is not flagged.
    const demo = judge({
      variants: [fake(0, "off", 1.71, { ic: 0.018 }), fake(1, "off", 1.75, { ic: 0.018 })],
      uniqueness: distinct,
    });
    assert(!demo.reasons.some((r) => r.startsWith("too good")), demo.reasons.join("; "));
  });
  await t.step("a correlation that could not be measured (NaN) is not 'distinct': yellow", () => {
    const strong = [fake(0, "off", 1.8), fake(1, "off", 1.5), fake(2, "off", 1.2), fake(0, "industry", 1.6)];
    const v = judge({
      variants: strong,
      uniqueness: [{ baseline: "value", rank_correlation: NaN, pnl_correlation: 0.1 }],
    });
    assertEquals(v.color, "yellow");
    assert(
      v.reasons.includes(
        "correlation with value: rank corr n/a, PnL corr 0.10 could not be measured; not counted as distinct",
      ),
    );
    assert(!v.reasons.some((r) => r.startsWith("distinct from value")));
    const clone = judge({
      variants: strong,
      uniqueness: [{ baseline: "value", rank_correlation: NaN, pnl_correlation: 0.9 }],
    });
    assertEquals(clone.color, "red");
  });
  assertEquals(VERDICT_THRESHOLDS.cloneCorrelation, 0.7);
  assertEquals([VERDICT_THRESHOLDS.tooGoodSharpe, VERDICT_THRESHOLDS.tooGoodIc], [3, 0.1]);
});

/**
 * A panel whose returns load on a persistent latent score f (AR(1), φ = 0.95): ret[t+1] =
 * alpha·f[t+1] + 2% noise. Publishing f at each close is a real, slow, new edge (alpha = 0.0006
 * gives net Sharpe ≈ 2.8: strong but plausible; 0.002 gives 13, "too good to be true").
 */
function latentPanel(seed: number, alpha: number): { panel: Panel; score: Float64Array } {
  const rng = createRng(seed);
  const nT = 400, nS = 120;
  const f = new Float64Array(nT * nS), ret = new Float64Array(nT * nS);
  const mcap = new Float64Array(nT * nS), value = new Float64Array(nT * nS);
  const size = Array.from({ length: nS }, () => Math.exp(20 + 2 * rng.normal()));
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < nS; i++) {
      const k = t * nS + i;
      f[k] = t === 0 ? rng.normal() : 0.95 * f[k - nS] + Math.sqrt(1 - 0.95 ** 2) * rng.normal();
      ret[k] = t === 0 ? NaN : alpha * f[k] + 0.02 * rng.normal();
      mcap[k] = size[i];
      value[k] = rng.normal();
    }
  }
  const panel = makePanel({
    dates: Array.from({ length: nT }, (_, t) => day(t)),
    securityIds: Array.from({ length: nS }, (_, i) => `S${String(i).padStart(3, "0")}`),
    industries: Array.from({ length: nS }, (_, i) => `I${i % 6}`),
    fields: { ret, mcap, value },
  });
  return { panel, score: f };
}

Deno.test("runSuite() runs signal + 3 baselines × 6 variants and judges constructed signals", async (t) => {
  const { panel, score } = latentPanel(12, 0.0006);
  await t.step("a persistent, new edge is green", async () => {
    const suite = await runSuite(panel, { name: "latent", signal: { known: score } }, "standard", {
      workers: 0,
    });
    assertEquals(suite.baselines.map((b) => b.name), ["reversal_5d", "momentum_12_1", "value"]);
    assertEquals(suite.signal.variants.length, 6);
    const s = (label: string) =>
      suite.signal.variants.find((v) => v.label === label)!.result.summary.overall.sharpe;
    assert(s("lag0_off") > s("lag1_off") && s("lag1_off") > s("lag2_off"), "lag decay");
    assertEquals(suite.verdict.color, "green", suite.verdict.reasons.join("\n"));
  });
  await t.step("a copy of reversal_5d is a red baseline clone", async () => {
    const copy = reversal5d(panel).known;
    const suite = await runSuite(panel, { name: "copy", signal: { known: copy } }, "quick", { workers: 0 });
    assertEquals(suite.verdict.color, "red");
    assertAlmostEquals(suite.uniqueness[0].rank_correlation, 1, 1e-12);
    assert(suite.verdict.reasons.some((r) => r.startsWith("baseline clone of reversal_5d")));
  });
  await t.step("a stronger edge observed with noise trades too much: yellow", async () => {
    const strong = latentPanel(11, 0.0015); // net Sharpe 1.7 at best once noise hides most of it
    const rng = createRng(5);
    const noisy = strong.score.map((x) => x + rng.normal());
    const suite = await runSuite(strong.panel, { name: "noisy", signal: { known: noisy } }, "standard", {
      workers: 0,
    });
    assertEquals(suite.verdict.color, "yellow", suite.verdict.reasons.join("\n"));
    assert(suite.verdict.reasons.some((r) => r.startsWith("high turnover")));
  });
});

Deno.test("runSuite() gives identical results with 0, 1 and 2 workers", async () => {
  const { panel, score } = latentPanel(3, 0.001);
  const strip = (s: Awaited<ReturnType<typeof runSuite>>) => ({
    ...s,
    workers: 0,
  });
  const [a, b, c] = [
    await runSuite(panel, { name: "x", signal: { known: score } }, "standard", { workers: 0 }),
    await runSuite(panel, { name: "x", signal: { known: score } }, "standard", { workers: 1 }),
    await runSuite(panel, { name: "x", signal: { known: score } }, "standard", { workers: 2 }),
  ];
  deepStrictEqual(strip(b), strip(a));
  deepStrictEqual(strip(c), strip(a));
});

Deno.test("suite workers share memory: panel, preparation and signals are SharedArrayBuffer views", async (t) => {
  const { panel, score } = latentPanel(3, 0.001);
  await t.step(
    "sharedPanel() keeps values, moves every field to shared memory, leaves the original alone",
    () => {
      const shared = sharedPanel(panel);
      assert(shared !== panel);
      for (const [name, matrix] of Object.entries(shared.fields)) {
        assert(isShared(matrix), name);
        assert(!isShared(panel.fields[name]), name); // makePanel's arrays are private
        assertEquals(matrix, panel.fields[name]);
      }
      assertEquals(sharedPanel(shared).fields.ret, shared.fields.ret); // already shared: kept, same object
      assert(sharedPanel(shared).fields.ret === shared.fields.ret);
    },
  );
  await t.step("the preparation a pool posts is shared, and baselines are built in shared memory", () => {
    const shared = sharedPanel(panel);
    const prep = preparePanel(shared, true);
    for (
      const a of [
        prep.returns.orders.order,
        prep.returns.orders.ties,
        prep.returns.valid,
        prep.returns.withRet,
      ]
    ) {
      assert(isShared(a));
    }
    assert(isShared(reversal5d(shared).known) && isShared(momentum12_1(shared).known));
    assert(valueBaseline(shared).known === shared.fields.value); // the panel's own matrix, not a copy
  });
  await t.step(
    "a worker that adopts the preparation gives the same backtest as one that sorts itself",
    () => {
      const shared = sharedPanel(panel);
      const adopted = { ...shared }; // another panel object, as a worker sees it after structured clone
      adoptPreparation(adopted, preparePanel(shared, true));
      const a = createBacktester(adopted, { known: score }).run({ lag: 1 });
      const b = createBacktester(panel, { known: score }).run({ lag: 1 });
      assertEquals(a.daily.net, b.daily.net);
      assertEquals(a.ic.ic, b.ic.ic);
    },
  );
});

Deno.test("defaultWorkers() is one per core unless memory is short", () => {
  // A 3,000 × 5,040 panel (20 years): 15.12 M cells × 14 B + 80 MiB ≈ 282 MiB per worker.
  const big = { dates: new Float64Array(5040), securityIds: new Array(3000).fill("") } as unknown as Panel;
  const GiB = 2 ** 30;
  assertEquals(defaultWorkers(big, 2, 24 * GiB), 2);
  assertEquals(defaultWorkers(big, 16, 24 * GiB), 16);
  assertEquals(defaultWorkers(big, 16, 2 * GiB), 3); // half of 2 GiB = 1024 MiB / 282 MiB
  assertEquals(defaultWorkers(big, 16, 0), 1); // never below one
});
