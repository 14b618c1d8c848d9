/**
 * Trading sessions and bar intervals: when a market trades (its time zone and regular hours), how
 * many bars of an interval a session holds, and so how many bars a year has — the annualisation
 * factor of every metric on bars of that size (252 sessions a year × bars per session).
 *
 * Sessions assumed (regular hours only; auctions, pre- and after-market are outside them):
 * - `B3`: 10:00–17:00 America/Sao_Paulo (7 h: 420 one-minute, 84 five-minute, 7 hourly bars);
 * - `NYSE`: 09:30–16:00 America/New_York (6.5 h: 390 one-minute, 78 five-minute, 7 hourly bars, the
 *   last one 30 minutes).
 * Bars are labelled by their start (a 1h bar at 10:30 covers 10:30–11:30); buckets are anchored at
 * the session's open and never cross its close or a session boundary.
 */

/** Bar sizes the store and panels know. `1d` is one bar per session. */
export const INTERVALS = ["1m", "5m", "1h", "1d"] as const;

/** One of `INTERVALS`. */
export type Interval = typeof INTERVALS[number];

/** Minutes per bar of each intraday interval (`1d` is the whole session). */
export const INTERVAL_MINUTES: Readonly<Record<Exclude<Interval, "1d">, number>> = {
  "1m": 1,
  "5m": 5,
  "1h": 60,
};

/** A market's regular session. */
export interface Session {
  readonly name: string;
  /** IANA time zone of the exchange. */
  readonly timeZone: string;
  /** Open and close, minutes after local midnight. */
  readonly open: number;
  readonly close: number;
}

/** The sessions quantnb knows, by name. */
export const SESSIONS: Readonly<Record<string, Session>> = {
  B3: { name: "B3", timeZone: "America/Sao_Paulo", open: 10 * 60, close: 17 * 60 },
  NYSE: { name: "NYSE", timeZone: "America/New_York", open: 9 * 60 + 30, close: 16 * 60 },
};

/** Sessions per year (trading days), the daily annualisation basis. */
export const SESSIONS_PER_YEAR = 252;

/**
 * The session named `name`, or a `RangeError` listing the known ones.
 *
 * @example
 * ```ts
 * sessionOf("B3").open; // => 600
 * ```
 */
export function sessionOf(name: string): Session {
  const session = SESSIONS[name];
  if (!session) {
    throw new RangeError(`unknown session "${name}"; sessions: ${Object.keys(SESSIONS).join(", ")}`);
  }
  return session;
}

/**
 * Checks an interval name, or throws a `RangeError` listing them.
 *
 * @example
 * ```ts
 * checkInterval("5m"); // => "5m"
 * ```
 */
export function checkInterval(text: string): Interval {
  if (!(INTERVALS as readonly string[]).includes(text)) {
    throw new RangeError(`unknown interval "${text}"; intervals: ${INTERVALS.join(", ")}`);
  }
  return text as Interval;
}

/**
 * Bars of `interval` in one session: ⌈session minutes / bar minutes⌉ (a last partial bar counts), 1
 * for `1d`.
 *
 * @example
 * ```ts
 * barsPerSession("1h", SESSIONS.NYSE); // => 7 (6.5 hours: the last bar is half an hour)
 * barsPerSession("5m", SESSIONS.B3); // => 84
 * ```
 */
export function barsPerSession(interval: Interval, session: Session): number {
  if (interval === "1d") return 1;
  return Math.ceil((session.close - session.open) / INTERVAL_MINUTES[interval]);
}

/**
 * Bars per year of `interval` on `session`: 252 × `barsPerSession` — the `periodsPerYear` that
 * annualises returns of bars of that size (Sharpe × √periodsPerYear, CAGR over periodsPerYear bars).
 *
 * @example
 * ```ts
 * barsPerYear("1h", SESSIONS.NYSE); // => 1764 (252 × 7)
 * barsPerYear("1d", SESSIONS.B3); // => 252
 * ```
 */
export function barsPerYear(interval: Interval, session: Session): number {
  return SESSIONS_PER_YEAR * barsPerSession(interval, session);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The time zone's offset from UTC at instant `utcMs`, in ms (local = UTC + offset), from the
 * runtime's time-zone database (daylight saving included).
 *
 * @example
 * ```ts
 * zoneOffsetMs("America/New_York", Date.UTC(2024, 0, 2, 15)); // => -18000000 (UTC−5 in winter)
 * ```
 */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    offsetFormats.set(timeZone, format);
  }
  const part: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(utcMs))) {
    if (p.type !== "literal") part[p.type] = Number(p.value);
  }
  const local = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
  return local - Math.floor(utcMs / 1000) * 1000; // the parts have whole seconds
}

/**
 * A function from a UTC instant to the session's local wall-clock time in ms (as if it were UTC):
 * the zone offset is looked up once per UTC hour, so a year of minute bars costs a few thousand
 * look-ups.
 *
 * @example
 * ```ts
 * const local = localClock(SESSIONS.B3);
 * new Date(local(Date.UTC(2024, 0, 2, 13))).getUTCHours(); // => 10 (10:00 in São Paulo)
 * ```
 */
export function localClock(session: Session): (utcMs: number) => number {
  const byHour = new Map<number, number>();
  return (utcMs) => {
    const hour = Math.floor(utcMs / 3_600_000);
    let offset = byHour.get(hour);
    if (offset === undefined) byHour.set(hour, offset = zoneOffsetMs(session.timeZone, hour * 3_600_000));
    return utcMs + offset;
  };
}

const DAY_MS = 86_400_000;

/**
 * The session (trading day) of each bar: the local date of its start on `session`'s clock, as epoch
 * ms of that date at UTC midnight (the daily calendar's convention), so bars and daily data (rates,
 * corporate actions, due dates) meet on one day axis.
 *
 * @example
 * ```ts
 * sessionDays(Float64Array.of(Date.UTC(2024, 0, 2, 13), Date.UTC(2024, 0, 2, 19)), SESSIONS.B3);
 * // => Float64Array [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 2)]
 * ```
 */
export function sessionDays(dates: ArrayLike<number>, session: Session): Float64Array {
  const clock = localClock(session);
  return Float64Array.from(dates, (ms) => Math.floor(clock(ms) / DAY_MS) * DAY_MS);
}
