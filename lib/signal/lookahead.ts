/**
 * The lookahead check: does a signal, as the engine will hold it, "know" a return it could not
 * have known? It tests exactly what is traded: the known matrix (`knownMatrix`: a row is known at
 * the close of the first trading day `k` with `dates[k] >= date_avail`), against the returns realised
 * AFTER that close — `ret[k + 1 + h]` for every horizon `h = 0 … max lag`: at lag `L` the value earns
 * `ret[k + 1 + L]`, and `ret[k + 1 … k + L]` are the returns between knowing and earning. The return
 * up to the close at which it became known (`ret[k]`, "same day") is legitimate knowledge (reversal
 * signals are built from it) and is only reported.
 *
 * Statistic: per horizon, the daily cross-sectional Spearman rank IC over the names finite on both
 * sides (days with fewer than `minNames` are skipped), its mean `m`, sample sd `s` over `n` days,
 * `t = m / s · √n`. No published anomaly reaches a mean daily rank IC near `maxPlausibleIc` (0.05;
 * strong daily signals sit at 0.01–0.03, the demo's vendor sentiment at 0.018), so a horizon is
 * flagged when `|m|` is significantly ABOVE that ceiling: `z = (|m| − maxPlausibleIc) / (s / √n) >
 * zCritical` (3.0, one-sided p ≈ 0.0013 per horizon). The threshold scales with the number of
 * observations: a short sample needs a much larger IC to be flagged, a long one less.
 *
 * Does not catch: leaks weaker than the ceiling (mean |IC| ≤ 0.05 plus noise), leaks confined to a
 * few days or names (diluted in the mean), leaks at horizons beyond the largest lag checked, and
 * leaks that enter through the panel (prices, descriptors) rather than the signal.
 */
import { averageRanksInto, pearsonOver } from "../engine/rank.ts";
import { rowOrders } from "../engine/sort.ts";
import type { Panel } from "../panel/types.ts";

/** Thresholds of the lookahead check, in one place. */
export const LOOKAHEAD = {
  /** Mean daily rank IC no known anomaly exceeds. */
  maxPlausibleIc: 0.05,
  /** One-sided z above the ceiling that flags a horizon. */
  zCritical: 3.0,
  /** Days with fewer names finite on both sides are skipped (the engine's default mincos). */
  minNames: 10,
  /** Horizons measured on fewer days are not judged. */
  minDays: 5,
} as const;

/** Options of `lookaheadStats`. */
export interface LookaheadOptions {
  /** Lags the signal will be traded at (default `[0, 1, 2]`, the standard suite's); horizons 0 … max. */
  readonly lags?: readonly number[];
  readonly maxPlausibleIc?: number;
  readonly zCritical?: number;
  readonly minNames?: number;
  readonly minDays?: number;
}

/** The rank IC of the held value with one return horizon. */
export interface HorizonIc {
  /** −1 = `ret[k]` (same day, legitimate); h ≥ 0 = `ret[k + 1 + h]`, earned at lag h. */
  readonly horizon: number;
  readonly days: number;
  readonly mean: number;
  readonly sd: number;
  /** mean / sd · √days. */
  readonly t: number;
  /** (|mean| − maxPlausibleIc) / (sd / √days): how far above the plausible ceiling (NaN for h = −1). */
  readonly z: number;
  /** True when this horizon is judged a leak. */
  readonly suspect: boolean;
}

/** What `lookaheadStats` measured: same-day and future horizons, and the thresholds used. */
export interface LookaheadReport {
  readonly horizons: readonly HorizonIc[];
  readonly maxPlausibleIc: number;
  readonly zCritical: number;
}

/**
 * Measures the lookahead statistics of a known matrix (`knownMatrix(panel, signal)`) against the
 * panel's `ret`: one `HorizonIc` for the same day (h = −1) and for each h = 0 … max(lags). Ranks are
 * exact Spearman ranks over the names finite on both sides of each (day, horizon) pair (average ranks
 * for ties).
 *
 * @example
 * ```ts
 * const report = lookaheadStats(panel, knownMatrix(panel, signal), { lags: [0, 1] });
 * report.horizons.filter((h) => h.suspect); // [] for an honest signal
 * ```
 */
