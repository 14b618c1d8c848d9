// fromSignals: every expected number is worked out by hand in the comment beside it (initial cash
// 100,000, percent sizing, size 1 = all in with the fees paid out of the budget).

import { deepEqual, equal, throws } from "node:assert/strict";
import {
  columnEquity,
  columnPosition,
  columnReturns,
  columnSummary,
  crossSignals,
  fromSignals,
  gridSearch,
  maCrossoverGrid,
  tradeRows,
} from "../lib/engine/timeseries/mod.ts";
import { cumulativeReturn, maxDrawdown, sharpeRatio } from "../lib/metrics/mod.ts";
import { sma } from "../lib/indicators/mod.ts";
import { createRng } from "../lib/util/rng.ts";
import { simulateCrossovers } from "../lib/engine/timeseries/crossover_kernel.ts";
import { resolveCosts } from "../lib/engine/timeseries/costs.ts";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";

const f = (...v: number[]) => new Float64Array(v);
const CASH = 100_000;

Deno.test("fromSignals() fills on the next bar, never on the signal bar", async (t) => {
  const close = f(10, 11, 12, 11, 13);
  const entries = [0, 1, 0, 0, 0];
  const exits = [0, 0, 0, 1, 0];
  await t.step("next close, no costs", () => {
    const r = fromSignals(close, entries, exits);
    const q = CASH / 12; // signal at bar 1 ⇒ bought at the close of bar 2 (12)
    assertAllClose(columnPosition(r), f(0, 0, q, q, 0), 1e-9);
    assertAllClose(columnEquity(r), f(CASH, CASH, CASH, q * 11, q * 13), 1e-9);
    const [trade] = tradeRows(r.trades!);
    equal(trade.entry_index, 2);
    equal(trade.exit_index, 4); // exit signal at bar 3 ⇒ sold at the close of bar 4
    equal(trade.duration, 2);
    equal(trade.exit_reason, "signal");
    assertAlmostEquals(r.stats.total_return[0], 13 / 12 - 1, 1e-12);
  });
  await t.step("next close, 10 bps fees", () => {
    const r = fromSignals(close, entries, exits, { feesBps: 10 });
    const q = CASH / (12 * 1.001); // notional + 0.1% fee = all the cash
    const final = q * 13 * 0.999; // proceeds less 0.1%
    assertAlmostEquals(r.stats.final_equity[0], final, 1e-9);
    const [trade] = tradeRows(r.trades!);
    assertAlmostEquals(trade.entry_fees, CASH - q * 12, 1e-9);
    assertAlmostEquals(trade.exit_fees, q * 13 * 0.001, 1e-9);
    assertAlmostEquals(trade.pnl, final - CASH, 1e-9);
    assertAlmostEquals(trade.ret, (final - CASH) / (q * 12), 1e-12); // pnl / (size × entry price)
  });
  await t.step("next open", () => {
    const open = f(9.5, 10.5, 11.5, 11.2, 12.5);
    const r = fromSignals({ close, open }, entries, exits, { fill: "nextOpen" });
    const q = CASH / 11.5; // bought at the open of bar 2
    assertAllClose(columnEquity(r), f(CASH, CASH, q * 12, q * 11, q * 12.5), 1e-9); // sold at the open of bar 4
    equal(tradeRows(r.trades!)[0].entry_price, 11.5);
  });
  await t.step("a signal on the last bar never fills", () => {
    const r = fromSignals(close, [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]);
    equal(r.trades!.length, 0);
    assertAlmostEquals(r.stats.total_return[0], 0);
  });
  await t.step("an order waits while the fill price is missing", () => {
    // signal at bar 1; bar 2 has no price, so the order fills at the close of bar 3 (12)
    const r = fromSignals(f(10, 11, NaN, 12, 13), [0, 1, 0, 0, 0], [0, 0, 0, 0, 0]);
    const [trade] = tradeRows(r.trades!);
    deepEqual([trade.entry_index, trade.entry_price], [3, 12]);
  });
});

