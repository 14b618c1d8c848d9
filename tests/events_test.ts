// runEvents: the loop against fromSignals on the same logic, and order types worked out by hand
// (initial cash 100,000).

import { deepEqual, equal, throws } from "node:assert/strict";
import { type EventStrategy, runEvents } from "../lib/engine/events/mod.ts";
import { columnEquity, crossSignals, fromSignals, tradeRows } from "../lib/engine/timeseries/mod.ts";
import { sma } from "../lib/indicators/mod.ts";
import { createRng } from "../lib/util/rng.ts";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";

const f = (...v: number[]) => new Float64Array(v);

/** The SMA crossover written for the loop: buy all-in on a cross up, close on a cross down. */
function crossover(fast: number, slow: number): EventStrategy {
  return {
    init(ctx) {
      ctx.state.fast = sma(ctx.series("close"), fast);
      ctx.state.slow = sma(ctx.series("close"), slow);
    },
    onBar(bar, ctx) {
      const [a, b] = [ctx.state.fast as Float64Array, ctx.state.slow as Float64Array];
      const t = bar.t;
      if (t === 0) return;
      if (a[t] > b[t] && a[t - 1] <= b[t - 1] && ctx.position() === 0) ctx.buy();
      else if (a[t] < b[t] && a[t - 1] >= b[t - 1] && ctx.position() > 0) ctx.close();
    },
  };
}

Deno.test("runEvents() SMA crossover gives fromSignals' trades and equity", async (t) => {
  const rng = createRng(17);
  let p = 40;
  const close = Float64Array.from({ length: 1200 }, () => (p *= 1 + 0.015 * rng.normal()));
  const open = Float64Array.from(close, (c) => c * (1 + 0.003 * rng.normal()));
  const dates = Float64Array.from(close, (_, k) => Date.UTC(2015, 0, 1) + k * 86_400_000);
  const { entries, exits } = crossSignals(sma(close, 10), sma(close, 30));
  for (
    const options of [
      { feesBps: 10 },
      { feesBps: 5, fixedFee: 2, slippageBps: 3, fill: "nextOpen" as const },
    ]
  ) {
    await t.step(JSON.stringify(options), () => {
      const loop = runEvents({ close, open, dates }, crossover(10, 30), options);
      const vec = fromSignals({ close, open, dates }, entries, exits, options);
      assertAllClose(loop.equity, columnEquity(vec), 1e-9);
      const [a, b] = [tradeRows(loop.trades), tradeRows(vec.trades!)];
      equal(a.length, b.length);
      equal(a.length, 20); // this seed crosses 20 times: enough round trips to compare
      a.forEach((x, k) => {
        deepEqual([x.entry_index, x.exit_index, x.direction, x.exit_reason], [
          b[k].entry_index,
          b[k].exit_index,
          b[k].direction,
          b[k].exit_reason,
        ]);
        assertAllClose([x.entry_price, x.exit_price, x.size, x.pnl], [
          b[k].entry_price,
          b[k].exit_price,
          b[k].size,
          b[k].pnl,
        ], 1e-9);
      });
      assertAlmostEquals(loop.summary.sharpe, vec.stats.sharpe[0], 1e-9);
    });
  }
});

Deno.test("runEvents() fills limit and stop orders on the next bars' range", () => {
  const bars = {
    close: f(100, 100, 99, 97, 104),
    open: f(100, 100, 99.5, 98, 100),
    high: f(101, 101, 100, 99, 106),
    low: f(99, 99, 96, 95, 99),
  };
  // buy limit at 96 placed at bar 0: bar 1's low 99 does not reach it, bar 2's low 96 does ⇒ 96, no slippage
  const limit = runEvents(bars, {
    onBar(bar, ctx) {
      if (bar.t === 0) ctx.buy({ type: "limit", price: 96, size: { quantity: 100 } });
    },
  }, { slippageBps: 10 });
  deepEqual([limit.orders[0].status, limit.orders[0].fill_index, limit.orders[0].fill_price], [
    "filled",
    2,
    96,
  ]);
  assertAlmostEquals(limit.cash[2], 100_000 - 9600);
  // sell stop at 96.5 under a long bought at bar 1's close (100): bar 2's low 96 triggers at 96.5 less 10 bps
  const stop = runEvents(bars, {
    onBar(bar, ctx) {
      if (bar.t === 0) ctx.buy({ size: { quantity: 100 } });
      if (bar.t === 1) ctx.sell({ type: "stop", price: 96.5, size: { quantity: 100 } });
    },
  }, { slippageBps: 10 });
  const [trade] = tradeRows(stop.trades);
  deepEqual([trade.entry_index, trade.exit_index], [1, 2]);
  assertAlmostEquals(trade.exit_price, 96.5 * 0.999, 1e-12);
  assertAlmostEquals(trade.entry_price, 100 * 1.001, 1e-12); // the market buy paid the slippage
  // a buy stop at 105 placed at bar 2: bar 4 opens at 100 and trades up to 106 ⇒ fills at 105
  const breakout = runEvents(bars, {
    onBar(bar, ctx) {
      if (bar.t === 2) ctx.buy({ type: "stop", price: 105, size: { quantity: 10 } });
    },
  });
  deepEqual([breakout.orders[0].fill_index, breakout.orders[0].fill_price], [4, 105]);
  // an order that expires: limit 90 good for 2 bars
  const lapsed = runEvents(bars, {
    onBar(bar, ctx) {
      if (bar.t === 0) ctx.buy({ type: "limit", price: 90, expiresAfter: 2 });
    },
  });
  equal(lapsed.orders[0].status, "expired");
});

Deno.test("runEvents() keeps one cash balance across instruments", () => {
  // two instruments; bar 0 buys 100 of each at the next close (10 and 20), bar 2 marks them at 11 and 18
  const close = f(10, 20, 10, 20, 11, 18);
  const r = runEvents({ close, nInstruments: 2 }, {
    onBar(bar, ctx) {
      if (bar.t === 0) ctx.buy({ size: { quantity: 100 } });
    },
  });
  assertAllClose(r.cash, f(100_000, 97_000, 97_000), 1e-9);
  assertAllClose(r.equity, f(100_000, 100_000, 97_000 + 1100 + 1800), 1e-9);
  assertAllClose(r.position, f(0, 0, 100, 100, 100, 100));
});

Deno.test("runEvents() names the bar where the strategy fails and rejects bad orders", () => {
  const dates = [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)];
  throws(
    () =>
      runEvents({ close: f(1, 2), dates }, {
        onBar: (bar) => {
          if (bar.t === 1) throw new Error("boom");
        },
      }),
    /onBar failed at bar 1 \(2024-01-03\): boom/,
  );
  throws(
    () =>
      runEvents(f(1, 2), {
        onBar: (_b, ctx) => {
          ctx.buy({ type: "limit" });
        },
      }),
    /order.price must be > 0 for a limit order/,
  );
  throws(() =>
    runEvents(f(1, 2), {
      onBar: (_b, ctx) => {
        ctx.buy({ size: { percent: -1 } });
      },
    }), /order.size/);
  throws(() => runEvents(f(1, 2), {} as EventStrategy), /needs an onBar/);
});
