/**
 * The `fromSignals` simulation kernel: one pass over the bars (date-major, bar outer, column inner) with
 * every column's state in typed arrays, so a parameter grid is just more columns. Plain loops on typed
 * arrays; `from_signals.ts` validates and shapes the inputs and outputs around it.
 *
 * Order of events inside bar t, for each column:
 * 1. `nextOpen`: the order pending from the signal at the close of t−1 fills at the open of t; a limit
 *    order (either fill timing) fills on this bar's range if it reaches the limit, else lapses.
 * 2. Stops of an open position are checked on the bar's range (open, then low/high; close when the
 *    bars have no range). A gap through a level fills at the open; both levels inside one bar ⇒ the
 *    stop is assumed hit first (conservative).
 * 3. `nextClose`: the pending order fills at the close of t.
 * 4. Equity is marked at the close: `cash + shares · close` (last valid close when it is NaN).
 * 5. The signals at the close of t become the order pending for bar t+1 (never filled at bar t).
 * A pending order waits while its fill price is NaN; a newer signal replaces it.
 */
import { buyFillPrice, quantityForBudget, type ResolvedCosts, sellFillPrice } from "./costs.ts";
import { EXIT, pushOpenTrade, type TradeLog } from "./trades.ts";

/** `direction` codes of the kernel. */
export const DIRECTION = { long: 0, short: 1, both: 2 } as const;
/** `sizeType` codes of the kernel. */
export const SIZE_TYPE = { percent: 0, value: 1, shares: 2 } as const;

/** Everything the kernel reads, already validated and broadcast. */
export interface KernelInput {
  readonly nDates: number;
  /** Instruments (price columns) K. */
  readonly nInstruments: number;
  /** Signal columns C. */
  readonly nColumns: number;
  /** Instrument of each signal column (length C). */
  readonly priceColumn: Int32Array;
  readonly close: Float64Array;
  readonly open?: Float64Array;
  readonly high?: Float64Array;
  readonly low?: Float64Array;
  /** T × C date-major masks (1 = signal), or one row of C refilled by `feed` at every bar. */
  readonly entries: Uint8Array;
  readonly exits: Uint8Array;
  readonly feed?: (t: number, entries: Uint8Array, exits: Uint8Array) => void;
  readonly direction: number;
  readonly fillAtOpen: boolean;
  readonly sizeType: number;
  readonly size: number;
  /** Per-signal sizes (`T × C`, or one row with `feed`), read at the signal bar; NaN = `size`. */
  readonly sizes?: Float64Array;
  /** Per-signal limit prices (`T × C`, NaN = market order), read at the signal bar. */
  readonly limits?: Float64Array;
  readonly initialCash: number;
  readonly costs: ResolvedCosts;
  /** Per-column stop fractions (NaN = off), or undefined when no column has that stop. */
  readonly stopLoss?: Float64Array;
  readonly takeProfit?: Float64Array;
  readonly trailingStop?: Float64Array;
  /** Log the fills (equity and position are rebuilt from them) and the trades; else per-column stats only. */
  readonly full: boolean;
  readonly trades?: TradeLog;
}

/** Per-column statistics every run produces (both output modes). */
export interface KernelStats {
  readonly finalEquity: Float64Array;
  /**
   * Mean and Σ (r − mean)² of the per-bar returns `equity[t] / equity[t−1] − 1` (bar 0 against the initial
   * cash), accumulated with Welford's update (no cancellation when the returns are nearly constant).
   */
  readonly meanRet: Float64Array;
  readonly m2Ret: Float64Array;
  /** Bars with a defined return (all of them unless equity reached ≤ 0). */
  readonly nReturns: Int32Array;
  /** Min over bars of `equity / running peak − 1` (peak starts at the initial cash). */
  readonly maxDrawdown: Float64Array;
  /** Closed trades, and those with pnl > 0. */
  readonly nTrades: Int32Array;
  readonly nWins: Int32Array;
  /** Bars ending with a position. */
  readonly barsInMarket: Int32Array;
}

