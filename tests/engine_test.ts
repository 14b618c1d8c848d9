import { assertAllClose, assertAlmostEquals } from "./_assert.ts";
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  backtest,
  createBacktester,
  residualize,
  resolveConfig,
  riskDescriptors,
  rowOrders,
  sortByKey,
  spearman,
} from "../lib/engine/mod.ts";
import { makePanel, type PanelInput } from "../lib/panel/make_panel.ts";
import { createRng } from "../lib/util/rng.ts";

const DAY = 86_400_000;
const dates = (n: number, start = Date.UTC(2024, 0, 1)) =>
  Array.from({ length: n }, (_, t) => start + t * DAY);
const ONLY = { slices: ["overall"] as const, tcBps: 0 };

/** One traded day: signal known at d0 (`sig`), returns on d1 (`ret`), extra fields on both rows. */
function oneDay(sig: number[], ret: number[], extra: PanelInput["fields"] = {}, industries?: string[]) {
  const ids = sig.map((_, i) => String.fromCharCode(65 + i)); // A, B, C, …
  const panel = makePanel({
    dates: dates(2),
    securityIds: ids,
    industries,
    fields: { ret: [ret.map(() => null), ret], ...extra },
  });
  return { panel, known: Float64Array.from([...sig, ...sig.map(() => NaN)]) };
}

Deno.test("sortByKey() is exact and stable on ties, both below and above the radix threshold", () => {
  for (const n of [6, 200]) {
    const rng = createRng(n);
    const keys = Float64Array.from(
      { length: n },
      () => (rng.int(7) - 3) * (rng.uniform() < 0.5 ? 1 : 1e-300),
    );
    keys[0] = -0;
    const ids = Int32Array.from({ length: n }, (_, i) => i);
    const expected = [...ids].sort((a, b) => keys[a] - keys[b] || a - b);
    const sorted = keys.slice();
    sortByKey(sorted, ids, n);
    deepEqual([...ids], expected);
    deepEqual([...sorted], expected.map((i) => keys[i]));
  }
});

Deno.test("rowOrders() is exact, stable and flags ties on every kind of row", () => {
  // Expected orders from Array.prototype.sort with an explicit (value, column) comparator.
  const rng = createRng(11);
  const nCols = 300;
  const rows: Record<string, () => number> = {
    normal: () => rng.normal(),
    ties: () => rng.int(8) / 4, // many exact ties
    crowded: () => 1 + 1e-9 * rng.normal(), // one shared high word: falls back to the 64-bit sort
    tiny: () => (rng.uniform() < 0.5 ? -0 : 0) + 1e-300 * rng.int(3), // ±0 tie, subnormals
  };
  const names = Object.keys(rows);
  const matrix = new Float64Array((names.length + 1) * nCols).fill(NaN);
  names.forEach((name, t) => {
    for (let i = 0; i < nCols; i++) matrix[t * nCols + i] = rng.uniform() < 0.1 ? NaN : rows[name]();
  });
  // A last row with 20 values only (the insertion sort path).
  for (let i = 0; i < 20; i++) matrix[names.length * nCols + 7 * i] = i % 3;
  const { order, start, ties, tiedRows } = rowOrders(matrix, names.length + 1, nCols);
  for (let t = 0; t <= names.length; t++) {
    const base = t * nCols;
    const expected = [...Array(nCols).keys()].filter((i) => Number.isFinite(matrix[base + i]))
      .sort((a, b) => matrix[base + a] - matrix[base + b] || a - b);
    const got = [...order.subarray(start[t], start[t + 1])];
    deepEqual(got, expected, names[t] ?? "short");
    const flags = expected.map((
      i,
      j,
    ) => (j > 0 && matrix[base + i] === matrix[base + expected[j - 1]] ? 1 : 0));
    deepEqual([...ties.subarray(start[t], start[t + 1])], flags, names[t] ?? "short");
    equal(tiedRows[t], flags.includes(1) ? 1 : 0);
  }
});

