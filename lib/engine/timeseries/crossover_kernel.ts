/**
 * The fused crossover kernels behind `maCrossoverGrid`: long-only, all-in (`size` 1 of equity, so cash is
 * exactly 0 while invested) crossover strategies of one instrument, for many (fast, slow) pairs at once.
 * They replay `simulateSignals`'s order of events and accounting exactly (same fills, fees, trade pnl,
 * equity, return mean and Σ(r − mean)² up to rounding) but touch a pair only at its crossings: a fill is
 * resolved when the pair's next event comes (at the first bar with a price after its signal), and a holding
 * period's per-bar returns `mark[u] / mark[u−1] − 1` are merged in at its exit as one block (count, mean,
 * Σ(r − mean)² from prefix sums of the returns' deviations from their overall mean; Chan et al.'s pairwise
 * update). No per-bar equity, so no drawdown (NaN).
 *
 * Two ways to find the crossings, same events:
 * - sweep: keep the lines sorted by value and re-sort bar by bar with insertion sort; every adjacent swap
 *   is one pair changing order, so the work is O(bars × lines + crossings) for ALL pairs together. Needs
 *   lines that stay defined once they start.
 * - scan: per pair, walk the bars comparing its two lines (O(bars × pairs)); handles gaps too. Used when
 *   a line has one.
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

/**
 * Simulates every pair; returns the kernel's per-column statistics (`maxDrawdown` NaN) and the method that
 * found the crossings (`auto`: the sweep when it can, else the scan).
 */
export function simulateCrossovers(
  input: CrossoverKernelInput,
  method: "auto" | "sweep" | "scan" = "auto",
): KernelStats & { method: "sweep" | "scan" } {
  const book = pairBook(input);
  if (method !== "scan" && sweepPairs(input, book)) return { ...book.finish(), method: "sweep" };
  if (method === "sweep") {
    throw new RangeError("simulateCrossovers: the lines tie or have gaps; the sweep cannot run");
  }
  book.reset();
  scanPairs(input, book);
  return { ...book.finish(), method: "scan" };
}

/** Per-pair state in typed arrays, and the event handlers both kernels drive. */
interface PairBook {
  /** The pair's lines changed order at bar t: from `prevCmp` to `cmp` (sign of fast − slow; 0 tie, 2 undefined). */
  signal(p: number, t: number, cmp: number, prevCmp: number): void;
  reset(): void;
  finish(): KernelStats;
}

