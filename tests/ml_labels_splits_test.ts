import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import { computeLabel } from "../lib/ml/labels.ts";
import { purgedKFold, walkForward } from "../lib/ml/splits.ts";

const day = (d: number) => Date.UTC(2024, 0, 1 + d);
/**
 * Security A: returns r_0..r_7 (r_0 NaN, its first bar); B: no bar at t = 3 (so its own rows skip it),
 * hence no return at t = 4 either (the panel's ret is NaN after a missing close).
 */
const A = [NaN, 0.01, -0.02, 0.03, 0.001, -0.001, 0.02, -0.01];
const panel = makePanel({
  dates: A.map((_, t) => day(t)),
  securityIds: ["A", "B"],
  fields: {
    close: A.map((_, t) => [100, t === 3 ? null : 50]),
    ret: A.map((r, t) => [r, t === 0 || t === 3 || t === 4 ? null : 0.01 * (t % 2 ? 1 : -1)]),
  },
});
const cell = (t: number, i: number) => t * 2 + i;

Deno.test("computeLabel() at each horizon", async (t) => {
  await t.step("B1, R and the forward return at h = 1 and h = 2", () => {
    for (const h of [1, 2]) {
      const b1 = computeLabel(panel, { type: "B1", horizon: h });
      const r = computeLabel(panel, { type: "R", horizon: h });
      equal(b1.name, `B1_${h}`);
      for (let s = 0; s + h < A.length; s++) {
        // fwd(s, h) = Π_{k=1..h}(1 + r_{s+k}) − 1, by hand from A.
        let growth = 1;
        for (let k = 1; k <= h; k++) growth *= 1 + A[s + k];
        assertAlmostEquals(b1.forward[cell(s, 0)], growth - 1, 1e-15, `fwd A t=${s} h=${h}`);
        equal(b1.value[cell(s, 0)], growth > 1 ? 1 : 0);
        assertAlmostEquals(r.value[cell(s, 0)], 100 * Math.log(growth), 1e-12);
        equal(b1.end[cell(s, 0)], s + h, "known at the h-th next bar");
      }
      for (let s = A.length - h; s < A.length; s++) {
        ok(Number.isNaN(b1.value[cell(s, 0)]), `no label without ${h} future bars (t=${s})`);
        equal(b1.end[cell(s, 0)], -1);
      }
    }
  });
  await t.step("own rows: B's label skips the date it has no bar", () => {
    // B's own rows are t = 0,1,2,4,5,6,7; at t = 2 the next bar is t = 4, whose ret is missing
    // (the panel's ret is NaN after a missing close) ⇒ no label; at t = 4, h = 2 spans t = 5, 6.
    const b1 = computeLabel(panel, { type: "B1", horizon: 2 });
    ok(Number.isNaN(b1.value[cell(2, 1)]));
    assertAlmostEquals(b1.forward[cell(4, 1)], (1 + 0.01) * (1 - 0.01) - 1, 1e-15);
    equal(b1.end[cell(4, 1)], 6);
    const one = computeLabel(panel, { type: "B1", horizon: 1 });
    equal(one.end[cell(1, 1)], 2);
  });
  await t.step("T3 thresholds, default ±0.2% and configurable", () => {
    const t3 = computeLabel(panel, { type: "T3", horizon: 1 });
    // fwd at t = 0..6: +1%, −2%, +3%, +0.1%, −0.1%, +2%, −1% ⇒ 1, −1, 1, 0, 0, 1, −1.
    deepEqual(Array.from({ length: 7 }, (_, s) => t3.value[cell(s, 0)]), [1, -1, 1, 0, 0, 1, -1]);
    deepEqual(t3.classes, [-1, 0, 1]);
    const wide = computeLabel(panel, { type: "T3", horizon: 1, up: 0.015, down: 0.025 });
    deepEqual(Array.from({ length: 7 }, (_, s) => wide.value[cell(s, 0)]), [0, 0, 1, 0, 0, 1, 0]);
  });
  await t.step("triple barrier: first touch and its date", () => {
    // σ over 2 returns; barriers ±0.9·σ·√2. At t = 2: σ = std(0.01, −0.02) = 0.0212132 ⇒ barrier 0.027;
    // path: +3% at t = 3 touches the upper barrier first ⇒ +1, known at t = 3.
    const barriers = { upper: 0.9, lower: 0.9 };
    const tb = computeLabel(panel, { type: "TB", horizon: 2, volWindow: 2, ...barriers });
    equal(tb.value[cell(2, 0)], 1);
    equal(tb.end[cell(2, 0)], 3);
    // At t = 3: σ = std(−0.02, 0.03) = 0.0353553 ⇒ barrier 0.045; path +0.1%, then (1.001)(0.999) − 1:
    // no touch ⇒ 0, known at the vertical barrier t = 5.
    equal(tb.value[cell(3, 0)], 0);
    equal(tb.end[cell(3, 0)], 5);
    const sign = computeLabel(panel, { type: "TB", horizon: 2, volWindow: 2, vertical: "sign", ...barriers });
    equal(sign.value[cell(3, 0)], -1, "sign of (1.001)(0.999) − 1 < 0");
    ok(Number.isNaN(tb.value[cell(1, 0)]), "σ needs 2 returns up to t (r_0 is missing)");
  });
  await t.step("bad specs are refused with the reason", () => {
    throws(() => computeLabel(panel, { type: "B1", horizon: 0 }), /horizon must be an integer ≥ 1, found 0/);
    throws(() => computeLabel(panel, { type: "X" as "B1", horizon: 1 }), /label type must be one of/);
  });
});

