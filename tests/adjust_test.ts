import { assertAllClose } from "./_assert.ts";
import { deepStrictEqual as deepEqual, equal, ok } from "node:assert/strict";
import { type Action, adjustmentFactors, adjustPanel } from "../lib/ingest/adjust.ts";
import { simulateUniverse } from "../lib/ingest/synthetic.ts";
import { readPanel } from "../lib/panel/load.ts";
import { isoDate } from "../lib/panel/types.ts";
import { writeTables } from "../lib/store/write.ts";
import { tempStore } from "./fixtures/foundation/helpers.ts";

const split = (ex_date: number, value: number): Action => ({ ex_date, kind: "split", value });
const dividend = (ex_date: number, value: number): Action => ({ ex_date, kind: "dividend", value });

/** ret of a single series through adjustPanel with one security. */
function seriesRet(dates: number[], close: number[], actions: Action[]): Float64Array {
  const c = Float64Array.from(close);
  return adjustPanel(Float64Array.from(dates), 1, c, c, [actions]).ret;
}

Deno.test("adjustmentFactors() back-adjusts a 2-for-1 split", () => {
  // closes 100, 102, 52 with a 2:1 split going ex on day 3: the first two closes are halved.
  assertAllClose(adjustmentFactors([1, 2, 3], [100, 102, 52], [split(3, 2)]), [0.5, 0.5, 1]);
  // adj closes 50, 51, 52 ⇒ ret day 2 = 51/50 − 1 = 0.02, ret day 3 = 52·2/102 − 1 = 104/102 − 1.
  assertAllClose(seriesRet([1, 2, 3], [100, 102, 52], [split(3, 2)]), [NaN, 0.02, 104 / 102 - 1]);
  // Unadjusted, day 3 would be 52/102 − 1 ≈ −49%.
});

Deno.test("adjustmentFactors() back-adjusts a cash dividend", () => {
  // D = 1 going ex on day 3, close_prev = 50 ⇒ factor 1 − 1/50 = 0.98 before day 3.
  assertAllClose(adjustmentFactors([1, 2, 3], [48, 50, 49.49], [dividend(3, 1)]), [0.98, 0.98, 1]);
  // ret day 3 = 49.49 / (50 − 1) − 1 = 0.01; ret day 2 is unchanged: 50/48 − 1.
  assertAllClose(seriesRet([1, 2, 3], [48, 50, 49.49], [dividend(3, 1)]), [NaN, 50 / 48 - 1, 0.01]);
});

Deno.test("adjustmentFactors() compounds two actions", () => {
  // Split 2 ex day 3, dividend 2 ex day 5 with raw close_prev 53:
  // day 4: 1 − 2/53 = 51/53; days 1-2: 0.5 · 51/53.
  const dates = [1, 2, 3, 4, 5];
  const close = [100, 102, 52, 53, 50];
  const actions = [dividend(5, 2), split(3, 2)]; // order of the list does not matter
  assertAllClose(adjustmentFactors(dates, close, actions), [25.5 / 53, 25.5 / 53, 51 / 53, 51 / 53, 1]);
  // ret: 102/100 − 1, 104/102 − 1, 53/52 − 1, 50/(53 − 2) − 1.
  assertAllClose(seriesRet(dates, close, actions), [NaN, 0.02, 104 / 102 - 1, 53 / 52 - 1, 50 / 51 - 1]);
  // A dividend before a split uses the pre-split raw close: D = 2 ex day 2 on close_prev 100, then
  // split 2 ex day 3 ⇒ day 1 factor 0.5 · 0.98 = 0.49, day 2 factor 0.5.
  assertAllClose(adjustmentFactors([1, 2, 3, 4], [100, 98, 49.5, 50], [dividend(2, 2), split(3, 2)]), [
    0.49,
    0.5,
    1,
    1,
  ]);
});

Deno.test("adjustmentFactors() edge cases: no actions, actions outside the prices, NaN gaps", async (t) => {
  await t.step("no actions ⇒ all ones", () => assertAllClose(adjustmentFactors([1, 2], [5, 6], []), [1, 1]));
  await t.step("an action before the first price adjusts nothing", () => {
    assertAllClose(adjustmentFactors([10, 11], [5, 6], [dividend(5, 1), split(9, 3)]), [1, 1]);
  });
  await t.step("an action after the last price scales the whole history (returns unchanged)", () => {
    // D = 1 ex day 12 on close_prev 6 ⇒ factor 5/6 everywhere.
    assertAllClose(adjustmentFactors([10, 11], [5, 6], [dividend(12, 1)]), [5 / 6, 5 / 6]);
    assertAllClose(seriesRet([10, 11], [5, 6], [dividend(12, 1)]), [NaN, 0.2]);
  });
  await t.step("a NaN close before the ex-date: close_prev is the last valid close", () => {
    // closes 50, NaN, 49, 49.98; D = 1 ex day 3 ⇒ close_prev = 50, factor 0.98 on days 1-2.
    const dates = [1, 2, 3, 4];
    const close = [50, NaN, 49, 49.98];
    assertAllClose(adjustmentFactors(dates, close, [dividend(3, 1)]), [0.98, 0.98, 1, 1]);
    // ret skips the gap: day 3 = 49 / (50 − 1) − 1 = 0, day 4 = 49.98/49 − 1 = 0.02.
    assertAllClose(seriesRet(dates, close, [dividend(3, 1)]), [NaN, NaN, 0, 0.02]);
  });
});

