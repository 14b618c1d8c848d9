/**
 * Cash accrual per bar: the factor by which cash (positive or negative) grows from the close of bar
 * t − 1 to the close of bar t, from a `CashRate`.
 */
import { asOf, type Series } from "../panel/series.ts";
import { isoDate } from "../panel/types.ts";
import type { CashRate } from "./config.ts";

/**
 * Growth factors `g[t]` (g[0] = 1): cash at the close of t = cash at the close of t − 1 × g[t].
 * - `none`: 1.
 * - `constant`: `(1 + annual)^(1 / periodsPerYear)` per bar (252 business days a year for daily bars).
 * - `series` in `percent_per_day` (the CDI as BCB series 12): `Π (1 + v_d / 100)` over the series'
 *   days d with `dates[t − 1] ≤ d < dates[t]` — the rate of day d accrues overnight d → d + 1, so a
 *   Friday's rate is earned over the weekend and a bar after a gap earns every day in between.
 * - `series` in `percent_per_year` (a policy-rate target): `(1 + v / 100)^(1 / periodsPerYear)` with v
 *   as of bar t − 1.
 * A series must cover the bars it accrues over (its first value on or before `dates[0]`, its last on
 * or after `dates[T − 2]`); an index (`level`) series is not a rate.
 *
 * @example
 * ```ts
 * cashGrowth({ kind: "constant", annual: 0.1 }, dates, 252)[1]; // => 1.1 ** (1 / 252)
 * ```
 */
export function cashGrowth(
  rate: CashRate,
  dates: Float64Array,
  periodsPerYear: number,
  series: Readonly<Record<string, Series>> = {},
): Float64Array {
  const n = dates.length;
  const g = new Float64Array(n).fill(1);
  if (rate.kind === "none" || n < 2) return g;
  if (rate.kind === "constant") {
    g.fill(Math.pow(1 + rate.annual, 1 / periodsPerYear), 1);
    return g;
  }
  const s = series[rate.id];
  if (!s) {
    const known = Object.keys(series);
    throw new RangeError(
      `cash rate series "${rate.id}" is not in the data; series available: ${
        known.length ? known.join(", ") : "none"
      }`,
    );
  }
  if (s.unit === "level") {
    throw new RangeError(`cash rate series "${rate.id}" is an index level, not a rate (unit ${s.unit})`);
  }
  const first = s.dates[0], last = s.dates[s.dates.length - 1];
  if (!(first <= dates[0]) || !(last >= dates[n - 2])) {
    throw new RangeError(
      `cash rate series "${rate.id}" covers ${
        s.dates.length ? `${isoDate(first)} → ${isoDate(last)}` : "no dates"
      }` +
        ` but the simulation accrues from ${isoDate(dates[0])} to ${isoDate(dates[n - 1])}`,
    );
  }
  if (s.unit === "percent_per_year") {
    const annual = asOf(s, dates);
    for (let t = 1; t < n; t++) g[t] = Math.pow(1 + annual[t - 1] / 100, 1 / periodsPerYear);
    return g;
  }
  let k = 0;
  while (k < s.dates.length && s.dates[k] < dates[0]) k++;
  for (let t = 1; t < n; t++) {
    let factor = 1;
    for (; k < s.dates.length && s.dates[k] < dates[t]; k++) factor *= 1 + s.values[k] / 100;
    g[t] = factor;
  }
  return g;
}

/**
 * Growth factors per bar when several bars share a session (intraday bars): cash accrues once per
 * session (business day), overnight, on the first bar of each session, by `cashGrowth` over the
 * sessions (`sessionsPerYear` the day-count basis of a constant or annual rate, 252 on B3), and by 1
 * on every other bar. `sessions[t]` is bar t's session date (epoch ms), non-decreasing; on daily bars
 * (one bar a session) this is `cashGrowth` itself.
 *
 * @example
 * ```ts
 * // two sessions of three hourly bars at 10% a year: the fourth bar (the second session's first) earns 1.1^(1/252)
 * sessionCashGrowth({ kind: "constant", annual: 0.1 }, Float64Array.of(d1, d1, d1, d2, d2, d2), 252);
 * // => [1, 1, 1, 1.1 ** (1 / 252), 1, 1]
 * ```
 */
export function sessionCashGrowth(
  rate: CashRate,
  sessions: Float64Array,
  sessionsPerYear: number,
  series?: Readonly<Record<string, Series>>,
): Float64Array {
  const n = sessions.length;
  const first: number[] = [];
  for (let t = 0; t < n; t++) if (t === 0 || sessions[t] !== sessions[t - 1]) first.push(t);
  if (first.length === n) return cashGrowth(rate, sessions, sessionsPerYear, series);
  const days = Float64Array.from(first, (t) => sessions[t]);
  const perSession = cashGrowth(rate, days, sessionsPerYear, series);
  const g = new Float64Array(n).fill(1);
  first.forEach((t, j) => (g[t] = perSession[j]));
  return g;
}
