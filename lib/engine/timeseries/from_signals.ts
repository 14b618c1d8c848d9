/**
 * `fromSignals`: the vectorized time-series backtest. Entry/exit masks (one column per instrument ×
 * parameter combination) → positions, trades, equity and statistics, in one pass over the bars
 * (`kernel.ts`).
 */
import { meanOverDeviation } from "../../metrics/core.ts";
import { allMetrics, type Metrics } from "../../metrics/summary.ts";
import { type CostModel, resolveCosts } from "./costs.ts";
import { type Bars, periodsPerYearOf, resolveBars, type ResolvedBars } from "./bars.ts";
import { DIRECTION, fillSeries, type KernelOutput, simulateSignals, SIZE_TYPE } from "./kernel.ts";
import { tradeLog, type TradeRecords } from "./trades.ts";
import { checkOptions, optionKeys } from "../../util/options.ts";

/** Which positions signals open: entries/exits of longs, of shorts, or entries = long and exits = short. */
export type Direction = "long" | "short" | "both";
/** When an order decided at the close of bar t fills: at the open or the close of bar t+1. */
export type FillTiming = "nextOpen" | "nextClose";
/** Position size as a fraction of equity, a cash value, or a number of units. */
export type SizeType = "percent" | "value" | "shares";

/** Options of `fromSignals` (all optional). */
export interface FromSignalsOptions extends CostModel {
  /**
   * `long` (default): entry opens a long, exit closes it. `short`: entry opens a short, exit covers.
   * `both`: entry goes long and exit goes short, each reversing the other.
   */
  readonly direction?: Direction;
  /** Fill at the next bar's open (needs `open`) or close (default `nextClose`). */
  readonly fill?: FillTiming;
  /**
   * Size per entry (default 1 = 100% of equity with `percent`): one number, or one per signal (`T × C`,
   * read at the entry signal's bar; NaN = 1).
   */
  readonly size?: number | ArrayLike<number>;
  /**
   * Limit prices, one per signal (`T × C`, NaN = market order): the order of that signal fills on the next
   * bar only if its range reaches the limit (at the open when it gaps through, else at the limit, without
   * slippage), and lapses otherwise.
   */
  readonly limitPrice?: ArrayLike<number>;
  /**
   * `percent` (default): `size` × equity, fees paid out of it (size 1 = all in, cash 0); `value`: a fixed
   * cash amount per entry, fees included; `shares`: a fixed quantity. No margin checks: `size` > 1 or
   * shorts borrow cash at 0%.
   */
  readonly sizeType?: SizeType;
  /** Starting cash of every column (default 100,000). */
  readonly initialCash?: number;
  /** Stop-loss below (long) / above (short) the entry fill price, as a fraction (0.05 = 5%); one per column or one for all. */
  readonly stopLoss?: number | ArrayLike<number>;
  /** Take-profit as a fraction of the entry fill price (a limit: fills at the level, no slippage). */
  readonly takeProfit?: number | ArrayLike<number>;
  /** Trailing stop as a fraction below the highest high (long) / above the lowest low (short) since entry. */
  readonly trailingStop?: number | ArrayLike<number>;
  /** Instrument (price column) of each signal column; default: all on instrument 0 when K = 1, else column c on c. */
  readonly priceColumn?: ArrayLike<number>;
  /** Bars per year for annualisation (default: from the dates, else 252). */
  readonly periodsPerYear?: number;
  /** Risk-free rate per bar, for the Sharpe ratio (default 0). */
  readonly riskFree?: number;
  /** `full` (default): equity, position and trades; `stats`: the per-column statistics only (grids). */
  readonly output?: "full" | "stats";
}

