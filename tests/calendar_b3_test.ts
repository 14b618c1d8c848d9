import { deepEqual, equal, throws } from "node:assert/strict";
import {
  b3Calendar,
  b3Holiday,
  b3Holidays,
  b3RuleDays,
  compareWithRules,
  easterSunday,
  nextTradingDay,
} from "../lib/calendar/mod.ts";
import { isoDate, parseIsoDate } from "../lib/panel/types.ts";
import { validate } from "../lib/signal/validate.ts";

const days = (...iso: string[]) => Float64Array.from(iso, parseIsoDate);
const holidays = (year: number) => b3Holidays(year).map((h) => isoDate(h.date));

Deno.test("easterSunday() matches the published Easter dates", () => {
  // Gregorian Easter Sundays as tabulated by J. Meeus, Astronomical Algorithms (ch. 8) and by
  // every church calendar: 1986-03-30, 2000-04-23, 2019-04-21, 2024-03-31, 2025-04-20, 2038-04-25.
  const expected = ["1986-03-30", "2000-04-23", "2019-04-21", "2024-03-31", "2025-04-20", "2038-04-25"];
  deepEqual(expected.map((d) => isoDate(easterSunday(Number(d.slice(0, 4))))), expected);
  throws(() => easterSunday(1500), /year must be an integer ≥ 1583, found 1500/);
});

Deno.test("b3Holidays() lists B3's weekday closures", async (t) => {
  await t.step("2024 and 2025: B3's published trading calendars (Nov 20 national from 2024)", () => {
    // B3 "Calendário de negociação" 2024: Jan 1, Carnival Feb 12–13, Good Friday Mar 29, May 1,
    // Corpus Christi May 30, Nov 15, Nov 20, Dec 24, Dec 25, Dec 31 (Apr 21, Sep 7, Oct 12, Nov 2 fell on
    // weekends).
    deepEqual(holidays(2024), [
      "2024-01-01",
      "2024-02-12",
      "2024-02-13",
      "2024-03-29",
      "2024-05-01",
      "2024-05-30",
      "2024-11-15",
      "2024-11-20",
      "2024-12-24",
      "2024-12-25",
      "2024-12-31",
    ]);
    // 2025: Carnival Mar 3–4, Good Friday Apr 18, Tiradentes Apr 21, Corpus Christi Jun 19.
    deepEqual(holidays(2025), [
      "2025-01-01",
      "2025-03-03",
      "2025-03-04",
      "2025-04-18",
      "2025-04-21",
      "2025-05-01",
      "2025-06-19",
      "2025-11-20",
      "2025-12-24",
      "2025-12-25",
      "2025-12-31",
    ]);
  });
  await t.step("São Paulo's Jan 25 / Jul 9 / Nov 20 until 2021, and the 2014 World Cup opening", () => {
    // 2014: Jul 9 and Nov 20 closed (São Paulo), Jun 12 closed for the World Cup opening match.
    deepEqual(holidays(2014), [
      "2014-01-01",
      "2014-03-03",
      "2014-03-04",
      "2014-04-18",
      "2014-04-21",
      "2014-05-01",
      "2014-06-12",
      "2014-06-19",
      "2014-07-09",
      "2014-11-20",
      "2014-12-24",
      "2014-12-25",
      "2014-12-31",
    ]);
    equal(b3Holiday(parseIsoDate("2021-01-25"))?.name, "Aniversário de São Paulo");
    equal(b3Holiday(parseIsoDate("2022-01-25")), undefined, "B3 trades on Jan 25 from 2022");
    equal(b3Holiday(parseIsoDate("2023-11-20")), undefined, "B3 traded on Nov 20, 2023");
  });
  await t.step("2020: Jul 9 and Nov 20 moved by São Paulo (COVID), B3 traded on both", () => {
    equal(b3Holiday(parseIsoDate("2020-07-09")), undefined);
    equal(b3Holiday(parseIsoDate("2020-11-20")), undefined);
    equal(b3Holiday(parseIsoDate("2020-06-11"))?.name, "Corpus Christi");
  });
  await t.step("no session on the last weekday of the year", () => {
    // Dec 31, 2022 was a Saturday: B3 closed Friday Dec 30; Dec 31, 2023 a Sunday: closed Dec 29.
    equal(b3Holiday(parseIsoDate("2022-12-30"))?.name, "Último dia útil do ano (sem pregão)");
    equal(b3Holiday(parseIsoDate("2023-12-29"))?.name, "Último dia útil do ano (sem pregão)");
    equal(b3Holiday(parseIsoDate("2023-12-28")), undefined);
  });
});