Deno.test("backtest() fractile edges: 1 long / 1 short of 10; ties take average ranks", async (t) => {
  const ret = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10];
  await t.step("10 names at [10, 90]: percentiles 0, 10, …, 90 → short rank 1, long rank 10", () => {
    const { panel, known } = oneDay([5, 3, 9, 1, 7, 2, 8, 4, 6, 0], ret);
    const r = backtest(panel, { known }, ONLY);
    deepEqual([r.daily.n_long[0], r.daily.n_short[0]], [1, 1]);
    assertAlmostEquals(r.daily.long[0], 0.03); // C has the top signal 9
    assertAlmostEquals(r.daily.short[0], 0.10); // J has the bottom signal 0
  });
  await t.step("all tied: no position, the date is skipped as tied, with a warning", () => {
    // Issue 9's tie rule: average ranks give all 10 names rank 5.5, percentile 100·4.5/10 = 45:
    // neither < 10 nor ≥ 90, so both legs are empty (before, column order made A short and J long).
    const { panel, known } = oneDay(ret.map(() => 1), ret);
    const r = backtest(panel, { known }, ONLY);
    equal(r.daily.date.length, 0);
    equal(r.summary.overall.n_days, 0);
    ok(Number.isNaN(r.summary.overall.sharpe));
    deepEqual([r.diagnostics.skipped_dates, r.diagnostics.tied_dates], [1, 1]);
    deepEqual([...r.diagnostics.tied], [panel.dates[1]]);
    equal(r.warnings.length, 1);
    ok(/1 of 1 dates have no position: the signal is tied/.test(r.warnings[0]), r.warnings[0]);
    deepEqual([...r.fractiles.count], new Array(10).fill(0)); // nothing booked on a skipped date
  });
  await t.step("tied runs at the edges move as one block, whatever the column order", () => {
    // 20 names, [10, 90]: ordinal legs are positions 0-1 (100·j/20 < 10) and 18-19 (≥ 90).
    // Ties: positions 1, 2 share rank 2.5 → percentile 7.5 < 10: both short (3 names);
    // positions 17, 18, 19 share rank 19 → percentile 90 ≥ 90: all long (3 names).
    const sig = [0, 1, 1, ...Array.from({ length: 14 }, (_, k) => 3 + k), 17, 17, 17];
    const rets = sig.map((_, i) => 0.001 * (i + 1));
    const expected = { short: (0.001 + 0.002 + 0.003) / 3, long: (0.018 + 0.019 + 0.020) / 3 };
    for (const reversed of [false, true]) {
      // Reversing the columns reverses the order of the tied names: same legs.
      const order = reversed ? [...sig.keys()].reverse() : [...sig.keys()];
      const { panel, known } = oneDay(order.map((i) => sig[i]), order.map((i) => rets[i]));
      const r = backtest(panel, { known }, ONLY);
      deepEqual([r.daily.n_short[0], r.daily.n_long[0]], [3, 3]);
      assertAlmostEquals(r.daily.short[0], expected.short, 1e-15);
      assertAlmostEquals(r.daily.long[0], expected.long, 1e-15);
      equal(r.diagnostics.tied_dates, 0);
      deepEqual(r.warnings, []);
    }
    // Top run of 3 starting one place lower (positions 16-18 tied, 19 alone): rank 18, percentile
    // 85 < 90, so only position 19 is long.
    const lower = [0, 1, 2, ...Array.from({ length: 13 }, (_, k) => 3 + k), 16, 16, 16, 19];
    const { panel, known } = oneDay(lower, rets);
    const r = backtest(panel, { known }, ONLY);
    deepEqual([r.daily.n_short[0], r.daily.n_long[0]], [2, 1]);
    assertAlmostEquals(r.daily.long[0], 0.020, 1e-15);
  });
  await t.step(
    "11 names: percentiles 100·(r−1)/11 → ranks 1, 2 below 10 (0, 9.09), only rank 11 ≥ 90",
    () => {
      const { panel, known } = oneDay([...ret.keys(), 10], [...ret, 0.11]);
      const r = backtest(panel, { known }, ONLY);
      deepEqual([r.daily.n_long[0], r.daily.n_short[0]], [1, 2]);
      assertAlmostEquals(r.daily.short[0], (0.01 + 0.02) / 2);
    },
  );
  await t.step(
    "q = 5 on 10 names: bucket floor(5·(r−1)/10) → 2 long, 2 short; fractiles report 5 buckets",
    () => {
      const { panel, known } = oneDay([...ret.keys()], ret);
      const r = backtest(panel, { known }, { ...ONLY, fractile: 5 });
      deepEqual([r.daily.n_long[0], r.daily.n_short[0]], [2, 2]);
      assertAlmostEquals(r.daily.gross[0], (0.09 + 0.10) / 2 - (0.01 + 0.02) / 2);
      equal(r.fractiles.buckets, 5);
      deepEqual([...r.fractiles.count], [2, 2, 2, 2, 2]);
      deepEqual([...r.fractiles.dates], [1, 1, 1, 1, 1]);
      // One date: its bucket means are both the per-date and the pooled means.
      for (const means of [r.fractiles.mean_return, r.fractiles.mean_return_pooled]) {
        [0.015, 0.035, 0.055, 0.075, 0.095].forEach((m, b) => assertAlmostEquals(means[b], m));
      }
      equal(r.fractiles.monotonicity, 1);
    },
  );
});