/** Per-column statistics (each array has one value per signal column). */
export interface ColumnStats {
  /** `finalEquity / initialCash − 1`. */
  readonly total_return: Float64Array;
  /** `(1 + total_return)^(periodsPerYear / nReturns) − 1` (CAGR, as `metrics.annualReturn`). */
  readonly annual_return: Float64Array;
  /** Sample std (ddof 1) of the per-bar returns × sqrt(periodsPerYear). */
  readonly annual_volatility: Float64Array;
  /**
   * `mean(r − riskFree) / std(r) · sqrt(periodsPerYear)` over every bar (flat bars return 0), as
   * `metrics.sharpeRatio` (empyrical): a zero deviation gives ±Infinity by the sign of the mean, NaN for a
   * zero mean or fewer than 2 returns.
   */
  readonly sharpe: Float64Array;
  /** Worst drop of equity from its running peak (≤ 0, from the initial cash), as `metrics.maxDrawdown`. */
  readonly max_drawdown: Float64Array;
  /** Closed trades (an open position at the end is not counted). */
  readonly n_trades: Float64Array;
  /** Fraction of closed trades with pnl > 0 (NaN without trades). */
  readonly win_rate: Float64Array;
  /** Fraction of bars ending in a position. */
  readonly exposure: Float64Array;
  readonly final_equity: Float64Array;
}

/** What `fromSignals` returns. */
export interface FromSignalsResult {
  readonly nDates: number;
  readonly nColumns: number;
  readonly dates?: Float64Array;
  /** Instrument of each column, and the instruments' names. */
  readonly priceColumn: Int32Array;
  readonly instruments: readonly string[];
  readonly periodsPerYear: number;
  readonly initialCash: number;
  readonly stats: ColumnStats;
  /** `T × C` date-major equity marked at each close (full output; built on first access from the fills). */
  readonly equity?: Float64Array;
  /** `T × C` signed quantity held at each close (full output; built on first access). */
  readonly position?: Float64Array;
  /** Every trade (full output). */
  readonly trades?: TradeRecords;
}

/** Signal masks: any array of T × C booleans or 0/1 numbers (a Uint8Array is used as is). */
export type SignalMask = ArrayLike<boolean | number>;

/**
 * Vectorized time-series backtest of entry/exit signals over one series or many columns at once (an
 * instrument × parameter grid is more columns). Signals are read at each bar's close and fill at the next
 * bar (`fill`: open or close) — never on the signal bar. One position per column, no pyramiding; an entry
 * and an exit on the same bar cancel out. Stops are checked on each bar's high/low (close when absent);
 * costs follow `lib/engine/timeseries/costs.ts`. See `kernel.ts` for the order of events in a bar.
 *
 * @example
 * ```ts
 * const close = new Float64Array([10, 11, 12, 11, 13]);
 * const entries = [0, 1, 0, 0, 0], exits = [0, 0, 0, 1, 0];
 * const r = fromSignals(close, entries, exits, { feesBps: 10 });
 * r.stats.total_return[0]; // bought at the close of bar 2 (12), sold at bar 4 (13), 10 bps each way
 * ```
 */
/** The keys of `FromSignalsOptions` (unknown ones are an error). */
export const FROM_SIGNALS_KEYS = optionKeys<FromSignalsOptions>({
  direction: true,
  fill: true,
  size: true,
  limitPrice: true,
  sizeType: true,
  initialCash: true,
  stopLoss: true,
  takeProfit: true,
  trailingStop: true,
  priceColumn: true,
  periodsPerYear: true,
  riskFree: true,
  output: true,
  feesBps: true,
  fixedFee: true,
  slippageBps: true,
});

export function fromSignals(
  prices: Bars | ArrayLike<number>,
  entries: SignalMask,
  exits: SignalMask,
  options: FromSignalsOptions = {},
): FromSignalsResult {
  checkOptions("fromSignals", options, FROM_SIGNALS_KEYS);
  const bars = resolveBars(prices);
  const T = bars.nDates;
  if (entries.length !== exits.length) {
    throw new RangeError(`fromSignals: entries has ${entries.length} values but exits ${exits.length}`);
  }
  if (T === 0 || entries.length % T !== 0) {
    throw new RangeError(
      `fromSignals: entries must hold nDates × nColumns values with nDates = ${T}, found ${entries.length}`,
    );
  }
  const C = entries.length / T;
  return runSignals(bars, C, options, { entries: asMask(entries), exits: asMask(exits) });
}

/** Signals given either as full masks or as a row feed (the grid helper's fused signal generation). */
export interface SignalSource {
  readonly entries: Uint8Array;
  readonly exits: Uint8Array;
  readonly feed?: (t: number, entries: Uint8Array, exits: Uint8Array) => void;
}

