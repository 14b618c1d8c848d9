/**
 * Exchange calendars: B3's holidays as data (fixed dates, the Easter-based Carnival, Good Friday and
 * Corpus Christi, São Paulo's local holidays until 2021, Nov 20 from 2024, one-off closures), and the
 * trading calendar that signals align on — the days seen in the data, extended by the rules.
 *
 * @example
 * ```ts
 * import { b3Calendar, b3Holidays } from "./mod.ts";
 * b3Holidays(2025).length; // => 11 weekday closures
 * const days = b3Calendar(observedDays, { through: Date.UTC(2025, 11, 31) });
 * ```
 * @module
 */
export {
  B3_EXCEPTIONAL_CLOSURES,
  B3_HOLIDAY_RULES,
  b3Calendar,
  type B3CalendarOptions,
  b3Holiday,
  b3Holidays,
  b3RuleDays,
  type CalendarCheck,
  compareWithRules,
  type Holiday,
  type HolidayRule,
  nextTradingDay,
} from "./b3.ts";
export { addDays, easterSunday } from "./easter.ts";
