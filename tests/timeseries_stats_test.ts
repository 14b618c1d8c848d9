// fromSignals / maCrossoverGrid per-column statistics against the metrics library (empyrical's
// conventions, lib/metrics/core.ts: sharpeRatio = mean(r − rf) / std(r − rf, ddof 1) · √ppy with a
// deviation within round-off of zero counted as zero; sampleStd is the centred two-pass formula), on the
// same columns' per-bar returns (`columnReturns`). Issue 12 follow-up: the statistics used to come from
// Σr and Σr² (one-pass variance) and gave NaN for every zero-deviation column.

import { equal } from "node:assert/strict";
import { columnReturns, crossSignals, fromSignals, maCrossoverGrid } from "../lib/engine/timeseries/mod.ts";
import { sma } from "../lib/indicators/mod.ts";
import { columnStats } from "../lib/engine/timeseries/from_signals.ts";
import type { KernelOutput } from "../lib/engine/timeseries/kernel.ts";
import { sampleStd, sharpeRatio } from "../lib/metrics/mod.ts";
import { createRng } from "../lib/util/rng.ts";
import { assertAlmostEquals } from "./_assert.ts";

/**
 * A price that grows by 0.1% per bar times (1 + eps·z): held from bar 1's open (signal at bar 0, fill
 * at the next open), the column's returns are 0 (bar 0), then ≈ 0.001 with a relative spread eps: a
 * near-constant column whose mean is ~10⁷ deviations away from 0 when eps = 1e-12.
 */
function nearConstant(T: number, eps: number) {
  const rng = createRng(3);
  const open = new Float64Array(T);
  const close = new Float64Array(T);
  let p = 100;
  for (let t = 0; t < T; t++) {
    open[t] = p;
    p *= 1 + 0.001 * (1 + eps * rng.normal());
    close[t] = p;
  }
  const entries = new Uint8Array(T);
  entries[0] = 1;
  return { bars: { open, close }, entries, exits: new Uint8Array(T) };
}

const relative = (a: number, b: number) => Math.abs(a / b - 1);

Deno.test("fromSignals() Sharpe and volatility of a near-constant column match the two-pass formula", () => {
  // 50,000 bars, eps 1e-12. Measured here (deno 2.9.6) before the fix: the one-pass deviation
  // sqrt((Σr² − n·mean²)/(n − 1)) was off by a relative 3.1e-8; Welford's update is within 7e-13.
  const { bars, entries, exits } = nearConstant(50_000, 1e-12);
  const r = fromSignals(bars, entries, exits, { fill: "nextOpen" });
  const ret = columnReturns(r);
  const sd = sampleStd(ret);
  equal(relative(r.stats.annual_volatility[0] / Math.sqrt(252), sd) < 1e-10, true, "volatility");
  equal(relative(r.stats.sharpe[0], sharpeRatio(ret, 0, 252)) < 1e-10, true, "sharpe");
  // 10,000 bars, eps 1e-9: one-pass was off by 2.1e-11, Welford by 1e-14
  const short = nearConstant(10_000, 1e-9);
  const s = fromSignals(short.bars, short.entries, short.exits, { fill: "nextOpen", riskFree: 1e-4 });
  const sRet = columnReturns(s);
  equal(relative(s.stats.annual_volatility[0] / Math.sqrt(252), sampleStd(sRet)) < 1e-12, true);
  equal(relative(s.stats.sharpe[0], sharpeRatio(sRet, 1e-4, 252)) < 1e-12, true);
});

