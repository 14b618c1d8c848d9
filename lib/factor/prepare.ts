/**
 * The canonical factor data every analysis in `lib/factor` takes (Alphalens'
 * `get_clean_factor_and_forward_returns` on quantnb's dense panel): the factor, its forward returns
 * and its quantile on one `T × N` grid, restricted to the cells usable for every period.
 */

import type { SignalInput } from "../engine/types.ts";
import { isoDate, type Panel } from "../panel/types.ts";
import { knownMatrix } from "../signal/align.ts";
import { forwardReturns } from "./forward_returns.ts";
import { type RankedRows, rankRows } from "./_rank.ts";
import {
  binCrossSection,
  type BinFailure,
  type BinningOptions,
  checkBinning,
  labelCount,
} from "./quantize.ts";

/** Options of `factorData`: horizons, binning, grouping and cleaning. */
export interface FactorDataOptions extends BinningOptions {
  /** Forward-return horizons in bars (default [1, 5, 10]), sorted ascending. */
  readonly periods?: readonly number[];
  /** Cumulative forward returns over each horizon (default) or the single bar p ahead. */
  readonly cumulative?: boolean;
  /** Pad a missing price with the last one (default, as Alphalens on pandas 1.x–2.x); see `forwardReturns`. */
  readonly padMissing?: boolean;
  /** Bars between the close a value is known at and the close the position is taken (default 0). */
  readonly lag?: number;
  /** Attach groups: `"industry"` (the panel's industries) or a group name per security. */
  readonly groupBy?: "industry" | readonly string[];
  /** Bin within each (date, group) instead of each date (Alphalens' `binning_by_group`). */
  readonly binByGroup?: boolean;
  /**
   * Forward returns further than this many standard deviations from their security's mean become
   * NaN (Alphalens' `filter_zscore`, default 20; it looks ahead, so `null` turns it off).
   */
  readonly filterZscore?: number | null;
  /** Largest share of factor values that may be dropped (default 0.35, Alphalens' `max_loss`). */
  readonly maxLoss?: number;
}

/** The cleaned factor, its forward returns and quantiles on the panel's grid. */
export interface FactorData {
  readonly dates: Float64Array;
  readonly securityIds: readonly string[];
  readonly periodsPerYear: number;
  readonly periods: readonly number[];
  /** `T × N` factor values inside the universe, NaN elsewhere. */
  readonly factor: Float64Array;
  /** One `T × N` forward-return matrix per period (same order), NaN outside the universe. */
  readonly forward: readonly Float64Array[];
  /** `T × N` 1-based quantile (or bin) label, 0 outside the universe. */
  readonly quantile: Int32Array;
  /** Number of labels (quantiles or bins). */
  readonly nQuantiles: number;
  /** Group index of each security (into `groupNames`), or null without groups. */
  readonly groups: Int32Array | null;
  readonly groupNames: readonly string[];
  /** Universe cells per date, ascending column: date t's columns are `cols[start[t] .. start[t + 1])`. */
  readonly rows: { readonly start: Int32Array; readonly cols: Int32Array };
  /** Shares of the finite factor values dropped: in total, for lack of forward returns, in binning. */
  readonly loss: { readonly total: number; readonly forward_returns: number; readonly binning: number };
  /** How the factor was binned. */
  readonly binning: BinningOptions & { readonly byGroup: boolean };
  /** What the user should know: constant cross-sections, unbinnable dates, filtered outliers. */
  readonly warnings: readonly string[];
}

