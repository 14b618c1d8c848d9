/**
 * Returns analysis of a factor (Alphalens' `performance` module on `FactorData`): mean forward
 * return by quantile (overall, by date, by group) with standard errors, the top-minus-bottom
 * spread, factor weights and the factor-weighted portfolio's returns, alpha and beta against the
 * equal-weighted universe, and cumulative returns of overlapping multi-bar holdings.
 */

import type { FactorData } from "./prepare.ts";

/** How forward returns are adjusted before averaging. */
export interface DemeanOptions {
  /** Subtract each date's universe mean (a long/short view; Alphalens' `demeaned`, default true). */
  readonly demeaned?: boolean;
  /** Subtract each (date, group) mean instead (a group-neutral view; needs groups). */
  readonly groupAdjust?: boolean;
}

/** Mean forward return of each quantile for one period (`nQuantiles` = Q, groups = G). */
export interface QuantileReturns {
  readonly period: number;
  /** Per date and quantile, `T × Q` row-major: mean, its standard error (std / √count), count. */
  readonly byDate: { readonly mean: Float64Array; readonly stdErr: Float64Array; readonly count: Int32Array };
  /** Per quantile: the mean of the per-date means and its standard error over dates. */
  readonly mean: Float64Array;
  readonly stdErr: Float64Array;
  /** Per group and quantile (`G × Q`), the same over dates; null without groups. */
  readonly byGroup: { readonly mean: Float64Array; readonly stdErr: Float64Array } | null;
}

function checkGroups(data: FactorData, groupAdjust: boolean | undefined, what: string): void {
  if (groupAdjust && !data.groups) throw new RangeError(`${what} with groupAdjust needs groups (groupBy)`);
}

/**
 * Forward returns of period index `k` minus the date's (or date-and-group's) universe mean: the
 * returns a long/short (or group-neutral) book sees. `T × N`, NaN outside the universe. `into`: a
 * buffer to write (and return) instead of a new matrix, NaN outside the universe already (one
 * demeaned period's result: the universe is the same for every period).
 *
 * @example
 * ```ts
 * const r = demeanedReturns(data, 0, { demeaned: true });
 * ```
 */
export function demeanedReturns(
  data: FactorData,
  k: number,
  options: DemeanOptions = {},
  into?: Float64Array,
): Float64Array {
  const { demeaned = true, groupAdjust = false } = options;
  checkGroups(data, groupAdjust, "demeanedReturns");
  const f = data.forward[k];
  if (!demeaned && !groupAdjust) return f;
  const nS = data.securityIds.length, nT = data.dates.length;
  const { start, cols } = data.rows;
  const out = into ?? new Float64Array(f.length).fill(NaN);
  const nG = groupAdjust ? data.groupNames.length : 1;
  const sum = new Float64Array(nG), count = new Int32Array(nG);
  for (let t = 0; t < nT; t++) {
    sum.fill(0);
    count.fill(0);
    for (let p = start[t]; p < start[t + 1]; p++) {
      const i = cols[p], g = groupAdjust ? data.groups![i] : 0;
      sum[g] += f[t * nS + i];
      count[g]++;
    }
    for (let p = start[t]; p < start[t + 1]; p++) {
      const i = cols[p], g = groupAdjust ? data.groups![i] : 0;
      out[t * nS + i] = f[t * nS + i] - sum[g] / count[g];
    }
  }
  return out;
}

/**
 * Mean forward return by quantile for every period (Alphalens' `mean_return_by_quantile`): per
 * (quantile, date) the mean of the (demeaned) forward returns of the names in it, with the standard
 * error `std / √count` (ddof 1); over the whole sample the mean of those per-date means and its
 * standard error `std(means) / √(number of dates)`; by group the same within each group.
 *
 * @example
 * ```ts
 * const [q1d] = meanReturnByQuantile(data); // period 1: q1d.mean[q - 1] for quantile q
 * ```
 */
