/**
 * Calendar features from the panel's trading calendar (UTC dates), written on each security's own
 * rows. The calendar of future trading days is published in advance, so flags that look at the next
 * trading date are point-in-time; on the panel's last date the next date is taken to be the next
 * weekday.
 */
import { scatterOwn } from "../own_rows.ts";
import type { FeatureContext } from "./context.ts";

const DAY_MS = 86_400_000;

/** The next weekday (Mon–Fri) after a UTC midnight timestamp. */
function nextWeekday(ms: number): number {
  let next = ms + DAY_MS;
  while (new Date(next).getUTCDay() === 0 || new Date(next).getUTCDay() === 6) next += DAY_MS;
  return next;
}

/**
 * Per-date values of a calendar kind: `day_of_week` (Monday 0 … Sunday 6), `month` (1–12),
 * `month_end` (1 when the next trading date is in another month), `holiday_eve` (1 when the next
 * trading date is after the next weekday).
 *
 * @example
 * ```ts
 * calendarByDate(Float64Array.of(Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1)), "month_end"); // => [1, 0]
 * ```
 */
export function calendarByDate(
  dates: Float64Array,
  kind: "day_of_week" | "month" | "month_end" | "holiday_eve",
): Float64Array {
  const out = new Float64Array(dates.length);
  for (let t = 0; t < dates.length; t++) {
    const d = new Date(dates[t]);
    const next = t + 1 < dates.length ? dates[t + 1] : nextWeekday(dates[t]);
    if (kind === "day_of_week") out[t] = (d.getUTCDay() + 6) % 7;
    else if (kind === "month") out[t] = d.getUTCMonth() + 1;
    else if (kind === "month_end") out[t] = new Date(next).getUTCMonth() !== d.getUTCMonth() ? 1 : 0;
    else out[t] = next > nextWeekday(dates[t]) ? 1 : 0;
  }
  return out;
}

/** A calendar feature as a `T × N` matrix on each security's own rows (NaN elsewhere). */
export function calendarFeature(ctx: FeatureContext, kind: string): Float64Array {
  const byDate = calendarByDate(ctx.panel.dates, kind as Parameters<typeof calendarByDate>[1]);
  const { own, nSecurities: nS } = ctx;
  const out = new Float64Array(ctx.nDates * nS).fill(NaN);
  const values = new Float64Array(own.dates.length);
  for (let k = 0; k < own.dates.length; k++) values[k] = byDate[own.dates[k]];
  for (let i = 0; i < nS; i++) scatterOwn(values.subarray(own.offsets[i]), nS, own, i, out);
  return out;
}
