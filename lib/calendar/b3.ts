/**
 * The B3 (São Paulo exchange) trading calendar: weekdays minus the exchange's holidays, described as
 * data (`B3_HOLIDAY_RULES`), and combined with the trading days actually seen in the data, which win
 * wherever data exists (`b3Calendar`).
 *
 * Sources of the rules: the national holidays of Lei 662/1949 (with Lei 6.802/1980 for Oct 12 and
 * Lei 14.759/2023 for Nov 20 from 2024), the Easter-based dates every Brazilian market closes on
 * (Carnival Monday and Tuesday, Good Friday, Corpus Christi), B3's own closures (Dec 24 and the last
 * weekday of the year) and the São Paulo city/state holidays B3 observed until 2021 (Jan 25, Jul 9,
 * Nov 20), as published in B3's yearly trading calendars.
 */
import { addDays, easterSunday } from "./easter.ts";
import { isoDate } from "../panel/types.ts";
import { lowerBound } from "../util/bisect.ts";

const DAY_MS = 86_400_000;

/** One closure: its date (epoch ms, UTC midnight) and its name. */
export interface Holiday {
  date: number;
  name: string;
}

/**
 * A holiday rule: the date it falls on in a year (or null when it does not apply), for years in
 * `[from, to]` minus `except`.
 */
export interface HolidayRule {
  name: string;
  /** The rule's date in `year`, epoch ms at UTC midnight. */
  on: (year: number) => number;
  from?: number;
  to?: number;
  /** Years the rule did not apply (the holiday was moved or B3 traded). */
  except?: readonly number[];
}

const fixed = (month: number, day: number) => (year: number) => Date.UTC(year, month - 1, day);
const easter = (offset: number) => (year: number) => addDays(easterSunday(year), offset);

/** The last weekday (Mon–Fri) of `year`. */
function lastWeekday(year: number): number {
  let date = Date.UTC(year, 11, 31);
  while (isWeekend(date)) date = addDays(date, -1);
  return date;
}

/**
 * B3's recurring closures as data. Weekend dates are listed by the rules but change nothing.
 * - São Paulo's local holidays (Jan 25 city anniversary, Jul 9 state holiday, Nov 20 city holiday
 *   created in 2004) closed B3 until 2021; from 2022 B3 trades on them. In 2020 São Paulo moved Jul 9
 *   and Nov 20 to May (COVID measures) and B3 traded on every one of those days.
 * - Nov 20 (Dia Nacional de Zumbi e da Consciência Negra) is a national holiday from 2024.
 * - B3 holds no session on Dec 24 nor on the last weekday of the year.
 */
export const B3_HOLIDAY_RULES: readonly HolidayRule[] = [
  { name: "Confraternização Universal", on: fixed(1, 1) },
  { name: "Aniversário de São Paulo", on: fixed(1, 25), to: 2021 },
  { name: "Carnaval (segunda-feira)", on: easter(-48) },
  { name: "Carnaval (terça-feira)", on: easter(-47) },
  { name: "Sexta-feira Santa", on: easter(-2) },
  { name: "Tiradentes", on: fixed(4, 21) },
  { name: "Dia do Trabalho", on: fixed(5, 1) },
  { name: "Corpus Christi", on: easter(60) },
  { name: "Revolução Constitucionalista", on: fixed(7, 9), to: 2021, except: [2020] },
  { name: "Independência do Brasil", on: fixed(9, 7) },
  { name: "Nossa Senhora Aparecida", on: fixed(10, 12), from: 1980 },
  { name: "Finados", on: fixed(11, 2) },
  { name: "Proclamação da República", on: fixed(11, 15) },
  { name: "Consciência Negra (São Paulo)", on: fixed(11, 20), from: 2004, to: 2021, except: [2020] },
  { name: "Consciência Negra", on: fixed(11, 20), from: 2024 },
  { name: "Véspera de Natal (sem pregão)", on: fixed(12, 24) },
  { name: "Natal", on: fixed(12, 25) },
  { name: "Último dia útil do ano (sem pregão)", on: lastWeekday },
];

/** One-off closures B3 announced, beyond the recurring rules. */
export const B3_EXCEPTIONAL_CLOSURES: readonly Holiday[] = [
  { date: Date.UTC(2014, 5, 12), name: "Abertura da Copa do Mundo em São Paulo" },
];