Deno.test("fromSignals() checks stops and take-profits on the bar's high and low", async (t) => {
  // long from the close of bar 1 at 100; bar 2 trades down to 94 but closes at 99
  const bars = {
    close: f(100, 100, 99, 99),
    open: f(100, 100, 99.5, 99),
    high: f(101, 101, 100, 100),
    low: f(99, 99, 94, 98),
  };
  const signal = [1, 0, 0, 0];
  const none = [0, 0, 0, 0];
  await t.step("stop-loss at 95 is hit intrabar and fills at the level", () => {
    const [trade] = tradeRows(fromSignals(bars, signal, none, { stopLoss: 0.05 }).trades!);
    deepEqual([trade.exit_index, trade.exit_price, trade.exit_reason], [2, 95, "stop_loss"]);
  });
  await t.step("closes alone never reach the stop", () => {
    const [trade] = tradeRows(fromSignals(bars.close, signal, none, { stopLoss: 0.05 }).trades!);
    equal(trade.exit_reason, "open");
  });
  await t.step("a gap through the stop fills at the open; slippage applies to stops", () => {
    const gap = { ...bars, open: f(100, 100, 93, 99) };
    equal(tradeRows(fromSignals(gap, signal, none, { stopLoss: 0.05 }).trades!)[0].exit_price, 93);
    const slipped =
      tradeRows(fromSignals(bars, signal, none, { stopLoss: 0.05, slippageBps: 10 }).trades!)[0];
    assertAlmostEquals(slipped.entry_price, 100 * 1.001, 1e-12); // market buy pays 10 bps
    assertAlmostEquals(slipped.exit_price, 100 * 1.001 * 0.95 * 0.999, 1e-9); // stop level less 10 bps
  });
  await t.step("take-profit at 110 fills at the limit; both levels in one bar ⇒ the stop first", () => {
    const up = { ...bars, high: f(101, 101, 111, 100), low: f(99, 99, 99, 98) };
    const tp = tradeRows(fromSignals(up, signal, none, { takeProfit: 0.1, slippageBps: 10 }).trades!)[0];
    deepEqual([tp.exit_index, tp.exit_reason], [2, "take_profit"]);
    assertAlmostEquals(tp.exit_price, 100 * 1.001 * 1.1, 1e-9); // a limit: no slippage
    const both = { ...bars, high: f(101, 101, 111, 100) };
    const hit = tradeRows(fromSignals(both, signal, none, { takeProfit: 0.1, stopLoss: 0.05 }).trades!)[0];
    deepEqual([hit.exit_price, hit.exit_reason], [95, "stop_loss"]);
  });
  await t.step("trailing stop follows the highest high since entry", () => {
    // entry 100; bar 2 high 120 (stop stays 90 while checked, then peak 120); bar 3 low 107 ≤ 120·0.9 = 108
    const trail = {
      close: f(100, 100, 115, 112, 108),
      high: f(101, 101, 120, 113, 109),
      low: f(99, 99, 110, 107, 105),
    };
    const [trade] = tradeRows(
      fromSignals(trail, [1, 0, 0, 0, 0], [0, 0, 0, 0, 0], { trailingStop: 0.1 }).trades!,
    );
    deepEqual([trade.exit_index, trade.exit_price, trade.exit_reason], [3, 108, "trailing_stop"]);
  });
  await t.step("short stop-loss above the entry", () => {
    const short = { close: f(100, 100, 101, 101), high: f(100, 100, 106, 102), low: f(100, 100, 99, 100) };
    const [trade] = tradeRows(
      fromSignals(short, [1, 0, 0, 0], [0, 0, 0, 0], { direction: "short", stopLoss: 0.05 }).trades!,
    );
    deepEqual([trade.direction, trade.exit_index, trade.exit_price, trade.exit_reason], [
      "short",
      2,
      105,
      "stop_loss",
    ]);
  });
  await t.step("with next-open fills the entry bar's own range is checked", () => {
    const [trade] = tradeRows(
      fromSignals(bars, [0, 1, 0, 0], none, { fill: "nextOpen", stopLoss: 0.05 }).trades!,
    );
    // bought at the open of bar 2 (99.5); its low 94 ≤ 99.5·0.95 = 94.525 ⇒ out the same bar
    deepEqual([trade.entry_index, trade.exit_index, trade.exit_reason], [2, 2, "stop_loss"]);
    assertAlmostEquals(trade.exit_price, 99.5 * 0.95, 1e-12);
  });
});