/**
 * The state after each bar with a fill, per column in time order (full mode): equity and position at any
 * close follow as `cash + shares · mark` from the latest fill at or before it (`fillEquity`).
 */
export interface FillLog {
  readonly length: number;
  readonly column: Int32Array;
  readonly bar: Int32Array;
  /** Cash and signed quantity after the bar's fills. */
  readonly cash: Float64Array;
  readonly shares: Float64Array;
  /** The open price used as mark when the fill bar has no close (else NaN). */
  readonly mark: Float64Array;
  /** Index of each column's first fill in the arrays (length C + 1). */
  readonly start: Int32Array;
}

/** The kernel's output: statistics, plus the fill log in full mode. */
export interface KernelOutput extends KernelStats {
  readonly fills?: FillLog;
}

const NONE = 2; // no pending order (targets are −1, 0, +1)

/** Runs the simulation; see the module doc for the order of events within a bar. */
export function simulateSignals(input: KernelInput): KernelOutput {
  const { nDates: T, nInstruments: K, nColumns: C, priceColumn, close, open, high, low } = input;
  const { entries, exits, feed, direction, fillAtOpen, sizeType, size, sizes, initialCash, costs, full } =
    input;
  const { stopLoss, takeProfit, trailingStop, trades, limits } = input;
  const { fee, fixedFee } = costs;
  const anyStops = stopLoss !== undefined || takeProfit !== undefined || trailingStop !== undefined;

  const cash = new Float64Array(C).fill(initialCash);
  const shares = new Float64Array(C);
  const entryPrice = new Float64Array(C);
  const entryFee = new Float64Array(C);
  const entryIdx = new Int32Array(C);
  const extreme = new Float64Array(C); // long: highest high since entry; short: lowest low
  const pending = new Int8Array(C).fill(NONE);
  const pendingSize = new Float64Array(C).fill(size); // size of the pending entry
  const pendingLimit = new Float64Array(C).fill(NaN); // limit price of the pending order (NaN = market)
  const mark = new Float64Array(C).fill(NaN);
  const prevEq = new Float64Array(C).fill(initialCash);
  const peakEq = new Float64Array(C).fill(initialCash);
  const stats: KernelStats = {
    finalEquity: new Float64Array(C).fill(initialCash),
    meanRet: new Float64Array(C),
    m2Ret: new Float64Array(C),
    nReturns: new Int32Array(C),
    maxDrawdown: new Float64Array(C),
    nTrades: new Int32Array(C),
    nWins: new Int32Array(C),
    barsInMarket: new Int32Array(C),
  };
  const { meanRet, m2Ret, nReturns, maxDrawdown, nTrades, nWins, barsInMarket } = stats;
  const noReturn = new Int32Array(C); // bars without a return (equity was ≤ 0 at the previous close)
  // returns in meanRet/m2Ret; the flat bars the loop skips (return exactly 0) are merged in as one block
  // when the next return comes (Chan et al.'s pairwise update with a block of mean 0 and no deviation)
  const merged = new Int32Array(C);
  const inverse = Float64Array.from({ length: T + 1 }, (_, k) => 1 / k); // a multiply, not a divide, per bar
  const mergeFlat = (c: number, k: number) => {
    const n0 = merged[c];
    const m = meanRet[c];
    meanRet[c] = m - (m * (k - n0)) / k;
    m2Ret[c] += (m * m * n0 * (k - n0)) / k;
    merged[c] = k;
  };
  const fillLog = full ? growableFills() : undefined;
  let filled = false; // a fill happened in the current (bar, column)

  /** Closes column c's position at fill price p (slippage already applied). */
  const closePosition = (c: number, t: number, p: number, reason: number) => {
    const q = shares[c];
    const qty = Math.abs(q);
    const value = qty * p;
    const exitFee = value * fee + fixedFee;
    const basis = qty * entryPrice[c];
    let pnl: number;
    if (q > 0) {
      cash[c] += value - exitFee;
      pnl = value - exitFee - basis - entryFee[c];
    } else {
      cash[c] -= value + exitFee;
      pnl = basis - entryFee[c] - value - exitFee;
    }
    shares[c] = 0;
    filled = true;
    nTrades[c]++;
    if (pnl > 0) nWins[c]++;
    trades?.push(c, q > 0 ? 1 : -1, entryIdx[c], t, entryPrice[c], p, qty, entryFee[c], exitFee, pnl, reason);
  };

  /** Opens a position of sign `side` in flat column c at fill price p; skipped when unaffordable. */
  const openPosition = (c: number, t: number, side: number, p: number) => {
    let qty: number;
    let outlay = NaN; // notional + fees when sized from a cash budget
    const n = pendingSize[c];
    if (sizeType === 2) {
      qty = n;
    } else {
      outlay = sizeType === 0 ? n * cash[c] : n;
      qty = quantityForBudget(outlay, p, costs);
    }
    if (!(qty > 0)) return;
    const value = qty * p;
    const f = Number.isNaN(outlay) ? value * fee + fixedFee : outlay - value;
    if (side > 0) {
      cash[c] -= Number.isNaN(outlay) ? value + f : outlay;
      shares[c] = qty;
    } else {
      cash[c] += value - f;
      shares[c] = -qty;
    }
    entryPrice[c] = p;
    entryFee[c] = f;
    entryIdx[c] = t;
    extreme[c] = p;
    filled = true;
  };

  /** Moves column c to the target sign at raw price `price` (market fill: slippage applies; limit: none). */
  const fillTarget = (c: number, t: number, target: number, price: number, slip = true) => {
    const q = shares[c];
    const current = q > 0 ? 1 : q < 0 ? -1 : 0;
    if (current === target) return;
    const buy = slip ? buyFillPrice(price, costs) : price;
    const sell = slip ? sellFillPrice(price, costs) : price;
    if (current > 0) closePosition(c, t, sell, EXIT.signal);
    else if (current < 0) closePosition(c, t, buy, EXIT.signal);
    if (target !== 0) openPosition(c, t, target, target > 0 ? buy : sell);
  };

  /**
   * A limit order on bar t: buys (target above the current position) fill when the bar trades at or below
   * the limit, sells at or above it — at the open when it gaps through, else at the limit; no slippage. It
   * lapses after this one bar either way.
   */
  const fillLimit = (
    c: number,
    t: number,
    target: number,
    limit: number,
    o: number,
    h: number,
    l: number,
  ) => {
    const q = shares[c];
    const buying = target > (q > 0 ? 1 : q < 0 ? -1 : 0);
    if (buying ? o <= limit : o >= limit) fillTarget(c, t, target, o, false);
    else if (buying ? l <= limit : h >= limit) fillTarget(c, t, target, limit, false);
  };

  /** Checks column c's stops on bar t (open o, high h, low l); closes the position when one is hit. */
  const checkStops = (c: number, t: number, o: number, h: number, l: number) => {
    const q = shares[c];
    const e = entryPrice[c];
    const sl = stopLoss ? stopLoss[c] : NaN;
    const tp = takeProfit ? takeProfit[c] : NaN;
    const ts = trailingStop ? trailingStop[c] : NaN;
    if (q > 0) {
      let stop = -Infinity;
      let why: number = EXIT.stop_loss;
      if (sl === sl) stop = e * (1 - sl);
      if (ts === ts && extreme[c] * (1 - ts) > stop) {
        stop = extreme[c] * (1 - ts);
        why = EXIT.trailing_stop;
      }
      const target = tp === tp ? e * (1 + tp) : Infinity;
      if (o <= stop) closePosition(c, t, sellFillPrice(o, costs), why);
      else if (o >= target) closePosition(c, t, o, EXIT.take_profit);
      else if (l <= stop) closePosition(c, t, sellFillPrice(stop, costs), why);
      else if (h >= target) closePosition(c, t, target, EXIT.take_profit);
      else if (h > extreme[c]) extreme[c] = h;
    } else {
      let stop = Infinity;
      let why: number = EXIT.stop_loss;
      if (sl === sl) stop = e * (1 + sl);
      if (ts === ts && extreme[c] * (1 + ts) < stop) {
        stop = extreme[c] * (1 + ts);
        why = EXIT.trailing_stop;
      }
      const target = tp === tp ? e * (1 - tp) : -Infinity;
      if (o >= stop) closePosition(c, t, buyFillPrice(o, costs), why);
      else if (o <= target) closePosition(c, t, o, EXIT.take_profit);
      else if (h >= stop) closePosition(c, t, buyFillPrice(stop, costs), why);
      else if (l <= target) closePosition(c, t, target, EXIT.take_profit);
      else if (l < extreme[c]) extreme[c] = l;
    }
  };

  /** Bar t for every column (its own function: V8 optimizes it whole instead of OSR-ing the loop). */
  const step = (t: number, base: number) => {
    const row = t * K;
    for (let c = 0; c < C; c++) {
      const en = entries[base + c];
      const ex = exits[base + c];
      let pend = pending[c];
      if (pend === NONE && en === ex && shares[c] === 0) {
        // flat, nothing pending, no signal: equity is the unchanged cash, the bar's return 0
        if (!(prevEq[c] > 0)) noReturn[c]++;
        continue;
      }
      const pi = row + priceColumn[c];
      const cl = close[pi];
      if (pend !== NONE && pendingLimit[c] === pendingLimit[c]) {
        if (cl === cl) { // a limit order is checked on the next bar with a price, then lapses
          const o = open ? open[pi] : cl;
          const oo = o === o ? o : cl;
          const h = high ? high[pi] : cl;
          const l = low ? low[pi] : cl;
          fillLimit(
            c,
            t,
            pend,
            pendingLimit[c],
            oo,
            h === h ? h : Math.max(cl, oo),
            l === l ? l : Math.min(cl, oo),
          );
          pend = NONE;
        }
      } else if (pend !== NONE && fillAtOpen) {
        const o = open![pi];
        if (o === o) {
          fillTarget(c, t, pend, o);
          if (cl !== cl) mark[c] = o;
          pend = NONE;
        }
      }
      if (anyStops && shares[c] !== 0 && cl === cl) {
        const o = open ? open[pi] : cl;
        const h = high ? high[pi] : cl;
        const l = low ? low[pi] : cl;
        checkStops(c, t, o === o ? o : cl, h === h ? h : Math.max(cl, o === o ? o : cl), l === l ? l : cl);
      }
      if (pend !== NONE && !fillAtOpen && cl === cl) {
        fillTarget(c, t, pend, cl);
        pend = NONE;
      }
      if (cl === cl) mark[c] = cl;
      const q = shares[c];
      const eq = q === 0 ? cash[c] : cash[c] + q * mark[c];
      const prev = prevEq[c];
      if (prev > 0) {
        const r = eq / prev - 1;
        const k = t - noReturn[c]; // returns before this bar
        if (merged[c] < k) mergeFlat(c, k);
        const d = r - meanRet[c];
        const m = meanRet[c] + d * inverse[k + 1]; // Welford's update
        meanRet[c] = m;
        m2Ret[c] += d * (r - m);
        merged[c] = k + 1;
      } else noReturn[c]++;
      if (eq !== prev) {
        prevEq[c] = eq;
        const peak = peakEq[c];
        if (eq > peak) peakEq[c] = eq;
        else if (eq < peak * (1 + maxDrawdown[c])) maxDrawdown[c] = eq / peak - 1; // divide only on a new low
      }
      if (q !== 0) barsInMarket[c]++;
      if (filled) {
        fillLog?.push(c, t, cash[c], q, cl === cl ? NaN : mark[c]);
        filled = false;
      }
      // signals at this close → the order pending for the next bar
      if (en !== ex) {
        const current = q > 0 ? 1 : q < 0 ? -1 : 0;
        const intended = pend === NONE ? current : pend;
        let target: number;
        if (direction === 0) target = en ? 1 : intended === 1 ? 0 : intended;
        else if (direction === 1) target = en ? -1 : intended === -1 ? 0 : intended;
        else target = en ? 1 : -1;
        pend = target === current ? NONE : target;
        if (sizes) {
          const z = sizes[base + c];
          pendingSize[c] = z === z ? z : size;
        }
        if (limits) pendingLimit[c] = limits[base + c];
      }
      pending[c] = pend;
    }
  };
  for (let t = 0; t < T; t++) {
    if (feed) feed(t, entries, exits);
    step(t, feed ? 0 : t * C);
  }

  // positions still open at the end: recorded as "open" trades marked at the last close
  for (let c = 0; c < C; c++) {
    const q = shares[c];
    stats.finalEquity[c] = q === 0 ? cash[c] : cash[c] + q * mark[c];
    nReturns[c] = T - noReturn[c];
    if (merged[c] < nReturns[c]) mergeFlat(c, nReturns[c]);
    if (q !== 0 && trades) {
      pushOpenTrade(trades, c, q, entryIdx[c], T - 1, entryPrice[c], mark[c], entryFee[c]);
    }
  }
  return { ...stats, fills: fillLog?.finish(C) };
}