Deno.test("adjustPanel() adjusts a 2-security date-major matrix", () => {
  // Security 0: the split case (100, 102, 52; 2:1 ex day 3); security 1: the dividend case
  // (48, 50, 49.49; D = 1 ex day 3). Cell (t, i) at t·2 + i.
  const dates = Float64Array.from([1, 2, 3]);
  const close = Float64Array.from([100, 48, 102, 50, 52, 49.49]);
  const open = Float64Array.from([99, 47, 101, 49.5, 51, 49.2]);
  const r = adjustPanel(dates, 2, close, open, [[split(3, 2)], [dividend(3, 1)]]);
  assertAllClose(r.adj_close, [50, 47.04, 51, 49, 52, 49.49], 1e-9);
  assertAllClose(r.adj_open, [49.5, 46.06, 50.5, 48.51, 51, 49.2], 1e-9);
  assertAllClose(r.ret, [NaN, NaN, 0.02, 50 / 48 - 1, 104 / 102 - 1, 0.01], 1e-12);
  assertAllClose(r.ret_oc, [
    100 / 99 - 1,
    48 / 47 - 1,
    102 / 101 - 1,
    50 / 49.5 - 1,
    52 / 51 - 1,
    49.49 / 49.2 - 1,
  ]);
  // The strided factors equal the single-series ones.
  assertAllClose(
    adjustmentFactors(dates, close, [dividend(3, 1)], 2, 1),
    adjustmentFactors([1, 2, 3], [48, 50, 49.49], [dividend(3, 1)]),
  );
  // Inputs are not modified.
  deepEqual(Array.from(close), [100, 48, 102, 50, 52, 49.49]);
});

Deno.test("readPanel() ret has no jump on the synthetic universe's ex-dates", async () => {
  // simulateUniverse also gives the model's true return of every price row (what adjusted closes must
  // reproduce, see lib/ingest/synthetic.ts), row-aligned with tables.prices.
  const { tables, ret: modelRet } = simulateUniverse({ nSecurities: 30, years: 2, seed: 1 });
  const modelAt = new Map(
    Array.from(tables.prices.date, (d, k) => [`${tables.prices.security_id[k]}|${d}`, modelRet[k]]),
  );
  const { store } = await tempStore();
  try {
    await writeTables(store, tables);
    const panel = await readPanel(store.conn, { fields: ["close", "ret"] });
    const n = panel.securityIds.length;
    const col = new Map(panel.securityIds.map((id, i) => [id, i]));
    const row = new Map(Array.from(panel.dates, (d, t) => [d, t]));
    const { close, ret } = panel.fields;
    const a = tables.corporate_actions;
    let splits = 0;
    let rawJumps = 0;
    for (let k = 0; k < a.ex_date.length; k++) {
      const i = col.get(a.security_id[k])!;
      const t = row.get(a.ex_date[k]);
      if (t === undefined || t === 0) continue;
      const where = `${a.security_id[k]} ${a.kind[k]} ${a.value[k]} ex ${isoDate(a.ex_date[k])}`;
      ok(Math.abs(ret[t * n + i]) < 0.25, `${where}: ret ${ret[t * n + i]}`);
      const model = modelAt.get(`${a.security_id[k]}|${a.ex_date[k]}`)!;
      ok(Math.abs(ret[t * n + i] - model) < 1e-9, `${where}: ret ${ret[t * n + i]}, model ${model}`);
      if (a.kind[k] === "split") {
        splits++;
        // What the test guards against: the raw close-to-close move on a split is ≥ 1/3 in size.
        if (Math.abs(close[t * n + i] / close[(t - 1) * n + i] - 1) > 0.3) rawJumps++;
      }
    }
    ok(splits >= 1, `the universe should contain splits, found ${splits}`);
    equal(rawJumps, splits, "every split is a large raw jump");
  } finally {
    store.close();
  }
});