/**
 * Aligns a factor (a signal file's `Signal`, or a `{ known }` matrix of values known at each close)
 * with forward returns and bins it per date, following Alphalens:
 * 1. the factor at date t is the value known at the close of `t - lag` (`knownMatrix` maps a row to
 *    the first trading day on/after its `date_avail`);
 * 2. forward returns for every period (see `forwardReturns`), outliers beyond `filterZscore` standard
 *    deviations of their security set to NaN;
 * 3. the universe of date t: names with a finite factor and finite forward returns for EVERY
 *    period (Alphalens drops a row missing any of them) — so the last `max(periods)` dates drop out;
 * 4. binning per date (or per date and group) with pandas' `qcut`/`cut` semantics
 *    (`binCrossSection`); a date whose factor is constant or all tied gets no quantile (and so no
 *    position, weight or IC) and a warning, never a bucket chosen by column order.
 * Throws a `RangeError` when more than `maxLoss` of the finite factor values are dropped, with
 * Alphalens' breakdown.
 *
 * @example
 * ```ts
 * const data = factorData(panel, signal, { periods: [1, 5, 10], quantiles: 5, groupBy: "industry" });
 * data.quantile[t * data.securityIds.length + i]; // 1..5, 0 outside the universe
 * ```
 */
export function factorData(panel: Panel, signal: SignalInput, options: FactorDataOptions = {}): FactorData {
  return prepareFactor(panel, signal, options, false).data;
}

/**
 * `factorData`, and with `rank` the factor's `rankRows` over the universe as well: the binning then
 * takes each date's sorted values from that one sort (instead of sorting them itself), and the
 * analysis reuses it for the IC and the rank autocorrelation. `factorRanks` is null when some date
 * lost names in binning (its universe is no longer the ranked set) or `rank` is false.
 */