export function meanReturnByQuantile(
  data: FactorData,
  options: DemeanOptions & { readonly byGroup?: boolean } = {},
): QuantileReturns[] {
  checkGroups(data, options.groupAdjust, "meanReturnByQuantile");
  if (options.byGroup && !data.groups) {
    throw new RangeError("meanReturnByQuantile byGroup needs groups (groupBy)");
  }
  const Q = data.nQuantiles, nT = data.dates.length, nS = data.securityIds.length;
  const G = data.groups ? data.groupNames.length : 0;
  const { start, cols } = data.rows;
  const adjusted = options.demeaned !== false || options.groupAdjust;
  const buffer = adjusted ? new Float64Array(nT * nS).fill(NaN) : undefined;
  return data.periods.map((period, k) => {
    const r = demeanedReturns(data, k, options, buffer);
    const mean = new Float64Array(nT * Q).fill(NaN), stdErr = new Float64Array(nT * Q).fill(NaN);
    const count = new Int32Array(nT * Q);
    const gMean = data.groups ? new Float64Array(nT * G * Q).fill(NaN) : null;
    const sum = new Float64Array(Math.max(Q, G * Q)),
      ss = new Float64Array(Q),
      n = new Int32Array(Math.max(Q, G * Q));
    for (let t = 0; t < nT; t++) {
      sum.fill(0);
      n.fill(0);
      for (let p = start[t]; p < start[t + 1]; p++) {
        const c = t * nS + cols[p], q = data.quantile[c] - 1;
        sum[q] += r[c];
        n[q]++;
      }
      for (let q = 0; q < Q; q++) {
        if (n[q] === 0) continue;
        mean[t * Q + q] = sum[q] / n[q];
        count[t * Q + q] = n[q];
      }
      ss.fill(0);
      for (let p = start[t]; p < start[t + 1]; p++) {
        const c = t * nS + cols[p], q = data.quantile[c] - 1;
        const d = r[c] - mean[t * Q + q];
        ss[q] += d * d;
      }
      for (let q = 0; q < Q; q++) {
        if (n[q] > 1) stdErr[t * Q + q] = Math.sqrt(ss[q] / (n[q] - 1)) / Math.sqrt(n[q]);
      }
      if (gMean) {
        sum.fill(0);
        n.fill(0);
        for (let p = start[t]; p < start[t + 1]; p++) {
          const c = t * nS + cols[p], j = data.groups![cols[p]] * Q + data.quantile[c] - 1;
          sum[j] += r[c];
          n[j]++;
        }
        for (let j = 0; j < G * Q; j++) if (n[j] > 0) gMean[t * G * Q + j] = sum[j] / n[j];
      }
    }
    const overall = meanOverDates(mean, nT, Q);
    const byGroup = options.byGroup && gMean ? meanOverDates(gMean, nT, G * Q) : null;
    return { period, byDate: { mean, stdErr, count }, mean: overall.mean, stdErr: overall.stdErr, byGroup };
  });
}