/** A growable fill log (capacity doubles), frozen and grouped by column by `finish`. */
function growableFills() {
  let n = 0;
  let cap = 256;
  let ints = new Int32Array(cap * 2);
  let nums = new Float64Array(cap * 3);
  return {
    push(column: number, bar: number, cash: number, shares: number, mark: number) {
      if (n === cap) {
        cap *= 2;
        const i2 = new Int32Array(cap * 2);
        i2.set(ints);
        ints = i2;
        const n2 = new Float64Array(cap * 3);
        n2.set(nums);
        nums = n2;
      }
      ints[2 * n] = column;
      ints[2 * n + 1] = bar;
      nums[3 * n] = cash;
      nums[3 * n + 1] = shares;
      nums[3 * n + 2] = mark;
      n++;
    },
    finish(C: number): FillLog {
      const start = new Int32Array(C + 1);
      for (let k = 0; k < n; k++) start[ints[2 * k] + 1]++;
      for (let c = 0; c < C; c++) start[c + 1] += start[c];
      const at = start.slice(0, C);
      const log = {
        length: n,
        column: new Int32Array(n),
        bar: new Int32Array(n),
        cash: new Float64Array(n),
        shares: new Float64Array(n),
        mark: new Float64Array(n),
        start,
      };
      for (let k = 0; k < n; k++) {
        const j = at[ints[2 * k]]++;
        log.column[j] = ints[2 * k];
        log.bar[j] = ints[2 * k + 1];
        log.cash[j] = nums[3 * k];
        log.shares[j] = nums[3 * k + 1];
        log.mark[j] = nums[3 * k + 2];
      }
      return log;
    },
  };
}

/**
 * Column c's equity and position at every close, rebuilt from the fill log exactly as the kernel marks
 * them: `cash + shares · mark`, mark = the last valid close (or a fill bar's open when it has no close).
 */
export function fillSeries(
  fills: FillLog,
  column: number,
  close: Float64Array,
  nInstruments: number,
  instrument: number,
  initialCash: number,
): { equity: Float64Array; position: Float64Array } {
  const T = close.length / nInstruments;
  const equity = new Float64Array(T);
  const position = new Float64Array(T);
  let k = fills.start[column];
  const end = fills.start[column + 1];
  let cash = initialCash;
  let shares = 0;
  let mark = NaN;
  for (let t = 0; t < T; t++) {
    const cl = close[t * nInstruments + instrument];
    if (k < end && fills.bar[k] === t) {
      cash = fills.cash[k];
      shares = fills.shares[k];
      if (fills.mark[k] === fills.mark[k]) mark = fills.mark[k];
      k++;
    }
    if (cl === cl) mark = cl;
    equity[t] = shares === 0 ? cash : cash + shares * mark;
    position[t] = shares;
  }
  return { equity, position };
}