export function prepareFactor(
  panel: Panel,
  signal: SignalInput,
  options: FactorDataOptions,
  rank: boolean,
): { data: FactorData; factorRanks: RankedRows | null } {
  const binning: BinningOptions = options.quantiles === undefined && options.bins === undefined
    ? { quantiles: 5, zeroAware: options.zeroAware }
    : { quantiles: options.quantiles, bins: options.bins, zeroAware: options.zeroAware };
  checkBinning(binning);
  const periods = [...(options.periods ?? [1, 5, 10])].sort((a, b) => a - b);
  if (periods.length === 0) throw new RangeError("periods is empty: give at least one horizon");
  const { lag = 0, filterZscore = 20, maxLoss = 0.35, binByGroup = false } = options;
  if (!Number.isInteger(lag) || lag < 0) throw new RangeError(`lag must be an integer ≥ 0, found ${lag}`);
  const nT = panel.dates.length, nS = panel.securityIds.length;
  const known = "known" in signal ? signal.known : knownMatrix(panel, signal);
  if (known.length !== nT * nS) {
    throw new RangeError(`factor matrix has ${known.length} cells, expected ${nT} dates × ${nS} securities`);
  }
  const factor = new Float64Array(nT * nS).fill(NaN);
  factor.set(known.subarray(0, (nT - lag) * nS), lag * nS);
  const forward = forwardReturns(panel, periods, {
    cumulative: options.cumulative,
    padMissing: options.padMissing,
  });
  const { groups, groupNames } = groupCodes(panel, options.groupBy);
  if (binByGroup && !groups) throw new RangeError('binByGroup needs groupBy (e.g. "industry")');
  const warnings: string[] = [];
  if (filterZscore !== null) {
    const filtered = filterOutliers(factor, forward, nT, nS, filterZscore);
    if (filtered) {
      warnings.push(`${filtered} forward returns beyond ${filterZscore} standard deviations set to NaN`);
    }
  }

  // usable: a finite factor value and finite forward returns for every period (one pass per matrix)
  let initial = 0, withReturns = 0;
  const usable = new Uint8Array(nT * nS);
  for (let c = 0; c < nT * nS; c++) {
    if (Number.isFinite(factor[c])) {
      usable[c] = 1;
      initial++;
    }
  }
  for (const f of forward) {
    for (let c = 0; c < nT * nS; c++) if (usable[c] && !Number.isFinite(f[c])) usable[c] = 0;
  }
  for (let c = 0; c < nT * nS; c++) withReturns += usable[c];

  const ranked = rank ? usableRows(usable, nT, nS) : null;
  const factorRanks = ranked ? rankRows(factor, ranked, nS) : null;
  const quantile = new Int32Array(nT * nS);
  const failures = new Map<BinFailure, number[]>();
  const idx = new Int32Array(nS), scratch = new Float64Array(nS), out = new Int32Array(nS);
  const row = new Float64Array(nS);
  const nGroups = groups ? groupNames.length : 1;
  for (let t = 0; t < nT; t++) {
    const base = t * nS;
    row.set(factor.subarray(base, base + nS));
    for (let g = 0; g < (binByGroup ? nGroups : 1); g++) {
      let n = 0;
      if (ranked) {
        // the date's usable names ascending by value (a group's names keep that order)
        const { start } = ranked, { order } = factorRanks!;
        for (let p = start[t]; p < start[t + 1]; p++) {
          if (!binByGroup || groups![order[p]] === g) idx[n++] = order[p];
        }
      } else {
        for (let i = 0; i < nS; i++) {
          if (usable[base + i] && (!binByGroup || groups![i] === g)) idx[n++] = i;
        }
      }
      if (n === 0) continue;
      const failure = binCrossSection(row, idx, n, binning, out, scratch, ranked !== null);
      if (failure !== "none") {
        const list = failures.get(failure) ?? [];
        list.push(t);
        failures.set(failure, list);
      }
      for (let j = 0; j < n; j++) quantile[base + idx[j]] = out[idx[j]];
    }
  }
  for (const [failure, ts] of failures) warnings.push(failureWarning(failure, ts, panel.dates, binByGroup));

  const start = new Int32Array(nT + 1);
  let binned = 0;
  for (let c = 0; c < nT * nS; c++) if (quantile[c] > 0) binned++;
  const cols = new Int32Array(binned);
  let k = 0;
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < nS; i++) {
      const c = t * nS + i;
      if (quantile[c] > 0) cols[k++] = i;
      else {
        factor[c] = NaN;
        for (const f of forward) f[c] = NaN;
      }
    }
    start[t + 1] = k;
  }
  const total = initial ? (initial - binned) / initial : 0;
  const forwardLoss = initial ? (initial - withReturns) / initial : 0;
  const loss = { total, forward_returns: forwardLoss, binning: total - forwardLoss };
  if (initial === 0) {
    throw new RangeError("the factor has no finite value on the panel's dates and securities");
  }
  if (total > maxLoss) {
    throw new RangeError(
      `dropped ${pct(total)} of the factor values (${
        pct(forwardLoss)
      } without forward returns for every period, ` +
        `${pct(loss.binning)} in binning), more than maxLoss ${pct(maxLoss)}; raise maxLoss or check the ` +
        `factor's dates against the panel's`,
    );
  }
  let sameUniverse = factorRanks !== null;
  for (let t = 0; sameUniverse && t < nT; t++) {
    if (start[t + 1] - start[t] !== ranked!.start[t + 1] - ranked!.start[t]) sameUniverse = false;
  }
  const data: FactorData = {
    dates: panel.dates,
    securityIds: panel.securityIds,
    periodsPerYear: panel.periodsPerYear,
    periods,
    factor,
    forward,
    quantile,
    nQuantiles: labelCount(binning),
    groups,
    groupNames,
    rows: { start, cols },
    loss,
    binning: { ...binning, byGroup: binByGroup },
    warnings,
  };
  return { data, factorRanks: sameUniverse ? factorRanks : null };
}

