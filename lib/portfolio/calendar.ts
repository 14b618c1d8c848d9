/**
 * Calendar arithmetic on a bar axis (epoch ms, UTC, ascending): month and week keys, the bars on which
 * a rebalance schedule decides, and due dates such as "the last business day of the following month".
 */

const DAY_MS = 86_400_000;

/** Rebalance schedules by name: which decision bars the simulator acts on (see `decisionBars`). */
export const SCHEDULES = ["daily", "weekly", "monthly", "quarterly", "on_change"] as const;

/**
 * One of `SCHEDULES`, or a whole number N ≥ 1: every N bars (1 is every bar), as the construction
 * schedules of `lib/portfolio/construct` count them.
 */
export type Schedule = typeof SCHEDULES[number] | number;

/** The schedules as a user reads them (for help and errors). */
export const SCHEDULE_NAMES = `${SCHEDULES.join(", ")} or a number N of bars`;

/**
 * Whether `value` is a schedule: one of `SCHEDULES` or a whole number of bars ≥ 1.
 *
 * @example
 * ```ts
 * isSchedule(7); // => true (every 7 bars)
 * isSchedule("hourly"); // => false
 * ```
 */
export function isSchedule(value: unknown): value is Schedule {
  return typeof value === "number"
    ? Number.isInteger(value) && value >= 1
    : (SCHEDULES as readonly unknown[]).includes(value);
}

/**
 * Calendar month of an epoch-ms date as one integer, `year · 12 + month0` (UTC).
 *
 * @example
 * ```ts
 * monthKey(Date.UTC(2024, 1, 15)); // => 24289 (2024 · 12 + 1)
 * ```
 */
export function monthKey(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/**
 * A schedule as text: its name, or `every N bars`.
 *
 * @example
 * ```ts
 * scheduleLabel(7); // => "every 7 bars"
 * ```
 */
export function scheduleLabel(schedule: Schedule): string {
  return typeof schedule === "number" ? `every ${schedule} bar${schedule === 1 ? "" : "s"}` : schedule;
}

/** Monday-based week number since the epoch (1970-01-05, a Monday, starts week 1). */
function weekKey(ms: number): number {
  return Math.floor((Math.floor(ms / DAY_MS) + 3) / 7);
}

/**
 * Which bars a schedule decides on, given each bar's session (trading day, epoch ms of its date; for
 * daily bars the bar dates themselves): `daily`, `weekly`, `monthly`, `quarterly` the last bar of each
 * session, calendar week (Monday–Sunday), month or quarter present in `sessions` (the last bar of the
 * data counts as the end of its period), so on daily bars `daily` is every bar and on hourly bars the
 * session's last bar; a number N every N-th bar counted from the first (bars 0-based N − 1, 2N − 1, …)
 * and the last bar; `on_change` every bar as a candidate (the simulator then acts only when the target
 * changes). A decision taken at bar t's close executes at bar t + 1.
 *
 * @example
 * ```ts
 * // 2024-01-30, 2024-01-31, 2024-02-01: monthly decides on Jan 31 and on the last bar
 * decisionBars(Float64Array.of(Date.UTC(2024, 0, 30), Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1)), "monthly");
 * // => Uint8Array [0, 1, 1]
 * ```
 */
export function decisionBars(sessions: ArrayLike<number>, schedule: Schedule): Uint8Array {
  if (!isSchedule(schedule)) {
    throw new RangeError(`unknown schedule "${schedule}"; expected one of ${SCHEDULE_NAMES}`);
  }
  const dates = sessions, n = dates.length;
  const out = new Uint8Array(n);
  if (schedule === "on_change") return out.fill(1);
  if (typeof schedule === "number") {
    for (let t = 0; t < n; t++) out[t] = (t + 1) % schedule === 0 || t === n - 1 ? 1 : 0;
    return out;
  }
  const key = schedule === "daily"
    ? (ms: number) => ms
    : schedule === "weekly"
    ? weekKey
    : schedule === "monthly"
    ? monthKey
    : (ms: number) => Math.floor(monthKey(ms) / 3);
  for (let t = 0; t < n; t++) out[t] = t === n - 1 || key(dates[t + 1]) !== key(dates[t]) ? 1 : 0;
  return out;
}

/** Where a period's payment falls: the bar index (−1 when after the data) and the date. */
export interface DueDate {
  readonly index: number;
  /** Epoch ms: the bar's date, or, past the data, the last weekday of the due month (an estimate). */
  readonly date: number;
}

/**
 * The last business day of the month `monthsAfter` months after the month containing `ms`: the last
 * bar of that month in `dates` when the data reaches it, else the month's last weekday (index −1).
 *
 * @example
 * ```ts
 * // a January 2024 tax is due on the last bar of February 2024
 * lastBusinessDayAfter(dates, Date.UTC(2024, 0, 15), 1); // => { index: …, date: Date.UTC(2024, 1, 29) }
 * ```
 */
export function lastBusinessDayAfter(dates: ArrayLike<number>, ms: number, monthsAfter: number): DueDate {
  const target = monthKey(ms) + monthsAfter;
  let lo = 0, hi = dates.length; // first bar with monthKey > target
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (monthKey(dates[mid]) <= target) lo = mid + 1;
    else hi = mid;
  }
  const index = lo - 1;
  if (index >= 0 && monthKey(dates[index]) === target && lo < dates.length) {
    return { index, date: dates[index] };
  }
  if (index >= 0 && monthKey(dates[index]) === target) {
    // The data ends inside the due month: its last bar is the due date only if no weekday follows it.
    let d = dates[index] + DAY_MS;
    while (monthKey(d) === target) {
      const weekday = new Date(d).getUTCDay();
      if (weekday !== 0 && weekday !== 6) return { index: -1, date: lastWeekday(target) };
      d += DAY_MS;
    }
    return { index, date: dates[index] };
  }
  return { index: -1, date: lastWeekday(target) };
}

function lastWeekday(key: number): number {
  let d = Date.UTC(Math.floor(key / 12), (key % 12) + 1, 0);
  while ([0, 6].includes(new Date(d).getUTCDay())) d -= DAY_MS;
  return d;
}