export function lookaheadStats(
  panel: Panel,
  known: Float64Array,
  options: LookaheadOptions = {},
): LookaheadReport {
  const ret = panel.fields.ret;
  if (!ret) throw new RangeError(`the lookahead check needs a "ret" field in the panel`);
  const {
    lags = [0, 1, 2],
    maxPlausibleIc = LOOKAHEAD.maxPlausibleIc,
    zCritical = LOOKAHEAD.zCritical,
    minNames = LOOKAHEAD.minNames,
    minDays = LOOKAHEAD.minDays,
  } = options;
  for (const lag of lags) {
    if (!Number.isInteger(lag) || lag < 0) throw new RangeError(`lags must be integers ≥ 0, found ${lag}`);
  }
  const maxLag = lags.length ? Math.max(...lags) : 0;
  const nT = panel.dates.length, nS = panel.securityIds.length;
  const knownRanks = rowRanks(known, nT, nS), retRanks = rowRanks(ret, nT, nS);
  const scratch = pairScratch(nS);
  const count = maxLag + 2;
  const sum = new Float64Array(count), sumSq = new Float64Array(count), days = new Int32Array(count);
  for (let k = 0; k < nT; k++) {
    if (knownRanks.n[k] < minNames) continue;
    for (let slot = 0; slot < count; slot++) {
      const t = k + slot; // slot 0: ret[k] (same day); slot 1 + h: ret[k + 1 + h]
      if (t >= nT) break;
      if (retRanks.n[t] < minNames) continue;
      const ic = rankIc(knownRanks, k, retRanks, t, known, ret, nS, minNames, scratch);
      if (!Number.isFinite(ic)) continue;
      sum[slot] += ic;
      sumSq[slot] += ic * ic;
      days[slot]++;
    }
  }
  const horizons: HorizonIc[] = [];
  for (let slot = 0; slot < count; slot++) {
    const n = days[slot];
    const mean = n ? sum[slot] / n : NaN;
    const sd = n > 1 ? Math.sqrt(Math.max(0, (sumSq[slot] - n * mean * mean) / (n - 1))) : NaN;
    const se = sd / Math.sqrt(n);
    const t = mean / se;
    const excess = Math.abs(mean) - maxPlausibleIc;
    const z = slot === 0 ? NaN : se > 0 ? excess / se : excess > 0 ? Infinity : -Infinity;
    horizons.push({
      horizon: slot - 1,
      days: n,
      mean,
      sd,
      t: se > 0 ? t : mean === 0 ? 0 : Math.sign(mean) * Infinity,
      z,
      suspect: slot > 0 && n >= minDays && z > zCritical,
    });
  }
  return { horizons, maxPlausibleIc, zCritical };
}

/**
 * Per-row average ranks of a `T × N` matrix over its finite cells (NaN elsewhere), with each row's
 * count, Σ(rank − mean)², and its finite columns in ascending order (`rowOrders`).
 */
interface RowRanks {
  readonly rank: Float32Array;
  readonly n: Int32Array;
  readonly ss: Float64Array;
  readonly order: Int32Array;
  readonly start: Int32Array;
}

/**
 * Ranks every row once. Ranks are multiples of ½ below 2²³, so `Float32Array` holds them exactly at
 * half the memory of doubles.
 */
function rowRanks(matrix: Float64Array, nRows: number, nCols: number): RowRanks {
  const rank = new Float32Array(nRows * nCols).fill(NaN);
  const n = new Int32Array(nRows), ss = new Float64Array(nRows);
  const { order, start } = rowOrders(matrix, nRows, nCols);
  const out = new Float64Array(nCols);
  for (let t = 0; t < nRows; t++) {
    const base = t * nCols, ids = order.subarray(start[t], start[t + 1]), m = ids.length;
    averageRanksInto(ids, m, matrix, base, out);
    const mean = (m + 1) / 2;
    let s = 0;
    for (let j = 0; j < m; j++) {
      const r = out[ids[j]];
      rank[base + ids[j]] = r;
      s += (r - mean) * (r - mean);
    }
    n[t] = m;
    ss[t] = s;
  }
  return { rank, n, ss, order, start };
}

/** Scratch buffers of the slow path of `rankIc`. */
function pairScratch(nS: number) {
  return {
    idsA: new Int32Array(nS),
    idsB: new Int32Array(nS),
    ra: new Float64Array(nS),
    rb: new Float64Array(nS),
  };
}

/**
 * Spearman correlation of row `k` of `a` with row `t` of `b` over the names finite in both. When
 * both rows are finite on exactly the same names (the usual case) the precomputed row ranks are the
 * ranks of that set: one pass, `Σ (ra − m)(rb − m) / √(ssA · ssB)` with `m = (n + 1) / 2`. Otherwise
 * both sides are re-ranked over the common names (from their sorted orders, without sorting again). NaN with fewer than `minNames` common names.
 */
function rankIc(
  ra: RowRanks,
  k: number,
  rb: RowRanks,
  t: number,
  a: Float64Array,
  b: Float64Array,
  nS: number,
  minNames: number,
  s: ReturnType<typeof pairScratch>,
): number {
  const aBase = k * nS, bBase = t * nS, A = ra.rank, B = rb.rank;
  let common = 0, sab = 0;
  for (let i = 0; i < nS; i++) {
    const x = A[aBase + i], y = B[bBase + i];
    if (x === x && y === y) {
      common++;
      sab += x * y;
    }
  }
  if (common < minNames) return NaN;
  if (common === ra.n[k] && common === rb.n[t]) {
    const m = (common + 1) / 2;
    const den = Math.sqrt(ra.ss[k] * rb.ss[t]);
    return den > 0 ? (sab - common * m * m) / den : NaN;
  }
  // Each row's sorted order restricted to the names finite on the other side stays sorted: no sort.
  let n = 0, m = 0;
  for (let j = ra.start[k]; j < ra.start[k + 1]; j++) {
    const i = ra.order[j];
    if (B[bBase + i] === B[bBase + i]) s.idsA[n++] = i;
  }
  for (let j = rb.start[t]; j < rb.start[t + 1]; j++) {
    const i = rb.order[j];
    if (A[aBase + i] === A[aBase + i]) s.idsB[m++] = i;
  }
  averageRanksInto(s.idsA, n, a, aBase, s.ra);
  averageRanksInto(s.idsB, m, b, bBase, s.rb);
  return pearsonOver(s.ra, s.rb, s.idsA, n);
}
