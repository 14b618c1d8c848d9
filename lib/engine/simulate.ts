/**
 * The per-date loop of the fractile backtest: selection of valid names, legs, weights, returns,
 * turnover, and — for the overall slice — rank IC and per-bucket returns. Everything runs on
 * prepared, config-independent inputs (sorted orders per row), so each date costs O(N) and a variant
 * (lag, weights, fractiles, costs) re-uses the sorting done once per residualize mode.
 *
 * Conventions:
 * - The value held on day t was known at the close of day k = t − 1 − lag (see `lib/signal/align.ts`).
 * - Valid name on day t: held value finite AND earned return of day t finite.
 * - Average ranks 1..n of the held value among valid names: tied values share the mean of their
 *   positions, so ties are never split by column order. Percentile = 100·(rank−1)/n; long ≥ hi, short
 *   < lo. Bucket mode q: bucket = floor(q·(rank−1)/n), long bucket q − 1, short bucket 0. A run of
 *   tied values therefore lies wholly in a leg or wholly outside it (`lib/engine/cuts.ts`).
 * - Long weights sum to +1, short weights to −1 (a $1 long / $1 short spread); rebalanced to target
 *   every day. Weights: equal, ∝ |z-score| of the held value (z over the valid names), or ∝ mcap at
 *   the prior close (names without mcap get 0); a leg whose raw weights sum to 0 falls back to equal.
 * - Dates with fewer than mincos valid names, or an empty leg, are skipped: positions go to zero and
 *   nothing is booked (no return, no cost, not in the daily series). A date whose legs are empty only
 *   because of ties (a constant signal, or one tied run across a leg's edge) is also counted as tied.
 * - Rank IC of a traded date: Spearman of the held value vs the earned return over the valid names,
 *   from the average ranks the loop already computes (exact integer sums, then one division).
 * - Fractile (bucket) returns of traded dates: per bucket, the pooled sum and count over (date, name)
 *   pairs, and the sum of each date's bucket mean with the number of such dates.
 * - turnover = Σ|w_t − w_{t−1}| over the union of names (first traded day, or after a skip: from 0).
 * - gross = Σ w·r = long − short; net = gross − tcBps/1e4 · turnover. From the open, the positions
 *   held the day before also earn that day's overnight return (by leg).
 */
import { fractileCut, legCuts, type LegEdges, legEdges, TIED, TRADED } from "./cuts.ts";
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

/** Earned returns with per-row sort orders, a finite mask and the count of names with a return per date. */
export interface PreparedReturns {
  readonly earned: Float64Array;
  readonly overnight: Float64Array | null;
  readonly orders: RowOrders;
  /** 1 where `earned` is finite. */
  readonly valid: Uint8Array;
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
  /** Per bucket, over traded dates: Σ earned return and count of (date, name) pairs. */
  readonly bucketSum: Float64Array;
  readonly bucketCount: Float64Array;
  /** Per bucket: Σ over traded dates of that date's bucket mean, and the number of such dates. */
  readonly bucketDateMeanSum: Float64Array;
  readonly bucketDates: Float64Array;
  readonly skipped: number[];
  /** Skipped dates (a subset of `skipped`) whose legs were empty only because of tied values. */
  readonly tied: number[];
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
  readonly edges: LegEdges;
  /** Scratch for `legCuts`. */
  readonly cuts: Int32Array;
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
    edges: legEdges(config),
    cuts: new Int32Array(2),
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
  const buckets: Buckets = {
    sum: new Float64Array(nBuckets),
    count: new Float64Array(nBuckets),
    dateMeanSum: new Float64Array(nBuckets),
    dates: new Float64Array(nBuckets),
  };
  const skipped: number[] = [], tied: number[] = [];
  const sel = new Int32Array(nS);
  const split = tercileSplit(nS);
  const mark = new Int32Array(nS);
  const rankSig = new Float64Array(nS), sums = new Float64Array(1);
  const tFirst = sig.firstRow < 0 ? nT : sig.firstRow + 1 + lag;
  const tLast = sig.firstRow < 0 ? -1 : Math.min(sig.lastRow + 1 + lag, nT - 1);
  let validCells = 0, retCells = 0;

