// checkReturns() and allMetrics(): nonsense return series are refused or warned about with the reason
// (issue 8, item 11). Thresholds: below -1, ±Infinity, all ≥ 0 with median ≥ 1 (prices) are errors;
// annualised volatility > 300%, no deviation and < one year are warnings.

import { deepEqual, equal, match, throws } from "node:assert/strict";
import { allMetrics, checkReturns } from "../lib/metrics/mod.ts";

Deno.test("checkReturns() names the first offending row and date", () => {
  const dates = [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 4)];
  const { errors } = checkReturns([0.01, -1.2, Infinity], { dates, firstRow: 1, rowLabel: "row" });
  deepEqual(errors, [
    "row 3 (2024-01-04): ret = Infinity is not a finite number",
    "row 2 (2024-01-03): ret = -1.2 is below -1 (a simple return cannot lose more than 100%)",
  ]);
});

Deno.test("checkReturns() tells prices and percent units from returns", () => {
  match(checkReturns([101, 102, 103, 102.5]).errors[0], /median is 102\.25: this looks like a price series/);
  // daily returns in percent: std 1.3 ⇒ 1.3 · sqrt(252) ≈ 20.6 = 2064% a year
  const percent = checkReturns([1.2, -0.8, 0.4, -1.0, 2.1, 0.3], { periodsPerYear: 252 });
  deepEqual(percent.errors, []);
  match(percent.warnings[0], /annualised volatility \d+\.\d% is implausible .*percent units: divide by 100/);
  // the same series as fractions is fine apart from its length
  const fractions = checkReturns([0.012, -0.008, 0.004, -0.01, 0.021, 0.003]);
  deepEqual(fractions.errors, []);
  equal(fractions.warnings.length, 1);
  match(fractions.warnings[0], /only 6 periods/);
});

Deno.test("checkReturns() warns about a constant series and a single row", () => {
  const flat = checkReturns(new Array(300).fill(0.001));
  deepEqual(flat.warnings, [
    "the returns have no deviation: Sharpe, Sortino and the information ratio are ±Infinity or NaN",
  ]);
  match(checkReturns([0.01]).warnings[0], /only 1 period \(less than one year at 252 per year\)/);
  deepEqual(checkReturns([]), { errors: [], warnings: [] });
});

Deno.test("allMetrics() refuses what checkReturns() calls an error, in returns and benchmark", () => {
  throws(() => allMetrics([0.01, -1.5]), /returns: position 1: ret = -1\.5 is below -1/);
  throws(() => allMetrics([0.01, 0.02], { benchmark: [1400, 1410] }), /benchmark: every value is ≥ 0/);
  equal(allMetrics([0.01, -0.02]).n_periods, 2);
});