Deno.test("b3RuleDays() is weekdays minus holidays", () => {
  deepEqual(
    Array.from(b3RuleDays(parseIsoDate("2024-02-08"), parseIsoDate("2024-02-15")), isoDate),
    ["2024-02-08", "2024-02-09", "2024-02-14", "2024-02-15"],
  );
  // 2024: 262 weekdays − 11 weekday closures = 251 sessions (B3's 2024 calendar).
  equal(b3RuleDays(parseIsoDate("2024-01-01"), parseIsoDate("2024-12-31")).length, 251);
  throws(() => b3RuleDays(0.5, 1), /start must be epoch ms at UTC midnight/);
});

Deno.test("b3Calendar() keeps the observed days and extends them by the rules", () => {
  // Observed: an unannounced closure on 2024-12-27 (missing) is kept as the data says.
  const observed = days("2024-12-23", "2024-12-26", "2024-12-30");
  const calendar = b3Calendar(observed, {
    from: parseIsoDate("2024-12-19"),
    through: parseIsoDate("2025-01-03"),
  });
  deepEqual(Array.from(calendar, isoDate), [
    "2024-12-19",
    "2024-12-20",
    "2024-12-23",
    "2024-12-26",
    "2024-12-30",
    "2025-01-02",
    "2025-01-03",
  ]);
  equal(isoDate(nextTradingDay(calendar, parseIsoDate("2024-12-30"))), "2025-01-02");
  equal(nextTradingDay(calendar, parseIsoDate("2025-01-03")), NaN);
  throws(
    () => b3Calendar(days("2024-01-03", "2024-01-02")),
    /strictly ascending, found 2024-01-02 after 2024-01-03/,
  );
});

Deno.test("compareWithRules() names data on holidays and rule days without data", () => {
  const check = compareWithRules(days("2024-02-09", "2024-02-12", "2024-02-15"));
  deepEqual(check.extra, [{ date: "2024-02-12", rule: "Carnaval (segunda-feira)" }]);
  deepEqual(check.missing, ["2024-02-14"]);
});

Deno.test("b3Calendar() is the calendar signals are validated and aligned on", () => {
  // Data up to Fri 2024-02-09; the rules extend it past Carnival (Feb 12–13 closed).
  const calendar = b3Calendar(days("2024-02-07", "2024-02-08", "2024-02-09"), {
    through: parseIsoDate("2024-02-16"),
  });
  const signal = {
    security_id: ["BRPETRACNPR6", "BRPETRACNPR6"],
    date_sig: days("2024-02-09", "2024-02-13"),
    signal: Float64Array.of(1, 2),
  };
  const result = validate(signal, { calendar, securityIds: ["BRPETRACNPR6"] });
  deepEqual(
    result.problems.map((p) => [p.row, p.kind]),
    [[2, "not_trading_day"]],
    "a signal dated Carnival Tuesday is flagged; the Friday one is fine",
  );
  // Computed on the last day of data, a value is known at its close and first held on the next B3
  // session (alignKnown: held on day k + 1): Wednesday 2024-02-14, not the Carnival Monday.
  equal(isoDate(nextTradingDay(calendar, parseIsoDate("2024-02-09"))), "2024-02-14");
});
