/**
 * Computing a feature set on a panel: each spec becomes one (or, for window embeddings, several)
 * date-major `T × N` matrices, NaN where the feature is unknown (before its window is full, off a
 * security's own rows, wherever an input is missing). Optionally standardised across securities per
 * date.
 */
import { ema, rollingMax, rollingMin, rollingStd, rollingZscore, rsi } from "../../indicators/mod.ts";
import type { Panel } from "../../panel/types.ts";
import { scatterOwn } from "../own_rows.ts";
import { calendarFeature } from "./calendar.ts";
import { type FeatureContext, featureContext } from "./context.ts";
import { industryDemean, standardizeByDate } from "./cross_section.ts";
import {
  type BuiltinFeature,
  checkFeatureSpecs,
  columnNames,
  type FeatureSpec,
  isCrossSectional,
} from "./spec.ts";

/** Computed features: one date-major `T × N` matrix per column name. */
export interface FeatureMatrix {
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
  readonly nDates: number;
  readonly nSecurities: number;
  /** The standardisation applied. */
  readonly standardize: Standardize;
}

/** Cross-sectional standardisation per date: none, z-score (ddof 1) or percentile rank (pandas `rank(pct=True)`). */
export type Standardize = "none" | "zscore" | "rank";

/** Options of `computeFeatures`. */
export interface FeatureOptions {
  /** Standardise cross-sectional features per date (default "none"). */
  readonly standardize?: Standardize;
  /** Called after each spec with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Computes a feature set on a panel (needs `ret`; `close` for the point-in-time price, `volume`,
 * `mcap` and the other fields the specs name). Every value is point-in-time: the value at (t, i)
 * depends only on the panel's data of security i (and, for industry-relative features and
 * standardisation, of the other securities) up to the close of t. See `spec.ts` for each kind.
 *
 * @example
 * ```ts
 * const f = computeFeatures(panel, BASE_FEATURES, { standardize: "rank" });
 * f.columns[f.names.indexOf("rsi_14")][t * N + i];
 * ```
 */
export function computeFeatures(
  panel: Panel,
  specs: readonly FeatureSpec[],
  options: FeatureOptions = {},
): FeatureMatrix {
  checkFeatureSpecs(specs);
  const standardize = options.standardize ?? "none";
  if (!["none", "zscore", "rank"].includes(standardize)) {
    throw new RangeError(`standardize must be "none", "zscore" or "rank", found "${standardize}"`);
  }
  const ctx = featureContext(panel);
  const names: string[] = [];
  const columns: Float64Array[] = [];
  specs.forEach((spec, k) => {
    const out = spec.kind === "custom" ? [customFeature(panel, ctx, spec)] : builtin(ctx, spec);
    const cross = standardize !== "none" && isCrossSectional(spec);
    columnNames(spec).forEach((name, j) => {
      names.push(name);
      columns.push(cross ? standardizeByDate(out[j], ctx.nDates, ctx.nSecurities, standardize) : out[j]);
    });
    options.onProgress?.(k + 1, specs.length);
  });
  return { names, columns, nDates: ctx.nDates, nSecurities: ctx.nSecurities, standardize };
}

function customFeature(
  panel: Panel,
  ctx: FeatureContext,
  spec: Extract<FeatureSpec, { kind: "custom" }>,
): Float64Array {
  const out = spec.compute(panel, ctx);
  if (!(out instanceof Float64Array) || out.length !== ctx.nDates * ctx.nSecurities) {
    throw new RangeError(
      `feature "${spec.name}": compute must return a Float64Array of nDates × nSecurities = ${
        ctx.nDates * ctx.nSecurities
      } values, found ${out instanceof Float64Array ? out.length : typeof out}`,
    );
  }
  return out;
}

/** Applies `fn` to each security's compact series and scatters the result onto a `T × N` matrix. */
function perSecurity(
  ctx: FeatureContext,
  input: Float64Array,
  fn: (x: Float64Array) => ArrayLike<number>,
): Float64Array {
  const { own, nSecurities: nS } = ctx;
  const out = new Float64Array(ctx.nDates * nS).fill(NaN);
  for (let i = 0; i < nS; i++) {
    const x = input.subarray(own.offsets[i], own.offsets[i + 1]);
    if (x.length) scatterOwn(fn(x), nS, own, i, out);
  }
  return out;
}

/**
 * Like `perSecurity` over the point-in-time price, but `fn` sees each RUN of the security's price
 * separately: a run starts at a bar whose return is missing (the first bar, or the bar after a gap
 * in the security's data), where the price restarts at the raw close. Price indicators (RSI, MACD,
 * distance from the high / low) therefore restart after a gap instead of reading a jump across it.
 */
function perRun(ctx: FeatureContext, fn: (x: Float64Array) => ArrayLike<number>): Float64Array {
  const ret = ctx.series("ret"), price = ctx.price();
  const compact = new Float64Array(price.length);
  const { own } = ctx;
  for (let i = 0; i < ctx.nSecurities; i++) {
    const to = own.offsets[i + 1];
    for (let start = own.offsets[i]; start < to;) {
      let end = start + 1;
      while (end < to && Number.isFinite(ret[end])) end++;
      compact.set(fn(price.subarray(start, end)), start);
      start = end;
    }
  }
  return perSecurity(ctx, compact, (x) => x);
}

/**
 * Matrix of the `horizon`-bar simple return, cached in the context for reuse: the ratio of the
 * point-in-time price, `p[k] / p[k − h] − 1` (= `Π(1 + ret)` over bars k−h+1..k), NaN when a return in
 * the window is missing.
 */
function returnMatrix(ctx: FeatureContext, horizon: number): Float64Array {
  const key = `return:${horizon}`;
  let out = ctx.cache.get(key);
  if (out) return out;
  const ret = ctx.series("ret"), price = ctx.price();
  const { own } = ctx;
  const compact = new Float64Array(ret.length);
  for (let i = 0; i < ctx.nSecurities; i++) {
    let gap = own.offsets[i]; // last row whose return is missing (the first row always is)
    for (let k = own.offsets[i]; k < own.offsets[i + 1]; k++) {
      if (!Number.isFinite(ret[k])) gap = k;
      compact[k] = k - horizon >= gap ? price[k] / price[k - horizon] - 1 : NaN;
    }
  }
  out = perSecurity(ctx, compact, (x) => x);
  ctx.cache.set(key, out);
  return out;
}

/** `ln(v)` for v > 0, NaN otherwise, element-wise into a new array. */
function logPositive(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = x[k] > 0 ? Math.log(x[k]) : NaN;
  return out;
}

function builtin(ctx: FeatureContext, spec: BuiltinFeature): Float64Array[] {
  switch (spec.kind) {
    case "return":
      return [returnMatrix(ctx, spec.horizon)];
    case "volatility":
      return [perSecurity(ctx, ctx.series("ret"), (x) => rollingStd(x, spec.window))];
    case "rsi":
      return [perRun(ctx, (x) => rsi(x, spec.window))];
    case "macd":
      return [perRun(ctx, (x) => {
        const fast = ema(x, spec.fast), slow = ema(x, spec.slow);
        for (let k = 0; k < fast.length; k++) fast[k] -= slow[k];
        return fast;
      })];
    case "high_distance":
    case "low_distance": {
      const extreme = spec.kind === "high_distance" ? rollingMax : rollingMin;
      return [perRun(ctx, (x) => {
        const e = extreme(x, spec.window);
        for (let k = 0; k < e.length; k++) e[k] = x[k] / e[k] - 1;
        return e;
      })];
    }
    case "volume_z":
      return [perSecurity(
        ctx,
        ctx.series("volume"),
        (x) => rollingZscore(logPositive(x), spec.window),
      )];
    case "log_field":
      return [perSecurity(ctx, ctx.series(spec.field), logPositive)];
    case "field":
      return [perSecurity(ctx, ctx.series(spec.field), (x) => x)];
    case "industry_relative_return":
      return [industryDemean(returnMatrix(ctx, spec.horizon), ctx.nDates, ctx.panel.industries)];
    case "window":
      return windowColumns(ctx, spec.length);
    default:
      return [calendarFeature(ctx, spec.kind)];
  }
}

/**
 * Window embedding: for each own row, the last `length` returns divided by their sample std (ddof 1),
 * oldest first; NaN when the window is not full, holds a NaN or is flat.
 */
function windowColumns(ctx: FeatureContext, length: number): Float64Array[] {
  const { own, nSecurities: nS } = ctx;
  const ret = ctx.series("ret");
  const columns = Array.from({ length }, () => new Float64Array(ctx.nDates * nS).fill(NaN));
  for (let i = 0; i < nS; i++) {
    const from = own.offsets[i], to = own.offsets[i + 1];
    const sd = rollingStd(ret.subarray(from, to), length);
    for (let k = from + length - 1; k < to; k++) {
      const s = sd[k - from];
      if (!(s > 0)) continue;
      const cell = own.dates[k] * nS + i;
      for (let j = 0; j < length; j++) columns[j][cell] = ret[k - length + 1 + j] / s;
    }
  }
  return columns;
}
