/**
 * `runEvents`: the event-driven backtest loop. A stateful strategy sees one bar at a time and places
 * market, limit and stop orders that fill from the next bar on, with the same cost model as
 * `fromSignals`; the portfolio keeps cash and a position per instrument.
 *
 * Order of events in bar t: (1) `nextOpen` market orders fill at the open; (2) working limit and stop
 * orders are checked on the bar's range in the order they were placed (a gap through the price fills at
 * the open; limits fill at their price or better without slippage, stops at their price plus slippage);
 * (3) `nextClose` market orders fill at the close; (4) equity is marked at the close; (5) `onBar` runs for
 * each instrument; the orders it places work from bar t+1. An order whose fill price is NaN waits.
 */
import { allMetrics } from "../../metrics/summary.ts";
import { type Bars, periodsPerYearOf, resolveBars } from "../timeseries/bars.ts";
import {
  buyFillPrice,
  fillFee,
  quantityForBudget,
  resolveCosts,
  sellFillPrice,
} from "../timeseries/costs.ts";
import { EXIT, pushOpenTrade, tradeLog } from "../timeseries/trades.ts";
import type {
  EventBar,
  EventContext,
  EventStrategy,
  OrderRequest,
  OrderRow,
  OrderSize,
  RunEventsOptions,
  RunEventsResult,
} from "./types.ts";
import { checkOptions, optionKeys } from "../../util/options.ts";

interface WorkingOrder {
  readonly row: OrderRow;
  readonly size: OrderSize | "close";
  readonly expiresAt: number;
}

/**
 * Runs `strategy` over the bars. Throws an `Error` naming the bar (and date) when the strategy throws, and
 * a `TypeError` naming the field of a malformed order.
 *
 * @example
 * ```ts
 * const result = runEvents({ close, dates }, {
 *   init(ctx) { ctx.state.fast = sma(ctx.series("close"), 10); ctx.state.slow = sma(ctx.series("close"), 30); },
 *   onBar(bar, ctx) {
 *     const [f, s] = [ctx.state.fast as Float64Array, ctx.state.slow as Float64Array];
 *     if (f[bar.t] > s[bar.t] && f[bar.t - 1] <= s[bar.t - 1] && ctx.position() === 0) ctx.buy();
 *     if (f[bar.t] < s[bar.t] && f[bar.t - 1] >= s[bar.t - 1] && ctx.position() > 0) ctx.close();
 *   },
 * }, { feesBps: 10 });
 * result.summary.sharpe;
 * ```
 */
const RUN_EVENTS_KEYS = optionKeys<RunEventsOptions>({
  fill: true,
  initialCash: true,
  periodsPerYear: true,
  riskFree: true,
  feesBps: true,
  fixedFee: true,
  slippageBps: true,
});

