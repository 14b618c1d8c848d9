/**
 * The dense panel: the one in-memory shape every engine and metric takes.
 *
 * A panel is a set of date-major matrices over one calendar and one list of securities. Cell
 * `(t, i)` of a field lives at `t * nSecurities + i`; NaN means missing (not listed, no trade, no
 * descriptor). The time axis holds timestamps in epoch milliseconds (UTC midnight for daily bars),
 * strictly ascending.
 *
 * Standard field names (present when the source has them):
 * - `open`, `high`, `low`, `close`, `volume`: raw, unadjusted prices as traded.
 * - `adj_open`, `adj_close`: back-adjusted for splits and cash dividends (see `lib/ingest/adjust.ts`).
 * - `ret`: simple close-to-close return of the adjusted close, `adj_close[t] / adj_close[t-1] - 1`;
 *   NaN on a security's first day and wherever either close is missing.
 * - `ret_oc`: same-day open-to-close return, `close[t] / open[t] - 1`.
 * - `mcap`, `adv`, `value`, `beta`, …: descriptors, as of the close of each date.
 */
export interface Panel {
  /** Trading days (or bars) as epoch milliseconds, ascending. Length `nDates`. */
  readonly dates: Float64Array;
  /** Security ids, sorted ascending. Length `nSecurities`. */
  readonly securityIds: readonly string[];
  /** Industry of each security (same order as `securityIds`); "" when unknown. */
  readonly industries: readonly string[];
  /** Date-major matrices of length `nDates * nSecurities`, NaN = missing. */
  readonly fields: Readonly<Record<string, Float64Array>>;
  /** Bars per year, for annualisation (252 for daily bars). */
  readonly periodsPerYear: number;
}

/** Number of dates in a panel. */
export function nDates(panel: Panel): number {
  return panel.dates.length;
}

/** Number of securities in a panel. */
export function nSecurities(panel: Panel): number {
  return panel.securityIds.length;
}

/**
 * Returns a field's matrix, or throws a `RangeError` naming the missing field and the ones present.
 *
 * @example
 * ```ts
 * const close = field(panel, "close"); // Float64Array of nDates * nSecurities
 * ```
 */
export function field(panel: Panel, name: string): Float64Array {
  const matrix = panel.fields[name];
  if (!matrix) {
    throw new RangeError(
      `panel has no field "${name}"; fields present: ${Object.keys(panel.fields).join(", ")}`,
    );
  }
  return matrix;
}

/** Formats an epoch-ms timestamp as `YYYY-MM-DD` (UTC). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Parses `YYYY-MM-DD` as UTC midnight epoch ms; throws a `RangeError` on anything else. */
export function parseIsoDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  if (!m || Number.isNaN(ms) || isoDate(ms) !== text) {
    throw new RangeError(`expected a date as YYYY-MM-DD, found "${text}"`);
  }
  return ms;
}