  for (let t = 1 + lag; t < nT; t++) {
    const k = t - 1 - lag, stamp = t + 1;
    const sigBase = k * nS, retBase = t * nS;
    ctx.t = t;
    ctx.sigBase = sigBase;
    ctx.retBase = retBase;
    ctx.capBase = (t - 1) * nS;
    // Valid names in signal order, and their average ranks (a run of equal values shares its mean).
    const n = selectValid(sig.orders, k, rets.valid, retBase, sel, mark, stamp, rankSig, sums);
    const withRet = rets.withRet[t];
    coverage[t] = withRet > 0 ? n / withRet : NaN;
    const active = t >= tFirst && t <= tLast;
    if (active) {
      validCells += n;
      retCells += withRet;
    }
    const status = trade(overall, sel, n, ctx);
    if (status === TRADED) {
      ic[t] = rankIc(rets.orders, t, mark, stamp, rankSig, n, sums[0]);
      bookBuckets(sel, n, values, sigBase, earned, retBase, buckets);
    } else if (active) {
      skipped.push(t);
      if (status === TIED) tied.push(t);
    }
    if (!terciles || !cap) continue;
    // mcap terciles of the valid names at the prior close, each in signal order.
    splitTerciles(cap.orders, t - 1, cap.mcap, mark, stamp, sel, n, split);
    for (let g = 0; g < 3; g++) trade(terciles[g], split.lists[g], split.counts[g], ctx);
  }
  return {
    overall,
    terciles,
    ic,
    coverage,
    bucketSum: buckets.sum,
    bucketCount: buckets.count,
    bucketDateMeanSum: buckets.dateMeanSum,
    bucketDates: buckets.dates,
    skipped,
    tied,
    missingShare: retCells > 0 ? 1 - validCells / retCells : NaN,
  };
}

/** Per-bucket accumulators of the fractile returns (see `Simulation`). */
interface Buckets {
  readonly sum: Float64Array;
  readonly count: Float64Array;
  readonly dateMeanSum: Float64Array;
  readonly dates: Float64Array;
}

/**
 * Books one traded date's bucket returns: bucket b of q holds the names from
 * `fractileCut(…, q, b)` to `fractileCut(…, q, b + 1)` of the signal-sorted valid names.
 */
function bookBuckets(
  sel: Int32Array,
  n: number,
  values: Float64Array,
  sigBase: number,
  earned: Float64Array,
  retBase: number,
  buckets: Buckets,
): void {
  const q = buckets.sum.length;
  let from = 0;
  for (let b = 0; b < q; b++) {
    const to = b + 1 < q ? fractileCut(sel, n, values, sigBase, q, b + 1) : n;
    let sum = 0;
    for (let j = from; j < to; j++) sum += earned[retBase + sel[j]];
    if (to > from) {
      buckets.sum[b] += sum;
      buckets.count[b] += to - from;
      buckets.dateMeanSum[b] += sum / (to - from);
      buckets.dates[b]++;
    }
    from = to;
  }
}

/** Scratch of `splitTerciles`: four lists of N names in one buffer (the fourth: names without a tercile). */
interface TercileSplit {
  readonly flat: Int32Array;
  readonly lists: readonly Int32Array[];
  readonly counts: Int32Array;
  /** A name's tercile g on the current date, stored as 4 · stamp + g (older stamps read as none). */
  readonly code: Int32Array;
}

function tercileSplit(nS: number): TercileSplit {
  const flat = new Int32Array(4 * nS);
  return {
    flat,
    lists: [0, 1, 2, 3].map((g) => flat.subarray(g * nS, (g + 1) * nS)),
    counts: new Int32Array(4),
    code: new Int32Array(nS),
  };
}

