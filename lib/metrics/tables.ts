/**
 * Calendar return tables: returns compounded within each month and each year (UTC calendar of the
 * epoch-ms `dates`). NaN returns are missing; a bucket with no non-NaN return reports NaN.
 */

/** One month's compounded return. `month` is 1–12. */
export interface MonthlyReturn {
  readonly year: number;
  readonly month: number;
  readonly ret: number;
}

/** One calendar year's compounded return. */
export interface YearlyReturn {
  readonly year: number;
  readonly ret: number;
}

/**
 * Monthly returns: `prod(1 + r) - 1` over the periods of each calendar month, in date order. Only
 * months with at least one date appear.
 *
 * @example
 * ```ts
 * const dates = Float64Array.of(Date.UTC(2024, 0, 30), Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1));
 * monthlyReturns([0.1, 0.1, -0.05], dates);
 * // => [{year: 2024, month: 1, ret: 0.21}, {year: 2024, month: 2, ret: -0.05}]
 * ```
 */
export function monthlyReturns(returns: ArrayLike<number>, dates: ArrayLike<number>): MonthlyReturn[] {
  return compoundBuckets(returns, dates, monthIndex).map((b) => ({
    year: Math.floor(b.key / 12),
    month: (b.key % 12) + 1,
    ret: b.ret,
  }));
}

/**
 * Yearly returns: `prod(1 + r) - 1` over the periods of each calendar year, in date order.
 *
 * @example
 * ```ts
 * const dates = Float64Array.of(Date.UTC(2023, 11, 29), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3));
 * yearlyReturns([0.1, 0.1, -0.1], dates); // => [{year: 2023, ret: 0.1}, {year: 2024, ret: -0.01}]
 * ```
 */
export function yearlyReturns(returns: ArrayLike<number>, dates: ArrayLike<number>): YearlyReturn[] {
  return compoundBuckets(returns, dates, (ms) => Math.floor(monthIndex(ms) / 12)).map((b) => ({
    year: b.key,
    ret: b.ret,
  }));
}

/** Compounds returns over runs of equal `bucketOf(date)`; dates must be strictly ascending. */
function compoundBuckets(
  returns: ArrayLike<number>,
  dates: ArrayLike<number>,
  bucketOf: (ms: number) => number,
): { key: number; ret: number }[] {
  if (returns.length !== dates.length) {
    throw new RangeError(
      `returns and dates must have equal lengths, found ${returns.length} and ${dates.length}`,
    );
  }
  const out: { key: number; ret: number }[] = [];
  let key = NaN;
  let wealth = 1;
  let seen = 0;
  const close = () => {
    if (!Number.isNaN(key)) out.push({ key, ret: seen ? wealth - 1 : NaN });
  };
  for (let k = 0; k < dates.length; k++) {
    if (k > 0 && !(dates[k] > dates[k - 1])) {
      throw new RangeError(
        `dates must be strictly ascending: position ${k} (${dates[k]}) follows ${dates[k - 1]}`,
      );
    }
    const next = bucketOf(dates[k]);
    if (next !== key) {
      close();
      key = next;
      wealth = 1;
      seen = 0;
    }
    if (!Number.isNaN(returns[k])) {
      wealth *= 1 + returns[k];
      seen++;
    }
  }
  close();
  return out;
}

/**
 * `year * 12 + (month - 1)` of an epoch-ms timestamp in UTC, by Howard Hinnant's `civil_from_days`
 * (no Date object per row).
 */
function monthIndex(ms: number): number {
  const z = Math.floor(ms / 86_400_000) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return (yoe + era * 400 + (month <= 2 ? 1 : 0)) * 12 + month - 1;
}
