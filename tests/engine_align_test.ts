import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { backtest } from "../lib/engine/mod.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import { alignKnown, knownMatrix, type Signal, validate } from "../lib/signal/mod.ts";
import { lowerBound, lowerBoundCursor } from "../lib/util/bisect.ts";
import { createRng } from "../lib/util/rng.ts";

const DAY = 86_400_000;
const D = Array.from({ length: 6 }, (_, t) => Date.UTC(2024, 0, 1) + t * DAY); // d0..d5
const close = (a: number, b: number, eps = 1e-12) => Math.abs(a - b) <= eps;
const near = (actual: number, expected: number, eps = 1e-12) =>
  ok(close(actual, expected, eps), `expected ${expected}, found ${actual}`);

/**
 * The hand panel: 3 securities × 6 days.
 *        A      B      C
 *  d0   NaN    NaN    NaN
 *  d1  0.01   0.02  -0.01
 *  d2  0.03  -0.02   0.00
 *  d3 -0.01   0.01   0.02
 *  d4  0.02   0.00  -0.03
 *  d5  0.00   0.04   0.01
 */
const panel = makePanel({
  dates: D,
  securityIds: ["A", "B", "C"],
  fields: {
    ret: [
      [null, null, null],
      [0.01, 0.02, -0.01],
      [0.03, -0.02, 0.00],
      [-0.01, 0.01, 0.02],
      [0.02, 0.00, -0.03],
      [0.00, 0.04, 0.01],
    ],
  },
});
/** Terciles on 3 names: bucket = rank − 1, so exactly the top name long and the bottom one short. */
const TERCILES = { fractile: 3, mincos: 3, tcBps: 0, slices: ["overall"] as const };

Deno.test("lowerBoundCursor() answers like lowerBound() for queries in any order", () => {
  const dates = Float64Array.of(10, 20, 30, 40);
  const rng = createRng(4);
  const at = lowerBoundCursor(dates);
  // Runs that go forward (same date, next date, far jumps) then back, as security-major files do.
  const queries = [
    5,
    10,
    10,
    11,
    20,
    35,
    41,
    10,
    25,
    25,
    40,
    ...Array.from({ length: 50 }, () => rng.int(50)),
  ];
  for (const x of queries) equal(at(x), lowerBound(dates, x), `query ${x}`);
  equal(lowerBound(dates, 25, 3), 3); // searching from an index
});

Deno.test("knownMatrix() gives the same matrix whatever the row order (merge pass = per-row search)", () => {
  // 40 rows over A, B, C, unknown Z, on d0..d5 with random date_avail (some past the last date) and
  // duplicate cells; the reference places each row by its own lowerBound and keeps the latest
  // date_sig (the later row on equal date_sig), the documented rule.
  const rng = createRng(9);
  const rows = Array.from({ length: 40 }, (_, r) => {
    const sig = D[rng.int(6)];
    return { id: "ABCZ"[rng.int(4)], sig, avail: sig + rng.int(3) * DAY - rng.int(2), value: r };
  });
  const reference = (list: typeof rows) => {
    const out = new Float64Array(18).fill(NaN), best = new Float64Array(18).fill(-Infinity);
    for (const row of list) {
      const i = "ABC".indexOf(row.id), t = lowerBound(panel.dates, row.avail);
      if (i >= 0 && t < 6 && row.sig >= best[t * 3 + i]) {
        [best[t * 3 + i], out[t * 3 + i]] = [row.sig, row.value];
      }
    }
    return [...out];
  };
  const asSignal = (list: typeof rows): Signal => ({
    security_id: list.map((x) => x.id),
    date_sig: Float64Array.from(list, (x) => x.sig),
    date_avail: Float64Array.from(list, (x) => x.avail),
    signal: Float64Array.from(list, (x) => x.value),
  });
  // Random order, sorted by security then date, sorted by date (stable: equal keys keep their order).
  const bySecurity = [...rows].sort((a, b) => a.id.localeCompare(b.id) || a.avail - b.avail);
  const byDate = [...rows].sort((a, b) => a.avail - b.avail);
  for (const list of [rows, bySecurity, byDate]) {
    deepEqual([...knownMatrix(panel, asSignal(list))], reference(list));
  }
});

