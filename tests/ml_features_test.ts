import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import type { Panel } from "../lib/panel/types.ts";
import { createRng } from "../lib/util/rng.ts";
import {
  BASE_FEATURES,
  CALENDAR_FLAGS,
  computeFeatures,
  type FeatureSpec,
  standardizeByDate,
  windowEmbedding,
} from "../lib/ml/features/mod.ts";

/**
 * Eight trading days: Mon 29 Jan 2024 … Thu 8 Feb; Wed 31 Jan ends the month; Fri 2 Feb is a holiday,
 * so Thu 1 Feb is a holiday eve. A and B are in industry "x", C in "y". B lists on day 1 and has no
 * bar on day 5 (the panel's ret is NaN on day 6 as well). No corporate actions, so the point-in-time
 * price is the close.
 */
const dates = [29, 30, 31, 32, 36, 37, 38, 39].map((d) => Date.UTC(2024, 0, d));
const closeA = [10, 11, 12, 11, 13, 14, 13, 15];
const closeB = [NaN, 20, 21, 20, 22, NaN, 23, 24];
const closeC = [5, 5, 5, 6, 6, 5, 5, 6];
const rets = (c: number[]) => c.map((x, t) => (t === 0 ? NaN : x / c[t - 1] - 1));
const column = (...series: number[][]) => dates.map((_, t) => series.map((s) => s[t]));
const tiny = makePanel({
  dates,
  securityIds: ["A", "B", "C"],
  industries: ["x", "x", "y"],
  fields: {
    close: column(closeA, closeB, closeC),
    ret: column(rets(closeA), rets(closeB), rets(closeC)),
    volume: column([100, 200, 400, 100, 800, 100, 100, 200], [10, 10, 10, 10, 10, 10, 10, 10], [
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
    ]),
    mcap: column([1e9, 1e9, 2e9, 2e9, 2e9, 2e9, 2e9, 2e9], [5e8, 5e8, 5e8, 5e8, 5e8, 5e8, 5e8, 5e8], [
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
    ]),
    value: column([0.5, 0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.6], [1, 1, 1, 1, 1, 1, 1, 1], [
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
    ]),
  },
});
const N = 3;
/** One feature's values of one security over the 8 days. */
function values(spec: FeatureSpec, i: number, panel: Panel = tiny): number[] {
  const f = computeFeatures(panel, [spec]);
  return dates.map((_, t) => f.columns[0][t * N + i]);
}
const std = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

