/**
 * Search-space distributions (Optuna's vocabulary): a float or integer range, optionally on a log
 * scale, or a list of categorical choices. Samplers draw in the "internal" space: log of the value
 * for log ranges, the index for categoricals.
 */

/** One parameter's distribution. */
export type Distribution =
  | { readonly type: "float"; readonly low: number; readonly high: number; readonly log?: boolean }
  | { readonly type: "int"; readonly low: number; readonly high: number; readonly log?: boolean }
  | { readonly type: "categorical"; readonly choices: readonly (string | number | boolean)[] };

/** A parameter value. */
export type ParamValue = string | number | boolean;

/** Checks a distribution, throwing a `RangeError` naming the parameter. */
export function checkDistribution(name: string, d: Distribution): void {
  if (d.type === "categorical") {
    if (!Array.isArray(d.choices) || d.choices.length === 0) {
      throw new RangeError(`study parameter "${name}": categorical needs at least one choice`);
    }
    return;
  }
  if (!(Number.isFinite(d.low) && Number.isFinite(d.high) && d.low <= d.high)) {
    throw new RangeError(`study parameter "${name}": needs low ≤ high, found ${d.low} and ${d.high}`);
  }
  if (d.log && !(d.low > 0)) {
    throw new RangeError(`study parameter "${name}": a log range needs low > 0, found ${d.low}`);
  }
  if (d.type === "int" && !(Number.isInteger(d.low) && Number.isInteger(d.high))) {
    throw new RangeError(`study parameter "${name}": integer bounds expected, found ${d.low} and ${d.high}`);
  }
}

/** A value's internal coordinate (log for log ranges, index for categoricals). */
export function toInternal(d: Distribution, value: ParamValue): number {
  if (d.type === "categorical") return d.choices.indexOf(value);
  return d.log ? Math.log(value as number) : (value as number);
}

/** The value of an internal coordinate (rounded and clipped for integers). */
export function fromInternal(d: Distribution, x: number): ParamValue {
  if (d.type === "categorical") return d.choices[Math.max(0, Math.min(d.choices.length - 1, Math.round(x)))];
  const v = d.log ? Math.exp(x) : x;
  if (d.type === "int") return Math.max(d.low, Math.min(d.high, Math.round(v)));
  return Math.max(d.low, Math.min(d.high, v));
}

/** The internal bounds of a numeric distribution. */
export function internalBounds(d: Exclude<Distribution, { type: "categorical" }>): [number, number] {
  return d.log ? [Math.log(d.low), Math.log(d.high)] : [d.low, d.high];
}
