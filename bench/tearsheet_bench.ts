// The returns tear sheet of 10 years of daily returns with a benchmark (issue 10: < 1 s), its numbers
// alone, and the suite tear sheet of the test fixture with the returns sections.
// Run: deno bench -A bench/tearsheet_bench.ts

import { returnsReport, returnsTearsheet } from "../lib/report/returns_tearsheet.ts";
import { tearsheet } from "../lib/report/tearsheet.ts";
import { universeBenchmark } from "../lib/pipeline/suite_file.ts";
import { createRng } from "../lib/util/rng.ts";
import { reportSuite } from "../tests/fixtures/report_suite.ts";

const DAY = 86_400_000;
const n = 2520;
const rng = createRng(7);
const benchmark = Float64Array.from({ length: n }, () => 0.0003 + 0.011 * rng.normal());
const returns = benchmark.map((b) => 0.0002 + 0.6 * b + 0.008 * rng.normal());
const dates = Float64Array.from(
  { length: n },
  (_, t) => Date.UTC(2015, 0, 5) + (Math.floor(t / 5) * 7 + (t % 5)) * DAY,
);

Deno.bench("returnsReport 10y daily + benchmark (numbers only)", { group: "returns 10y" }, () => {
  returnsReport({ dates, returns, benchmark });
});
Deno.bench("returnsTearsheet 10y daily + benchmark (page)", { group: "returns 10y", baseline: true }, () => {
  returnsTearsheet(returnsReport({ dates, returns, benchmark }));
});

const { suite, panel } = await reportSuite();
const context = {
  run_id: "bench",
  snapshot_id: "fixture",
  snapshot_hash: "0".repeat(64),
  git_sha: "0".repeat(40),
  created_at: "2026-12-02T00:00:00.000Z",
  signal_name: "fixture",
  benchmark: universeBenchmark(panel),
};
Deno.bench(`suite tearsheet (fixture, ${suite.signal.best.result.daily.date.length} days)`, () => {
  tearsheet(suite, context);
});