Deno.test("fromSignals() fills limit orders only when the next bar reaches them", () => {
  const bars = {
    close: f(100, 100, 100, 100, 104),
    open: f(100, 100, 99.5, 99, 103),
    high: f(101, 101, 100, 100, 106),
    low: f(99, 99, 94, 98, 102),
  };
  const N = NaN;
  // limit 95 at bar 0: bar 1's low 99 never reaches it, the order lapses (no trade)
  equal(
    fromSignals(bars, [1, 0, 0, 0, 0], [0, 0, 0, 0, 0], { limitPrice: [95, N, N, N, N] }).trades!.length,
    0,
  );
  // limit 95 at bar 1: bar 2 trades down to 94 ⇒ bought at 95, no slippage even with 10 bps
  const buy = tradeRows(
    fromSignals(bars, [0, 1, 0, 0, 0], [0, 0, 0, 0, 0], { limitPrice: [N, 95, N, N, N], slippageBps: 10 })
      .trades!,
  )[0];
  deepEqual([buy.entry_index, buy.entry_price], [2, 95]);
  // a gap through the limit fills at the open (99 ≤ 99.2); a sell limit 105 at bar 3 fills on bar 4's high 106
  const both = tradeRows(
    fromSignals(bars, [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], { limitPrice: [N, N, 99.2, 105, N] }).trades!,
  )[0];
  deepEqual([both.entry_index, both.entry_price, both.exit_index, both.exit_price], [3, 99, 4, 105]);
  throws(
    () => fromSignals(bars, [1, 0, 0, 0, 0], [0, 0, 0, 0, 0], { limitPrice: [0, N, N, N, N] }),
    /limitPrice\[0\]/,
  );
});

Deno.test("fromSignals() books shorts and reversals", () => {
  // short: 1,000 units sold at 100 ⇒ cash 200,000; at 90 equity = 200,000 − 90,000 = 110,000
  const s = fromSignals(f(100, 100, 90), [1, 0, 0], [0, 0, 0], { direction: "short" });
  assertAllClose(columnEquity(s), f(CASH, CASH, 110_000), 1e-9);
  assertAllClose(columnPosition(s), f(0, -1000, -1000), 1e-12);
  // both: long 10,000 at 10 (bar 1); exit signal at bar 2 ⇒ at bar 3's close (12) sell (120,000) and short
  // 10,000 at 12: cash 240,000; at 9: 240,000 − 90,000 = 150,000
  const b = fromSignals(f(10, 10, 12, 12, 9, 9), [1, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0], {
    direction: "both",
  });
  assertAlmostEquals(b.stats.final_equity[0], 150_000, 1e-9);
  const trades = tradeRows(b.trades!);
  deepEqual(trades.map((x) => [x.direction, x.entry_index, x.exit_index, x.exit_reason]), [
    ["long", 1, 3, "signal"],
    ["short", 3, 5, "open"],
  ]);
  assertAllClose(trades.map((x) => x.pnl), [20_000, 30_000], 1e-9);
  equal(b.stats.n_trades[0], 1); // the open short is not a closed trade
});

Deno.test("fromSignals() sizes by value or shares and charges fixed fees", () => {
  // value 50,000 with a fixed fee of 5 and 10 bps: q = (50,000 − 5) / (20 · 1.001)
  const v = fromSignals(f(20, 20, 22), [1, 0, 0], [0, 0, 0], {
    sizeType: "value",
    size: 50_000,
    fixedFee: 5,
    feesBps: 10,
  });
  const q = (50_000 - 5) / (20 * 1.001);
  assertAlmostEquals(v.trades!.size[0], q, 1e-9);
  assertAlmostEquals(v.stats.final_equity[0], CASH - 50_000 + q * 22, 1e-9);
  const s = fromSignals(f(20, 20, 22), [1, 0, 0], [0, 0, 0], { sizeType: "shares", size: 100, fixedFee: 5 });
  assertAlmostEquals(s.stats.final_equity[0], CASH - 100 * 20 - 5 + 100 * 22, 1e-9);
});