function isWeekend(date: number): boolean {
  const weekday = new Date(date).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/**
 * B3's closures in `year` that fall on weekdays, ascending (several rules on one day keep the first
 * name).
 *
 * @example
 * ```ts
 * b3Holidays(2024).map((h) => isoDate(h.date));
 * // => ["2024-01-01", "2024-02-12", "2024-02-13", "2024-03-29", "2024-05-01", "2024-05-30",
 * //     "2024-11-15", "2024-11-20", "2024-12-24", "2024-12-25", "2024-12-31"]
 * ```
 */
export function b3Holidays(year: number): Holiday[] {
  const byDate = new Map<number, string>();
  for (const rule of B3_HOLIDAY_RULES) {
    if ((rule.from !== undefined && year < rule.from) || (rule.to !== undefined && year > rule.to)) continue;
    if (rule.except?.includes(year)) continue;
    const date = rule.on(year);
    if (!isWeekend(date) && !byDate.has(date)) byDate.set(date, rule.name);
  }
  for (const h of B3_EXCEPTIONAL_CLOSURES) {
    if (new Date(h.date).getUTCFullYear() === year && !byDate.has(h.date)) byDate.set(h.date, h.name);
  }
  return [...byDate].map(([date, name]) => ({ date, name })).sort((a, b) => a.date - b.date);
}

/** The B3 holiday on `date` (epoch ms, UTC midnight), or undefined on a trading weekday or a weekend. */
export function b3Holiday(date: number): Holiday | undefined {
  return b3Holidays(new Date(date).getUTCFullYear()).find((h) => h.date === date);
}

/**
 * B3 trading days by the rules alone: weekdays in `[start, end]` (epoch ms, inclusive) that are not
 * B3 holidays, ascending.
 *
 * @example
 * ```ts
 * b3RuleDays(Date.UTC(2024, 1, 9), Date.UTC(2024, 1, 15)).map(isoDate);
 * // => ["2024-02-09", "2024-02-14", "2024-02-15"] (Carnival Monday and Tuesday closed)
 * ```
 */
export function b3RuleDays(start: number, end: number): Float64Array {
  checkDay(start, "start");
  checkDay(end, "end");
  const out: number[] = [];
  let year = NaN, closed = new Set<number>();
  for (let date = start; date <= end; date += DAY_MS) {
    const y = new Date(date).getUTCFullYear();
    if (y !== year) {
      year = y;
      closed = new Set(b3Holidays(y).map((h) => h.date));
    }
    if (!isWeekend(date) && !closed.has(date)) out.push(date);
  }
  return Float64Array.from(out);
}

/** Options of `b3Calendar`. */
export interface B3CalendarOptions {
  /** Extend past the last observed day by the rules, through this date (epoch ms). */
  through?: number;
  /** Start before the first observed day by the rules, from this date (epoch ms). */
  from?: number;
}

/**
 * The B3 calendar to align signals on: the trading days `observed` in the data (ascending epoch ms;
 * they win wherever data exists, so an unannounced closure or an extra session in the past is right),
 * extended by the holiday rules before the first and after the last observed day (`from`, `through`),
 * e.g. so a signal computed on the last day of data becomes available on the next B3 session.
 *
 * @example
 * ```ts
 * const days = b3Calendar(observed, { through: Date.UTC(2025, 0, 10) });
 * validateSignal(signal, { calendar: days });
 * ```
 */
export function b3Calendar(observed: ArrayLike<number>, options: B3CalendarOptions = {}): Float64Array {
  const n = observed.length;
  for (let k = 1; k < n; k++) {
    if (!(observed[k] > observed[k - 1])) {
      throw new RangeError(
        `b3Calendar: observed days must be strictly ascending, found ${isoDate(observed[k])} after ${
          isoDate(observed[k - 1])
        }`,
      );
    }
  }
  const first = n ? observed[0] : options.from ?? NaN;
  const last = n ? observed[n - 1] : NaN;
  const before = n && options.from !== undefined && options.from < first
    ? b3RuleDays(options.from, first - DAY_MS)
    : new Float64Array(0);
  const after = options.through !== undefined
    ? (n
      ? (options.through > last ? b3RuleDays(last + DAY_MS, options.through) : new Float64Array(0))
      : b3RuleDays(first, options.through))
    : new Float64Array(0);
  const out = new Float64Array(before.length + n + after.length);
  out.set(before, 0);
  for (let k = 0; k < n; k++) out[before.length + k] = observed[k];
  out.set(after, before.length + n);
  return out;
}

/** The first day of `calendar` strictly after `date`, or NaN when the calendar ends first. */
export function nextTradingDay(calendar: ArrayLike<number>, date: number): number {
  const k = lowerBound(calendar, date + 1);
  return k < calendar.length ? calendar[k] : NaN;
}

/** Where the data and the rules disagree (see `compareWithRules`). */
export interface CalendarCheck {
  /** Days with data that the rules call a holiday (or a weekend): an extra session or a rule to fix. */
  extra: { date: string; rule: string }[];
  /** Rule trading days without data inside the observed range: an unlisted closure or missing data. */
  missing: string[];
}

/**
 * Compares observed trading days with the rules over the observed range: days traded on a rule
 * holiday or weekend, and rule trading days with no data.
 *
 * @example
 * ```ts
 * compareWithRules(observedDays).missing; // e.g. ["1990-03-16"] (a closure the rules do not list)
 * ```
 */
export function compareWithRules(observed: ArrayLike<number>): CalendarCheck {
  const check: CalendarCheck = { extra: [], missing: [] };
  if (!observed.length) return check;
  const rules = b3RuleDays(observed[0], observed[observed.length - 1]);
  const seen = new Set(Array.from(observed));
  const ruled = new Set(rules);
  for (const date of seen) {
    if (!ruled.has(date)) check.extra.push({ date: isoDate(date), rule: b3Holiday(date)?.name ?? "weekend" });
  }
  for (const date of rules) if (!seen.has(date)) check.missing.push(isoDate(date));
  return check;
}

function checkDay(ms: number, what: string): void {
  if (!Number.isFinite(ms) || ms % DAY_MS !== 0) {
    throw new RangeError(`b3 calendar: ${what} must be epoch ms at UTC midnight, found ${ms}`);
  }
}
