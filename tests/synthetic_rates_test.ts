import { deepEqual, equal, ok } from "node:assert/strict";
import { assertAlmostEquals } from "./_assert.ts";
import { syntheticCalendar } from "../lib/ingest/calendar.ts";
import { DEFAULT_RATES, syntheticRates } from "../lib/ingest/synthetic_rates.ts";

/** The demo calendar: 2,520 trading days from 2010-01-04. */
const calendar = syntheticCalendar("2010-01-04", 2520);

Deno.test("syntheticRates: a seeded policy rate that moves at meetings in 25–75 bp steps, with the CDI below it", () => {
  const { series, series_info } = syntheticRates(calendar);
  deepEqual(series_info.map((s) => [s.series_id, s.unit]), [["CDI", "percent_per_day"], [
    "SELIC",
    "percent_per_year",
  ]]);
  const n = calendar.length;
  const cdi = series.value.subarray(0, n), selic = series.value.subarray(n);
  equal(selic[0], DEFAULT_RATES.start);
  let easing = 0, tightening = 0;
  for (let t = 1; t < n; t++) {
    const move = Math.round((selic[t] - selic[t - 1]) * 100);
    if (move !== 0) {
      equal(t % DEFAULT_RATES.meetingGap, 0, `a move on day ${t} that is not a meeting`);
      ok([25, 50, 75].includes(Math.abs(move)), `a ${move} bp move`);
      if (move < 0) easing++;
      else tightening++;
    }
    ok(selic[t] >= DEFAULT_RATES.floor && selic[t] <= DEFAULT_RATES.cap);
  }
  ok(easing >= 5 && tightening >= 5, `both cuts (${easing}) and hikes (${tightening}) over ten years`);
  // The CDI is the target minus 0.10 pp, as a daily rate on a 252-business-day basis (BCB series 12's unit).
  for (const t of [0, 1000, n - 1]) {
    assertAlmostEquals(cdi[t], ((1 + (selic[t] - 0.1) / 100) ** (1 / 252) - 1) * 100, 1e-15);
  }
  assertAlmostEquals(cdi[0], 0.0330, 1e-4); // (1.0865)^(1/252) − 1 = 0.0329…% a day
  deepEqual(syntheticRates(calendar).series.value, series.value, "same seed, same path");
  ok(
    syntheticRates(calendar, { seed: 8 }).series.value.some((v, k) => v !== series.value[k]),
    "another seed, another path",
  );
});
