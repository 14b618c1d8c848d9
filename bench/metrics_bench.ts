// allMetrics() on 10 and 100 years of daily returns (with a benchmark), plus the heavier series metrics.
// Run: deno bench -A bench/metrics_bench.ts

import { allMetrics, bootstrap, drawdownTable, rollingSharpe } from "../lib/metrics/mod.ts";
import { createRng } from "../lib/util/rng.ts";

function series(n: number, seed: number): { ret: Float64Array; bench: Float64Array } {
  const rng = createRng(seed);
  const ret = new Float64Array(n);
  const bench = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    bench[t] = 0.0003 + 0.01 * rng.normal();
    ret[t] = 0.0002 + 0.8 * bench[t] + 0.006 * rng.studentT(5);
  }
  return { ret, bench };
}

for (const n of [2520, 25200]) {
  const { ret, bench } = series(n, 42);
  Deno.bench(`allMetrics ${n} returns`, { group: `allMetrics ${n}`, baseline: true }, () => {
    allMetrics(ret, { periodsPerYear: 252, riskFree: 0.0001 });
  });
  Deno.bench(`allMetrics ${n} returns + benchmark`, { group: `allMetrics ${n}` }, () => {
    allMetrics(ret, { periodsPerYear: 252, riskFree: 0.0001, benchmark: bench });
  });
  Deno.bench(`drawdownTable ${n} returns`, () => {
    drawdownTable(ret, 5);
  });
  Deno.bench(`rollingSharpe ${n} returns, window 252`, () => {
    rollingSharpe(ret, 252, 0, 252);
  });
}

const { ret } = series(2520, 7);
Deno.bench("bootstrap 2520 returns × 1000 paths", () => {
  bootstrap(ret, { seed: 1, samples: 1000 });
});
