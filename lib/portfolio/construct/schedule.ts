/**
 * Rebalance schedules: on which bars a constructed portfolio re-estimates and trades to its targets.
 * Calendar schedules trade at the last bar of each week, month, quarter or year (UTC; ISO weeks);
 * a number trades every N bars.
 */

/** `daily`, `weekly`, `monthly`, `quarterly`, `yearly`, or every N bars. */
export type Schedule = "daily" | "weekly" | "monthly" | "quarterly" | "yearly" | number;

const SCHEDULES = ["daily", "weekly", "monthly", "quarterly", "yearly"];

/** The period key of a date for a calendar schedule. */
function periodKey(ms: number, schedule: Exclude<Schedule, number>): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear(), m = d.getUTCMonth();
  switch (schedule) {
    case "daily":
      return ms;
    case "weekly":
      // Monday-based weeks: days since 1970-01-05 (a Monday), divided by 7.
      return Math.floor((Math.floor(ms / 86_400_000) - 4) / 7);
    case "monthly":
      return y * 12 + m;
    case "quarterly":
      return y * 4 + Math.floor(m / 3);
    case "yearly":
      return y;
  }
}

/**
 * Parses a schedule from text: a calendar name or a whole number of bars.
 *
 * @example
 * ```ts
 * parseSchedule("monthly"); // => "monthly"
 * parseSchedule("21"); // => 21
 * ```
 */
export function parseSchedule(text: string | number): Schedule {
  if (typeof text === "number" || /^\d+$/.test(text)) {
    const n = Number(text);
    if (!(Number.isInteger(n) && n >= 1)) {
      throw new RangeError(`rebalance every N bars needs N ≥ 1, found ${text}`);
    }
    return n;
  }
  if (!SCHEDULES.includes(text)) {
    throw new RangeError(
      `rebalance schedule must be one of ${SCHEDULES.join(", ")} or a number of bars, found "${text}"`,
    );
  }
  return text as Schedule;
}

/**
 * Whether each bar from `first` on is a rebalance bar: `first` itself (the first bar with a full
 * lookback), then every period's last bar before the data's last bar (or every N bars after `first`).
 *
 * @example
 * ```ts
 * rebalanceFlags(dates, "monthly", 251); // 1 at bar 251 and at each month's last bar after it
 * ```
 */
export function rebalanceFlags(dates: Float64Array, schedule: Schedule, first: number): Uint8Array {
  const flags = new Uint8Array(dates.length);
  if (first >= dates.length) return flags;
  flags[first] = 1;
  for (let t = first + 1; t < dates.length; t++) {
    if (typeof schedule === "number") flags[t] = (t - first) % schedule === 0 ? 1 : 0;
    else {
      // The data's last bar is not a period's known end (and nothing is earned after it).
      const last = t < dates.length - 1 &&
        periodKey(dates[t], schedule) !== periodKey(dates[t + 1], schedule);
      flags[t] = last ? 1 : 0;
    }
  }
  return flags;
}
