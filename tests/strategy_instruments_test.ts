/**
 * Synthetic instruments: a spread A − β·B and a ratio A / B built from two securities, their prices
 * and returns (hand-computed below from the module doc's definitions), the mapping of their weights
 * onto the legs, and a strategy trading one end to end.
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import { instrumentId, parseInstrument, spreadLegs, withInstruments } from "../lib/strategy/instruments.ts";
import { createRegistry } from "../lib/strategy/registry.ts";
import { generateWeights } from "../lib/strategy/run.ts";
import { marketFromPanel, simulatePortfolio } from "../lib/portfolio/mod.ts";
import * as bollinger from "../strategies/bollinger_breakout.ts";

const dates = [0, 1, 2, 3].map((k) => Date.UTC(2024, 0, 2 + k));
// adj_close of A: 30, 33, 31.5, 36; of B: 15, 15, 16.5, 15 (C is a bystander).
const base = makePanel({
  dates,
  securityIds: ["A", "B", "C"],
  fields: {
    adj_close: [[30, 15, 10], [33, 15, 10], [31.5, 16.5, 10], [36, 15, 10]],
    adj_open: [[30, 15, 10], [32, 15, 10], [32, 16, 10], [35, 15.5, 10]],
    close: [[30, 15, 10], [33, 15, 10], [31.5, 16.5, 10], [36, 15, 10]],
    open: [[30, 15, 10], [32, 15, 10], [32, 16, 10], [35, 15.5, 10]],
    adv: [[1e6, 2e6, 1], [1e6, 2e6, 1], [1e6, 2e6, 1], [1e6, 2e6, 1]],
  },
});

Deno.test("parseInstrument reads spread:A:B[:beta] and ratio:A:B, and names a malformed one", () => {
  deepEqual(parseInstrument("spread:A:B:2"), { kind: "spread", a: "A", b: "B", beta: 2 });
  deepEqual(parseInstrument("spread:A:B"), { kind: "spread", a: "A", b: "B", beta: 1 });
  deepEqual(parseInstrument("ratio:A:B"), { kind: "ratio", a: "A", b: "B" });
  equal(instrumentId(parseInstrument("spread:A:B:2")), "SPREAD(A,B,2)");
  for (const bad of ["spread:A", "ratio:A:A", "basket:A:B", "spread:A:B:x", "ratio:A:B:2"]) {
    throws(() => parseInstrument(bad), /expected spread:A:B\[:beta\] or ratio:A:B/);
  }
});

Deno.test("a spread A − 2·B: level, return per unit of gross, high/low, ADV of the thinner leg", () => {
  const { panel } = withInstruments(base, [parseInstrument("spread:A:B:2")]);
  deepEqual(panel.securityIds, ["SPREAD(A,B,2)"]);
  // close: 30 − 30 = 0, 33 − 30 = 3, 31.5 − 33 = −1.5, 36 − 30 = 6
  assertAllClose(panel.fields.close, [0, 3, -1.5, 6]);
  // ret = Δlevel / (A + 2·B) of the previous close: 3 / 60, −4.5 / 63, 7.5 / 64.5
  assertAllClose(panel.fields.ret, [NaN, 3 / 60, -4.5 / 63, 7.5 / 64.5], 1e-15);
  // open: 32 − 30 = 2 on day 1, so high = max(2, 3) = 3 and low = 2
  equal(panel.fields.high[1], 3);
  equal(panel.fields.low[1], 2);
  equal(panel.fields.adv[0], 1e6);
});

Deno.test("a ratio A / B: level and simple return of the level", () => {
  const { panel } = withInstruments(base, [parseInstrument("ratio:A:B")]);
  assertAllClose(panel.fields.close, [2, 2.2, 31.5 / 16.5, 2.4], 1e-15);
  assertAllClose(panel.fields.ret, [NaN, 0.1, 31.5 / 16.5 / 2.2 - 1, 2.4 / (31.5 / 16.5) - 1], 1e-15);
});

Deno.test("instrument weights land on the legs: gross split by notional, others flat, no opinion held", () => {
  // spreadLegs: w = 0.1 at A = 30, B = 15, β = 2 → A: 0.1 · 30 / 60 = 0.05, B: −0.1 · 30 / 60 = −0.05
  deepEqual(spreadLegs(0.1, 30, 15, 2), [0.05, -0.05]);
  const view = withInstruments(base, [parseInstrument("spread:A:B:2"), parseInstrument("ratio:A:C")], ["C"]);
  deepEqual(view.panel.securityIds, ["C", "SPREAD(A,B,2)", "RATIO(A,C)"]);
  // Columns: C, spread, ratio. Row 0: C 0.2, spread 0.1, ratio −0.4. Row 1: no decision. Row 2: spread
  // only (C and ratio no opinion). Row 3: all 0.
  const w = Float64Array.of(0.2, 0.1, -0.4, NaN, NaN, NaN, NaN, 0.3, NaN, 0, 0, 0);
  const out = view.toBase(w);
  // Row 0: A = 0.05 (spread) − 0.2 (ratio: −0.4 / 2) = −0.15; B = −0.05; C = 0.2 (own) + 0.2 (ratio leg).
  assertAllClose(out.subarray(0, 3), [-0.15, -0.05, 0.4], 1e-15);
  assertAllClose(out.subarray(3, 6), [NaN, NaN, NaN]);
  // Row 2: spread 0.3 at A = 31.5, B = 16.5: gross 31.5 + 33 = 64.5; C held (NaN).
  assertAllClose(out.subarray(6, 9), [0.3 * 31.5 / 64.5, -0.3 * 33 / 64.5, NaN], 1e-15);
  assertAllClose(out.subarray(9, 12), [0, 0, 0]);
});

Deno.test("any strategy trades an instrument: Bollinger breakout on a spread, simulated on the legs", async () => {
  // 60 days: A and B move together, then A jumps away from B on day 40 (a spread breakout).
  const n = 60;
  const a = Array.from({ length: n }, (_, t) => 50 + Math.sin(t / 3) + (t >= 40 ? 6 : 0));
  const b = Array.from({ length: n }, (_, t) => 25 + Math.sin(t / 3) / 2);
  const rows = (x: number[], y: number[]) => x.map((v, t) => [v, y[t]]);
  const panel = makePanel({
    dates: Array.from({ length: n }, (_, t) => Date.UTC(2024, 0, 1) + t * 86_400_000),
    securityIds: ["A", "B"],
    fields: { adj_close: rows(a, b), adj_open: rows(a, b), close: rows(a, b), open: rows(a, b) },
  });
  const view = withInstruments(panel, [parseInstrument("spread:A:B:2")]);
  const entry = { ...bollinger, source: { kind: "module", path: "strategies/bollinger_breakout.ts" } };
  const { weights } = await generateWeights(entry, view.panel, { sizing: "equal_active" }, {
    registry: createRegistry([entry]),
  });
  equal(weights[39], 0, "flat before the breakout");
  equal(weights[40], 1, "long the spread on the breakout close");
  const legs = view.toBase(weights);
  // Day 40: A = 57 + sin(40/3), B = 25 + sin(40/3)/2: legs A / (A + 2B) and −2B / (A + 2B).
  const [pa, pb] = [a[40], b[40]];
  assertAlmostEquals(legs[80], pa / (pa + 2 * pb), 1e-12);
  assertAlmostEquals(legs[81], -2 * pb / (pa + 2 * pb), 1e-12);
  const result = simulatePortfolio(marketFromPanel(panel), legs, {
    capital: 100_000,
    schedule: "daily",
    fractional: true,
  });
  const k = Array.from(result.dates).indexOf(panel.dates[41]);
  // Long A, short B from the open of day 41, in the notional ratio of the legs.
  // (open = close here, so the weights at that close are the targets' ratio exactly)
  assertAlmostEquals(result.weights[k * 2] / result.weights[k * 2 + 1], -pa / (2 * pb), 1e-9);
});