function pairBook(input: CrossoverKernelInput): PairBook {
  const { close, open, fast, initialCash, costs } = input;
  const { fee, fixedFee, slippage } = costs;
  const T = close.length;
  const P = fast.length;
  const fillPrice = open ?? close;
  // marks (last valid close), prefix sums of the per-bar mark returns' deviations d = r − g from their
  // mean g (shifted sums: a block's Σ(r − mean)² = Σd² − (Σd)²/n cancels nothing when g is near its
  // mean), next bar with a fill price
  const mark = new Float64Array(T);
  const markRet = new Float64Array(T);
  const pre1 = new Float64Array(T);
  const pre2 = new Float64Array(T);
  const nextFill = new Int32Array(T + 1).fill(T);
  let last = NaN;
  let g = 0;
  for (let t = 0; t < T; t++) {
    if (close[t] === close[t]) last = close[t];
    mark[t] = last;
    markRet[t] = t > 0 && mark[t - 1] === mark[t - 1] ? mark[t] / mark[t - 1] - 1 : 0;
    g += (markRet[t] - g) / (t + 1);
  }
  for (let t = 0; t < T; t++) {
    const d = markRet[t] - g;
    pre1[t] = (t > 0 ? pre1[t - 1] : 0) + d;
    pre2[t] = (t > 0 ? pre2[t - 1] : 0) + d * d;
  }
  for (let t = T - 1; t >= 0; t--) nextFill[t] = fillPrice[t] === fillPrice[t] ? t : nextFill[t + 1];

  // One record of 8 doubles (64 bytes, about one cache line) per pair, touched once per event:
  // AMOUNT = cash while flat, quantity while invested (cash is then exactly 0); OUTLAY = the entry's cash
  // (> 0 ⇔ invested); MEAN, M2 = mean and Σ(r − mean)² of the returns merged so far (the entry bar's, each
  // closed trade's bars; flat bars return exactly 0 and are merged at the end); PEND_AT = bar the pending
  // order fills at (−1: none; the order flips the position); ENTRY_AT = entry bar while invested, the count
  // of bars with a return once equity is gone; COUNTS = trades · 2^26 + wins; IN_MKT = bars in closed trades.
  const S = 8;
  const [AMOUNT, OUTLAY, MEAN, M2, ENTRY_AT, PEND_AT, COUNTS, IN_MKT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const WIN = 1;
  const TRADE = 2 ** 26;
  const st = new Float64Array(P * S);
  /** Returns merged into the record at o: each closed trade's bars and the open position's entry bar. */
  const merged = (o: number) =>
    st[o + IN_MKT] + Math.floor(st[o + COUNTS] * (1 / TRADE)) + (st[o + OUTLAY] > 0 ? 1 : 0);
  /** Merges a block of n returns with mean `m` and Σ(r − m)² `m2` into the record at o (which holds `n0`). */
  const merge = (o: number, n0: number, n: number, m: number, m2: number) => {
    if (n === 0) return;
    const w = n / (n0 + n);
    const delta = m - st[o + MEAN];
    st[o + MEAN] += delta * w;
    st[o + M2] += m2 + delta * delta * n0 * w;
  };
  /**
   * Merges the holding bars entry+1 … end (mark returns, from the prefix sums) and, when given, one more
   * return `last` (the exit bar's) into the record at o, as one block.
   */
  const mergeHolding = (o: number, n0: number, entry: number, end: number, last?: number) => {
    let d1 = pre1[end] - pre1[entry];
    let d2 = pre2[end] - pre2[entry];
    let n = end - entry;
    if (last !== undefined) {
      d1 += last - g;
      d2 += (last - g) * (last - g);
      n++;
    }
    if (n > 0) merge(o, n0, n, g + d1 / n, Math.max(0, d2 - (d1 * d1) / n));
  };
  const reset = () => {
    st.fill(0);
    for (let o = 0; o < P * S; o += S) {
      st[o + AMOUNT] = initialCash;
      st[o + PEND_AT] = -1;
    }
  };
  reset();
  const dead = (o: number) => st[o + OUTLAY] === 0 && !(st[o + AMOUNT] > 0);

  /** Fills the pending order of the pair at record offset o if its fill bar is ≤ t. */
  const resolve = (o: number, t: number) => {
    const at = st[o + PEND_AT] | 0; // indices as int32 (a double key takes a slow path)
    if (at < 0 || at > t) return;
    st[o + PEND_AT] = -1;
    const px = fillPrice[at];
    if (st[o + OUTLAY] === 0) { // buy with all the cash
      const outlay = st[o + AMOUNT];
      const q = quantityForBudget(outlay, px * (1 + slippage), costs);
      if (!(q > 0)) return;
      merge(o, merged(o), 1, (q * mark[at]) / outlay - 1, 0);
      st[o + AMOUNT] = q;
      st[o + OUTLAY] = outlay;
      st[o + ENTRY_AT] = at;
      return;
    }
    const q = st[o + AMOUNT];
    const entry = st[o + ENTRY_AT] | 0;
    const value = q * (px * (1 - slippage));
    const cash = value - (value * fee + fixedFee);
    mergeHolding(o, merged(o), entry, at - 1, cash / (q * mark[at - 1]) - 1);
    st[o + COUNTS] += TRADE + (cash - st[o + OUTLAY] > 0 ? WIN : 0);
    st[o + IN_MKT] += at - entry;
    st[o + AMOUNT] = cash;
    st[o + OUTLAY] = 0;
    if (!(cash > 0)) st[o + ENTRY_AT] = at + 1; // equity gone: no later bar has a return
  };

  return {
    reset,
    signal(p, t, cmp, prevCmp) {
      const o = p * S;
      if (dead(o)) return;
      resolve(o, t);
      if (dead(o)) return;
      const invested = st[o + OUTLAY] > 0;
      // entry when flat / exit when invested sets the order for the next bar; the other cancels a pending one
      if (cmp === 1 && (prevCmp === -1 || prevCmp === 0)) st[o + PEND_AT] = invested ? -1 : nextFill[t + 1];
      else if (cmp === -1 && (prevCmp === 1 || prevCmp === 0)) {
        st[o + PEND_AT] = invested ? nextFill[t + 1] : -1;
      }
    },
    finish() {
      const stats: KernelStats = {
        finalEquity: new Float64Array(P),
        meanRet: new Float64Array(P),
        m2Ret: new Float64Array(P),
        nReturns: new Int32Array(P),
        maxDrawdown: new Float64Array(P).fill(NaN),
        nTrades: new Int32Array(P),
        nWins: new Int32Array(P),
        barsInMarket: new Int32Array(P),
      };
      for (let p = 0; p < P; p++) {
        const o = p * S;
        const gone = dead(o);
        if (!gone) resolve(o, T - 1);
        const invested = st[o + OUTLAY] > 0;
        let n0 = merged(o);
        if (invested) {
          const entry = st[o + ENTRY_AT] | 0;
          mergeHolding(o, n0, entry, T - 1);
          n0 += T - 1 - entry;
          st[o + IN_MKT] += T - entry;
        }
        const nReturns = dead(o) ? st[o + ENTRY_AT] : T;
        merge(o, n0, nReturns - n0, 0, 0); // the flat bars
        stats.finalEquity[p] = invested ? st[o + AMOUNT] * mark[T - 1] : st[o + AMOUNT];
        stats.meanRet[p] = st[o + MEAN];
        stats.m2Ret[p] = st[o + M2];
        stats.nReturns[p] = nReturns;
        stats.nTrades[p] = Math.floor(st[o + COUNTS] / TRADE);
        stats.nWins[p] = st[o + COUNTS] % TRADE;
        stats.barsInMarket[p] = st[o + IN_MKT];
      }
      return stats;
    },
  };
}

/** Scan: per pair, walk the bars and report every change of order of its two lines. */
function scanPairs(input: CrossoverKernelInput, book: PairBook): void {
  const { fast, slow, line } = input;
  const T = input.close.length;
  const pair = (p: number, F: Float64Array, S: Float64Array) => {
    let prevCmp = 2;
    for (let t = 0; t < T; t++) {
      // skip ahead while the lines keep their order (the hot loop: two loads and a compare per bar)
      if (prevCmp === 1) { while (t < T - 1 && F[t] > S[t]) t++; }
      else if (prevCmp === -1) { while (t < T - 1 && F[t] < S[t]) t++; }
      const f = F[t];
      const s = S[t];
      const cmp = f > s ? 1 : f < s ? -1 : f === s ? 0 : 2;
      if (cmp !== prevCmp) {
        book.signal(p, t, cmp, prevCmp);
        prevCmp = cmp;
      }
    }
  };
  for (let p = 0; p < fast.length; p++) pair(p, line(fast[p]), line(slow[p]));
}

/**
 * Sweep: the distinct lines kept sorted by value (ascending), re-sorted at each bar by insertion sort;
 * each adjacent swap is one pair whose order flipped; exact ties are tracked so that leaving one counts as
 * the crossing it is. Returns false (nothing usable) when a line turns NaN after it started: the scan
 * handles gaps.
 */
function sweepPairs(input: CrossoverKernelInput, book: PairBook): boolean {
  const { fast, slow, line } = input;
  const T = input.close.length;
  const windows = [...new Set([...fast, ...slow])];
  const W = windows.length;
  const slot = new Int32Array(Math.max(...windows) + 1);
  windows.forEach((w, k) => (slot[w] = k));
  // date-major values of every line, and the bar each starts at (a function per line: V8 optimizes it
  // whole instead of OSR-ing a nested loop)
  const values = new Float64Array(T * W);
  const start = new Int32Array(W).fill(T);
  const copyLine = (k: number): boolean => {
    const x = line(windows[k]);
    for (let t = 0; t < T; t++) {
      const v = x[t];
      values[t * W + k] = v;
      if (v === v) {
        if (start[k] === T) start[k] = t;
      } else if (start[k] < T) return false; // a gap after the start
    }
    return true;
  };
  for (let k = 0; k < W; k++) if (!copyLine(k)) return false;
  // pairOf[a * W + b] = the first pair whose fast line is a and slow line is b (−1 if none); `next` chains repeats
  const pairOf = new Int32Array(W * W).fill(-1);
  const next = new Int32Array(fast.length).fill(-1);
  for (let p = fast.length - 1; p >= 0; p--) {
    if (fast[p] === slow[p]) continue; // a line never crosses itself
    const key = slot[fast[p]] * W + slot[slow[p]];
    next[p] = pairOf[key];
    pairOf[key] = p;
  }
  /** Line `up` moved above line `down` at bar t. */
  const crossed = (up: number, down: number, t: number) => {
    for (let p = pairOf[up * W + down]; p >= 0; p = next[p]) book.signal(p, t, 1, -1);
    for (let p = pairOf[down * W + up]; p >= 0; p = next[p]) book.signal(p, t, -1, 1);
  };
  const byStart = Int32Array.from({ length: W }, (_, k) => k).sort((a, b) => start[a] - start[b]);
  const order = new Int32Array(W); // lines started so far, ascending by value at the previous bar
  let m = 0;
  let joined = 0;
  /** Re-sorts the started lines at bar t (stable: equal values keep their order), reporting each swap. */
  const resort = (t: number) => {
    const base = t * W;
    for (let j = 1; j < m; j++) {
      const x = order[j];
      const v = values[base + x];
      let k = j;
      while (k > 0 && values[base + order[k - 1]] > v) {
        crossed(order[k - 1], x, t); // x falls below order[k − 1]
        order[k] = order[k - 1];
        k--;
      }
      order[k] = x;
    }
  };
  /** Lines starting at bar t join in order, without events (their pairs had no order before). */
  const join = (t: number) => {
    const base = t * W;
    while (joined < W && start[byStart[joined]] === t) {
      const x = byStart[joined++];
      const v = values[base + x];
      let k = m++;
      while (k > 0 && values[base + order[k - 1]] > v) {
        order[k] = order[k - 1];
        k--;
      }
      order[k] = x;
    }
  };
  // Exact ties: a tied pair has no order (cmp 0). Leaving a tie towards the side the stable sort already
  // had is not a swap, so those pairs are remembered (lower, upper in sort order) and checked at the next bar.
  let ties: number[] = [];
  const pos = new Int32Array(W);
  /** Reports the ties of bar t − 1 that broke at bar t without a swap; collects the ties of bar t. */
  const settleTies = (t: number) => {
    const base = t * W;
    if (ties.length) {
      for (let k = 0; k < m; k++) pos[order[k]] = k;
      for (let k = 0; k < ties.length; k += 2) {
        const [lower, upper] = [ties[k], ties[k + 1]];
        if (values[base + lower] !== values[base + upper] && pos[lower] < pos[upper]) {
          crossed(upper, lower, t);
        }
      }
      ties = [];
    }
    for (let k = 1; k < m; k++) {
      if (values[base + order[k - 1]] !== values[base + order[k]]) continue;
      let j = k - 1; // a run of equal values order[j..k]: every pair in it is tied
      while (j > 0 && values[base + order[j - 1]] === values[base + order[k]]) j--;
      for (let i = j; i < k; i++) ties.push(order[i], order[k]);
    }
  };
  for (let t = 0; t < T; t++) {
    resort(t);
    join(t);
    settleTies(t);
  }
  return true;
}
