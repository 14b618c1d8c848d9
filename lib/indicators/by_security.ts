/** Applying one-series indicators to every security of a date-major panel matrix. */

/**
 * Applies a 1-D indicator to each column of a date-major `nDates × nSecurities` matrix (value of
 * security `i` on date `t` at `t * nSecurities + i`) and returns the results in the same layout.
 * `fn` gets each security's series as a fresh Float64Array and must return one of the same length.
 *
 * @example
 * ```ts
 * const sma20 = bySecurity(panel.close, panel.dates.length, panel.securities.length, (x) => sma(x, 20));
 * ```
 */
export function bySecurity(
  matrix: ArrayLike<number>,
  nDates: number,
  nSecurities: number,
  fn: (x: Float64Array, security: number) => ArrayLike<number>,
): Float64Array {
  return bySecurityOf([matrix], nDates, nSecurities, (series, i) => fn(series[0], i));
}

/**
 * `bySecurity` for indicators of several aligned matrices (e.g. `atr` of high, low, close): `fn` gets
 * the security's series of every matrix, in order.
 *
 * @example
 * ```ts
 * const atr14 = bySecurityOf([high, low, close], T, N, ([h, l, c]) => atr(h, l, c, 14));
 * ```
 */
export function bySecurityOf(
  matrices: ArrayLike<number>[],
  nDates: number,
  nSecurities: number,
  fn: (series: Float64Array[], security: number) => ArrayLike<number>,
): Float64Array {
  if (!Number.isInteger(nDates) || nDates < 0 || !Number.isInteger(nSecurities) || nSecurities < 0) {
    throw new RangeError(
      `bySecurity: nDates and nSecurities must be integers ≥ 0, found ${nDates}, ${nSecurities}`,
    );
  }
  matrices.forEach((m, k) => {
    if (m.length !== nDates * nSecurities) {
      throw new RangeError(
        `bySecurity: matrix ${k + 1} must hold nDates × nSecurities = ${nDates} × ${nSecurities} = ${
          nDates * nSecurities
        } values, found ${m.length}`,
      );
    }
  });
  const out = new Float64Array(nDates * nSecurities);
  for (let i = 0; i < nSecurities; i++) {
    const series = matrices.map((m) => {
      const x = new Float64Array(nDates);
      for (let t = 0; t < nDates; t++) x[t] = m[t * nSecurities + i];
      return x;
    });
    const y = fn(series, i);
    if (y.length !== nDates) {
      throw new RangeError(
        `bySecurity: the indicator returned ${y.length} values for security ${i}, expected ${nDates}`,
      );
    }
    for (let t = 0; t < nDates; t++) out[t * nSecurities + i] = y[t];
  }
  return out;
}