/**
 * Two traded days on 4 names, halves (q = 2): n = 4 → buckets 0, 0, 1, 1, equal weights ±0.5.
 * Day 1 (signal known d0: A1 B2 C3 D4): long C, D; short A, B. Turnover from zero = 2.
 * Day 2 (known d1: A3 B1 C2 D4 → order B, C, A, D): long A, D; short B, C.
 *   Turnover: A −0.5 → +0.5 (1) + B 0 + C +0.5 → −0.5 (1) + D 0 = 2.
 * ret d1: A .01 B .02 C .03 D .04 → long .035, short .015, gross .02; cost 25 bps × 2 = .005; net .015.
 * ret d2: A −.01 B .00 C .02 D .05 → long .02, short .01, gross .01; net .005.
 */
function twoDays() {
  const panel = makePanel({
    dates: dates(3),
    securityIds: ["A", "B", "C", "D"],
    fields: { ret: [[null, null, null, null], [0.01, 0.02, 0.03, 0.04], [-0.01, 0.00, 0.02, 0.05]] },
  });
  const known = Float64Array.of(1, 2, 3, 4, 3, 1, 2, 4, NaN, NaN, NaN, NaN);
  return { panel, known };
}

Deno.test("backtest() turnover, costs and summary on a two-day hand example", () => {
  const { panel, known } = twoDays();
  const r = backtest(panel, { known }, { fractile: 2, mincos: 4, tcBps: 25 });
  deepEqual([...r.daily.turnover], [2, 2]);
  [0.035, 0.02].forEach((x, k) => assertAlmostEquals(r.daily.long[k], x));
  [0.015, 0.01].forEach((x, k) => assertAlmostEquals(r.daily.short[k], x));
  [0.02, 0.01].forEach((x, k) => assertAlmostEquals(r.daily.gross[k], x));
  [0.015, 0.005].forEach((x, k) => assertAlmostEquals(r.daily.net[k], x));
  assertAlmostEquals(r.daily.cumulative[1], 1.015 * 1.005 - 1); // 0.020075
  deepEqual([...r.daily.drawdown], [0, 0]);
  const s = r.summary.overall;
  assertAlmostEquals(s.annual_return, Math.pow(1.020075, 252 / 2) - 1, 1e-9);
  // sd(.015, .005) = 0.00707106781 (ddof 1); mean .01.
  assertAlmostEquals(s.annual_volatility, Math.SQRT1_2 * 0.01 * Math.sqrt(252));
  assertAlmostEquals(s.sharpe, (0.01 / (Math.SQRT1_2 * 0.01)) * Math.sqrt(252), 1e-9); // 22.4499…
  assertAlmostEquals(s.sharpe_gross, (0.015 / (Math.SQRT1_2 * 0.01)) * Math.sqrt(252), 1e-9);
  deepEqual([s.max_drawdown, s.hit_rate, s.turnover, s.n_long, s.n_short, s.coverage, s.n_days], [
    0,
    1,
    2,
    2,
    2,
    1,
    2,
  ]);
  deepEqual(Object.keys(r.summary.year), ["2024"]);
  deepEqual(r.summary.year["2024"], s);
  equal(r.summary.cap, undefined); // no mcap field
  // IC day 1: signal ranks 1 2 3 4 vs return ranks 1 2 3 4 → 1. Day 2: signal ranks A3 B1 C2 D4 vs
  // returns A1 B2 C3 D4: d = (2, −1, −1, 0) → 1 − 6·6 / (4·15) = 0.4.
  assertAlmostEquals(r.ic.ic[0], 1);
  assertAlmostEquals(r.ic.ic[1], 0.4);
  assertAlmostEquals(r.ic.mean, 0.7);
  assertAlmostEquals(r.ic.std, Math.sqrt(0.18)); // sd(1, 0.4), ddof 1 = 0.4243
  assertAlmostEquals(r.ic.t_stat, (0.7 / Math.sqrt(0.18)) * Math.SQRT2);
  // Rank autocorrelation between known d0 and d1 rows: Spearman(1 2 3 4, 3 1 2 4) = 0.4; computed by
  // backtest(), and by a backtester only when asked.
  assertAlmostEquals(r.diagnostics.rank_autocorrelation, 0.4);
  const options = { fractile: 2, mincos: 4, tcBps: 25 };
  ok(Number.isNaN(createBacktester(panel, { known }).run(options).diagnostics.rank_autocorrelation));
  const asked = createBacktester(panel, { known }, { rankAutocorrelation: true }).run(options);
  assertAlmostEquals(asked.diagnostics.rank_autocorrelation, 0.4);
});