Deno.test("computeFeatures() matches hand-computed values on a tiny panel", async (t) => {
  await t.step("returns over h bars, on own rows", () => {
    // A: 12/10 − 1 at day 2, 15/14 − 1 at day 7; B's window may not cross its missing bar (days 5, 6).
    const r2 = values({ name: "r2", kind: "return", horizon: 2 }, 0);
    assertAllClose(r2, [NaN, NaN, 0.2, 0, 13 / 12 - 1, 14 / 11 - 1, 0, 15 / 14 - 1], 1e-14);
    const b = values({ name: "r2", kind: "return", horizon: 2 }, 1);
    assertAllClose(b, [NaN, NaN, NaN, 0, 22 / 21 - 1, NaN, NaN, NaN], 1e-14);
    assertAllClose(values({ name: "r1", kind: "return", horizon: 1 }, 0), rets(closeA), 0);
  });
  await t.step("volatility: sample std of the last n returns", () => {
    const r = rets(closeA);
    const vol = values({ name: "v3", kind: "volatility", window: 3 }, 0);
    assertAllClose(vol.slice(0, 3), [NaN, NaN, NaN]);
    assertAlmostEquals(vol[3], std([r[1], r[2], r[3]]), 1e-15);
    assertAlmostEquals(vol[7], std([r[5], r[6], r[7]]), 1e-15);
  });
  await t.step("Wilder RSI of the close", () => {
    // A's changes: +1 +1 −1 +2 +1 −1 +2. RSI(2): day 2: gains mean 1, losses 0 ⇒ 100; day 3: g = 1 + (0 − 1)/2
    // = 0.5, l = 0 + (1 − 0)/2 = 0.5 ⇒ 50; day 4: g = 0.5 + (2 − 0.5)/2 = 1.25, l = 0.25 ⇒ 100 · 1.25/1.5.
    const rsi = values({ name: "rsi2", kind: "rsi", window: 2 }, 0);
    assertAllClose(rsi.slice(0, 5), [NaN, NaN, 100, 50, 100 * 1.25 / 1.5], 1e-12);
  });
  await t.step("MACD: EMA fast − EMA slow of the close", () => {
    // EMA2 (α 2/3): seed (10 + 11)/2 = 10.5 on day 1, 11.5 on day 2, 11.5 + (2/3)(11 − 11.5) on day 3.
    // EMA3 (α 1/2): seed (10 + 11 + 12)/3 = 11 on day 2, 11 on day 3.
    const m = values({ name: "m", kind: "macd", fast: 2, slow: 3 }, 0);
    assertAllClose(m.slice(0, 4), [NaN, NaN, 0.5, 11.5 + (2 / 3) * (11 - 11.5) - 11], 1e-12);
  });
  await t.step("distance from the n-bar high and low", () => {
    // Day 3: window 11, 12, 11 ⇒ 11/12 − 1 and 11/11 − 1; day 4: 12, 11, 13 ⇒ 0 and 13/11 − 1.
    const hi = values({ name: "h", kind: "high_distance", window: 3 }, 0);
    const lo = values({ name: "l", kind: "low_distance", window: 3 }, 0);
    assertAllClose(hi.slice(2, 5), [0, 11 / 12 - 1, 0], 1e-15);
    assertAllClose(lo.slice(2, 5), [0.2, 0, 13 / 11 - 1], 1e-15);
  });
  await t.step("volume z-score of log volume; zero volume is missing", () => {
    // Day 2: ln 100, ln 200, ln 400 ⇒ (ln 400 − ln 200) / std = ln 2 / ln 2 = 1.
    const z = values({ name: "z", kind: "volume_z", window: 3 }, 0);
    assertAlmostEquals(z[2], 1, 1e-12);
    const w = [200, 400, 100].map(Math.log);
    assertAlmostEquals(z[3], (w[2] - (w[0] + w[1] + w[2]) / 3) / std(w), 1e-12);
    // C's volume 0 on day 0 is missing; flat B (10 every day) has no z-score.
    const c = values({ name: "z", kind: "volume_z", window: 3 }, 2);
    ok(Number.isNaN(c[2]) && Number.isFinite(c[3]));
    ok(values({ name: "z", kind: "volume_z", window: 3 }, 1).every(Number.isNaN));
  });
  await t.step("log market cap and a field as it is", () => {
    assertAllClose(
      values({ name: "lm", kind: "log_field", field: "mcap" }, 0),
      [1e9, 1e9, 2e9, 2e9, 2e9, 2e9, 2e9, 2e9].map(Math.log),
    );
    assertAllClose(values({ name: "v", kind: "field", field: "value" }, 1), [NaN, 1, 1, 1, 1, NaN, 1, 1], 0);
  });
  await t.step("industry-relative return: minus the industry's mean that date", () => {
    // Day 2, industry x: A 12/11 − 1, B 21/20 − 1 ⇒ A − mean = (A − B) / 2; C alone in y ⇒ 0.
    const spec: FeatureSpec = { name: "ir", kind: "industry_relative_return", horizon: 1 };
    const a = 12 / 11 - 1, b = 21 / 20 - 1;
    assertAlmostEquals(values(spec, 0)[2], (a - b) / 2, 1e-15);
    equal(values(spec, 2)[2], 0);
    // Day 6: B has no return ⇒ A is alone in x ⇒ 0.
    equal(values(spec, 0)[6], 0);
  });
  await t.step("calendar: day of week, month, month end, holiday eve", () => {
    deepEqual(values({ name: "d", kind: "day_of_week" }, 0), [0, 1, 2, 3, 0, 1, 2, 3]);
    deepEqual(values({ name: "m", kind: "month" }, 0), [1, 1, 1, 2, 2, 2, 2, 2]);
    deepEqual(values({ name: "e", kind: "month_end" }, 0), [0, 0, 1, 0, 0, 0, 0, 0]);
    deepEqual(values({ name: "h", kind: "holiday_eve" }, 0), [0, 0, 0, 1, 0, 0, 0, 0]);
    deepEqual(values({ name: "d", kind: "day_of_week" }, 1).slice(0, 2), [NaN, 1], "off own rows ⇒ NaN");
  });
  await t.step("window embedding: last n returns over their std, oldest first", () => {
    const f = computeFeatures(tiny, [windowEmbedding(3, "w")]);
    deepEqual(f.names, ["w_lag2", "w_lag1", "w_lag0"]);
    const r = rets(closeA), s = std([r[1], r[2], r[3]]);
    assertAllClose(f.columns.map((c) => c[3 * N]), [r[1] / s, r[2] / s, r[3] / s], 1e-14);
    ok(Number.isNaN(f.columns[0][2 * N]), "needs 3 returns");
  });
  await t.step("custom features are computed and checked", () => {
    const twice: FeatureSpec = {
      name: "twice",
      kind: "custom",
      compute: (panel) => panel.fields.close.map((c) => 2 * c),
    };
    equal(values(twice, 0)[1], 22);
    const bad: FeatureSpec = { name: "bad", kind: "custom", compute: () => new Float64Array(2) };
    throws(
      () => computeFeatures(tiny, [bad]),
      /compute must return a Float64Array of nDates × nSecurities = 24 values/,
    );
  });
  await t.step("bad specs are refused naming the spec", () => {
    throws(
      () => computeFeatures(tiny, [{ name: "v", kind: "volatility", window: 1 }]),
      /feature 1 \("v"\): window must be an integer ≥ 2/,
    );
    throws(
      () => computeFeatures(tiny, [{ name: "a", kind: "month" }, { name: "a", kind: "day_of_week" }]),
      /column "a" appears twice/,
    );
    throws(
      () => computeFeatures(tiny, [{ name: "x", kind: "field", field: "beta" }]),
      /needs the panel field "beta"/,
    );
  });
});

