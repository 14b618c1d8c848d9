/**
 * The per-date loop of the fractile backtest: selection of valid names, legs, weights, returns,
 * turnover, and — for the overall slice — rank IC and per-bucket returns. Everything runs on
 * prepared, config-independent inputs (sorted orders per row), so each date costs O(N) and a variant
 * (lag, weights, fractiles, costs) re-uses the sorting done once per residualize mode.
 *
 * Conventions:
 * - The value held on day t was known at the close of day k = t − 1 − lag (see `lib/signal/align.ts`).
 * - Valid name on day t: held value finite AND earned return of day t finite.
 * - Ordinal ranks 1..n of the held value among valid names, ties broken by security_id (column order:
 *   the panel's securityIds are sorted). Percentile = 100·(rank−1)/n; long ≥ hi, short < lo. Bucket
 *   mode q: bucket = floor(q·(rank−1)/n), long bucket q − 1, short bucket 0.
 * - Long weights sum to +1, short weights to −1 (a $1 long / $1 short spread); rebalanced to target
 *   every day. Weights: equal, ∝ |z-score| of the held value (z over the valid names), or ∝ mcap at
 *   the prior close (names without mcap get 0); a leg whose raw weights sum to 0 falls back to equal.
 * - Dates with fewer than mincos valid names, or an empty leg, are skipped: positions go to zero and
 *   nothing is booked (no return, no cost, not in the daily series).
 * - turnover = Σ|w_t − w_{t−1}| over the union of names (first traded day, or after a skip: from 0).
 * - gross = Σ w·r = long − short; net = gross − tcBps/1e4 · turnover. From the open, the positions
 *   held the day before also earn that day's overnight return (by leg).
 */
import { averageRanksInto, pearsonOver } from "./rank.ts";
import type { RowOrders } from "./sort.ts";
import type { BacktestConfig } from "./types.ts";

/** A known-signal matrix after residualization, with per-row sort orders and its span of rows. */
export interface PreparedSignal {
  readonly values: Float64Array;
  readonly orders: RowOrders;
  /** First and last row with a finite value (−1 when none). */
  readonly firstRow: number;
  readonly lastRow: number;
}

/** Earned returns with per-row sort orders and the count of names with a return per date. */
export interface PreparedReturns {
  readonly earned: Float64Array;
  readonly overnight: Float64Array | null;
  readonly orders: RowOrders;
  readonly withRet: Int32Array;
}

/** Market caps with per-row sort orders (for cap weights and mcap terciles). */
export interface PreparedCap {
  readonly mcap: Float64Array;
  readonly orders: RowOrders;
}

/** Per-date series of one slice, indexed by panel date (valid where `traded[t]`). */
export interface SliceSeries {
  readonly traded: Uint8Array;
  readonly long: Float64Array;
  readonly short: Float64Array;
  readonly turnover: Float64Array;
  readonly nLong: Float64Array;
  readonly nShort: Float64Array;
}

/** What the loop produces; the backtest assembles it into a `BacktestResult`. */
export interface Simulation {
  readonly overall: SliceSeries;
  /** Small, mid, large mcap terciles; null without mcap or without the "cap" slice. */
  readonly terciles: readonly SliceSeries[] | null;
  /** Per date: rank IC on traded dates of the overall slice, NaN elsewhere. */
  readonly ic: Float64Array;
  readonly coverage: Float64Array;
  readonly bucketSum: Float64Array;
  readonly bucketCount: Float64Array;
  readonly skipped: number[];
  readonly missingShare: number;
}

interface Book extends SliceSeries {
  w: Float64Array;
  wPrev: Float64Array;
  list: Int32Array;
  prevList: Int32Array;
  nPrev: number;
  /** Size of the long leg being written (the short leg follows it in `list`). */
  nLegLong: number;
  readonly stamp: Int32Array;
}

function newBook(nT: number, nS: number): Book {
  return {
    traded: new Uint8Array(nT),
    long: new Float64Array(nT),
    short: new Float64Array(nT),
    turnover: new Float64Array(nT),
    nLong: new Float64Array(nT),
    nShort: new Float64Array(nT),
    w: new Float64Array(nS),
    wPrev: new Float64Array(nS),
    list: new Int32Array(nS),
    prevList: new Int32Array(nS),
    nLegLong: 0,
    nPrev: 0,
    stamp: new Int32Array(nS),
  };
}

/** Everything `trade` reads: fixed per variant, plus the current date's offsets. */
interface Context {
  readonly values: Float64Array;
  readonly earned: Float64Array;
  /** Overnight returns when trading at the open; empty otherwise. */
  readonly overnight: Float64Array;
  /** mcap, or empty. */
  readonly mcap: Float64Array;
  /** 0 equal, 1 signal, 2 cap. */
  readonly weight: number;
  readonly pct: boolean;
  readonly lo: number;
  readonly hi: number;
  readonly q: number;
  readonly mincos: number;
  t: number;
  sigBase: number;
  retBase: number;
  capBase: number;
}