export function runEvents(
  prices: Bars | ArrayLike<number>,
  strategy: EventStrategy,
  options: RunEventsOptions = {},
): RunEventsResult {
  checkOptions("runEvents", options, RUN_EVENTS_KEYS);
  const bars = resolveBars(prices);
  const { nDates: T, nInstruments: K, close, dates, names } = bars;
  const open = bars.open;
  const { fill = "nextClose", initialCash = 100_000 } = options;
  if (fill !== "nextOpen" && fill !== "nextClose") {
    throw new RangeError(`runEvents: fill must be nextOpen or nextClose, found "${fill}"`);
  }
  if (fill === "nextOpen" && !open) throw new RangeError(`runEvents: fill "nextOpen" needs bars.open`);
  if (!(initialCash > 0) || !Number.isFinite(initialCash)) {
    throw new RangeError(`runEvents: initialCash must be > 0, found ${initialCash}`);
  }
  if (typeof strategy?.onBar !== "function") {
    throw new TypeError(`runEvents: the strategy needs an onBar(bar, ctx) function`);
  }
  const costs = resolveCosts(options);
  const periodsPerYear = options.periodsPerYear ?? (dates ? periodsPerYearOf(dates) : 252);

  let cash = initialCash;
  const qty = new Float64Array(K);
  const avgPrice = new Float64Array(K);
  const entryFees = new Float64Array(K); // fees of the open position's entries not yet charged to a trade
  const entryIdx = new Int32Array(K);
  const mark = new Float64Array(K).fill(NaN);
  const equitySeries = new Float64Array(T);
  const cashSeries = new Float64Array(T);
  const position = new Float64Array(T * K);
  const trades = tradeLog();
  const orders: OrderRow[] = [];
  let working: WorkingOrder[] = [];
  let t = -1;
  let current = 0;
  let equityNow = initialCash;

  const field = (name: "open" | "high" | "low" | "close") => {
    const m = bars[name];
    if (!m) throw new RangeError(`runEvents: the bars have no ${name}`);
    return m;
  };
  const checkInstrument = (k: number | undefined): number => {
    const i = k ?? current;
    if (!Number.isInteger(i) || i < 0 || i >= K) {
      throw new RangeError(`instrument must be in [0, ${K}), found ${k}`);
    }
    return i;
  };
  const equity = () => {
    let e = cash;
    for (let k = 0; k < K; k++) if (qty[k] !== 0) e += qty[k] * mark[k];
    return e;
  };

  /** Moves instrument k by `delta` units at fill price p; books trades for any part that reduces. */
  const trade = (k: number, delta: number, p: number, fee: number, outlay: number) => {
    const q = qty[k];
    let openPart = delta;
    let openFee = fee;
    if (q !== 0 && Math.sign(delta) !== Math.sign(q)) {
      const closing = Math.min(Math.abs(delta), Math.abs(q));
      const share = closing / Math.abs(delta);
      const exitFee = fee * share;
      const value = closing * p;
      const carried = entryFees[k] * (closing / Math.abs(q));
      const basis = closing * avgPrice[k];
      const pnl = q > 0 ? value - exitFee - basis - carried : basis - carried - value - exitFee;
      cash += q > 0 ? value - exitFee : -value - exitFee;
      trades.push(
        k,
        q > 0 ? 1 : -1,
        entryIdx[k],
        t,
        avgPrice[k],
        p,
        closing,
        carried,
        exitFee,
        pnl,
        EXIT.signal,
      );
      entryFees[k] -= carried;
      qty[k] = q > 0 ? q - closing : q + closing;
      if (Math.abs(qty[k]) < 1e-12 * closing) qty[k] = 0;
      openPart = delta > 0 ? delta - closing : delta + closing;
      openFee = fee - exitFee;
      if (qty[k] === 0) entryFees[k] = 0;
    }
    if (openPart === 0) return;
    const value = Math.abs(openPart) * p;
    // a budget-sized opening order from flat spends exactly its outlay (fees included), as fromSignals
    const spend = Number.isFinite(outlay) && openPart === delta ? outlay - value : openFee;
    if (openPart > 0) cash -= Number.isFinite(outlay) && openPart === delta ? outlay : value + openFee;
    else cash += value - spend;
    if (qty[k] === 0) {
      entryIdx[k] = t;
      avgPrice[k] = p;
    } else {avgPrice[k] = (Math.abs(qty[k]) * avgPrice[k] + Math.abs(openPart) * p) /
        (Math.abs(qty[k]) + Math.abs(openPart));}
    entryFees[k] += spend;
    qty[k] += openPart;
  };

  /** Fills a working order at raw price `raw`: `slip` applies market/stop slippage. */
  const execute = (w: WorkingOrder, raw: number, slip: boolean) => {
    const { row } = w;
    const k = row.instrument;
    const buy = row.side === "buy";
    const p = slip ? (buy ? buyFillPrice(raw, costs) : sellFillPrice(raw, costs)) : raw;
    let units: number;
    let outlay = NaN;
    if (w.size === "close") units = Math.abs(qty[k]);
    else if ("quantity" in w.size) units = w.size.quantity;
    else {
      outlay = "percent" in w.size ? w.size.percent * equity() : w.size.value;
      units = quantityForBudget(outlay, p, costs);
    }
    if (!(units > 0)) {
      row.status = "rejected";
      return;
    }
    const fee = Number.isFinite(outlay) ? outlay - units * p : fillFee(units, p, costs);
    trade(k, buy ? units : -units, p, fee, qty[k] === 0 ? outlay : NaN);
    Object.assign(row, { status: "filled", fill_index: t, fill_price: p, quantity: units, fees: fee });
  };

  /** Bar t's fills for every working order (see the module doc for the order). */
  const fillOrders = () => {
    const still: WorkingOrder[] = [];
    const row = t * K;
    const byPhase = (phase: "open" | "range" | "close") => {
      for (const w of working) {
        if (w.row.status !== "open") continue;
        const k = w.row.instrument;
        const cl = close[row + k];
        const o = open ? open[row + k] : cl;
        const type = w.row.type;
        if (type === "market") {
          if ((phase === "open") !== (fill === "nextOpen")) continue;
          const px = phase === "open" ? o : cl;
          if (px === px) execute(w, px, true);
          continue;
        }
        if (phase !== "range" || cl !== cl) continue;
        const oo = o === o ? o : cl;
        const h = bars.high?.[row + k] ?? Math.max(oo, cl);
        const l = bars.low?.[row + k] ?? Math.min(oo, cl);
        const lvl = w.row.price;
        const buy = w.row.side === "buy";
        if (type === "limit") {
          if (buy ? oo <= lvl : oo >= lvl) execute(w, oo, false);
          else if (buy ? l <= lvl : h >= lvl) execute(w, lvl, false);
        } else {
          if (buy ? oo >= lvl : oo <= lvl) execute(w, oo, true);
          else if (buy ? h >= lvl : l <= lvl) execute(w, lvl, true);
        }
      }
    };
    byPhase("open");
    byPhase("range");
    byPhase("close");
    for (const w of working) {
      if (w.row.status === "open" && t >= w.expiresAt) w.row.status = "expired";
      if (w.row.status === "open") still.push(w);
    }
    working = still;
  };

  const place = (request: OrderRequest, size: OrderSize | "close"): number => {
    if (t < 0) throw new Error(`runEvents: orders can only be placed from onBar`);
    const { side, type = "market", price = NaN, expiresAfter } = request;
    if (side !== "buy" && side !== "sell") {
      throw new TypeError(`order.side must be "buy" or "sell", found ${side}`);
    }
    if (type !== "market" && type !== "limit" && type !== "stop") {
      throw new TypeError(`order.type must be market, limit or stop, found ${type}`);
    }
    if (type !== "market" && !(price > 0)) {
      throw new TypeError(`order.price must be > 0 for a ${type} order, found ${price}`);
    }
    if (size !== "close") {
      const [key, value] = Object.entries(size)[0] ?? [];
      if (!["percent", "value", "quantity"].includes(key) || !(Number(value) > 0)) {
        throw new TypeError(
          `order.size must be { percent | value | quantity: number > 0 }, found ${JSON.stringify(size)}`,
        );
      }
    }
    if (expiresAfter !== undefined && !(Number.isInteger(expiresAfter) && expiresAfter >= 1)) {
      throw new TypeError(`order.expiresAfter must be an integer ≥ 1, found ${expiresAfter}`);
    }
    const row: OrderRow = {
      id: orders.length,
      instrument: checkInstrument(request.instrument),
      side,
      type,
      price: type === "market" ? NaN : price,
      placed_index: t,
      status: "open",
      fill_index: -1,
      fill_price: NaN,
      quantity: NaN,
      fees: 0,
    };
    orders.push(row);
    working.push({ row, size, expiresAt: expiresAfter ? t + expiresAfter : Infinity });
    return row.id;
  };

  const state: Record<string, unknown> = {};
  const ctx: EventContext = {
    get t() {
      return t;
    },
    get date() {
      return dates && t >= 0 ? dates[t] : NaN;
    },
    nBars: T,
    nInstruments: K,
    get instrument() {
      return current;
    },
    get cash() {
      return cash;
    },
    get equity() {
      return equityNow;
    },
    position: (k) => qty[checkInstrument(k)],
    order: (request) => place(request, request.size ?? { percent: 1 }),
    buy: (request = {}) => place({ ...request, side: "buy" }, request.size ?? { percent: 1 }),
    sell: (request = {}) => place({ ...request, side: "sell" }, request.size ?? { percent: 1 }),
    close: (k) => {
      const i = checkInstrument(k);
      return qty[i] === 0 ? -1 : place({ side: qty[i] > 0 ? "sell" : "buy", instrument: i }, "close");
    },
    cancel: (id) => {
      const w = working.find((x) => x.row.id === id);
      if (w && w.row.status === "open") w.row.status = "cancelled";
    },
    history: (name, n, k) => {
      const i = checkInstrument(k);
      const m = field(name);
      const from = Math.max(0, t - n + 1);
      return Float64Array.from({ length: t + 1 - from }, (_, j) => m[(from + j) * K + i]);
    },
    series: (name, k) => {
      const i = checkInstrument(k);
      const m = field(name);
      return Float64Array.from({ length: T }, (_, j) => m[j * K + i]);
    },
    state,
  };

  const call = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      const when = t < 0
        ? "init"
        : `bar ${t}${dates ? ` (${new Date(dates[t]).toISOString().slice(0, 10)})` : ""}`;
      throw new Error(`runEvents: the strategy's ${what} failed at ${when}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  };

  call("init", () => strategy.init?.(ctx));
  for (t = 0; t < T; t++) {
    if (working.length) fillOrders();
    for (let k = 0; k < K; k++) if (close[t * K + k] === close[t * K + k]) mark[k] = close[t * K + k];
    equityNow = equity();
    equitySeries[t] = equityNow;
    cashSeries[t] = cash;
    position.set(qty, t * K);
    for (current = 0; current < K; current++) {
      const i = t * K + current;
      const bar: EventBar = {
        t,
        date: dates ? dates[t] : NaN,
        instrument: current,
        name: names[current],
        open: open ? open[i] : close[i],
        high: bars.high ? bars.high[i] : close[i],
        low: bars.low ? bars.low[i] : close[i],
        close: close[i],
      };
      call("onBar", () => strategy.onBar(bar, ctx));
    }
  }
  t = T - 1;
  current = 0;
  call("onExit", () => strategy.onExit?.(ctx));
  for (let k = 0; k < K; k++) {
    if (qty[k] !== 0) {
      pushOpenTrade(trades, k, qty[k], entryIdx[k], T - 1, avgPrice[k], mark[k], entryFees[k]);
    }
  }
  const returns = new Float64Array(T);
  let prev = initialCash;
  for (let s = 0; s < T; s++) {
    returns[s] = prev > 0 ? equitySeries[s] / prev - 1 : NaN;
    prev = equitySeries[s];
  }
  return {
    nDates: T,
    dates,
    instruments: names,
    periodsPerYear,
    equity: equitySeries,
    cash: cashSeries,
    position,
    returns,
    trades: trades.finish(K, dates),
    orders,
    summary: allMetrics(returns, { periodsPerYear, riskFree: options.riskFree ?? 0 }),
  };
}