Deno.test("backtest() fractile means: per-date mean averaged over dates by default, pooled on request", () => {
  // Halves (q = 2). d1: 4 valid names (E, F have no signal yet): bucket 0 = A .01, B .03 (mean .02),
  // bucket 1 = C .05, D .07 (mean .06). d2: 6 names: bucket 0 = A .02, B .04, C .06 (mean .04),
  // bucket 1 = D .08, E .10, F .12 (mean .10).
  // Per-date (Alphalens): (.02 + .04) / 2 = .03 and (.06 + .10) / 2 = .08.
  // Pooled over (date, name): (.01 + .03 + .02 + .04 + .06) / 5 = .032 and (.05 + .07 + .08 + .10 + .12) / 5 = .084.
  const panel = makePanel({
    dates: dates(3),
    securityIds: ["A", "B", "C", "D", "E", "F"],
    fields: {
      ret: [[null, null, null, null, null, null], [0.01, 0.03, 0.05, 0.07, 0, 0], [
        0.02,
        0.04,
        0.06,
        0.08,
        0.10,
        0.12,
      ]],
    },
  });
  const known = Float64Array.of(1, 2, 3, 4, NaN, NaN, 1, 2, 3, 4, 5, 6, ...new Array(6).fill(NaN));
  const r = backtest(panel, { known }, { ...ONLY, fractile: 2, mincos: 4 });
  assertAllClose(r.fractiles.mean_return, [0.03, 0.08], 1e-15);
  assertAllClose(r.fractiles.mean_return_pooled, [0.032, 0.084], 1e-15);
  deepEqual([...r.fractiles.count], [5, 5]);
  deepEqual([...r.fractiles.dates], [2, 2]);
  equal(r.fractiles.monotonicity, 1);
});

