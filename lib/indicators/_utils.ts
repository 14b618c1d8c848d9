/** Private helpers shared by the indicator modules (not re-exported by `mod.ts`). */

/** Throws a `RangeError` unless `value` is an integer ≥ `min`; `name` labels the message. */
export function checkWindow(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name}: window must be an integer ≥ ${min}, found ${value}`);
  }
}

/** Throws a `RangeError` unless every series has the length of the first (aligned bar by bar). */
export function checkSameLength(name: string, ...series: ArrayLike<number>[]): void {
  for (let k = 1; k < series.length; k++) {
    if (series[k].length !== series[0].length) {
      throw new RangeError(
        `${name}: inputs must be aligned bar by bar: expected length ${series[0].length}, found ${
          series[k].length
        } for input ${k + 1}`,
      );
    }
  }
}

/** A new Float64Array of `length` NaNs. */
export function nans(length: number): Float64Array {
  return new Float64Array(length).fill(NaN);
}