/** `fromSignals` on resolved bars and an explicit signal source (shared with the grid helper). */
export function runSignals(
  bars: ResolvedBars,
  nColumns: number,
  options: FromSignalsOptions,
  source: SignalSource,
): FromSignalsResult {
  const T = bars.nDates;
  const C = nColumns;
  const resolved = resolveOptions(bars, C, options);
  const full = (options.output ?? "full") === "full";
  const trades = full ? tradeLog() : undefined;
  const out = simulateSignals({
    nDates: T,
    nInstruments: bars.nInstruments,
    nColumns: C,
    close: bars.close,
    open: bars.open,
    high: bars.high,
    low: bars.low,
    ...source,
    ...resolved,
    full,
    trades,
  });
  const { priceColumn, initialCash } = resolved;
  const fills = out.fills;
  const series = (c: number) =>
    fillSeries(fills!, c, bars.close, bars.nInstruments, priceColumn[c], initialCash);
  let matrices: { equity: Float64Array; position: Float64Array } | undefined;
  const matrix = () => {
    if (!matrices) {
      matrices = { equity: new Float64Array(T * C), position: new Float64Array(T * C) };
      for (let c = 0; c < C; c++) {
        const { equity, position } = series(c);
        for (let t = 0; t < T; t++) {
          matrices.equity[t * C + c] = equity[t];
          matrices.position[t * C + c] = position[t];
        }
      }
    }
    return matrices;
  };
  const result = {
    nDates: T,
    nColumns: C,
    dates: bars.dates,
    priceColumn,
    instruments: bars.names,
    periodsPerYear: resolved.periodsPerYear,
    initialCash,
    stats: columnStats(out, initialCash, resolved.periodsPerYear, options.riskFree ?? 0),
    trades: trades?.finish(C, bars.dates),
  };
  if (!fills) return result;
  // equity and position are rebuilt from the fill log on demand (a column, or the whole matrix once)
  Object.defineProperty(result, COLUMN_SERIES, { value: series, enumerable: false });
  return Object.defineProperties(result, {
    equity: { get: () => matrix().equity, enumerable: true },
    position: { get: () => matrix().position, enumerable: true },
  }) as FromSignalsResult;
}

/** Where a full result keeps its per-column series builder (not part of the data). */
const COLUMN_SERIES = Symbol("columnSeries");