Deno.test("backtest() skips dates under mincos: positions go to zero and re-enter from zero", () => {
  // d1 has 4 valid names, d2 only 3 (D's return missing) → skipped at mincos 4, d3 trades again.
  const panel = makePanel({
    dates: dates(4),
    securityIds: ["A", "B", "C", "D"],
    fields: {
      ret: [[null, null, null, null], [0.01, 0.02, 0.03, 0.04], [0.01, 0.02, 0.03, null], [
        0.04,
        0.03,
        0.02,
        0.01,
      ]],
    },
  });
  const known = Float64Array.of(1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, NaN, NaN, NaN, NaN);
  const r = backtest(panel, { known }, { ...ONLY, fractile: 2, mincos: 4 });
  deepEqual([...r.daily.date], [panel.dates[1], panel.dates[3]]);
  deepEqual([...r.daily.turnover], [2, 2]); // unchanged book, but re-entered from zero after the skip
  deepEqual([...r.diagnostics.skipped], [panel.dates[2]]);
  equal(r.diagnostics.skipped_dates, 1);
  assertAlmostEquals(r.diagnostics.coverage[2], 1); // the 3 names with a return all have a signal
  assertAlmostEquals(r.diagnostics.missing_share, 0);
  // At mincos 3 the day trades with 3 names: halves of 3 → buckets 0, 0, 1: 2 short, 1 long.
  const r3 = backtest(panel, { known }, { ...ONLY, fractile: 2, mincos: 3 });
  deepEqual([...r3.daily.n_long], [2, 1, 2]);
  deepEqual([...r3.daily.n_short], [2, 2, 2]);
  // d2: from long C, D / short A, B (±0.5) to long C (+1) / short A, B (±0.5): |1 − .5| + |0 − .5| = 1.
  deepEqual([...r3.daily.turnover], [2, 1, 1]);
});

Deno.test("backtest() weights: equal, ∝ |z-score| of the signal, ∝ mcap at the prior close", async (t) => {
  // Signal A1 B2 C4 D9 (mean 4), halves: short A, B; long C, D.
  const { panel, known } = oneDay([1, 2, 4, 9], [0.01, 0.02, 0.03, 0.04], {
    mcap: [[1, 3, 2, 2], [100, 100, 100, 100]],
  });
  const options = { ...ONLY, fractile: 2, mincos: 4 };
  await t.step("equal", () => {
    const r = backtest(panel, { known }, { ...options, weight: "equal" });
    assertAlmostEquals(r.daily.long[0], 0.035);
    assertAlmostEquals(r.daily.short[0], 0.015);
  });
  await t.step("signal: |v − mean| = 3, 2, 0, 5 → short A .6, B .4; long C 0, D 1", () => {
    const r = backtest(panel, { known }, { ...options, weight: "signal" });
    assertAlmostEquals(r.daily.long[0], 0.04);
    assertAlmostEquals(r.daily.short[0], 0.6 * 0.01 + 0.4 * 0.02);
  });
  await t.step(
    "cap: mcap at d0 = 1, 3, 2, 2 → short A .25, B .75; long C .5, D .5 (d1's mcap unused)",
    () => {
      const r = backtest(panel, { known }, { ...options, weight: "cap" });
      assertAlmostEquals(r.daily.long[0], 0.035);
      assertAlmostEquals(r.daily.short[0], 0.25 * 0.01 + 0.75 * 0.02);
    },
  );
  await t.step("cap weights need mcap", () => {
    const bare = oneDay([1, 2, 4, 9], [0.01, 0.02, 0.03, 0.04]);
    throws(
      () => backtest(bare.panel, { known: bare.known }, { ...options, weight: "cap" }),
      /needs an "mcap" field/,
    );
  });
});

Deno.test("backtest() rank IC uses average ranks for ties", () => {
  // signal 1 2 2 3 4 → ranks 1 2.5 2.5 4 5; returns .01 .03 .02 .02 .05 → ranks 1 4 2.5 2.5 5.
  // Deviations from 3: (−2 −.5 −.5 1 2) and (−2 1 −.5 −.5 2): Σ products 7.25, Σ squares 9.5 each.
  const { panel, known } = oneDay([1, 2, 2, 3, 4], [0.01, 0.03, 0.02, 0.02, 0.05]);
  const r = backtest(panel, { known }, { ...ONLY, mincos: 5, fractile: 5 });
  assertAlmostEquals(r.ic.ic[0], 7.25 / 9.5); // 0.763157894736842
  assertAlmostEquals(spearman([1, 2, 2, 3, 4], [0.01, 0.03, 0.02, 0.02, 0.05]), 7.25 / 9.5);
});