/**
 * Splits the signal-sorted valid names `sel[0..n)` (stamped in `mark`) into their mcap terciles at
 * row `row` (average ranks of mcap among them: tied caps stay in one tercile): tercile g's names, in
 * signal order, end up in `split.lists[g][0 .. split.counts[g])`.
 */
function splitTerciles(
  orders: RowOrders,
  row: number,
  mcap: Float64Array,
  mark: Int32Array,
  stamp: number,
  sel: Int32Array,
  n: number,
  split: TercileSplit,
): void {
  const nS = mark.length, byCap = split.lists[3], code = split.code, order = orders.order;
  let m = 0;
  for (let p = orders.start[row], end = orders.start[row + 1]; p < end; p++) {
    const i = order[p];
    if (mark[i] === stamp) byCap[m++] = i;
  }
  const base = row * nS;
  const cut1 = fractileCut(byCap, m, mcap, base, 3, 1), cut2 = fractileCut(byCap, m, mcap, base, 3, 2);
  const today = 4 * stamp;
  for (let j = 0; j < cut1; j++) code[byCap[j]] = today;
  for (let j = cut1; j < cut2; j++) code[byCap[j]] = today + 1;
  for (let j = cut2; j < m; j++) code[byCap[j]] = today + 2;
  // Branch-free (a name's tercile is unpredictable in signal order): list 3 takes names without one.
  const flat = split.flat, counts = split.counts;
  counts.fill(0);
  for (let j = 0; j < n; j++) {
    const i = sel[j], d = code[i] - today, g = d >>> 0 < 3 ? d : 3;
    flat[g * nS + counts[g]++] = i;
  }
}

/**
 * Collects the names of signal row `k` whose return is valid at `retBase` into `sel` (signal order),
 * stamps them in `mark`, writes their average ranks (1-based; a run of equal values shares its mean)
 * into `rank[id]` and Σ rank² into `sums[0]`; returns their count. Equal neighbours are known from
 * the sort's tie flags, so values are not read: a kept name ties with the previous kept one when
 * every position between them ties with its predecessor.
 */
function selectValid(
  orders: RowOrders,
  k: number,
  valid: Uint8Array,
  retBase: number,
  sel: Int32Array,
  mark: Int32Array,
  stamp: number,
  rank: Float64Array,
  sums: Float64Array,
): number {
  const order = orders.order, from = orders.start[k], to = orders.start[k + 1];
  let n = 0;
  if (!orders.tiedRows[k]) {
    for (let p = from; p < to; p++) {
      const i = order[p];
      if (valid[retBase + i] === 0) continue;
      sel[n] = i;
      rank[i] = ++n;
      mark[i] = stamp;
    }
    sums[0] = (n * (n + 1) * (2 * n + 1)) / 6;
    return n;
  }
  const ties = orders.ties;
  let linked = 0, runStart = 0, sumSq = 0;
  for (let p = from; p < to; p++) {
    linked &= ties[p];
    const i = order[p];
    if (valid[retBase + i] === 0) continue;
    if (!linked) {
      if (n > runStart) sumSq += shareRank(sel, runStart, n, rank);
      runStart = n;
    }
    sel[n++] = i;
    mark[i] = stamp;
    linked = 1;
  }
  if (n > runStart) sumSq += shareRank(sel, runStart, n, rank);
  sums[0] = sumSq;
  return n;
}

/**
 * Gives the run `sel[from..to)` of tied values their shared average rank `(from + 1 + to) / 2` in
 * `rank[id]` and returns the run's Σ rank².
 */
function shareRank(sel: Int32Array, from: number, to: number, rank: Float64Array): number {
  const r = (from + 1 + to) / 2;
  for (let j = from; j < to; j++) rank[sel[j]] = r;
  return (to - from) * r * r;
}