/** The option values the kernel takes, checked against the bars and the column count. */
export function resolveOptions(bars: ResolvedBars, C: number, options: FromSignalsOptions) {
  const { direction = "long", fill = "nextClose", sizeType = "percent", initialCash = 100_000 } = options;
  const size = typeof options.size === "number" ? options.size : 1;
  let sizes: Float64Array | undefined;
  if (options.size !== undefined && typeof options.size !== "number") {
    if (options.size.length !== bars.nDates * C) {
      throw new RangeError(
        `fromSignals: size has ${options.size.length} values, expected one number or nDates × nColumns = ${
          bars.nDates * C
        }`,
      );
    }
    sizes = Float64Array.from(options.size);
    sizes.forEach((z, k) => {
      if (!Number.isNaN(z) && !(z > 0 && Number.isFinite(z))) {
        throw new RangeError(
          `fromSignals: size[${k}] (bar ${Math.floor(k / C)}) must be > 0 or NaN, found ${z}`,
        );
      }
    });
  }
  let limits: Float64Array | undefined;
  if (options.limitPrice !== undefined) {
    if (options.limitPrice.length !== bars.nDates * C) {
      throw new RangeError(
        `fromSignals: limitPrice has ${options.limitPrice.length} values, expected nDates × nColumns = ${
          bars.nDates * C
        }`,
      );
    }
    limits = Float64Array.from(options.limitPrice);
    limits.forEach((p, k) => {
      if (!Number.isNaN(p) && !(p > 0 && Number.isFinite(p))) {
        throw new RangeError(
          `fromSignals: limitPrice[${k}] (bar ${Math.floor(k / C)}) must be > 0 or NaN, found ${p}`,
        );
      }
    });
  }
  if (!(direction in DIRECTION)) {
    throw new RangeError(`fromSignals: direction must be long, short or both, found "${direction}"`);
  }
  if (fill !== "nextOpen" && fill !== "nextClose") {
    throw new RangeError(`fromSignals: fill must be nextOpen or nextClose, found "${fill}"`);
  }
  if (fill === "nextOpen" && !bars.open) throw new RangeError(`fromSignals: fill "nextOpen" needs bars.open`);
  if (!(sizeType in SIZE_TYPE)) {
    throw new RangeError(`fromSignals: sizeType must be percent, value or shares, found "${sizeType}"`);
  }
  if (!(size > 0) || !Number.isFinite(size)) {
    throw new RangeError(`fromSignals: size must be > 0, found ${size}`);
  }
  if (!(initialCash > 0) || !Number.isFinite(initialCash)) {
    throw new RangeError(`fromSignals: initialCash must be > 0, found ${initialCash}`);
  }
  const K = bars.nInstruments;
  let priceColumn: Int32Array;
  if (options.priceColumn) {
    if (options.priceColumn.length !== C) {
      throw new RangeError(
        `fromSignals: priceColumn has ${options.priceColumn.length} values, expected ${C} columns`,
      );
    }
    priceColumn = Int32Array.from(options.priceColumn);
    priceColumn.forEach((k, c) => {
      if (!(k >= 0 && k < K) || k !== options.priceColumn![c]) {
        throw new RangeError(
          `fromSignals: priceColumn[${c}] must be an instrument index in [0, ${K}), found ${k}`,
        );
      }
    });
  } else if (K === 1) {
    priceColumn = new Int32Array(C);
  } else if (K === C) {
    priceColumn = Int32Array.from({ length: C }, (_, c) => c);
  } else {
    throw new RangeError(
      `fromSignals: ${C} signal columns over ${K} instruments: pass priceColumn to say which instrument each column trades`,
    );
  }
  const periodsPerYear = options.periodsPerYear ?? (bars.dates ? periodsPerYearOf(bars.dates) : 252);
  if (!(periodsPerYear > 0)) {
    throw new RangeError(`fromSignals: periodsPerYear must be > 0, found ${periodsPerYear}`);
  }
  return {
    priceColumn,
    direction: DIRECTION[direction],
    fillAtOpen: fill === "nextOpen",
    sizeType: SIZE_TYPE[sizeType],
    size,
    sizes,
    limits,
    initialCash,
    costs: resolveCosts(options),
    stopLoss: perColumn("stopLoss", options.stopLoss, C),
    takeProfit: perColumn("takeProfit", options.takeProfit, C),
    trailingStop: perColumn("trailingStop", options.trailingStop, C),
    periodsPerYear,
  };
}

/** A stop option as one fraction per column (NaN or 0 = off), or undefined when no column has it. */
function perColumn(
  name: string,
  value: number | ArrayLike<number> | undefined,
  C: number,
): Float64Array | undefined {
  if (value === undefined) return undefined;
  const out = typeof value === "number" ? new Float64Array(C).fill(value) : Float64Array.from(value);
  if (out.length !== C) {
    throw new RangeError(`fromSignals: ${name} has ${out.length} values, expected ${C} columns`);
  }
  let any = false;
  for (let c = 0; c < C; c++) {
    const v = out[c];
    if (v === 0) out[c] = NaN;
    else if (!Number.isNaN(v) && !(v > 0 && v < (name === "takeProfit" ? Infinity : 1))) {
      throw new RangeError(
        `fromSignals: ${name}[${c}] must be a fraction in (0, 1) (0 or NaN = off), found ${v}`,
      );
    }
    any ||= !Number.isNaN(out[c]);
  }
  return any ? out : undefined;
}

/** A mask as a Uint8Array of 0/1 (copied unless it already is one). */
function asMask(mask: SignalMask): Uint8Array {
  if (mask instanceof Uint8Array) return mask;
  const out = new Uint8Array(mask.length);
  for (let k = 0; k < mask.length; k++) out[k] = mask[k] ? 1 : 0;
  return out;
}

