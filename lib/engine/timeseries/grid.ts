/**
 * Parameter grids over `fromSignals`: every combination of indicator parameters (× every instrument) is
 * one signal column; the grid runs them in chunks of columns with per-column statistics only, returns a
 * tidy table (one row per combination) and re-runs the best columns in full for their equity, trades and
 * metrics summary.
 */
import type { Metrics } from "../../metrics/summary.ts";
import { type Bars, resolveBars, type ResolvedBars } from "./bars.ts";
import {
  columnEquity,
  type ColumnStats,
  columnSummary,
  type FromSignalsOptions,
  type FromSignalsResult,
  runSignals,
  type SignalMask,
} from "./from_signals.ts";
import { checkOptions, optionKeys } from "../../util/options.ts";

/** A parameter space: each name with the values to try (a full cartesian product, then `where`). */
export type ParamGrid = Readonly<Record<string, readonly number[]>>;

/** One combination of parameter values. */
export type Params = Record<string, number>;

/** The statistics every grid row carries (from `ColumnStats`). */
export const GRID_METRICS = [
  "total_return",
  "annual_return",
  "annual_volatility",
  "sharpe",
  "n_trades",
  "win_rate",
  "exposure",
] as const;

/** One of `GRID_METRICS`. */
export type GridMetric = typeof GRID_METRICS[number];

/** A row of the grid table: the instrument, the parameters, and the `GRID_METRICS`. */
export type GridRow = { instrument: string } & Params & Record<GridMetric, number>;

/** One of the best columns, re-run with full output. */
export interface BestColumn {
  /** 1 = best. */
  readonly rank: number;
  readonly instrument: string;
  readonly params: Params;
  readonly equity: Float64Array;
  /** The full single-column result (equity, position, trades). */
  readonly result: FromSignalsResult;
  /** The metrics library's summary of its per-bar returns. */
  readonly summary: Metrics;
}

/** What a grid returns. */
export interface GridResult {
  /** One row per (instrument, combination), in combination order within each instrument. */
  readonly table: GridRow[];
  /** The `top` best rows by `rankBy` (descending; NaN last), re-run in full. */
  readonly best: BestColumn[];
  readonly rankBy: GridMetric;
  readonly dates?: Float64Array;
}