/** Column means of a `T × W` matrix over its finite entries, with `std (ddof 1) / √n`. */
function meanOverDates(x: Float64Array, nT: number, W: number): { mean: Float64Array; stdErr: Float64Array } {
  const mean = new Float64Array(W).fill(NaN), stdErr = new Float64Array(W).fill(NaN);
  for (let w = 0; w < W; w++) {
    let sum = 0, n = 0;
    for (let t = 0; t < nT; t++) {
      const v = x[t * W + w];
      if (Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    if (n === 0) continue;
    const m = sum / n;
    let ss = 0;
    for (let t = 0; t < nT; t++) {
      const v = x[t * W + w];
      if (Number.isFinite(v)) ss += (v - m) * (v - m);
    }
    mean[w] = m;
    if (n > 1) stdErr[w] = Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
  }
  return { mean, stdErr };
}

/**
 * A `period`-bar return as the equivalent return per `base` bars (Alphalens' `rate_of_return`):
 * `(1 + r)^(base / period) - 1`, so returns over different horizons compare.
 *
 * @example
 * ```ts
 * rateOfReturn(0.05, 5, 1); // => 1.05^(1/5) - 1 ≈ 0.009806
 * ```
 */
export function rateOfReturn(r: number, period: number, base: number): number {
  return Math.pow(1 + r, base / period) - 1;
}

/**
 * A `period`-bar standard error as one per `base` bars (Alphalens' `std_conversion`):
 * `s / √(period / base)`.
 *
 * @example
 * ```ts
 * stdConversion(0.02, 4, 1); // => 0.01
 * ```
 */
export function stdConversion(s: number, period: number, base: number): number {
  return s / Math.sqrt(period / base);
}

/** Top-minus-bottom spread per date, in `base`-bar rates, and its standard error. */
export interface QuantileSpread {
  readonly period: number;
  readonly spread: Float64Array;
  readonly stdErr: Float64Array;
  /** Mean of the spread over the dates where it is defined. */
  readonly mean: number;
}

/**
 * The spread between two quantiles' per-date mean returns (Alphalens'
 * `compute_mean_returns_spread` as its returns tear sheet calls it): both converted to `base`-bar
 * rates first (`rateOfReturn`, `stdConversion`), spread `upper - lower`, standard error
 * `√(se_upper² + se_lower²)`. Quantiles are 1-based; default top vs bottom.
 *
 * @example
 * ```ts
 * const spread = quantileSpread(meanReturnByQuantile(data)[1], data.nQuantiles, 1, 1);
 * ```
 */
export function quantileSpread(
  returns: QuantileReturns,
  upper: number,
  lower: number,
  base: number,
): QuantileSpread {
  const Q = returns.mean.length, nT = returns.byDate.mean.length / Q;
  if (!(upper >= 1 && upper <= Q && lower >= 1 && lower <= Q)) {
    throw new RangeError(`quantiles must be in 1..${Q}, found upper ${upper} and lower ${lower}`);
  }
  const spread = new Float64Array(nT), stdErr = new Float64Array(nT);
  const { mean, stdErr: se } = returns.byDate;
  const p = returns.period;
  let sum = 0, n = 0;
  for (let t = 0; t < nT; t++) {
    const u = t * Q + upper - 1, l = t * Q + lower - 1;
    spread[t] = rateOfReturn(mean[u], p, base) - rateOfReturn(mean[l], p, base);
    stdErr[t] = Math.sqrt(stdConversion(se[u], p, base) ** 2 + stdConversion(se[l], p, base) ** 2);
    if (Number.isFinite(spread[t])) {
      sum += spread[t];
      n++;
    }
  }
  return { period: p, spread, stdErr, mean: n ? sum / n : NaN };
}

/** How factor weights are built (Alphalens' `factor_weights`). */
export interface WeightOptions {
  /** Demean the factor per date (or per group) first: a dollar-neutral long/short book (default true). */
  readonly demeaned?: boolean;
  /** Group-neutral: demean and normalise within each group, then weight every group the same. */
  readonly groupAdjust?: boolean;
  /**
   * Equal weights instead of factor-proportional ones: ±1 by the sign of the (median-demeaned)
   * factor, each side normalised to the same gross.
   */
  readonly equalWeight?: boolean;
}

/**
 * Factor weights per date (Alphalens' `factor_weights`), `T × N`, gross exposure Σ|w| = 1 each date:
 * - default (`demeaned`): `(f - mean(f)) / Σ|f - mean(f)|`, positives and negatives balance;
 * - not demeaned: `f / Σ|f|`;
 * - `equalWeight`: `f - median(f)` (demeaned) or `f` signed to ±1 (0 stays 0), each side divided by
 *   its count when demeaned, then normalised to Σ|w| = 1;
 * - `groupAdjust`: the above within each (date, group), then every group's weights scaled so the
 *   date's Σ|w| = 1 (each group gets the same gross; a group without weights is left out).
 * A date (or group) whose demeaned factor is all zero — a constant factor — has no weights (NaN),
 * never weights chosen by column order. NaN outside the universe.
 *
 * @example
 * ```ts
 * const w = factorWeights(data); // w[t * N + i]
 * ```
 */
export function factorWeights(data: FactorData, options: WeightOptions = {}): Float64Array {
  checkGroups(data, options.groupAdjust, "factorWeights");
  const nT = data.dates.length, nS = data.securityIds.length;
  const w = new Float64Array(nT * nS).fill(NaN);
  const weigh = dateWeigher(data, options);
  for (let t = 0; t < nT; t++) weigh(t, w, t * nS);
  return w;
}

/**
 * `factorWeights` one date at a time: the returned function writes date t's weights to
 * `w[wBase + i]` for the names i of its universe (the other entries are left as they are).
 */
function dateWeigher(
  data: FactorData,
  options: WeightOptions,
): (t: number, w: Float64Array, wBase: number) => void {
  const { demeaned = true, groupAdjust = false, equalWeight = false } = options;
  const nS = data.securityIds.length;
  const { start, cols } = data.rows;
  const nG = groupAdjust ? data.groupNames.length : 1;
  // each date's names by group (universe order within a group): members[offsets[g] .. offsets[g + 1])
  const members = new Int32Array(nS), offsets = new Int32Array(nG + 1), fill = new Int32Array(nG);
  const scratch = new Float64Array(nS);
  return (t, w, wBase) => {
    const day = cols.subarray(start[t], start[t + 1]), base = t * nS;
    if (groupAdjust) {
      offsets.fill(0);
      for (let j = 0; j < day.length; j++) offsets[data.groups![day[j]] + 1]++;
      for (let g = 0; g < nG; g++) offsets[g + 1] += offsets[g];
      fill.set(offsets.subarray(0, nG));
      for (let j = 0; j < day.length; j++) members[fill[data.groups![day[j]]]++] = day[j];
    } else {
      offsets[1] = day.length;
      members.set(day);
    }
    let gross = 0;
    for (let g = 0; g < nG; g++) {
      const m = members.subarray(offsets[g], offsets[g + 1]);
      if (m.length === 0) continue;
      toWeights(data.factor, base, m, demeaned, equalWeight, w, wBase, scratch);
      if (!groupAdjust) continue;
      for (let j = 0; j < m.length; j++) {
        const v = w[wBase + m[j]];
        if (Number.isFinite(v)) gross += Math.abs(v);
      }
    }
    if (!groupAdjust) return;
    for (let j = 0; j < day.length; j++) w[wBase + day[j]] /= gross;
  };
}

/**
 * Alphalens' `to_weights` for one cross-section `members` of the factor's row `base`, written to
 * `w[wBase + i]` (`scratch`: a buffer of at least `members.length`).
 */
function toWeights(
  f: Float64Array,
  base: number,
  members: Int32Array,
  demeaned: boolean,
  equalWeight: boolean,
  w: Float64Array,
  wBase: number,
  scratch: Float64Array,
): void {
  const n = members.length;
  let center = 0;
  if (demeaned) {
    if (equalWeight) {
      const sorted = scratch.subarray(0, n);
      for (let j = 0; j < n; j++) sorted[j] = f[base + members[j]];
      sorted.sort();
      center = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    } else {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += f[base + members[j]];
      center = sum / n;
    }
  }
  const v = scratch.subarray(0, n);
  for (let j = 0; j < n; j++) v[j] = f[base + members[j]] - center;
  if (equalWeight) {
    let nPos = 0, nNeg = 0;
    for (let j = 0; j < n; j++) {
      if (v[j] > 0) nPos++;
      else if (v[j] < 0) nNeg++;
    }
    for (let j = 0; j < n; j++) {
      const y = v[j];
      v[j] = (y > 0 ? 1 : y < 0 ? -1 : 0) / (demeaned ? (y > 0 ? nPos : y < 0 ? nNeg : 1) : 1);
    }
  }
  let gross = 0;
  for (let j = 0; j < n; j++) gross += Math.abs(v[j]);
  for (let j = 0; j < n; j++) w[wBase + members[j]] = v[j] / gross;
}

/**
 * Returns of the factor-weighted portfolio per date and period (Alphalens' `factor_returns`):
 * `Σ_i w_i · r_i` with `factorWeights` and the raw forward returns; NaN on a date without weights.
 * One `T`-long series per period.
 *
 * @example
 * ```ts
 * const [r1] = factorReturns(data); // the 1-bar long/short return labelled by its factor date
 * ```
 */
export function factorReturns(data: FactorData, options: WeightOptions = {}): Float64Array[] {
  checkGroups(data, options.groupAdjust, "factorWeights");
  const nT = data.dates.length, nS = data.securityIds.length;
  const { start, cols } = data.rows;
  // one date's weights at a time (the T × N weights are never needed whole)
  const weigh = dateWeigher(data, options), w = new Float64Array(nS);
  const out = data.forward.map(() => new Float64Array(nT).fill(NaN));
  for (let t = 0; t < nT; t++) {
    if (start[t + 1] === start[t]) continue;
    weigh(t, w, 0);
    for (let k = 0; k < out.length; k++) {
      const f = data.forward[k];
      let sum = 0;
      for (let p = start[t]; p < start[t + 1]; p++) sum += w[cols[p]] * f[t * nS + cols[p]];
      out[k][t] = sum;
    }
  }
  return out;
}

/** Annualised alpha and beta of the factor portfolio for one period. */
export interface FactorAlphaBeta {
  readonly period: number;
  /** `(1 + α)^(periodsPerYear / period) - 1`. */
  readonly ann_alpha: number;
  readonly beta: number;
}

/**
 * Alpha and beta of the factor portfolio against the equal-weighted universe (Alphalens'
 * `factor_alpha_beta`): per period, OLS of the factor returns on the universe's mean forward return
 * (raw, over the same names) across the dates where both exist; alpha annualised as
 * `(1 + α)^(periodsPerYear / period) - 1` (Alphalens: 252 days / period).
 *
 * @example
 * ```ts
 * factorAlphaBeta(data, factorReturns(data)); // [{ period: 1, ann_alpha, beta }, …]
 * ```
 */
export function factorAlphaBeta(
  data: FactorData,
  returns: Float64Array[] = factorReturns(data),
): FactorAlphaBeta[] {
  const nT = data.dates.length, nS = data.securityIds.length;
  const { start, cols } = data.rows;
  return data.periods.map((period, k) => {
    const f = data.forward[k], y = returns[k];
    let n = 0, sx = 0, sy = 0;
    const xs: number[] = [], ys: number[] = [];
    for (let t = 0; t < nT; t++) {
      const m = start[t + 1] - start[t];
      if (m === 0 || !Number.isFinite(y[t])) continue;
      let sum = 0;
      for (let p = start[t]; p < start[t + 1]; p++) sum += f[t * nS + cols[p]];
      xs.push(sum / m);
      ys.push(y[t]);
      sx += sum / m;
      sy += y[t];
      n++;
    }
    if (n < 2) return { period, ann_alpha: NaN, beta: NaN };
    const mx = sx / n, my = sy / n;
    let sxy = 0, sxx = 0;
    for (let j = 0; j < n; j++) {
      sxy += (xs[j] - mx) * (ys[j] - my);
      sxx += (xs[j] - mx) * (xs[j] - mx);
    }
    const beta = sxx > 0 ? sxy / sxx : NaN;
    const alpha = my - beta * mx;
    return { period, ann_alpha: Math.pow(1 + alpha, data.periodsPerYear / period) - 1, beta };
  });
}

/**
 * Cumulative returns of a series of `period`-bar returns taken every bar (overlapping holdings):
 * the average wealth of `period` interleaved books, book j trading on the dates ≡ j (mod period)
 * and holding each position `period` bars, its return spread evenly (geometrically) over those
 * bars. With period 1 it is plain compounding, `Π_{s≤t} (1 + r_s) - 1` (Alphalens'
 * `cumulative_returns` of the 1-bar factor returns). Labelled, as Alphalens does, by the factor date:
 * the value at t includes the return earned from t. NaN returns count as flat.
 *
 * @example
 * ```ts
 * cumulativePeriodReturns(factorReturns(data)[0], 1); // the classic long/short equity curve
 * ```
 */
export function cumulativePeriodReturns(returns: ArrayLike<number>, period: number): Float64Array {
  if (!Number.isInteger(period) || period < 1) {
    throw new RangeError(`period must be an integer ≥ 1, found ${period}`);
  }
  const n = returns.length;
  const wealth = new Float64Array(period).fill(1), growth = new Float64Array(period).fill(1);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const j = t % period;
    const r = returns[t];
    growth[j] = Number.isFinite(r) ? Math.pow(1 + r, 1 / period) : 1;
    let sum = 0;
    for (let b = 0; b < period; b++) {
      if (b <= t) wealth[b] *= growth[b];
      sum += wealth[b];
    }
    out[t] = sum / period - 1;
  }
  return out;
}