Deno.test("maCrossoverGrid() statistics of near-constant columns match the two-pass formula", () => {
  // 60 bars down 0.1% a bar, then 19,940 bars up 0.1%·(1 + 1e-12·z): each pair's fast line crosses above
  // its slow line once after the turn and holds, so its returns are near-constant after a few dozen zeros;
  // the fused kernel merges the holding bars as one block (the zeros keep the spread wide enough that the
  // old Σr² kernel passed this too: it pins the block merge). Reference: the same pair through crossSignals +
  // fromSignals, its returns through the metrics library.
  const T = 20_000;
  const rng = createRng(4);
  let p = 100;
  const close = Float64Array.from(
    { length: T },
    (_, t) => (p *= t < 60 ? 0.999 : 1 + 0.001 * (1 + 1e-12 * rng.normal())),
  );
  const grid = maCrossoverGrid(close, { fast: [2, 5], slow: [10, 50] }, { feesBps: 10 });
  equal(grid.table.length, 4);
  for (const row of grid.table) {
    const { fast, slow } = row as unknown as { fast: number; slow: number };
    const { entries, exits } = crossSignals(sma(close, fast), sma(close, slow));
    const ret = columnReturns(fromSignals(close, entries, exits, { feesBps: 10 }));
    const label = `${fast}/${slow}`;
    equal(row.n_trades, 0, label); // entered once, still open
    equal(relative(row.sharpe as number, sharpeRatio(ret, 0, 252)) < 1e-10, true, label);
    equal(relative((row.annual_volatility as number) / Math.sqrt(252), sampleStd(ret)) < 1e-10, true, label);
  }
});

Deno.test("fromSignals() Sharpe of a zero-deviation column is empyrical's: NaN at zero mean, else ±Infinity", () => {
  // no entries: every bar returns exactly 0. empyrical: mean 0 / std 0 = NaN; with rf = 1e-4 the excess
  // returns are −1e-4 every bar: −1e-4 / 0 = −Infinity (sharpeRatio agrees; the old columnStats gave NaN)
  const close = Float64Array.from({ length: 300 }, (_, t) => 100 + Math.sin(t));
  const none = new Uint8Array(300);
  const flat = fromSignals(close, none, none);
  equal(flat.stats.sharpe[0], NaN);
  equal(sharpeRatio(columnReturns(flat), 0, 252), NaN);
  equal(flat.stats.annual_volatility[0], 0);
  const withRf = fromSignals(close, none, none, { riskFree: 1e-4 });
  equal(withRf.stats.sharpe[0], -Infinity);
  equal(sharpeRatio(columnReturns(withRf), 1e-4, 252), -Infinity);
});

Deno.test("columnStats() treats a deviation within round-off as zero, as metrics.sharpeRatio", () => {
  // the kernel's moments of 252 returns of 0.001 (a round-off deviation, 1e-20 per bar) and of −0.001;
  // metrics.sharpeRatio(new Array(252).fill(±0.001)) is ±Infinity (its doc example), and a real
  // deviation of 1e-9 gives mean / sd · √252 = 1e6 · √252
  const stats = (mean: number, sd: number): KernelOutput => ({
    finalEquity: new Float64Array([1e5 * (1 + mean) ** 252]),
    meanRet: new Float64Array([mean]),
    m2Ret: new Float64Array([sd * sd * 251]),
    nReturns: new Int32Array([252]),
    maxDrawdown: new Float64Array([0]),
    nTrades: new Int32Array([0]),
    nWins: new Int32Array([0]),
    barsInMarket: new Int32Array([252]),
  });
  equal(columnStats(stats(0.001, 1e-20), 1e5, 252, 0).sharpe[0], Infinity);
  equal(sharpeRatio(new Array(252).fill(0.001)), Infinity);
  equal(columnStats(stats(-0.001, 1e-20), 1e5, 252, 0).sharpe[0], -Infinity);
  equal(sharpeRatio(new Array(252).fill(-0.001)), -Infinity);
  assertAlmostEquals(
    columnStats(stats(0.001, 1e-9), 1e5, 252, 0).sharpe[0] / (1e6 * Math.sqrt(252)),
    1,
    1e-12,
  );
  // fewer than 2 returns: NaN (empyrical needs 2)
  const one = { ...stats(0.001, 0), nReturns: new Int32Array([1]) };
  equal(columnStats(one, 1e5, 252, 0).sharpe[0], NaN);
});