Deno.test("standardizeByDate() z-scores and percentile-ranks each date", () => {
  // One date: 1, 2, 3 ⇒ mean 2, std 1 ⇒ −1, 0, 1; ranks of 5, 1, 5: 2.5, 1, 2.5 over 3 (pandas rank(pct=True)).
  assertAllClose(standardizeByDate(Float64Array.of(1, 2, 3), 1, 3, "zscore"), [-1, 0, 1]);
  assertAllClose(standardizeByDate(Float64Array.of(5, 1, 5, NaN), 1, 4, "rank"), [
    2.5 / 3,
    1 / 3,
    2.5 / 3,
    NaN,
  ]);
  const f = computeFeatures(tiny, [...BASE_FEATURES.slice(0, 1), { name: "dow", kind: "day_of_week" }], {
    standardize: "rank",
  });
  // ret_1 on day 1: A 0.1, B NaN (first bar), C 0 ⇒ ranks 2/2 and 1/2; day of week is not standardised.
  assertAllClose([f.columns[0][N], f.columns[0][N + 1], f.columns[0][N + 2]], [1, NaN, 0.5]);
  equal(f.columns[1][N], 1);
});

/** A random-walk panel of `nDates` × 4 securities with every field the base features read. */
function randomPanel(nDates: number, seed: number): Panel {
  const rng = createRng(seed);
  const nS = 4;
  const close = new Float64Array(nDates * nS), ret = new Float64Array(nDates * nS);
  const volume = new Float64Array(nDates * nS), mcap = new Float64Array(nDates * nS);
  const value = new Float64Array(nDates * nS);
  for (let i = 0; i < nS; i++) {
    let c = 20 + 10 * i;
    for (let t = 0; t < nDates; t++) {
      const k = t * nS + i;
      const r = 0.02 * rng.normal();
      ret[k] = t === 0 ? NaN : r;
      c = t === 0 ? c : c * (1 + r);
      close[k] = c;
      volume[k] = Math.round(1e5 * Math.exp(0.5 * rng.normal()));
      mcap[k] = c * 1e7;
      value[k] = rng.normal();
    }
  }
  const dates = Array.from({ length: nDates }, (_, t) => Date.UTC(2020, 0, 1 + t + 2 * Math.floor(t / 5)));
  return makePanel({
    dates,
    securityIds: ["P", "Q", "R", "S"],
    industries: ["a", "a", "b", "b"],
    fields: { close, ret, volume, mcap, value },
  });
}