Deno.test("knownMatrix() places each row at the first trading day on/after date_avail", () => {
  const signal: Signal = {
    security_id: ["A", "B", "C", "C", "A", "Z"],
    date_sig: Float64Array.of(D[1], D[1], D[0], D[1], D[4], D[1]),
    date_avail: Float64Array.of(
      D[1], // A: known at close d1
      D[1] + 8 * 3_600_000, // B: 08:00 after d1's midnight stamp → lands on d2 (conservative)
      D[2], // C (date_sig d0) and …
      D[2], // … C (date_sig d1) both land on d2: the later date_sig wins → 5
      D[5] + DAY, // after the last day: dropped
      D[1], // unknown security: dropped
    ),
    signal: Float64Array.of(1, 3, 4, 5, 9, 7),
  };
  const known = knownMatrix(panel, signal);
  const n = NaN;
  deepEqual([...known], [n, n, n, 1, n, n, n, 3, 5, n, n, n, n, n, n, n, n, n]);
});

Deno.test("alignKnown() holds a value known at close k on day k + 1 + lag", () => {
  const known = Float64Array.of(1, 2, 3, 4, 5, 6); // 3 dates × 2 securities
  deepEqual([...alignKnown(known, 3, 2, 0)], [NaN, NaN, 1, 2, 3, 4]);
  deepEqual([...alignKnown(known, 3, 2, 1)], [NaN, NaN, NaN, NaN, 1, 2]);
  deepEqual([...alignKnown(known, 3, 2, 2)], [NaN, NaN, NaN, NaN, NaN, NaN]);
  throws(() => alignKnown(known, 3, 2, -1), RangeError);
  throws(() => alignKnown(known, 4, 2, 0), RangeError);
});

Deno.test("backtest() earns ret[k + 1 + lag] for a value known at close k", async (t) => {
  // Known at close d1: A = 1, B = 3, C = 2 → long B, short A.
  const signal: Signal = {
    security_id: ["A", "B", "C"],
    date_sig: Float64Array.of(D[1], D[1], D[1]),
    signal: Float64Array.of(1, 3, 2),
  };
  await t.step("lag 0: held d2, gross = ret[d2,B] − ret[d2,A] = −0.02 − 0.03 = −0.05", () => {
    const r = backtest(panel, signal, { ...TERCILES, lag: 0 });
    deepEqual([...r.daily.date], [D[2]]);
    near(r.daily.long[0], -0.02);
    near(r.daily.short[0], 0.03);
    near(r.daily.gross[0], -0.05);
  });
  await t.step("lag 1: held d3, gross = 0.01 − (−0.01) = 0.02", () => {
    const r = backtest(panel, signal, { ...TERCILES, lag: 1 });
    deepEqual([...r.daily.date], [D[3]]);
    near(r.daily.gross[0], 0.02);
  });
  await t.step("lag 2: held d4, gross = 0.00 − 0.02 = −0.02", () => {
    const r = backtest(panel, signal, { ...TERCILES, lag: 2 });
    deepEqual([...r.daily.date], [D[4]]);
    near(r.daily.gross[0], -0.02);
  });
  await t.step(
    "date_avail d1 08:00 (after d1's midnight stamp) is known at close d2: held d3 at lag 0",
    () => {
      const late = { ...signal, date_avail: new Float64Array(3).fill(D[1] + 8 * 3_600_000) };
      const r = backtest(panel, late, { ...TERCILES, lag: 0 });
      deepEqual([...r.daily.date], [D[3]]);
      near(r.daily.gross[0], 0.02);
    },
  );
  await t.step("only A late: d2 and d3 have 2 and 1 valid names (< mincos 3) and are skipped", () => {
    const late = { ...signal, date_avail: Float64Array.of(D[1] + 8 * 3_600_000, D[1], D[1]) };
    const r = backtest(panel, late, { ...TERCILES, lag: 0 });
    deepEqual([...r.daily.date], []);
    deepEqual([...r.diagnostics.skipped], [D[2], D[3]]);
    equal(r.diagnostics.skipped_dates, 2);
    // coverage per date: d2 2 of 3 names with a return, d3 1 of 3, no signal held elsewhere.
    deepEqual([...r.diagnostics.coverage], [NaN, 0, 2 / 3, 1 / 3, 0, 0]);
  });
});