/**
 * Runs one variant over every date. `cap` enables cap weights and (with the "cap" slice) the tercile
 * books; it is required for `weight: "cap"`.
 *
 * @example
 * ```ts
 * const sim = simulate(preparedSignal, preparedReturns, null, nT, nS, resolveConfig({ lag: 1 }));
 * ```
 */
export function simulate(
  sig: PreparedSignal,
  rets: PreparedReturns,
  cap: PreparedCap | null,
  nT: number,
  nS: number,
  config: BacktestConfig,
): Simulation {
  const { lag } = config;
  const values = sig.values, earned = rets.earned;
  const pct = typeof config.fractile !== "number";
  const nBuckets = pct ? 10 : config.fractile as number;
  const ctx: Context = {
    values,
    earned,
    overnight: rets.overnight ?? new Float64Array(0),
    mcap: cap?.mcap ?? new Float64Array(0),
    weight: ["equal", "signal", "cap"].indexOf(config.weight),
    pct,
    lo: pct ? (config.fractile as readonly number[])[0] : 0,
    hi: pct ? (config.fractile as readonly number[])[1] : 0,
    q: nBuckets,
    mincos: config.mincos,
    t: 0,
    sigBase: 0,
    retBase: 0,
    capBase: 0,
  };
  const overall = newBook(nT, nS);
  const withTerciles = cap !== null && config.slices.includes("cap");
  const terciles = withTerciles ? [newBook(nT, nS), newBook(nT, nS), newBook(nT, nS)] : null;
  const ic = new Float64Array(nT).fill(NaN);
  const coverage = new Float64Array(nT).fill(NaN);
  const bucketSum = new Float64Array(nBuckets), bucketCount = new Float64Array(nBuckets);
  const skipped: number[] = [];
  const sel = new Int32Array(nS), selG = new Int32Array(nS), selR = new Int32Array(nS);
  const selT1 = new Int32Array(nS), selT2 = new Int32Array(nS);
  const mark = new Int32Array(nS), tercile = new Int8Array(nS), tercileMark = new Int32Array(nS);
  const rankSig = new Float64Array(nS), rankRet = new Float64Array(nS);
  const tFirst = sig.firstRow < 0 ? nT : sig.firstRow + 1 + lag;
  const tLast = sig.firstRow < 0 ? -1 : Math.min(sig.lastRow + 1 + lag, nT - 1);
  let validCells = 0, retCells = 0;

  for (let t = 1 + lag; t < nT; t++) {
    const k = t - 1 - lag;
    ctx.t = t;
    ctx.sigBase = k * nS;
    ctx.retBase = t * nS;
    ctx.capBase = (t - 1) * nS;
    let n = 0;
    for (let p = sig.orders.start[k]; p < sig.orders.start[k + 1]; p++) {
      const i = sig.orders.order[p];
      if (Number.isFinite(earned[ctx.retBase + i])) {
        sel[n++] = i;
        mark[i] = t + 1;
      }
    }
    const withRet = rets.withRet[t];
    coverage[t] = withRet > 0 ? n / withRet : NaN;
    const active = t >= tFirst && t <= tLast;
    if (active) {
      validCells += n;
      retCells += withRet;
    }
    if (trade(overall, sel, n, ctx)) {
      averageRanksInto(sel, n, values, ctx.sigBase, rankSig);
      let r = 0;
      for (let p = rets.orders.start[t]; p < rets.orders.start[t + 1]; p++) {
        const i = rets.orders.order[p];
        if (mark[i] === t + 1) selR[r++] = i;
      }
      averageRanksInto(selR, r, earned, ctx.retBase, rankRet);
      ic[t] = pearsonOver(rankSig, rankRet, sel, n);
      for (let j = 0; j < n; j++) {
        const b = Math.floor((nBuckets * j) / n);
        bucketSum[b] += earned[ctx.retBase + sel[j]];
        bucketCount[b]++;
      }
    } else if (active) skipped.push(t);
    if (!terciles || !cap) continue;
    let m = 0;
    for (let p = cap.orders.start[t - 1]; p < cap.orders.start[t]; p++) {
      const i = cap.orders.order[p];
      if (mark[i] === t + 1) selG[m++] = i;
    }
    for (let j = 0; j < m; j++) {
      tercile[selG[j]] = Math.floor((3 * j) / m);
      tercileMark[selG[j]] = t + 1;
    }
    // Distribute the signal-sorted valid names into the three terciles, keeping signal order.
    let n0 = 0, n1 = 0, n2 = 0;
    for (let j = 0; j < n; j++) {
      const i = sel[j];
      if (tercileMark[i] !== t + 1) continue;
      const g = tercile[i];
      if (g === 0) selG[n0++] = i;
      else if (g === 1) selT1[n1++] = i;
      else selT2[n2++] = i;
    }
    trade(terciles[0], selG, n0, ctx);
    trade(terciles[1], selT1, n1, ctx);
    trade(terciles[2], selT2, n2, ctx);
  }
  return {
    overall,
    terciles,
    ic,
    coverage,
    bucketSum,
    bucketCount,
    skipped,
    missingShare: retCells > 0 ? 1 - validCells / retCells : NaN,
  };
}

