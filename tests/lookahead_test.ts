/**
 * The lookahead check (issue 8 item 2): it must test what the engine trades — the value as held from
 * date_avail at each lag used — with a threshold that scales with the number of days, and must not
 * flag honest signals. Reference numbers: the daily rank ICs are recomputed here with the engine's
 * independent `spearman()` on plain arrays (average ranks, Pearson of ranks), and the t and z
 * statistics from their definitions (t = m / s · √n, z = (|m| − 0.05) / (s / √n)).
 */
import { deepStrictEqual as deepEqual, equal, ok } from "node:assert/strict";
import { assertAlmostEquals } from "./_assert.ts";
import { spearman } from "../lib/engine/rank.ts";
import { backtest } from "../lib/engine/backtest.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import type { Panel } from "../lib/panel/types.ts";
import { knownMatrix, LOOKAHEAD, lookaheadStats, type Signal, validate } from "../lib/signal/mod.ts";
import { createRng } from "../lib/util/rng.ts";

const DAY = 86_400_000;

/** `nS` names × `nT` days of iid N(0, 0.02²) returns (seeded), a share `missing` of them NaN. */
function randomPanel(nT: number, nS: number, seed = 7, missing = 0): Panel {
  const rng = createRng(seed);
  const draw = () => (missing > 0 && rng.uniform() < missing ? null : 0.02 * rng.normal());
  return makePanel({
    dates: Array.from({ length: nT }, (_, t) => Date.UTC(2024, 0, 1) + t * DAY),
    securityIds: Array.from({ length: nS }, (_, i) => `S${String(i).padStart(3, "0")}`),
    fields: { ret: Array.from({ length: nT }, () => Array.from({ length: nS }, draw)) },
  });
}

/**
 * A signal whose row for day t has `date_sig = dates[t + sigShift]`, `date_avail = dates[t + availShift]`
 * and value `ret[t + lead] + noise · 0.02 · N(0, 1)`.
 */
function leak(
  panel: Panel,
  o: { sigShift?: number; availShift?: number; lead: number; noise?: number },
): Signal {
  const { sigShift = 0, availShift = sigShift, lead, noise = 0 } = o;
  const nT = panel.dates.length, nS = panel.securityIds.length, ret = panel.fields.ret;
  const rng = createRng(11);
  const security_id: string[] = [], date_sig: number[] = [], date_avail: number[] = [], signal: number[] = [];
  for (let t = 0; t < nT; t++) {
    const need = [t + sigShift, t + availShift, t + lead];
    if (need.some((x) => x < 0 || x >= nT)) continue;
    for (let i = 0; i < nS; i++) {
      security_id.push(panel.securityIds[i]);
      date_sig.push(panel.dates[t + sigShift]);
      date_avail.push(panel.dates[t + availShift]);
      signal.push(ret[(t + lead) * nS + i] + noise * 0.02 * rng.normal());
    }
  }
  return {
    security_id,
    date_sig: Float64Array.from(date_sig),
    date_avail: Float64Array.from(date_avail),
    signal: Float64Array.from(signal),
  };
}

/** Daily rank ICs of the known matrix with ret[k + 1 + h], by the engine's plain `spearman()`. */
function referenceIcs(panel: Panel, known: Float64Array, h: number): number[] {
  const nT = panel.dates.length, nS = panel.securityIds.length, ret = panel.fields.ret;
  const out: number[] = [];
  for (let k = 0; k + 1 + h < nT; k++) {
    const row = known.subarray(k * nS, (k + 1) * nS);
    if (row.filter(Number.isFinite).length < LOOKAHEAD.minNames) continue;
    const ic = spearman(row, ret.subarray((k + 1 + h) * nS, (k + 2 + h) * nS));
    if (Number.isFinite(ic)) out.push(ic);
  }
  return out;
}

function meanSd(xs: number[]): { m: number; s: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { m, s: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) };
}

const kinds = (s: Signal, panel: Panel, lags?: number[]) =>
  validate(s, { panel, lags }).problems.map((p) => p.kind);

Deno.test("lookaheadStats() measures the held value's rank IC per horizon exactly (vs spearman())", () => {
  // 10% of returns missing: the names finite on both sides differ from day to day (the slow path).
  const panel = randomPanel(120, 60, 7, 0.1);
  const signal = leak(panel, { lead: 1, noise: 3 }); // tomorrow's return + noise, dated today
  const known = knownMatrix(panel, signal);
  const report = lookaheadStats(panel, known, { lags: [0, 1] });
  deepEqual(report.horizons.map((h) => h.horizon), [-1, 0, 1]);
  for (const h of report.horizons) {
    const ics = referenceIcs(panel, known, h.horizon);
    const { m, s } = meanSd(ics);
    equal(h.days, ics.length);
    assertAlmostEquals(h.mean, m, 1e-12, `mean IC at h=${h.horizon}`);
    assertAlmostEquals(h.sd, s, 1e-9, `sd at h=${h.horizon}`);
    assertAlmostEquals(h.t, (m / s) * Math.sqrt(ics.length), 1e-6, `t at h=${h.horizon}`);
    if (h.horizon >= 0) {
      assertAlmostEquals(
        h.z,
        (Math.abs(m) - 0.05) / (s / Math.sqrt(ics.length)),
        1e-6,
        `z at h=${h.horizon}`,
      );
    }
  }
  // A leak of tomorrow's return + 3× its noise: IC ≈ (6/π)·asin(ρ/2), ρ = 1/√10 → 0.30 at h = 0 only.
  ok(report.horizons[1].mean > 0.25 && report.horizons[1].suspect, JSON.stringify(report.horizons[1]));
  ok(Math.abs(report.horizons[2].mean) < 0.03 && !report.horizons[2].suspect);
});