Deno.test("backtest() with fromOpen earns open-to-close on entry and overnight on the position left", () => {
  // Two names, halves (q = 2): long the higher signal, short the lower, $1 each.
  // known d0: A 1, B 2 → held d1 long B short A; known d1: A 2, B 1 → held d2 long A short B.
  const p = makePanel({
    dates: D.slice(0, 3),
    securityIds: ["A", "B"],
    fields: {
      ret: [[null, null], [0.015, 0.025], [0.10, -0.02]],
      ret_oc: [[null, null], [0.01, 0.03], [0.05, 0.02]],
    },
  });
  const known = Float64Array.of(1, 2, 2, 1, NaN, NaN);
  const r = backtest(p, { known }, { fractile: 2, mincos: 2, tcBps: 0, fromOpen: true, slices: ["overall"] });
  // d1: enter at the open, earn open-to-close: long oc[B] = 0.03, short oc[A] = 0.01.
  near(r.daily.long[0], 0.03);
  near(r.daily.short[0], 0.01);
  near(r.daily.gross[0], 0.02);
  // d2: overnight of the old book, on = (1 + ret) / (1 + oc) − 1:
  //   on[A] = 1.10 / 1.05 − 1 = 0.047619047619…, on[B] = 0.98 / 1.02 − 1 = −0.039215686274…
  // long  = old long B overnight + new long A open-to-close = −0.0392156863 + 0.05 = 0.0107843137
  // short = old short A overnight + new short B open-to-close = 0.0476190476 + 0.02 = 0.0676190476
  const onA = 1.1 / 1.05 - 1, onB = 0.98 / 1.02 - 1;
  near(r.daily.long[1], onB + 0.05);
  near(r.daily.short[1], onA + 0.02);
  near(r.daily.gross[1], 0.0107843137254902 - 0.0676190476190476, 1e-12);
  deepEqual([...r.daily.turnover], [2, 4]);
  // Close-to-close for comparison: d1 0.025 − 0.015 = 0.01, d2 0.10 − (−0.02) = 0.12.
  const cc = backtest(p, { known }, { fractile: 2, mincos: 2, tcBps: 0, slices: ["overall"] });
  near(cc.daily.gross[0], 0.01);
  near(cc.daily.gross[1], 0.12);
});

/** A 40-name × 250-day panel of iid returns, and the matrices of today's and tomorrow's returns. */
function iidCase() {
  const rng = createRng(11);
  const nT = 250, nS = 40;
  const ret = Float64Array.from({ length: nT * nS }, (_, c) => (c < nS ? NaN : 0.02 * rng.normal()));
  const dates = Array.from({ length: nT }, (_, t) => Date.UTC(2023, 0, 2) + t * DAY);
  const ids = Array.from({ length: nS }, (_, i) => `S${String(i).padStart(2, "0")}`);
  const p = makePanel({ dates, securityIds: ids, fields: { ret } });
  const tomorrow = new Float64Array(nT * nS).fill(NaN);
  tomorrow.set(ret.subarray(nS), 0);
  return { p, ret, tomorrow, dates, ids, nT, nS };
}

Deno.test("no path lets a signal earn a return it could not have known", async (t) => {
  const { p, ret, tomorrow, dates, ids, nT, nS } = iidCase();
  const options = { tcBps: 0, slices: ["overall"] as const };
  await t.step("known = today's return (realised at the close it is known) earns nothing at lag 0", () => {
    const r = backtest(p, { known: ret }, options);
    ok(Math.abs(r.ic.mean) < 0.03, `IC ${r.ic.mean}`);
    ok(Math.abs(r.ic.t_stat) < 3, `t ${r.ic.t_stat}`);
    ok(Math.abs(r.summary.overall.sharpe_gross) < 3, `Sharpe ${r.summary.overall.sharpe_gross}`);
  });
  await t.step("only a cheat (tomorrow's return placed at today's close) is perfect", () => {
    const r = backtest(p, { known: tomorrow }, options);
    near(r.ic.mean, 1);
    ok(r.daily.gross.every((g) => g > 0));
    equal(r.fractiles.monotonicity, 1);
    // … and validate() catches it as a Signal dated today.
    const security_id: string[] = [], date_sig: number[] = [], signal: number[] = [];
    for (let k = 0; k + 1 < nT; k++) {
      for (let i = 0; i < nS; i++) {
        security_id.push(ids[i]);
        date_sig.push(dates[k]);
        signal.push(tomorrow[k * nS + i]);
      }
    }
    const cheat: Signal = {
      security_id,
      date_sig: Float64Array.from(date_sig),
      signal: Float64Array.from(signal),
    };
    deepEqual(validate(cheat, { panel: p }).problems.map((x) => x.kind), ["lookahead_suspected"]);
    // Dated honestly (the day the return is realised), the same values earn nothing.
    const honest: Signal = { ...cheat, date_sig: Float64Array.from(date_sig, (x) => x + DAY) };
    const h = backtest(p, honest, options);
    ok(Math.abs(h.ic.mean) < 0.03, `IC ${h.ic.mean}`);
    // date_avail a day after date_sig delays holding by one day, like lag 1: nothing either.
    const delayed: Signal = { ...cheat, date_avail: Float64Array.from(date_sig, (x) => x + DAY) };
    ok(Math.abs(backtest(p, delayed, options).ic.mean) < 0.03);
    ok(Math.abs(backtest(p, { known: tomorrow }, { ...options, lag: 1 }).ic.mean) < 0.03);
  });
});
