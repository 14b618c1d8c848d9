/**
 * Factor analysis benchmarks on random panels (seeded): the full `analyzeFactor` (periods 1, 5, 10;
 * 5 quantiles; by industry; event study) over 500 × 2520 and 3000 × 2520, from a loaded panel and a
 * dense factor matrix. Targets (issue 9): < 1 s and < 5 s. Side-by-side ratios against a pandas
 * re-implementation of Alphalens' steps: `deno run -A bench/factor_vs_pandas.ts`.
 *
 *   deno bench -A bench/factor_bench.ts
 */
import { analyzeFactor } from "../lib/factor/analyze.ts";
import { factorCase } from "./factor_case.ts";

const OPTIONS = { periods: [1, 5, 10], quantiles: 5, groupBy: "industry" } as const;

const small = factorCase(2520, 500, 1);
Deno.bench("analyzeFactor 500 × 2520 (periods 1, 5, 10; 5 quantiles; by industry)", () => {
  analyzeFactor(small.panel, { known: small.known }, OPTIONS);
});
const large = factorCase(2520, 3000, 2);
Deno.bench("analyzeFactor 3000 × 2520 (periods 1, 5, 10; 5 quantiles; by industry)", () => {
  analyzeFactor(large.panel, { known: large.known }, OPTIONS);
});