/**
 * Spearman rank IC of date `t` from ranks: walks the date's names in earned-return order, keeps the
 * valid ones (`mark[i] === stamp`), gives tied returns their average rank (tie flags of the sort)
 * and accumulates Σ rank_sig · rank_ret and Σ rank_ret². Both rank vectors have mean m = (n + 1) / 2,
 * so ρ = (Σab − n m²) / √((Σa² − n m²)(Σb² − n m²)); every sum is a multiple of 1/4 far below 2⁵³,
 * so exact. NaN when either side is constant.
 */
function rankIc(
  orders: RowOrders,
  t: number,
  mark: Int32Array,
  stamp: number,
  rankSig: Float64Array,
  n: number,
  sumSigSq: number,
): number {
  const order = orders.order, from = orders.start[t], to = orders.start[t + 1];
  let j = 0, sumAB = 0, sumBB = 0;
  if (!orders.tiedRows[t]) {
    for (let p = from; p < to; p++) {
      const i = order[p];
      if (mark[i] === stamp) sumAB += rankSig[i] * ++j;
    }
    sumBB = (j * (j + 1) * (2 * j + 1)) / 6;
  } else {
    const ties = orders.ties;
    let linked = 0, runStart = 0, runSig = 0;
    for (let p = from; p < to; p++) {
      linked &= ties[p];
      const i = order[p];
      if (mark[i] !== stamp) continue;
      if (!linked) {
        if (j > runStart) {
          const r = (runStart + 1 + j) / 2;
          sumAB += r * runSig;
          sumBB += (j - runStart) * r * r;
        }
        runStart = j;
        runSig = 0;
      }
      runSig += rankSig[i];
      j++;
      linked = 1;
    }
    if (j > runStart) {
      const r = (runStart + 1 + j) / 2;
      sumAB += r * runSig;
      sumBB += (j - runStart) * r * r;
    }
  }
  const c = n * ((n + 1) / 2) ** 2;
  const saa = sumSigSq - c, sbb = sumBB - c;
  return saa > 0 && sbb > 0 ? (sumAB - c) / Math.sqrt(saa * sbb) : NaN;
}

/**
 * Trades one slice on one date from its valid names sorted by held value: TRADED, or SKIPPED /
 * TIED with positions to zero (TIED: the legs are empty only because tied values may not be split).
 */
function trade(book: Book, ids: Int32Array, n: number, ctx: Context): number {
  const { t, values, sigBase } = ctx;
  const wPrev = book.wPrev, prevList = book.prevList;
  const status = legCuts(ids, n, values, sigBase, ctx.edges, ctx.cuts);
  if (status !== TRADED) {
    for (let j = 0; j < book.nPrev; j++) wPrev[prevList[j]] = 0;
    book.nPrev = 0;
    return status;
  }
  const shortEnd = ctx.cuts[0], longStart = ctx.cuts[1];
  let center = 0;
  if (ctx.weight === 1) {
    for (let j = 0; j < n; j++) center += values[sigBase + ids[j]];
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
  return TRADED;
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
  const offset = sign > 0 ? 0 : book.nLegLong;
  if (sign > 0) book.nLegLong = to - from;
  const stampValue = ctx.t + 1;
  let ret = 0;
  if (weight === 0) {
    const wi = 1 / (to - from);
    for (let j = from; j < to; j++) {
      const i = ids[j];
      w[i] = sign * wi;
      ret += wi * earned[retBase + i];
      list[offset + j - from] = i;
      stamp[i] = stampValue;
    }
    return ret;
  }
  let sum = 0;
  for (let j = from; j < to; j++) {
    const i = ids[j];
    const raw = weight === 1
      ? Math.abs(values[sigBase + i] - center)
      : mcap[capBase + i] > 0
      ? mcap[capBase + i]
      : 0;
    w[i] = raw;
    sum += raw;
  }
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