Deno.test("residualize() demeans within industry, and leaves OLS residuals orthogonal to the factors", async (t) => {
  await t.step("industry: x: 1, 3 → −1, 1; y: 10, 20 → −5, 5; missing stays NaN", () => {
    const { panel } = oneDay([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], {}, ["x", "x", "y", "y", "y"]);
    const out = residualize(Float64Array.of(1, 3, 10, 20, NaN, 1, 1, 1, 1, 1), panel, "industry");
    deepEqual([...out], [-1, 1, -5, 5, NaN, 0, 0, 0, 0, 0]);
  });
  const rng = createRng(5);
  const n = 30;
  const mcap = Array.from({ length: n }, () => Math.exp(20 + rng.normal()));
  const value = Array.from({ length: n }, () => rng.normal());
  const beta = Array.from({ length: n }, () => 1 + 0.3 * rng.normal());
  const industries = Array.from({ length: n }, (_, i) => ["x", "y", "z"][i % 3]);
  const sig = Array.from({ length: n }, (_, i) => 2 * beta[i] - value[i] + rng.normal());
  const { panel, known } = oneDay(sig, sig.map(() => 0.01), {
    mcap: [mcap, mcap],
    value: [value, value],
    beta: [beta, beta],
  }, industries);
  deepEqual(riskDescriptors(panel), ["log_mcap", "value", "beta"]);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    Array.from(a).reduce((s, x, i) => s + x * b[i], 0);
  await t.step("factor: residual sums to 0 and is orthogonal to log(mcap), value, beta", () => {
    const res = residualize(known, panel, "factor").subarray(0, n);
    assertAlmostEquals(dot(res, res.map(() => 1)), 0, 1e-9);
    assertAlmostEquals(dot(res, mcap.map(Math.log)), 0, 1e-8);
    assertAlmostEquals(dot(res, value), 0, 1e-9);
    assertAlmostEquals(dot(res, beta), 0, 1e-9);
    ok(dot(res, res) > 1); // not trivially zero
  });
  await t.step("factor: a signal exactly linear in the factors leaves a zero residual", () => {
    const linear = Float64Array.from([
      ...beta.map((b, i) => 1 + 2 * b - 3 * value[i]),
      ...beta.map(() => NaN),
    ]);
    const res = residualize(linear, panel, "factor").subarray(0, n);
    ok(res.every((x) => Math.abs(x) < 1e-12));
  });
  await t.step("all: residual sums to 0 within each industry and is orthogonal to the factors", () => {
    const res = residualize(known, panel, "all").subarray(0, n);
    for (const g of ["x", "y", "z"]) {
      assertAlmostEquals(dot(res, industries.map((x) => (x === g ? 1 : 0))), 0, 1e-9);
    }
    assertAlmostEquals(dot(res, value), 0, 1e-9);
    assertAlmostEquals(dot(res, beta), 0, 1e-9);
    assertAlmostEquals(dot(res, mcap.map(Math.log)), 0, 1e-8);
  });
  await t.step("factor needs a descriptor", () => {
    throws(
      () => residualize(Float64Array.of(1, NaN), oneDay([1], [0]).panel, "factor"),
      /needs a risk descriptor/,
    );
  });
  await t.step("the engine ranks the residual: industry-demeaned legs differ from raw legs", () => {
    // Raw 10 11 1 2 (x x y y): short C, D; long A, B. Demeaned −.5 .5 −.5 .5: sorted A, C, B, D
    // (ties by id) → short A, C; long B, D.
    const c = oneDay([10, 11, 1, 2], [0.01, 0.02, 0.04, 0.08], {}, ["x", "x", "y", "y"]);
    const options = { ...ONLY, fractile: 2, mincos: 4 };
    assertAlmostEquals(backtest(c.panel, { known: c.known }, options).daily.gross[0], 0.015 - 0.06);
    assertAlmostEquals(
      backtest(c.panel, { known: c.known }, { ...options, residualize: "industry" }).daily.gross[0],
      0.05 - 0.025,
    );
  });
});