/** Trades one slice on one date; false (and positions to zero) when the date is skipped. */
function trade(book: Book, ids: Int32Array, n: number, ctx: Context): boolean {
  const { t, mincos } = ctx;
  let shortEnd = 0, longStart = n;
  if (n >= mincos) {
    if (ctx.pct) {
      const { lo, hi } = ctx;
      while (shortEnd < n && (100 * shortEnd) / n < lo) shortEnd++;
      while (longStart > 0 && (100 * (longStart - 1)) / n >= hi) longStart--;
    } else {
      const q = ctx.q;
      while (shortEnd < n && Math.floor((q * shortEnd) / n) === 0) shortEnd++;
      while (longStart > 0 && Math.floor((q * (longStart - 1)) / n) === q - 1) longStart--;
    }
  }
  const wPrev = book.wPrev, prevList = book.prevList;
  if (n < mincos || shortEnd === 0 || longStart === n) {
    for (let j = 0; j < book.nPrev; j++) wPrev[prevList[j]] = 0;
    book.nPrev = 0;
    return false;
  }
  let center = 0;
  if (ctx.weight === 1) {
    for (let j = 0; j < n; j++) center += ctx.values[ctx.sigBase + ids[j]];
    center /= n;
  }
  let longRet = leg(book, ids, longStart, n, 1, center, ctx);
  let shortRet = leg(book, ids, 0, shortEnd, -1, center, ctx);
  const w = book.w, list = book.list, stamp = book.stamp, overnight = ctx.overnight;
  const m = n - longStart + shortEnd;
  let turnover = 0;
  for (let j = 0; j < m; j++) turnover += Math.abs(w[list[j]] - wPrev[list[j]]);
  for (let j = 0; j < book.nPrev; j++) {
    const i = prevList[j], wp = wPrev[i];
    if (stamp[i] !== t + 1) turnover += Math.abs(wp);
    if (overnight.length > 0) {
      const on = overnight[ctx.retBase + i];
      if (Number.isFinite(on)) {
        if (wp > 0) longRet += wp * on;
        else shortRet -= wp * on;
      }
    }
    wPrev[i] = 0;
  }
  book.list = prevList;
  book.prevList = list;
  book.w = wPrev;
  book.wPrev = w;
  book.nPrev = m;
  book.traded[t] = 1;
  book.long[t] = longRet;
  book.short[t] = shortRet;
  book.turnover[t] = turnover;
  book.nLong[t] = n - longStart;
  book.nShort[t] = shortEnd;
  return true;
}

/**
 * Sets the weights of one leg (`ids[from..to)`, sign ±1) into `book.w`, appends its names to
 * `book.list` (long leg first, at 0; short leg after it) and returns the leg's return.
 */
function leg(
  book: Book,
  ids: Int32Array,
  from: number,
  to: number,
  sign: number,
  center: number,
  ctx: Context,
): number {
  const w = book.w, list = book.list, stamp = book.stamp;
  const { values, earned, mcap, weight, sigBase, capBase, retBase } = ctx;
  let sum = 0;
  for (let j = from; j < to; j++) {
    const i = ids[j];
    let raw = 1;
    if (weight === 1) raw = Math.abs(values[sigBase + i] - center);
    else if (weight === 2) raw = mcap[capBase + i] > 0 ? mcap[capBase + i] : 0;
    w[i] = raw;
    sum += raw;
  }
  const offset = sign > 0 ? 0 : book.nLegLong;
  if (sign > 0) book.nLegLong = to - from;
  const stampValue = ctx.t + 1;
  let ret = 0;
  for (let j = from; j < to; j++) {
    const i = ids[j];
    const wi = sum > 0 ? w[i] / sum : 1 / (to - from);
    w[i] = sign * wi;
    ret += wi * earned[retBase + i];
    list[offset + j - from] = i;
    stamp[i] = stampValue;
  }
  return ret;
}
