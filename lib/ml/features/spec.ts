/**
 * Feature specs: a feature set is plain data, a list of named specs, so users add their own by
 * listing more (another horizon, another window) or, for anything else, a `custom` spec with a
 * compute function. Every feature is point-in-time: its value on day t uses data up to the close of t.
 */
import type { Panel } from "../../panel/types.ts";
import type { FeatureContext } from "./context.ts";

/** A built-in feature kind and its parameters. */
export type BuiltinFeature =
  /** Simple return over the last `horizon` bars: `Π(1 + ret) − 1` over bars t−h+1..t. */
  | { readonly kind: "return"; readonly horizon: number }
  /** Sample standard deviation (ddof 1) of the last `window` returns (full windows only). */
  | { readonly kind: "volatility"; readonly window: number }
  /** Wilder RSI of the point-in-time price (see `context.ts`). */
  | { readonly kind: "rsi"; readonly window: number }
  /** `ema(price, fast) − ema(price, slow)` of the point-in-time price. */
  | { readonly kind: "macd"; readonly fast: number; readonly slow: number }
  /** `price / max(price over the last window bars) − 1` (≤ 0). */
  | { readonly kind: "high_distance"; readonly window: number }
  /** `price / min(price over the last window bars) − 1` (≥ 0). */
  | { readonly kind: "low_distance"; readonly window: number }
  /** z-score of `ln(volume)` against its last `window` bars (including t; ddof 1); volume ≤ 0 is missing. */
  | { readonly kind: "volume_z"; readonly window: number }
  /** `ln(field)` of a descriptor such as `mcap` (values ≤ 0 are missing). */
  | { readonly kind: "log_field"; readonly field: string }
  /** A panel field as it is (e.g. `value`). */
  | { readonly kind: "field"; readonly field: string }
  /** The `horizon`-bar return minus the mean of that return over the security's industry that date. */
  | { readonly kind: "industry_relative_return"; readonly horizon: number }
  /** Day of week, Monday = 0 … Friday = 4 (pandas' `dayofweek`). */
  | { readonly kind: "day_of_week" }
  /** Calendar month 1–12. */
  | { readonly kind: "month" }
  /** 1 on the last trading day of a month (from the trading calendar), else 0. */
  | { readonly kind: "month_end" }
  /** 1 when the next weekday is not a trading day (the eve of a holiday), else 0. */
  | { readonly kind: "holiday_eve" }
  /**
   * Window embedding: the last `length` returns divided by their own sample std, one column per lag
   * (`<name>_lag<L−1>` … `<name>_lag0`, oldest first), for sequence models.
   */
  | { readonly kind: "window"; readonly length: number };

/** A user-defined feature: a function of the panel returning a date-major `T × N` matrix. */
export interface CustomFeature {
  readonly kind: "custom";
  /** Must be point-in-time: the value at t may use panel data up to the close of t only. */
  readonly compute: (panel: Panel, context: FeatureContext) => Float64Array;
  /** Names the function's version in run configs (functions do not hash). */
  readonly version?: string;
}

/**
 * One named feature. `crossSectional` says whether cross-sectional standardisation applies
 * (default: yes, except for calendar flags and window embeddings).
 */
export type FeatureSpec = (BuiltinFeature | CustomFeature) & {
  readonly name: string;
  readonly crossSectional?: boolean;
};

/** Kinds that are the same for every security on a date, or already normalised: not standardised by default. */
const NOT_CROSS_SECTIONAL = new Set(["day_of_week", "month", "month_end", "holiday_eve", "window"]);

/** Whether cross-sectional standardisation applies to a spec. */
export function isCrossSectional(spec: FeatureSpec): boolean {
  return spec.crossSectional ?? !NOT_CROSS_SECTIONAL.has(spec.kind);
}

/**
 * The 19 base features: returns over 1, 5, 10, 21, 63, 126 and 252 bars; volatility over 21 and 63;
 * RSI 14; MACD 12/26; distance from the 252-bar high and low; 63-bar volume z-score; log market cap;
 * value; industry-relative 21-bar return; day of week; month.
 *
 * @example
 * ```ts
 * const features = computeFeatures(panel, BASE_FEATURES);
 * features.names.length; // => 19
 * ```
 */
export const BASE_FEATURES: readonly FeatureSpec[] = Object.freeze([
  ...[1, 5, 10, 21, 63, 126, 252].map((horizon) =>
    ({ name: `ret_${horizon}`, kind: "return", horizon }) as const
  ),
  { name: "vol_21", kind: "volatility", window: 21 },
  { name: "vol_63", kind: "volatility", window: 63 },
  { name: "rsi_14", kind: "rsi", window: 14 },
  { name: "macd", kind: "macd", fast: 12, slow: 26 },
  { name: "dist_high_252", kind: "high_distance", window: 252 },
  { name: "dist_low_252", kind: "low_distance", window: 252 },
  { name: "volume_z_63", kind: "volume_z", window: 63 },
  { name: "log_mcap", kind: "log_field", field: "mcap" },
  { name: "value", kind: "field", field: "value" },
  { name: "ind_rel_ret_21", kind: "industry_relative_return", horizon: 21 },
  { name: "day_of_week", kind: "day_of_week" },
  { name: "month", kind: "month" },
]);

