/**
 * Moving-average crossovers: the signals, and a grid over (fast, slow) windows with a fused kernel that
 * evaluates every pair from the indicator lines directly, without materialising signal masks.
 */
import { sma } from "../../indicators/moving_average.ts";
import { type Bars, resolveBars, type ResolvedBars } from "./bars.ts";
import { columnStats, type FromSignalsOptions, resolveOptions } from "./from_signals.ts";
import {
  emptyStats,
  GRID_KEYS,
  GRID_METRICS,
  gridCombinations,
  type GridOptions,
  type GridResult,
  gridResult,
  runGrid,
} from "./grid.ts";
import { simulateCrossovers } from "./crossover_kernel.ts";
import { checkOptions } from "../../util/options.ts";

/**
 * Crossing signals of two lines: `entries[t]` when `fast` crosses above `slow` (`fast[t] > slow[t]` and
 * `fast[t−1] ≤ slow[t−1]`), `exits[t]` when it crosses below (`fast[t] < slow[t]` and `fast[t−1] ≥
 * slow[t−1]`); never where any of the four values is NaN. A line already above at the start is not an
 * entry: only actual crossings are.
 *
 * @example
 * ```ts
 * crossSignals(new Float64Array([1, 3, 2]), new Float64Array([2, 2, 2.5]));
 * // => { entries: [0, 1, 0], exits: [0, 0, 1] }
 * ```
 */
export function crossSignals(fast: ArrayLike<number>, slow: ArrayLike<number>): {
  entries: Uint8Array;
  exits: Uint8Array;
} {
  if (fast.length !== slow.length) {
    throw new RangeError(`crossSignals: fast has ${fast.length} values, slow ${slow.length}`);
  }
  const entries = new Uint8Array(fast.length);
  const exits = new Uint8Array(fast.length);
  for (let t = 1; t < fast.length; t++) {
    const [f0, s0, f1, s1] = [fast[t - 1], slow[t - 1], fast[t], slow[t]];
    if (f1 > s1 && f0 <= s0) entries[t] = 1;
    else if (f1 < s1 && f0 >= s0) exits[t] = 1;
  }
  return { entries, exits };
}

/** The windows to cross and the line to compute (default `sma`). */
export interface CrossoverGrid {
  readonly fast: readonly number[];
  readonly slow: readonly number[];
  /** The moving average of a close series over `n` bars (default `sma`; e.g. `ema`). */
  readonly ma?: (close: Float64Array, n: number) => Float64Array;
  /** Which pairs to run (default `fast < slow`). */
  readonly where?: (p: { fast: number; slow: number }) => boolean;
}

/**
 * Grid of moving-average crossover strategies: for every instrument and every (fast, slow) pair, long
 * (or per `direction`) on `crossSignals(ma(close, fast), ma(close, slow))`, simulated exactly as
 * `fromSignals` with the same options. Each distinct window's line is computed once per instrument. Long
 * only, all-in (`size` 1 of equity) and without stops, the pairs run through a fused kernel that reads
 * the lines directly and charges each holding period's returns from prefix sums (O(1) per trade instead
 * of per bar); any other setting runs the general kernel on materialised masks. Both give the same
 * numbers (tested).
 *
 * @example
 * ```ts
 * const fast = Array.from({ length: 99 }, (_, k) => k + 2);   // 2..100
 * const slow = Array.from({ length: 199 }, (_, k) => k + 2);  // 2..200, pairs with fast < slow: 14,751
 * const grid = maCrossoverGrid(spx, { fast, slow }, { feesBps: 10 });
 * grid.table[0].sharpe; grid.best[0].params; // { fast: …, slow: … }
 * ```
 */
export function maCrossoverGrid(
  prices: Bars | ArrayLike<number>,
  spec: CrossoverGrid,
  options: GridOptions = {},
): GridResult {
  checkOptions("maCrossoverGrid", options, GRID_KEYS);
  const bars = resolveBars(prices);
  const { ma = sma, where = (p) => p.fast < p.slow } = spec;
  const combos = gridCombinations(
    { fast: spec.fast, slow: spec.slow },
    (p) => where(p as { fast: number; slow: number }),
  );
  const K = bars.nInstruments;
  const T = bars.nDates;
  const lineCache = new Map<string, Float64Array>();
  const closeOf = (k: number) => Float64Array.from({ length: T }, (_, t) => bars.close[t * K + k]);
  const closes = new Map<number, Float64Array>();
  const lineOf = (k: number, n: number) => {
    const key = `${k}:${n}`;
    let line = lineCache.get(key);
    if (!line) {
      if (!closes.has(k)) closes.set(k, closeOf(k));
      line = ma(closes.get(k)!, n);
      if (line.length !== T) {
        throw new RangeError(
          `maCrossoverGrid: ma(close, ${n}) returned ${line.length} values, expected ${T}`,
        );
      }
      lineCache.set(key, line);
    }
    return line;
  };
  const signalsOf = (p: Record<string, number>, k: number) =>
    crossSignals(lineOf(k, p.fast), lineOf(k, p.slow));
  if (!fusedEligible(bars, options)) {
    return runGrid(bars, combos, signalsOf, options); // the general kernel on materialised masks
  }
  const stats = emptyStats(combos.length * K);
  const fastW = Int32Array.from(combos, (p) => p.fast);
  const slowW = Int32Array.from(combos, (p) => p.slow);
  const { periodsPerYear, initialCash, costs } = resolveOptions(bars, 1, { ...options, priceColumn: [0] });
  for (let k = 0; k < K; k++) {
    const close = closes.get(k) ?? closeOf(k);
    const open = bars.open ? Float64Array.from({ length: T }, (_, t) => bars.open![t * K + k]) : undefined;
    const windows = [...new Set([...fastW, ...slowW])];
    const lines = new Map(windows.map((n) => [n, lineOf(k, n)]));
    const out = simulateCrossovers({
      close,
      open: options.fill === "nextOpen" ? open : undefined,
      fast: fastW,
      slow: slowW,
      line: (n) => lines.get(n)!,
      initialCash,
      costs,
    });
    const s = columnStats(out, initialCash, periodsPerYear, options.riskFree ?? 0);
    for (const m of GRID_METRICS) stats[m].set(s[m], k * combos.length);
    options.onProgress?.((k + 1) * combos.length, K * combos.length);
    for (const key of [...lineCache.keys()]) if (key.startsWith(`${k}:`)) lineCache.delete(key);
  }
  return gridResult(bars, combos, stats, options, signalsOf);
}

/** The fused kernel covers long-only, all-in, stop-free runs whose bars never have an open without a close. */
function fusedEligible(bars: ResolvedBars, options: FromSignalsOptions): boolean {
  const { direction = "long", size = 1, sizeType = "percent", stopLoss, takeProfit, trailingStop } = options;
  if (typeof size !== "number" || options.limitPrice !== undefined) return false;
  const noStop = (v: number | ArrayLike<number> | undefined) =>
    v === undefined ||
    (typeof v === "number" ? v === 0 || Number.isNaN(v) : Array.from(v).every((x) => !(x > 0)));
  if (direction !== "long" || size !== 1 || sizeType !== "percent") return false;
  if (!noStop(stopLoss) || !noStop(takeProfit) || !noStop(trailingStop)) return false;
  if (options.fill === "nextOpen") {
    if (!bars.open) return false;
    for (let k = 0; k < bars.close.length; k++) {
      if (Number.isNaN(bars.close[k]) && !Number.isNaN(bars.open[k])) return false;
    }
  }
  return true;
}