/** The usable cells per date as universe rows (ascending column, as `FactorData.rows`). */
function usableRows(usable: Uint8Array, nT: number, nS: number): { start: Int32Array; cols: Int32Array } {
  const start = new Int32Array(nT + 1);
  let total = 0;
  for (let c = 0; c < usable.length; c++) total += usable[c];
  const cols = new Int32Array(total);
  let k = 0;
  for (let t = 0; t < nT; t++) {
    for (let i = 0, c = t * nS; i < nS; i++, c++) if (usable[c]) cols[k++] = i;
    start[t + 1] = k;
  }
  return { start, cols };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** Group codes per security (first-seen order) from the panel's industries or an explicit list. */
function groupCodes(
  panel: Panel,
  groupBy: FactorDataOptions["groupBy"],
): { groups: Int32Array | null; groupNames: string[] } {
  if (!groupBy) return { groups: null, groupNames: [] };
  const names = groupBy === "industry" ? panel.industries : groupBy;
  if (names.length !== panel.securityIds.length) {
    throw new RangeError(
      `groupBy has ${names.length} names, expected one per security (${panel.securityIds.length})`,
    );
  }
  const code = new Map<string, number>();
  const groups = Int32Array.from(names, (name) => {
    let c = code.get(name);
    if (c === undefined) code.set(name, c = code.size);
    return c;
  });
  return { groups, groupNames: [...code.keys()] };
}

/**
 * Alphalens' `filter_zscore`: per security, over the dates on which any security has a factor
 * value, forward returns with `|x - mean| > z · std` (ddof 1) become NaN. Returns how many. Forward
 * returns are finite or NaN (prices are positive), so `v === v` tests for a value.
 */
function filterOutliers(
  factor: Float64Array,
  forward: Float64Array[],
  nT: number,
  nS: number,
  z: number,
): number {
  const factorDates: number[] = [];
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < nS; i++) {
      if (Number.isFinite(factor[t * nS + i])) {
        factorDates.push(t);
        break;
      }
    }
  }
  let filtered = 0;
  const n = new Int32Array(nS),
    sum = new Float64Array(nS),
    ss = new Float64Array(nS),
    limit = new Float64Array(nS),
    maxDev = new Float64Array(nS);
  for (const f of forward) {
    n.fill(0);
    sum.fill(0);
    ss.fill(0);
    for (const t of factorDates) {
      for (let i = 0, c = t * nS; i < nS; i++, c++) {
        const v = f[c];
        if (v === v) {
          n[i]++;
          sum[i] += v;
        }
      }
    }
    for (let i = 0; i < nS; i++) sum[i] /= n[i];
    maxDev.fill(0);
    for (const t of factorDates) {
      for (let i = 0, c = t * nS; i < nS; i++, c++) {
        const d = f[c] - sum[i];
        if (d === d) {
          ss[i] += d * d;
          if (Math.abs(d) > maxDev[i]) maxDev[i] = Math.abs(d);
        }
      }
    }
    let outliers = false;
    for (let i = 0; i < nS; i++) {
      limit[i] = n[i] < 2 ? Infinity : z * Math.sqrt(ss[i] / (n[i] - 1));
      if (maxDev[i] > limit[i]) outliers = true;
    }
    if (!outliers) continue; // no value beyond its limit: nothing to filter
    for (const t of factorDates) {
      for (let i = 0, c = t * nS; i < nS; i++, c++) {
        if (Math.abs(f[c] - sum[i]) > limit[i]) {
          f[c] = NaN;
          filtered++;
        }
      }
    }
  }
  return filtered;
}

function failureWarning(failure: BinFailure, ts: number[], dates: Float64Array, byGroup: boolean): string {
  const unit = (byGroup ? "date-group cross-section" : "date") + (ts.length === 1 ? "" : "s");
  const first = `first ${isoDate(dates[ts[0]])}`;
  const why = failure === "constant"
    ? "a constant (all tied) factor"
    : failure === "duplicate_edges"
    ? "ties spanning a quantile edge (duplicate bin edges, as pandas qcut refuses)"
    : "no value on one side of zero (zero-aware binning)";
  return `${ts.length} ${unit} not binned: ${why} (${first}); no quantile, weight, return or IC is taken there`;
}