Deno.test("fromSignals() equity and position rebuild from the fills, the matrix on first access", () => {
  // bought at bar 2's open (11) on a bar without a close: marked at that open until a close comes
  const r = fromSignals({ close: f(10, 10, NaN, NaN, 12), open: f(10, 10, 11, 11.5, 12) }, [0, 1, 0, 0, 0], [
    0,
    0,
    0,
    0,
    0,
  ], { fill: "nextOpen" });
  const q = CASH / 11;
  assertAllClose(columnEquity(r), f(CASH, CASH, q * 11, q * 11, q * 12), 1e-9);
  const grid = fromSignals({ close: f(1, 2, 3, 4, 5, 6), nInstruments: 2 }, [1, 0, 0, 1, 0, 0], [
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  // 2 columns: the T × C matrices hold what the per-column builders give
  assertAllClose(
    grid.equity!,
    [0, 1, 2].flatMap((t) => [columnEquity(grid, 0)[t], columnEquity(grid, 1)[t]]),
  );
  assertAllClose(
    grid.position!,
    [0, 1, 2].flatMap((t) => [columnPosition(grid, 0)[t], columnPosition(grid, 1)[t]]),
  );
  throws(
    () => columnEquity(fromSignals(f(1, 2), [0, 0], [0, 0], { output: "stats" })),
    /run it with output "full"/,
  );
});

Deno.test("fromSignals() takes a size per signal", () => {
  // half the equity at the first entry: 5,000 units at 10, then 12 ⇒ 50,000 + 60,000; exit at 12 (bar 3);
  // the second entry (size NaN ⇒ 1) buys 110,000 / 12 units, marked at 6 at the end
  const r = fromSignals(f(10, 10, 12, 12, 12, 6), [1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 0, 0], {
    size: [0.5, NaN, NaN, NaN, NaN, NaN],
  });
  assertAllClose(columnPosition(r), f(0, 5000, 0, 0, 110_000 / 12, 110_000 / 12), 1e-9);
  assertAlmostEquals(r.stats.final_equity[0], 55_000, 1e-9);
  throws(() => fromSignals(f(1, 2), [1, 0], [0, 0], { size: [1] }), /size has 1 values/);
  throws(() => fromSignals(f(1, 2), [1, 0], [0, 0], { size: [-1, 1] }), /size\[0\] \(bar 0\) must be > 0/);
});

Deno.test("fromSignals() runs columns independently; priceColumn maps them to instruments", () => {
  const rng = createRng(11);
  const T = 300;
  const close = new Float64Array(T * 2);
  const level = [50, 80];
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < 2; k++) close[t * 2 + k] = level[k] *= 1 + 0.02 * rng.normal();
  }
  const en = Uint8Array.from({ length: T * 3 }, () => (rng.uniform() < 0.05 ? 1 : 0));
  const ex = Uint8Array.from({ length: T * 3 }, () => (rng.uniform() < 0.05 ? 1 : 0));
  const opts = { feesBps: 5, stopLoss: [0.05, 0, 0.08] };
  const all = fromSignals({ close, nInstruments: 2 }, en, ex, { ...opts, priceColumn: [0, 1, 1] });
  for (const c of [0, 1, 2]) {
    const k = [0, 1, 1][c];
    const one = fromSignals(
      Float64Array.from({ length: T }, (_, t) => close[t * 2 + k]),
      Uint8Array.from({ length: T }, (_, t) => en[t * 3 + c]),
      Uint8Array.from({ length: T }, (_, t) => ex[t * 3 + c]),
      { feesBps: 5, stopLoss: opts.stopLoss[c] },
    );
    assertAllClose(columnEquity(all, c), columnEquity(one), 1e-9, `column ${c}`);
  }
  throws(() => fromSignals({ close, nInstruments: 2 }, en, ex), /pass priceColumn/);
});

Deno.test("fromSignals() statistics agree with the metrics library on the equity's returns", () => {
  const rng = createRng(5);
  const T = 1000;
  let p = 100;
  const close = Float64Array.from({ length: T }, () => (p *= 1 + 0.015 * rng.normal()));
  const en = Uint8Array.from({ length: T }, () => (rng.uniform() < 0.03 ? 1 : 0));
  const ex = Uint8Array.from({ length: T }, () => (rng.uniform() < 0.03 ? 1 : 0));
  for (const direction of ["long", "short", "both"] as const) {
    const r = fromSignals(close, en, ex, { direction, feesBps: 10, slippageBps: 3, trailingStop: 0.07 });
    const ret = columnReturns(r);
    assertAlmostEquals(r.stats.sharpe[0], sharpeRatio(ret, 0, 252), 1e-9, `${direction} sharpe`);
    assertAlmostEquals(r.stats.total_return[0], cumulativeReturn(ret), 1e-9, `${direction} total`);
    assertAlmostEquals(r.stats.max_drawdown[0], maxDrawdown(ret), 1e-12, `${direction} drawdown`);
    assertAlmostEquals(columnSummary(r).sharpe, r.stats.sharpe[0], 1e-9);
    const stats = fromSignals(close, en, ex, {
      direction,
      feesBps: 10,
      slippageBps: 3,
      trailingStop: 0.07,
      output: "stats",
    });
    deepEqual(stats.stats, r.stats); // the statistics do not depend on the output mode
  }
});