Deno.test("features are point-in-time: changing data after t leaves every feature at ≤ t unchanged", async (t) => {
  const panel = randomPanel(300, 11);
  const specs = [...BASE_FEATURES, ...CALENDAR_FLAGS, windowEmbedding(8)];
  for (const standardize of ["none", "zscore"] as const) {
    await t.step(`standardize ${standardize}`, () => {
      const base = computeFeatures(panel, specs, { standardize });
      ok(base.columns.every((c) => c.slice(260 * 4).some(Number.isFinite)), "every feature has values");
      for (const cut of [40, 255, 280]) {
        const rng = createRng(cut);
        const fields: Record<string, Float64Array> = {};
        for (const [name, m] of Object.entries(panel.fields)) {
          fields[name] = m.map((
            x,
            k,
          ) => (k >= (cut + 1) * 4 ? x * (1 + 0.5 * rng.uniform()) + rng.normal() : x));
        }
        const changed = computeFeatures({ ...panel, fields }, specs, { standardize });
        base.columns.forEach((column, j) => {
          assertAllClose(
            changed.columns[j].subarray(0, (cut + 1) * 4),
            column.subarray(0, (cut + 1) * 4),
            0,
            `${base.names[j]} cut ${cut}`,
          );
        });
      }
    });
  }
});

Deno.test("the 19 base features agree with pandas group-by code on a panel with a late listing and a gap", async () => {
  // tests/fixtures/ml/pandas_features.py (command in its header) runs bench/ml_features_pandas.py's features().
  const ref = JSON.parse(
    await Deno.readTextFile(new URL("./fixtures/ml/pandas_features.json", import.meta.url)),
  );
  const nT = ref.dates.length, nS = 3;
  const fields: Record<string, Float64Array> = {};
  for (const name of ["close", "ret", "volume", "mcap", "value"]) {
    fields[name] = new Float64Array(nT * nS).fill(NaN);
    ref.rows[name].forEach((v: number | null, r: number) => {
      fields[name][ref.rows.t[r] * nS + ref.rows.sec[r]] = v ?? NaN;
    });
  }
  const panel = makePanel({
    dates: ref.dates,
    securityIds: ["S0", "S1", "S2"],
    industries: ref.industries,
    fields,
  });
  const f = computeFeatures(panel, BASE_FEATURES);
  deepEqual(f.names, Object.keys(ref.features));
  f.names.forEach((name, j) => {
    const mine = ref.rows.t.map((t: number, r: number) => f.columns[j][t * nS + ref.rows.sec[r]]);
    const theirs = ref.features[name].map((v: number | null) => v ?? NaN);
    ok(theirs.filter(Number.isFinite).length > 30, `${name} has values`);
    const scale = Math.max(1, ...theirs.filter(Number.isFinite).map(Math.abs));
    assertAllClose(mine, theirs, 1e-12 * scale, name);
  });
});
