/**
 * Small columnar transforms the chart builders need: epoch-ms dates to `Date`s and a NaN-aware
 * trailing rolling mean. Typed arrays in, typed arrays (or one array of Dates) out.
 */

/**
 * Epoch-ms timestamps as `Date` objects (what Plot's time scale takes).
 *
 * @example
 * ```ts
 * toDates(new Float64Array([Date.UTC(2024, 0, 2)]))[0].toISOString(); // => "2024-01-02T00:00:00.000Z"
 * ```
 */
export function toDates(dates: ArrayLike<number>): Date[] {
  const out = new Array<Date>(dates.length);
  for (let t = 0; t < dates.length; t++) out[t] = new Date(dates[t]);
  return out;
}

/**
 * Trailing rolling mean over `window` periods, skipping NaN: `out[t] = mean(values[t-window+1..t])`
 * over the finite values, NaN until the window holds at least `minPeriods` finite values
 * (default `ceil(window / 2)`).
 *
 * @example
 * ```ts
 * rollingMean([1, 2, 3, 4], 2, 2); // => Float64Array [NaN, 1.5, 2.5, 3.5]
 * ```
 */
export function rollingMean(
  values: ArrayLike<number>,
  window: number,
  minPeriods = Math.ceil(window / 2),
): Float64Array {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`rollingMean: window must be a positive integer, found ${window}`);
  }
  const out = new Float64Array(values.length);
  let sum = 0;
  let count = 0;
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
    if (t >= window) {
      const old = values[t - window];
      if (!Number.isNaN(old)) {
        sum -= old;
        count--;
      }
    }
    out[t] = count >= minPeriods && count > 0 ? sum / count : NaN;
  }
  return out;
}

/**
 * The values as a `Float64Array` (the same array when it already is one), the channel type Plot takes.
 *
 * @example
 * ```ts
 * asFloat64([1, 2]); // => Float64Array [1, 2]
 * ```
 */
export function asFloat64(values: ArrayLike<number>): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}