Deno.test("fromSignals() rejects bad input with what it expected", () => {
  const close = f(1, 2, 3);
  throws(() => fromSignals(close, [0, 1], [0, 1]), /nDates × nColumns values with nDates = 3, found 2/);
  throws(() => fromSignals(close, [0, 1, 0], [0, 1]), /entries has 3 values but exits 2/);
  throws(() => fromSignals(close, [0, 1, 0], [0, 0, 0], { fill: "nextOpen" }), /needs bars.open/);
  throws(
    () => fromSignals(close, [0, 1, 0], [0, 0, 0], { stopLoss: 1.5 }),
    /stopLoss\[0\] must be a fraction/,
  );
  throws(
    () => fromSignals(close, [0, 1, 0], [0, 0, 0], { feesBps: -1 }),
    /feesBps must be a finite number ≥ 0/,
  );
  throws(() => fromSignals({ close, dates: [3, 2, 1] }, [0, 1, 0], [0, 0, 0]), /strictly ascending/);
});

Deno.test("crossSignals() marks only actual crossings", () => {
  const { entries, exits } = crossSignals(f(1, 3, 2, NaN, 5, 1), f(2, 2, 2.5, 2, 2, 2));
  deepEqual([...entries], [0, 1, 0, 0, 0, 0]); // 1<2 → 3>2; after the NaN no previous value
  deepEqual([...exits], [0, 0, 1, 0, 0, 1]);
});

Deno.test("maCrossoverGrid() fused kernel equals fromSignals on every pair", async (t) => {
  const rng = createRng(21);
  const T = 800;
  let p = 50;
  const close = Float64Array.from({ length: T }, () => (p *= 1 + 0.02 * rng.normal()));
  const open = Float64Array.from(close, (c) => c * (1 + 0.004 * rng.normal()));
  const gapped = { close: Float64Array.from(close), open: Float64Array.from(open) };
  gapped.close[400] = NaN; // a missing bar: lines gap, fills wait (scan path)
  gapped.open[400] = NaN;
  const fast = [2, 3, 5, 8, 13];
  const slow = [5, 10, 21, 34, 55];
  const METRICS = [
    "total_return",
    "sharpe",
    "annual_volatility",
    "n_trades",
    "win_rate",
    "exposure",
  ] as const;
  const cases = [
    { name: "sweep, next close", bars: { close, open }, options: { feesBps: 10 } },
    {
      name: "sweep, next open",
      bars: { close, open },
      options: { feesBps: 5, fixedFee: 3, slippageBps: 2, fill: "nextOpen" as const },
    },
    { name: "scan (gap), next close", bars: gapped, options: { feesBps: 10 } },
    {
      name: "scan (gap), next open",
      bars: gapped,
      options: { feesBps: 5, fixedFee: 3, slippageBps: 2, fill: "nextOpen" as const },
    },
  ];
  for (const { name, bars, options } of cases) {
    await t.step(name, () => {
      const grid = maCrossoverGrid(bars, { fast, slow }, { ...options, top: 2 });
      const general = maCrossoverGrid(bars, { fast, slow }, { ...options, size: 1 - 1e-15 }); // general kernel
      equal(grid.table.length, 21); // pairs with fast < slow
      grid.table.forEach((row, k) => {
        const { entries, exits } = crossSignals(sma(bars.close, row.fast), sma(bars.close, row.slow));
        const one = fromSignals(bars, entries, exits, options);
        for (const m of METRICS) {
          assertAlmostEquals(row[m], one.stats[m][0], 1e-9, `${row.fast}/${row.slow} ${m}`);
          assertAlmostEquals(
            general.table[k][m],
            one.stats[m][0],
            1e-9,
            `general ${row.fast}/${row.slow} ${m}`,
          );
        }
      });
      const best = grid.best[0];
      assertAlmostEquals(best.summary.sharpe, Math.max(...grid.table.map((r) => r.sharpe)), 1e-9);
      assertAlmostEquals(best.summary.sharpe, best.result.stats.sharpe[0], 1e-9);
    });
  }
});

