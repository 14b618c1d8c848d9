/**
 * Trading calendars for generated data.
 */

import { parseIsoDate } from "../panel/types.ts";

const DAY_MS = 86_400_000;

/**
 * The first `nDays` trading days on or after `start`: weekdays minus New Year's Day (Jan 1) and
 * Christmas (Dec 25), as epoch ms at UTC midnight, ascending. That is ~259.5 days per calendar year,
 * so 2520 days (10 "years" of 252 bars) span about 9.7 calendar years.
 *
 * @param start first candidate day, `YYYY-MM-DD` or epoch ms at UTC midnight (kept if a trading day)
 * @param nDays number of trading days to return (integer ≥ 0)
 *
 * @example
 * ```ts
 * const days = syntheticCalendar("2014-01-01", 3); // Jan 1 is skipped
 * isoDate(days[0]); // => "2014-01-02"
 * isoDate(days[2]); // => "2014-01-06" (Jan 4–5 is a weekend)
 * ```
 */
export function syntheticCalendar(start: string | number, nDays: number): Float64Array {
  if (!Number.isInteger(nDays) || nDays < 0) {
    throw new RangeError(`syntheticCalendar: nDays must be an integer ≥ 0, found ${nDays}`);
  }
  let ms = typeof start === "string" ? parseIsoDate(start) : start;
  if (!Number.isFinite(ms) || ms % DAY_MS !== 0) {
    throw new RangeError(`syntheticCalendar: start must be UTC midnight epoch ms, found ${start}`);
  }
  const days = new Float64Array(nDays);
  for (let k = 0; k < nDays; ms += DAY_MS) {
    const d = new Date(ms);
    const weekday = d.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const month = d.getUTCMonth(), dom = d.getUTCDate();
    if ((month === 0 && dom === 1) || (month === 11 && dom === 25)) continue;
    days[k++] = ms;
  }
  return days;
}