/** 100 names × 500 days of iid returns with mcap, and a known signal = tomorrow's return + equal noise. */
function noisyCase() {
  const rng = createRng(3);
  const nT = 500, nS = 100;
  const ret = Float64Array.from({ length: nT * nS }, () => 0.02 * rng.normal());
  const mcap = Float64Array.from({ length: nT * nS }, () => Math.exp(22 + rng.normal()));
  const known = new Float64Array(nT * nS).fill(NaN);
  for (let c = 0; c + nS < nT * nS; c++) known[c] = ret[c + nS] + 0.02 * rng.normal();
  const panel = makePanel({
    dates: dates(nT, Date.UTC(2020, 0, 1)),
    securityIds: Array.from({ length: nS }, (_, i) => `S${String(i).padStart(3, "0")}`),
    industries: Array.from({ length: nS }, (_, i) => `I${i % 5}`),
    fields: { ret, mcap },
  });
  return { panel, known };
}

Deno.test("backtest() finds a noisy copy of the next day's return: high IC and Sharpe, monotone fractiles", () => {
  const { panel, known } = noisyCase();
  const r = backtest(panel, { known });
  // Pearson corr(ret, ret + equal noise) = 1/√2 ≈ 0.71; Spearman for normals ≈ (6/π)·asin(0.707/2) ≈ 0.69.
  ok(r.ic.mean > 0.6 && r.ic.mean < 0.75, `IC ${r.ic.mean}`);
  ok(r.summary.overall.sharpe > 20, `Sharpe ${r.summary.overall.sharpe}`);
  equal(r.fractiles.buckets, 10);
  equal(r.fractiles.monotonicity, 1);
  equal(r.summary.overall.n_days, 499);
  deepEqual(Object.keys(r.summary.year), ["2020", "2021"]);
  equal(r.summary.year["2020"].n_days + r.summary.year["2021"].n_days, 499);
  const cap = r.summary.cap!;
  deepEqual(Object.keys(cap), ["small", "mid", "large"]);
  // Terciles of 100 names hold 33 or 34: at [10, 90], 4 short and 4 long (3 long when 33 names).
  for (const slice of Object.values(cap)) {
    equal(slice.n_short, 4);
    ok(slice.n_long >= 3 && slice.n_long <= 4);
    ok(slice.sharpe > 10);
  }
  // With the signal lagged a day it knows nothing.
  const lagged = backtest(panel, { known }, { lag: 1, slices: ["overall"] });
  ok(Math.abs(lagged.ic.mean) < 0.03, `IC ${lagged.ic.mean}`);
});

Deno.test("createBacktester() variants match single backtests and resolveConfig() rejects bad config", () => {
  const { panel, known } = noisyCase();
  const bt = createBacktester(panel, { known });
  for (const residualize of ["off", "industry"] as const) {
    for (const lag of [0, 2]) {
      const a = bt.run({ lag, residualize, slices: ["overall"] });
      const b = backtest(panel, { known }, { lag, residualize, slices: ["overall"] });
      deepEqual(a.daily.net, b.daily.net);
      equal(a.ic.mean, b.ic.mean);
    }
  }
  deepEqual(resolveConfig({ lag: 1 }), { ...resolveConfig(), lag: 1 });
  throws(() => resolveConfig({ lag: -1 }), /"lag": expected an integer ≥ 0, found -1/);
  throws(() => resolveConfig({ fractile: [90, 10] }), /"fractile"/);
  throws(() => resolveConfig({ fractile: 1 }), /"fractile"/);
  throws(() => resolveConfig({ residualize: "sector" as "off" }), /"residualize"/);
  throws(() => resolveConfig({ mincos: 1 }), /"mincos"/);
  throws(() => backtest(panel, { known: new Float64Array(3) }), /known matrix has 3 cells/);
});
