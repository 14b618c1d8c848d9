/**
 * Plausibility checks of a return series before its metrics are computed: what is refused (values a
 * simple return cannot take, a price series passed as returns) and what is only warned about
 * (percent units, no deviation, too short a series to annualise).
 */

import { isoDate } from "../panel/types.ts";
import { finite, negligibleDeviation, sampleStd } from "./core.ts";
import { percentile } from "./tail.ts";

/** What `checkReturns` found: errors refuse the series, warnings qualify its metrics. */
export interface ReturnsCheck {
  readonly errors: string[];
  readonly warnings: string[];
}

/** Options of `checkReturns`. */
export interface CheckReturnsOptions {
  /** Periods per year (default 252), for the volatility and length checks. */
  readonly periodsPerYear?: number;
  /** Epoch-ms dates of the returns, to name the date of an offending value. */
  readonly dates?: ArrayLike<number>;
  /** Position of the first return in the source, to name rows (e.g. 2 for line 2 of a CSV). */
  readonly firstRow?: number;
  /** How a row is named in messages (default "position"; a CSV reader passes "line"). */
  readonly rowLabel?: string;
}

/** Annualised volatility above which the series is probably in percent (or a price series). */
export const IMPLAUSIBLE_VOLATILITY = 3;

/**
 * Checks a series of simple per-period returns (NaN = missing). Errors:
 * - a value of ±Infinity;
 * - a value below -1 (a simple return cannot lose more than 100%);
 * - a price series: every value ≥ 0 and a median ≥ 1 (a return series always has losses and its
 *   median is far below 100%).
 * Warnings:
 * - annualised volatility above `IMPLAUSIBLE_VOLATILITY` (300%): percent units (1.5 = 150%, not 1.5%)?
 * - no deviation at all: ratios become ±Infinity or NaN;
 * - fewer periods than one year: annualised figures extrapolate (a single row gives an "annual"
 *   return of one period compounded `periodsPerYear` times).
 * Messages name the row (and date when given) of the first offending value.
 *
 * @example
 * ```ts
 * checkReturns([0.01, -1.5]).errors; // => ["position 1: ret = -1.5 is below -1 (a simple return cannot lose more than 100%)"]
 * checkReturns([101, 102, 103]).errors[0]; // => "every value is ≥ 0 and the median is 102: …"
 * ```
 */
export function checkReturns(returns: ArrayLike<number>, options: CheckReturnsOptions = {}): ReturnsCheck {
  const { periodsPerYear = 252, dates, firstRow = 0, rowLabel = "position" } = options;
  const errors: string[] = [];
  const warnings: string[] = [];
  const where = (k: number) =>
    `${rowLabel} ${k + firstRow}${dates && Number.isFinite(dates[k]) ? ` (${isoDate(dates[k])})` : ""}`;
  const r = finite(returns);
  const vol = sampleStd(r) * Math.sqrt(periodsPerYear);
  const percentHint = vol > IMPLAUSIBLE_VOLATILITY
    ? "; the series looks like percent units: divide by 100"
    : "";
  const infinite = indexOf(returns, (x) => x === Infinity || x === -Infinity);
  if (infinite >= 0) errors.push(`${where(infinite)}: ret = ${returns[infinite]} is not a finite number`);
  const belowMinusOne = indexOf(returns, (x) => x < -1);
  if (belowMinusOne >= 0) {
    errors.push(
      `${where(belowMinusOne)}: ret = ${
        returns[belowMinusOne]
      } is below -1 (a simple return cannot lose more than 100%)${percentHint}`,
    );
  }
  if (r.length >= 2 && infinite < 0) {
    const median = percentile(r, 50);
    if (indexOf(r, (x) => x < 0) < 0 && median >= 1) {
      errors.push(
        `every value is ≥ 0 and the median is ${
          round(median)
        }: this looks like a price series, not returns; pass simple returns price[t] / price[t - 1] - 1`,
      );
    } else if (percentHint) {
      warnings.push(
        `annualised volatility ${(vol * 100).toFixed(1)}% is implausible for returns given as fractions` +
          ` (0.015 = 1.5%)${percentHint}`,
      );
    }
    if (negligibleDeviation(sampleStd(r), r)) {
      warnings.push(
        "the returns have no deviation: Sharpe, Sortino and the information ratio are ±Infinity or NaN",
      );
    }
  }
  if (r.length > 0 && returns.length < periodsPerYear) {
    warnings.push(
      `only ${returns.length} period${
        returns.length === 1 ? "" : "s"
      } (less than one year at ${periodsPerYear}` +
        ` per year): annual_return, annual_volatility and the ratios extrapolate them to a year`,
    );
  }
  return { errors, warnings };
}

function indexOf(values: ArrayLike<number>, test: (x: number) => boolean): number {
  for (let k = 0; k < values.length; k++) if (test(values[k])) return k;
  return -1;
}

function round(x: number): string {
  return Number(x.toPrecision(6)).toString();
}