/** The calendar flags: month-end and holiday-eve. */
export const CALENDAR_FLAGS: readonly FeatureSpec[] = Object.freeze([
  { name: "month_end", kind: "month_end" },
  { name: "holiday_eve", kind: "holiday_eve" },
]);

/**
 * A window-embedding spec of the last `length` normalised returns (32 or 64 are the usual sizes).
 *
 * @example
 * ```ts
 * computeFeatures(panel, [...BASE_FEATURES, windowEmbedding(32)]); // 19 + 32 columns
 * ```
 */
export function windowEmbedding(length = 32, name = `emb${length}`): FeatureSpec {
  return { name, kind: "window", length };
}

/**
 * A feature from data already on the panel grid: a date-major `T × N` matrix of values known at each
 * close, such as a vendor signal's `knownMatrix(panel, signal)` (point-in-time by the signal contract:
 * a row lands on the first close at or after its `date_avail`). `version` names the data in configs.
 *
 * @example
 * ```ts
 * const sentiment = knownFeature("sentiment", knownMatrix(panel, signal), "demo_signal.parquet");
 * computeFeatures(panel, [...BASE_FEATURES, sentiment]);
 * ```
 */
export function knownFeature(name: string, known: Float64Array, version?: string): FeatureSpec {
  return {
    name,
    kind: "custom",
    version,
    compute: (panel) => {
      const cells = panel.dates.length * panel.securityIds.length;
      if (known.length !== cells) {
        throw new RangeError(
          `feature "${name}": the known matrix has ${known.length} cells, the panel ${cells}`,
        );
      }
      return known;
    },
  };
}

/** The column names a spec produces: its name, or one per lag for window embeddings. */
export function columnNames(spec: FeatureSpec): string[] {
  if (spec.kind !== "window") return [spec.name];
  return Array.from({ length: spec.length }, (_, j) => `${spec.name}_lag${spec.length - 1 - j}`);
}

const WINDOW_KEYS: Record<string, readonly string[]> = {
  return: ["horizon"],
  volatility: ["window"],
  rsi: ["window"],
  macd: ["fast", "slow"],
  high_distance: ["window"],
  low_distance: ["window"],
  volume_z: ["window"],
  industry_relative_return: ["horizon"],
  window: ["length"],
};

const KINDS = [
  ...Object.keys(WINDOW_KEYS),
  "log_field",
  "field",
  "day_of_week",
  "month",
  "month_end",
  "holiday_eve",
  "custom",
];

/**
 * Checks a feature set: known kinds, integer windows (volatility and z-score ≥ 2), MACD fast < slow,
 * a field name where needed, a compute function for custom specs, unique column names. Throws a
 * `RangeError` naming the spec (by position and name) and what is wrong.
 */
export function checkFeatureSpecs(specs: readonly FeatureSpec[]): void {
  const seen = new Set<string>();
  specs.forEach((spec, k) => {
    const where = `feature ${k + 1} ("${spec.name}")`;
    if (typeof spec.name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.name)) {
      throw new RangeError(
        `feature ${k + 1}: name must be an identifier, found ${JSON.stringify(spec.name)}`,
      );
    }
    if (!KINDS.includes(spec.kind)) {
      throw new RangeError(`${where}: kind must be one of ${KINDS.join(", ")}; found "${spec.kind}"`);
    }
    for (const key of WINDOW_KEYS[spec.kind] ?? []) {
      const v = (spec as unknown as Record<string, number>)[key];
      const min = spec.kind === "volatility" || spec.kind === "volume_z" ? 2 : 1;
      if (!Number.isInteger(v) || v < min) {
        throw new RangeError(`${where}: ${key} must be an integer ≥ ${min}, found ${v}`);
      }
    }
    if (spec.kind === "macd" && spec.fast >= spec.slow) {
      throw new RangeError(`${where}: fast must be < slow, found ${spec.fast} and ${spec.slow}`);
    }
    if ((spec.kind === "field" || spec.kind === "log_field") && typeof spec.field !== "string") {
      throw new RangeError(`${where}: field must name a panel field`);
    }
    if (spec.kind === "custom" && typeof spec.compute !== "function") {
      throw new RangeError(`${where}: a custom feature needs a compute(panel, context) function`);
    }
    for (const column of columnNames(spec)) {
      if (seen.has(column)) {
        throw new RangeError(`${where}: column "${column}" appears twice in the feature set`);
      }
      seen.add(column);
    }
  });
}

/**
 * The feature set as JSON-ready data for run configs and hashes: custom specs keep their name,
 * version and `crossSectional`, not their function.
 */
export function featureSetConfig(specs: readonly FeatureSpec[]): Record<string, unknown>[] {
  return specs.map((spec) =>
    spec.kind === "custom"
      ? {
        name: spec.name,
        kind: "custom",
        version: spec.version ?? null,
        crossSectional: isCrossSectional(spec),
      }
      : { ...spec }
  );
}