Deno.test("validate() catches the observed bypasses of the old next-day check", async (t) => {
  const panel = randomPanel(250, 80);
  await t.step("date_avail the day after date_sig, value = the return it then earns", () => {
    // date_sig t − 1 (so the old check compared it with ret[t]: noise), known at t, earns ret[t + 1].
    const s = leak(panel, { sigShift: -1, availShift: 0, lead: 1 });
    equal(backtest(panel, s).ic.mean, 1); // the engine really earns it: IC 1
    deepEqual(kinds(s, panel, [0]), ["lookahead_suspected"]);
  });
  await t.step("a 2-day-ahead leak is caught when traded at lag 1, not when only lag 0 is used", () => {
    const s = leak(panel, { lead: 2 }); // known at t, value ret[t + 2] = what lag 1 earns
    equal(backtest(panel, s, { lag: 1 }).ic.mean, 1);
    deepEqual(kinds(s, panel, [1]), ["lookahead_suspected"]);
    ok(validate(s, { panel, lags: [1] }).problems[0].message.includes("earned at lag 1"));
    deepEqual(kinds(s, panel, [0]), []); // at lag 0 it earns ret[t + 1]: useless, not a leak traded
    deepEqual(kinds(s, panel), ["lookahead_suspected"]); // default lags 0, 1, 2
  });
  await t.step("noisy leaks with IC ≈ 0.08–0.16 and t ≫ 3 are caught", () => {
    for (const noise of [6, 12]) {
      const s = leak(panel, { lead: 1, noise });
      const ic = backtest(panel, s).ic;
      ok(ic.mean > 0.07 && ic.mean < 0.17 && ic.t_stat > 10, `noise ${noise}: IC ${ic.mean} t ${ic.t_stat}`);
      deepEqual(kinds(s, panel, [0]), ["lookahead_suspected"], `noise ${noise}`);
    }
  });
  await t.step("the same-day return (known at that close) is legitimate", () => {
    deepEqual(validate(leak(panel, { lead: 0 }), { panel }).problems, []);
  });
});

Deno.test("validate()'s threshold scales with the number of days, not a fixed IC", async (t) => {
  // The same leak strength (IC ≈ 0.1) on 40 vs 400 days: significant above 0.05 only on the longer sample.
  const short = randomPanel(12, 40, 3), long = randomPanel(400, 40, 3);
  const stats = (panel: Panel) =>
    lookaheadStats(panel, knownMatrix(panel, leak(panel, { lead: 1, noise: 6 })), { lags: [0] }).horizons[1];
  await t.step("few days: a mean IC above the ceiling is not enough", () => {
    const h = stats(short);
    ok(h.mean > 0.05 && !h.suspect, JSON.stringify(h));
  });
  await t.step("many days: the same IC is flagged", () => {
    const h = stats(long);
    ok(h.mean > 0.05 && h.z > LOOKAHEAD.zCritical && h.suspect, JSON.stringify(h));
  });
  await t.step("an honest predictive signal with t ≫ 3 but IC ≪ 0.05 passes", () => {
    // value = tomorrow's return + 40× its noise on 300 names: ρ = 1/√1601, IC ≈ (6/π)·asin(ρ/2) ≈ 0.024,
    // sd ≈ 1/√300 per day, so t ≈ 0.024 / 0.058 · √400 ≈ 8: strong and plausible, not a leak.
    const wide = randomPanel(400, 300, 5);
    const s = leak(wide, { lead: 1, noise: 40 });
    const ic = backtest(wide, s).ic;
    ok(ic.mean > 0.01 && ic.mean < 0.04 && ic.t_stat > 4, `IC ${ic.mean} t ${ic.t_stat}`);
    deepEqual(kinds(s, wide), []);
  });
});

Deno.test("the demo's honest signals pass: vendor sentiment and the reversal/momentum/value baselines", async () => {
  const { DEFAULT_SYNTHETIC, loadUniverse, sentimentSignal, simulateUniverse } = await import(
    "../lib/ingest/mod.ts"
  );
  const { openStore } = await import("../lib/store/db.ts");
  const { readPanel } = await import("../lib/panel/load.ts");
  const { baselines } = await import("../lib/suite/baselines.ts");
  const universe = simulateUniverse(DEFAULT_SYNTHETIC);
  const store = await openStore(":memory:");
  await loadUniverse(store, universe, DEFAULT_SYNTHETIC);
  const panel = await readPanel(store.conn, { fields: ["ret", "value"] });
  store.close();
  const sentiment = validate(sentimentSignal(universe), { panel });
  deepEqual(sentiment.problems, []);
  // Its IC (0.018 in `deno task demo`'s table) is far below the 0.05 ceiling at every horizon.
  for (const h of sentiment.lookahead!.horizons) {
    ok(h.mean > 0.01 && h.mean < 0.03 && !h.suspect, JSON.stringify(h));
  }
  for (const b of baselines(panel)) {
    const suspect = lookaheadStats(panel, b.known).horizons.filter((h) => h.suspect);
    deepEqual(suspect, [], b.name);
  }
});
