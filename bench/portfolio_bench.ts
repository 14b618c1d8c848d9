/**
 * Portfolio simulator benchmarks (`portfolio_case.ts`): 500 names × 2,520 days with the Brazilian tax
 * model, rebalanced daily (≈ 1.2 M position-days, ≈ 1.2 M fills) and monthly. Targets: ≤ 150 ms and
 * ≤ 50 ms. The side-by-side numba reference is `portfolio_reference.ts`.
 *
 *   deno bench -A bench/portfolio_bench.ts
 *   deno run -A bench/medians.ts bench/portfolio_bench.ts --runs 9
 */
import { simulatePortfolio } from "../lib/portfolio/mod.ts";
import { portfolioCase, SETTINGS } from "./portfolio_case.ts";

const { market, weights } = portfolioCase();

for (const schedule of ["daily", "monthly"] as const) {
  Deno.bench({
    name: `simulate 500 × 2520, ${schedule}, brazil tax (target ≤ ${schedule === "daily" ? 150 : 50} ms)`,
    n: 10,
    warmup: 2,
    fn: () => {
      simulatePortfolio(market, weights, { ...SETTINGS, schedule });
    },
  });
}