/** Options shared by the grid helpers. */
export interface GridOptions
  extends Omit<FromSignalsOptions, "output" | "priceColumn" | "size" | "limitPrice"> {
  /** Size per entry, one number for every column (see `FromSignalsOptions.size`). */
  readonly size?: number;
  /** Metric to rank the best columns by (default `sharpe`). */
  readonly rankBy?: GridMetric;
  /** How many best columns to re-run in full (default 5). */
  readonly top?: number;
  /** Columns simulated per kernel call (default 512): bounds the memory of the signal masks. */
  readonly chunkColumns?: number;
  /** Called after each chunk with (columns done, columns in all). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Entry/exit masks of one combination on one instrument's series (length T each). */
export type SignalsFor = (params: Params, instrument: number, bars: ResolvedBars) => {
  entries: SignalMask;
  exits: SignalMask;
};

/**
 * Every combination of `grid` (the cartesian product, filtered by `where`), in a stable order: the
 * first parameter varies slowest.
 *
 * @example
 * ```ts
 * gridCombinations({ fast: [5, 10], slow: [10, 20] }, (p) => p.fast < p.slow);
 * // => [{ fast: 5, slow: 10 }, { fast: 5, slow: 20 }, { fast: 10, slow: 20 }]
 * ```
 */
export function gridCombinations(grid: ParamGrid, where?: (p: Params) => boolean): Params[] {
  const names = Object.keys(grid);
  for (const name of names) {
    if (grid[name].length === 0) throw new RangeError(`grid parameter "${name}" has no values`);
    grid[name].forEach((v, k) => {
      if (!Number.isFinite(v)) {
        throw new RangeError(`grid parameter "${name}"[${k}] must be finite, found ${v}`);
      }
    });
  }
  let out: Params[] = [{}];
  for (const name of names) out = out.flatMap((p) => grid[name].map((v) => ({ ...p, [name]: v })));
  return where ? out.filter(where) : out;
}

/**
 * Runs `signals` for every (instrument, combination) through `fromSignals` (statistics only, in chunks of
 * columns), then re-runs the best `top` in full.
 *
 * @example
 * ```ts
 * const grid = gridSearch(bars, { n: [10, 20, 50], k: [1.5, 2] }, ({ n, k }, i, b) => bandSignals(b, i, n, k));
 * grid.table; // [{ instrument, n, k, sharpe, … }]
 * grid.best[0].summary.max_drawdown;
 * ```
 */
/** The keys of `GridOptions` (unknown ones are an error). */
export const GRID_KEYS = optionKeys<GridOptions>({
  size: true,
  rankBy: true,
  top: true,
  chunkColumns: true,
  onProgress: true,
  direction: true,
  fill: true,
  sizeType: true,
  initialCash: true,
  stopLoss: true,
  takeProfit: true,
  trailingStop: true,
  periodsPerYear: true,
  riskFree: true,
  feesBps: true,
  fixedFee: true,
  slippageBps: true,
});

export function gridSearch(
  prices: Bars | ArrayLike<number>,
  grid: ParamGrid,
  signals: SignalsFor,
  options: GridOptions & { where?: (p: Params) => boolean } = {},
): GridResult {
  checkOptions("gridSearch", options, [...GRID_KEYS, "where"]);
  const bars = resolveBars(prices);
  return runGrid(bars, gridCombinations(grid, options.where), (p, k) => signals(p, k, bars), options);
}

/** `gridSearch` over explicit gridCombinations (shared with the crossover grid's general path). */
export function runGrid(
  bars: ResolvedBars,
  combos: Params[],
  signalsOf: (params: Params, instrument: number) => { entries: SignalMask; exits: SignalMask },
  options: GridOptions,
): GridResult {
  const { chunkColumns = 512 } = options;
  if (!Number.isInteger(chunkColumns) || chunkColumns < 1) {
    throw new RangeError(`grid: chunkColumns must be an integer ≥ 1, found ${chunkColumns}`);
  }
  const T = bars.nDates;
  const total = combos.length * bars.nInstruments;
  const stats = emptyStats(total);
  const { rankBy: _r, top: _t, chunkColumns: _c, onProgress: _p, ...simulation } = options;
  for (let start = 0; start < total; start += chunkColumns) {
    const C = Math.min(chunkColumns, total - start);
    const entries = new Uint8Array(T * C);
    const exits = new Uint8Array(T * C);
    const priceColumn = new Int32Array(C);
    for (let j = 0; j < C; j++) {
      const col = start + j;
      const instrument = Math.floor(col / combos.length);
      const params = combos[col % combos.length];
      priceColumn[j] = instrument;
      const s = signalsOf(params, instrument);
      scatterColumn(s.entries, entries, j, C, T, "entries", params);
      scatterColumn(s.exits, exits, j, C, T, "exits", params);
    }
    const r = runSignals(bars, C, { ...simulation, output: "stats", priceColumn }, { entries, exits });
    for (const m of GRID_METRICS) stats[m].set(r.stats[m], start);
    options.onProgress?.(start + C, total);
  }
  return gridResult(bars, combos, stats, options, signalsOf);
}

/** Zeroed per-column statistics for `n` columns (the `GRID_METRICS` only). */
export function emptyStats(n: number): Record<GridMetric, Float64Array> {
  return Object.fromEntries(GRID_METRICS.map((m) => [m, new Float64Array(n)])) as Record<
    GridMetric,
    Float64Array
  >;
}

/** Builds the table from per-column statistics and re-runs the best columns in full. */
export function gridResult(
  bars: ResolvedBars,
  combos: Params[],
  stats: Pick<ColumnStats, GridMetric>,
  options: GridOptions,
  signalsOf: (params: Params, instrument: number) => { entries: SignalMask; exits: SignalMask },
): GridResult {
  const { rankBy = "sharpe", top = 5 } = options;
  if (!GRID_METRICS.includes(rankBy)) {
    throw new RangeError(`grid: rankBy must be one of ${GRID_METRICS.join(", ")}, found "${rankBy}"`);
  }
  const total = combos.length * bars.nInstruments;
  const table: GridRow[] = new Array(total);
  for (let col = 0; col < total; col++) {
    const row: Record<string, number | string> = { instrument: bars.names[Math.floor(col / combos.length)] };
    const params = combos[col % combos.length];
    for (const key in params) row[key] = params[key];
    row.total_return = stats.total_return[col];
    row.annual_return = stats.annual_return[col];
    row.annual_volatility = stats.annual_volatility[col];
    row.sharpe = stats.sharpe[col];
    row.n_trades = stats.n_trades[col];
    row.win_rate = stats.win_rate[col];
    row.exposure = stats.exposure[col];
    table[col] = row as GridRow;
  }
  // the best `top` columns: one pass keeping a sorted short list (descending, NaN last, ties by column)
  const key = stats[rankBy];
  const before = (a: number, b: number) => {
    const [x, y] = [key[a], key[b]];
    if (Number.isNaN(x) || Number.isNaN(y)) return !Number.isNaN(x) || (Number.isNaN(y) && a < b);
    return x > y || (x === y && a < b);
  };
  const order: number[] = [];
  const k = Math.max(0, Math.min(top, total));
  for (let col = 0; col < total && k > 0; col++) {
    if (order.length === k && !before(col, order[k - 1])) continue;
    let at = order.length === k ? k - 1 : order.length;
    while (at > 0 && before(col, order[at - 1])) {
      order[at] = order[at - 1];
      at--;
    }
    order[at] = col;
  }
  const { rankBy: _r, top: _t, chunkColumns: _c, onProgress: _p, ...simulation } = options;
  const best = order.map((col, rank): BestColumn => {
    const instrument = Math.floor(col / combos.length);
    const params = combos[col % combos.length];
    const s = signalsOf(params, instrument);
    const entries = new Uint8Array(bars.nDates);
    const exits = new Uint8Array(bars.nDates);
    scatterColumn(s.entries, entries, 0, 1, bars.nDates, "entries", params);
    scatterColumn(s.exits, exits, 0, 1, bars.nDates, "exits", params);
    const result = runSignals(bars, 1, { ...simulation, output: "full", priceColumn: [instrument] }, {
      entries,
      exits,
    });
    return {
      rank: rank + 1,
      instrument: bars.names[instrument],
      params,
      equity: columnEquity(result, 0),
      result,
      summary: columnSummary(result, 0, { riskFree: options.riskFree }),
    };
  });
  return { table, best, rankBy, dates: bars.dates };
}

/** Copies one combination's mask (length T) into column j of a T × C chunk. */
function scatterColumn(
  mask: SignalMask,
  into: Uint8Array,
  j: number,
  C: number,
  T: number,
  name: string,
  params: Params,
): void {
  if (mask.length !== T) {
    throw new RangeError(
      `grid: ${name} for ${JSON.stringify(params)} has ${mask.length} values, expected ${T} bars`,
    );
  }
  for (let t = 0; t < T; t++) into[t * C + j] = mask[t] ? 1 : 0;
}
