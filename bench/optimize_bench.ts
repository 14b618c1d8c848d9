/**
 * Optimisation and construction benchmarks (targets from issue 13):
 * - a 400-trial grid of the cross-sectional backtest (lag × fractile × weights × costs) on the
 *   default synthetic universe, 500 × 2520, with 2 workers (target < 10 s);
 * - a 10-window walk-forward of a 100-point grid on the same panel, 2 workers (target < 20 s);
 * - HRP and ERC weights of 500 streams × 2,520 days, covariance included, one thread (< 300 ms each).
 *
 *   deno bench -A bench/optimize_bench.ts        (or deno run -A bench/medians.ts bench/optimize_bench.ts)
 */
import { runSearch } from "../lib/optimize/search.ts";
import { runWalkForward } from "../lib/optimize/walk_forward.ts";
import { covarianceEstimate, ercWeights, hrpWeights, rowRange } from "../lib/portfolio/construct/mod.ts";
import { constructionCase } from "./construct_case.ts";
import { GRID_100, GRID_400, searchCase } from "./optimize_grids.ts";

const source = await searchCase();

Deno.bench({
  name: "grid search, 400 trials, 500 × 2520, 2 workers",
  group: "search",
  n: 3,
  warmup: 0,
  async fn() {
    const result = await runSearch(source, { space: GRID_400, workers: 2 });
    if (result.trials.length !== 400) throw new Error("expected 400 trials");
  },
});

Deno.bench({
  name: "walk-forward, 10 windows × 100 trials, 500 × 2520, 2 workers",
  group: "search",
  n: 3,
  warmup: 0,
  async fn() {
    const wf = await runWalkForward(source, {
      space: GRID_100,
      windows: { inSample: 756, outOfSample: 176, partial: false },
      workers: 2,
    });
    if (wf.steps.length !== 10) throw new Error(`expected 10 windows, found ${wf.steps.length}`);
  },
});

const { returns, streams, bars } = constructionCase();
const columns = Int32Array.from({ length: streams }, (_, i) => i);
for (const [name, method] of [["HRP", hrpWeights], ["ERC", ercWeights]] as const) {
  Deno.bench({
    name: `${name}, 500 streams × 2520 days (covariance included), 1 thread`,
    group: "construction",
    n: 10,
    warmup: 2,
    fn() {
      method(covarianceEstimate(returns, streams, columns, rowRange(0, bars)));
    },
  });
}