/** Per-column statistics from the kernel's running sums (see `ColumnStats` for each definition). */
export function columnStats(
  out: KernelOutput,
  initialCash: number,
  periodsPerYear: number,
  riskFree: number,
): ColumnStats {
  const C = out.finalEquity.length;
  const s = {
    total_return: new Float64Array(C),
    annual_return: new Float64Array(C),
    annual_volatility: new Float64Array(C),
    sharpe: new Float64Array(C),
    max_drawdown: new Float64Array(C),
    n_trades: new Float64Array(C),
    win_rate: new Float64Array(C),
    exposure: new Float64Array(C),
    final_equity: new Float64Array(out.finalEquity),
  };
  for (let c = 0; c < C; c++) {
    const n = out.nReturns[c];
    const growth = out.finalEquity[c] / initialCash;
    s.total_return[c] = growth - 1;
    s.annual_return[c] = n === 0 ? NaN : growth <= 0 ? -1 : Math.pow(growth, periodsPerYear / n) - 1;
    const sd = n > 1 ? Math.sqrt(out.m2Ret[c] / (n - 1)) : NaN;
    const excess = out.meanRet[c] - riskFree;
    s.annual_volatility[c] = sd * Math.sqrt(periodsPerYear);
    // as metrics.sharpeRatio: a deviation within round-off of zero is zero (±Infinity, or NaN for a zero
    // mean); its scale max|r − rf| is |mean − rf| to a relative 1e-12·√n whenever the deviation is that small
    s.sharpe[c] = meanOverDeviation(excess, sd, [excess]) * Math.sqrt(periodsPerYear);
    s.max_drawdown[c] = out.maxDrawdown[c];
    s.n_trades[c] = out.nTrades[c];
    s.win_rate[c] = out.nTrades[c] > 0 ? out.nWins[c] / out.nTrades[c] : NaN;
    s.exposure[c] = n > 0 ? out.barsInMarket[c] / n : NaN;
  }
  return s;
}

/**
 * Column c's per-bar returns `equity[t] / equity[t−1] − 1` (bar 0 against the initial cash; NaN after
 * equity reached ≤ 0). Needs full output.
 *
 * @example
 * ```ts
 * const ret = columnReturns(result, 0);
 * ```
 */
export function columnReturns(result: FromSignalsResult, column = 0): Float64Array {
  const eq = columnEquity(result, column);
  const out = new Float64Array(eq.length);
  let prev = result.initialCash;
  for (let t = 0; t < eq.length; t++) {
    out[t] = prev > 0 ? eq[t] / prev - 1 : NaN;
    prev = eq[t];
  }
  return out;
}

/** Column c's equity series (length T), rebuilt from the fills. Needs full output. */
export function columnEquity(result: FromSignalsResult, column = 0): Float64Array {
  return columnSeries(result, column).equity;
}

/** Column c's signed position (quantity held at each close). Needs full output. */
export function columnPosition(result: FromSignalsResult, column = 0): Float64Array {
  return columnSeries(result, column).position;
}

function columnSeries(
  result: FromSignalsResult,
  column: number,
): { equity: Float64Array; position: Float64Array } {
  const series =
    (result as unknown as Record<symbol, (c: number) => { equity: Float64Array; position: Float64Array }>)[
      COLUMN_SERIES
    ];
  if (!series) {
    throw new RangeError(`fromSignals result has no equity or position: run it with output "full"`);
  }
  if (!(Number.isInteger(column) && column >= 0 && column < result.nColumns)) {
    throw new RangeError(`column must be in [0, ${result.nColumns}), found ${column}`);
  }
  return series(column);
}

/**
 * The metrics library's full summary (`metrics.allMetrics`: Sharpe, Sortino, drawdowns, VaR, …) of column
 * c's per-bar returns, annualised with the result's `periodsPerYear`. Needs full output.
 *
 * @example
 * ```ts
 * columnSummary(result, 0).sharpe;
 * ```
 */
export function columnSummary(
  result: FromSignalsResult,
  column = 0,
  options: { riskFree?: number; benchmark?: ArrayLike<number> } = {},
): Metrics {
  return allMetrics(columnReturns(result, column), {
    periodsPerYear: result.periodsPerYear,
    riskFree: options.riskFree ?? 0,
    benchmark: options.benchmark,
  });
}