Deno.test("gridSearch() runs every combination and ranks the best", () => {
  const rng = createRng(2);
  let p = 100;
  const close = Float64Array.from({ length: 400 }, () => (p *= 1 + 0.01 * rng.normal()));
  const grid = gridSearch(close, { n: [5, 10, 20], k: [0, 1] }, ({ n, k }) => {
    const m = sma(close, n);
    return {
      entries: Uint8Array.from(close, (c, t) => (c > m[t] * (1 + k / 100) ? 1 : 0)),
      exits: Uint8Array.from(close, (c, t) => (c < m[t] ? 1 : 0)),
    };
  }, { chunkColumns: 4, top: 3, rankBy: "total_return", where: (q) => !(q.n === 20 && q.k === 1) });
  deepEqual(grid.table.map((r) => [r.n, r.k]), [[5, 0], [5, 1], [10, 0], [10, 1], [20, 0]]);
  const sorted = grid.table.map((r) => r.total_return).sort((a, b) => b - a);
  deepEqual(grid.best.map((b) => b.result.stats.total_return[0]), sorted.slice(0, 3));
  equal(grid.best[0].equity.length, 400);
});

Deno.test("the crossover sweep and scan find the same crossings", () => {
  const rng = createRng(8);
  let p = 30;
  const close = Float64Array.from({ length: 1500 }, () => (p *= 1 + 0.015 * rng.normal()));
  const windows = [2, 3, 4, 6, 9, 14, 20, 30, 45, 70];
  const pairs = windows.flatMap((a) => windows.filter((b) => b !== a).map((b) => [a, b]));
  pairs.push([5, 5], [3, 14]); // a line against itself never crosses; a repeated pair gets the same result
  const lines = new Map([...windows, 5].map((n) => [n, sma(close, n)]));
  const input = {
    close,
    fast: Int32Array.from(pairs, (x) => x[0]),
    slow: Int32Array.from(pairs, (x) => x[1]),
    line: (n: number) => lines.get(n)!,
    initialCash: 1e5,
    costs: resolveCosts({ feesBps: 7, fixedFee: 1 }),
  };
  const sweep = simulateCrossovers(input, "sweep");
  const scan = simulateCrossovers(input, "scan");
  equal(sweep.method, "sweep");
  deepEqual(sweep.nTrades, scan.nTrades);
  deepEqual(sweep.barsInMarket, scan.barsInMarket);
  assertAllClose(sweep.finalEquity, scan.finalEquity, 1e-9);
  assertAllClose(sweep.m2Ret, scan.m2Ret, 1e-12);
  equal(sweep.nTrades[pairs.length - 2], 0);
  // a flat stretch makes lines exactly equal: ties (cmp 0) and their ends must give the scan's events
  const flat = Float64Array.from(close, (c, t) => (t >= 700 && t < 800 ? 25 : c));
  const flatLines = new Map([...windows, 5].map((n) => [n, sma(flat, n)]));
  const flatInput = { ...input, close: flat, line: (n: number) => flatLines.get(n)! };
  const flatSweep = simulateCrossovers(flatInput);
  const flatScan = simulateCrossovers(flatInput, "scan");
  equal(flatSweep.method, "sweep");
  deepEqual(flatSweep.nTrades, flatScan.nTrades);
  assertAllClose(flatSweep.finalEquity, flatScan.finalEquity, 1e-9);
  // a gap in the lines: only the scan handles it
  const gap = Float64Array.from(close, (c, t) => (t === 900 ? NaN : c));
  const gapLines = new Map([...windows, 5].map((n) => [n, sma(gap, n)]));
  const gapInput = { ...input, close: gap, line: (n: number) => gapLines.get(n)! };
  equal(simulateCrossovers(gapInput).method, "scan");
  throws(() => simulateCrossovers(gapInput, "sweep"), /gap/);
});