/** 40 dates × 3 securities, labels 5 bars ahead (end = t + 5, none in the last 5 dates). */
function rows(h = 5, nDates = 40, nSec = 3) {
  const t: number[] = [], end: number[] = [];
  for (let d = 0; d < nDates; d++) {
    for (let i = 0; i < nSec; i++) {
      t.push(d);
      end.push(d + h < nDates ? d + h : -1);
    }
  }
  return { t: Int32Array.from(t), end: Int32Array.from(end) };
}

/** True when some training row's label window [t, end] contains a test row's date. */
function overlaps(data: { t: Int32Array; end: Int32Array }, train: Int32Array, test: Int32Array): boolean {
  const testDates = new Set(Array.from(test, (r) => data.t[r]));
  return Array.from(train).some((r) => {
    for (let d = data.t[r]; d <= data.end[r]; d++) if (testDates.has(d)) return true;
    return false;
  });
}

Deno.test("walkForward() purges every training label that reaches the test fold", async (t) => {
  const data = rows();
  await t.step("expanding: no training label overlaps a test date, folds tile the rest", () => {
    const folds = walkForward(data, { window: 15, test: 10 });
    deepEqual(folds.map((f) => [f.testStart, f.testEnd]), [[15, 25], [25, 35], [35, 40]]);
    for (const f of folds) {
      equal(overlaps(data, f.train, f.test), false);
      // Dates 0..testStart−6 train (their labels end by testStart − 1); dates testStart−5.. are purged.
      equal(Math.max(...Array.from(f.train, (r) => data.t[r])), f.testStart - 6);
      equal(f.train.length, (f.testStart - 5) * 3);
      equal(f.fittedAt, f.testStart - 1);
      equal(f.test.length, (f.testEnd - f.testStart) * 3);
    }
  });
  await t.step("rolling keeps only the last window dates", () => {
    const folds = walkForward(data, { window: 15, test: 10, mode: "rolling" });
    equal(Math.min(...Array.from(folds[1].train, (r) => data.t[r])), 10);
  });
  await t.step("a window longer than the data is an error", () => {
    throws(() => walkForward(data, { window: 40, test: 5 }), /leaves no test dates/);
  });
});

Deno.test("purgedKFold() purges overlapping labels and embargoes the dates after the test labels", () => {
  const data = rows();
  const folds = purgedKFold(data, { k: 4, embargo: 3 });
  deepEqual(folds.map((f) => [f.testStart, f.testEnd]), [[0, 10], [10, 20], [20, 30], [30, 40]]);
  for (const f of folds) equal(overlaps(data, f.train, f.test), false);
  // Fold 2 tests dates 10..19 whose labels end at 24 (E): training rows need end < 10 (t ≤ 4) or
  // t > E + embargo = 27; rows dated 28..34 (with labels; 35..39 have none).
  const trainDates = [...new Set(Array.from(folds[1].train, (r) => data.t[r]))];
  deepEqual(trainDates, [0, 1, 2, 3, 4, 28, 29, 30, 31, 32, 33, 34]);
  // Without the embargo dates 25..27 train too.
  const plain = purgedKFold(data, { k: 4 });
  deepEqual([...new Set(Array.from(plain[1].train, (r) => data.t[r]))].slice(5, 8), [25, 26, 27]);
  assertAllClose(Array.from(folds[3].test.slice(0, 3)), [90, 91, 92]);
  throws(() => purgedKFold(data, { k: 1 }), /k must be an integer ≥ 2/);
});
