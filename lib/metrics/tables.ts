/**
 * Calendar return tables: returns compounded within each week, month, quarter and year (UTC calendar
 * of the epoch-ms `dates`). NaN returns are missing; a bucket with no non-NaN return reports NaN.
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

/** Calendar periods `aggregateReturns` compounds over. */
export type AggregatePeriod = "weekly" | "monthly" | "quarterly" | "yearly";

/** One calendar period's compounded return. */
export interface PeriodReturn {
  /** `2024-W05` (ISO week), `2024-03`, `2024-Q1` or `2024`. */
  readonly period: string;
  /** Epoch ms of the period's last date in the series. */
  readonly end: number;
  readonly ret: number;
}

/**
 * Returns compounded within each calendar week, month, quarter or year (empyrical's
 * `aggregate_returns`): `prod(1 + r) - 1` over the periods of each bucket, in date order; a bucket
 * without a non-NaN return is NaN. Weeks are ISO weeks (Monday to Sunday) keyed by their ISO year:
 * empyrical keys a week by (calendar year, ISO week number), which files the last days of December
 * that belong to week 1 of the next year under week 1 of their own year; here they stay in their
 * week. Dates are epoch ms (UTC), strictly ascending. `compounded: false` sums the returns instead
 * (quantstats' `aggregate_returns(compounded=False)`).
 *
 * @example
 * ```ts
 * const dates = [Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 8), Date.UTC(2024, 0, 9)]; // Fri, Mon, Tue
 * aggregateReturns([0.1, 0.1, 0.1], dates, "weekly");
 * // => [{period: "2024-W01", ret: 0.1, …}, {period: "2024-W02", ret: 0.21, …}]
 * ```
 */
export function aggregateReturns(
  returns: ArrayLike<number>,
  dates: ArrayLike<number>,
  period: AggregatePeriod,
  { compounded = true }: { compounded?: boolean } = {},
): PeriodReturn[] {
  const bucket = BUCKETS[period];
  if (!bucket) {
    throw new RangeError(`period must be weekly, monthly, quarterly or yearly, found "${period}"`);
  }
  return compoundBuckets(returns, dates, bucket.key, compounded).map((b) => ({
    period: bucket.label(b.key),
    end: b.end,
    ret: b.ret,
  }));
}

/**
 * The calendar period an epoch-ms date falls in, labelled as `aggregateReturns` labels it
 * (`2024-W05`, `2024-03`, `2024-Q1`, `2024`).
 *
 * @example
 * ```ts
 * periodLabel(Date.UTC(2024, 2, 15), "quarterly"); // => "2024-Q1"
 * ```
 */
export function periodLabel(ms: number, period: AggregatePeriod): string {
  const bucket = BUCKETS[period];
  if (!bucket) throw new RangeError(`period must be weekly, monthly, quarterly or yearly, found "${period}"`);
  return bucket.label(bucket.key(ms));
}

const pad = (n: number) => String(n).padStart(2, "0");

const BUCKETS: Record<AggregatePeriod, { key: (ms: number) => number; label: (key: number) => string }> = {
  weekly: { key: isoWeekKey, label: (k) => `${Math.floor(k / 100)}-W${pad(k % 100)}` },
  monthly: { key: monthIndex, label: (k) => `${Math.floor(k / 12)}-${pad((k % 12) + 1)}` },
  quarterly: {
    key: (ms) => Math.floor(monthIndex(ms) / 3),
    label: (k) => `${Math.floor(k / 4)}-Q${(k % 4) + 1}`,
  },
  yearly: { key: (ms) => Math.floor(monthIndex(ms) / 12), label: (k) => String(k) },
};

/** `isoYear * 100 + isoWeek` of an epoch-ms timestamp (weeks Monday to Sunday, week 1 holds a Thursday). */
function isoWeekKey(ms: number): number {
  const day = Math.floor(ms / 86_400_000);
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday; 1970-01-01 was a Thursday
  const thursday = day - weekday + 3;
  const year = Math.floor(monthIndex(thursday * 86_400_000) / 12);
  const jan1 = Date.UTC(year, 0, 1) / 86_400_000;
  return year * 100 + Math.floor((thursday - jan1) / 7) + 1;
}

/**
 * Compounds (or with `compounded` false, sums) returns over runs of equal `bucketOf(date)`; dates
 * must be strictly ascending.
 */
function compoundBuckets(
  returns: ArrayLike<number>,
  dates: ArrayLike<number>,
  bucketOf: (ms: number) => number,
  compounded = true,
): { key: number; end: number; ret: number }[] {
  if (returns.length !== dates.length) {
    throw new RangeError(
      `returns and dates must have equal lengths, found ${returns.length} and ${dates.length}`,
    );
  }
  const out: { key: number; end: number; ret: number }[] = [];
  let key = NaN;
  let wealth = 1;
  let seen = 0;
  let end = NaN;
  const close = () => {
    if (!Number.isNaN(key)) out.push({ key, end, ret: seen ? (compounded ? wealth - 1 : wealth) : NaN });
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
      wealth = compounded ? 1 : 0;
      seen = 0;
    }
    if (!Number.isNaN(returns[k])) {
      if (compounded) wealth *= 1 + returns[k];
      else wealth += returns[k];
      seen++;
    }
    end = dates[k];
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
