/**
 * The fused crossover kernel behind `maCrossoverGrid`: long-only, all-in (`size` 1 of equity, so cash is
 * exactly 0 while invested) crossover strategies of one instrument, one (fast, slow) pair after the
 * other. Per bar it only compares the two lines; fills happen at crossings, and a holding period's
 * per-bar returns `mark[u] / mark[u−1] − 1` are charged at its exit from prefix sums. It replays
 * `simulateSignals`'s order of events and accounting exactly (same fills, fees, trade pnl, equity, Σr
 * and Σr² up to rounding), without its per-bar equity (no drawdown: NaN).
 */
import { quantityForBudget, type ResolvedCosts } from "./costs.ts";
import type { KernelStats } from "./kernel.ts";

/** Inputs of `simulateCrossovers` (one instrument). */
export interface CrossoverKernelInput {
  readonly close: Float64Array;
  /** Fill at the next open when given, else at the next close. */
  readonly open?: Float64Array;
  /** Window of each pair's fast and slow line. */
  readonly fast: Int32Array;
  readonly slow: Int32Array;
  /** The line of a window (length T). */
  readonly line: (n: number) => Float64Array;
  readonly initialCash: number;
  readonly costs: ResolvedCosts;
}

const NONE = 2;

/** Simulates every pair; returns the kernel's per-column statistics (`maxDrawdown` NaN). */
export function simulateCrossovers(input: CrossoverKernelInput): KernelStats {
  const { close, open, fast, slow, line, initialCash, costs } = input;
  const { fee, fixedFee, slippage } = costs;
  const T = close.length;
  const P = fast.length;
  const fillPrice = open ?? close;
  // marks (last valid close) and prefix sums of the per-bar mark returns
  const mark = new Float64Array(T);
  const pre1 = new Float64Array(T);
  const pre2 = new Float64Array(T);
  let last = NaN;
  for (let t = 0; t < T; t++) {
    if (close[t] === close[t]) last = close[t];
    mark[t] = last;
    const r = t > 0 && mark[t - 1] === mark[t - 1] ? mark[t] / mark[t - 1] - 1 : 0;
    pre1[t] = (t > 0 ? pre1[t - 1] : 0) + r;
    pre2[t] = (t > 0 ? pre2[t - 1] : 0) + r * r;
  }
  const stats: KernelStats = {
    finalEquity: new Float64Array(P),
    sumRet: new Float64Array(P),
    sumRet2: new Float64Array(P),
    nReturns: new Int32Array(P),
    maxDrawdown: new Float64Array(P).fill(NaN),
    nTrades: new Int32Array(P),
    nWins: new Int32Array(P),
    barsInMarket: new Int32Array(P),
  };

  const pair = (p: number, F: Float64Array, S: Float64Array) => {
    let cash = initialCash;
    let qty = 0;
    let entryPrice = 0;
    let entryFee = 0;
    let entryIdx = 0;
    let pend = NONE;
    let prevCmp = 2;
    let s1 = 0;
    let s2 = 0;
    let nReturns = T;
    let trades = 0;
    let wins = 0;
    let inMarket = 0;
    for (let t = 0; t < T; t++) {
      if (pend !== NONE) {
        const px = fillPrice[t];
        if (px === px) {
          if (pend === 1) {
            const price = px * (1 + slippage);
            const outlay = cash;
            const q = quantityForBudget(outlay, price, costs);
            if (q > 0) {
              const r = (cash - outlay + q * mark[t]) / outlay - 1;
              s1 += r;
              s2 += r * r;
              cash -= outlay;
              qty = q;
              entryPrice = price;
              entryFee = outlay - q * price;
              entryIdx = t;
            }
          } else if (qty > 0) {
            const price = px * (1 - slippage);
            const value = qty * price;
            const exitFee = value * fee + fixedFee;
            s1 += pre1[t - 1] - pre1[entryIdx];
            s2 += pre2[t - 1] - pre2[entryIdx];
            const before = cash + qty * mark[t - 1];
            cash += value - exitFee;
            const r = cash / before - 1;
            s1 += r;
            s2 += r * r;
            const pnl = value - exitFee - qty * entryPrice - entryFee;
            trades++;
            if (pnl > 0) wins++;
            inMarket += t - entryIdx;
            qty = 0;
            if (!(cash > 0)) {
              nReturns = t + 1; // equity gone: no later bar has a return
              break;
            }
          }
          pend = NONE;
        }
      }
      // skip ahead while the lines keep their order (the hot loop: two loads and a compare per bar)
      if (pend === NONE) {
        if (prevCmp === 1) { while (t < T - 1 && F[t] > S[t]) t++; }
        else if (prevCmp === -1) { while (t < T - 1 && F[t] < S[t]) t++; }
      }
      const f = F[t];
      const s = S[t];
      const cmp = f > s ? 1 : f < s ? -1 : f === s ? 0 : 2;
      if (cmp !== prevCmp) {
        const current = qty > 0 ? 1 : 0;
        const intended = pend === NONE ? current : pend;
        if (cmp === 1 && (prevCmp === -1 || prevCmp === 0)) pend = current === 1 ? NONE : 1;
        else if (cmp === -1 && (prevCmp === 1 || prevCmp === 0)) {
          const target = intended === 1 ? 0 : intended;
          pend = target === current ? NONE : target;
        }
        prevCmp = cmp;
      }
    }
    if (qty > 0) {
      s1 += pre1[T - 1] - pre1[entryIdx];
      s2 += pre2[T - 1] - pre2[entryIdx];
      inMarket += T - entryIdx;
    }
    stats.finalEquity[p] = qty > 0 ? cash + qty * mark[T - 1] : cash;
    stats.sumRet[p] = s1;
    stats.sumRet2[p] = s2;
    stats.nReturns[p] = nReturns;
    stats.nTrades[p] = trades;
    stats.nWins[p] = wins;
    stats.barsInMarket[p] = inMarket;
  };
  for (let p = 0; p < P; p++) pair(p, line(fast[p]), line(slow[p]));
  return stats;
}
