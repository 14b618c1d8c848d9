/**
 * Engine benchmarks on random panels (seeded): one backtest over 500 × 2520, and six variants
 * (lag 0/1/2 × residualize off/industry) over 500 × 2520 and 3000 × 2520, each from a loaded panel
 * and a dense known-signal matrix. Targets: < 150 ms, < 1 s, < 6 s.
 *
 *   deno bench -A bench/engine_bench.ts
 */
import { createBacktester } from "../lib/engine/backtest.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import type { Panel } from "../lib/panel/types.ts";
import { createRng } from "../lib/util/rng.ts";

/**
 * A random daily panel with ret, mcap, value, beta and 10 industries, and a known-signal matrix
 * weakly predictive of the next day's return, with 5% of cells missing in each.
 */
function randomCase(nT: number, nS: number, seed: number): { panel: Panel; known: Float64Array } {
  const rng = createRng(seed);
  const cells = nT * nS;
  const ret = new Float64Array(cells), mcap = new Float64Array(cells);
  const value = new Float64Array(cells), beta = new Float64Array(cells), known = new Float64Array(cells);
  for (let c = 0; c < cells; c++) {
    ret[c] = rng.uniform() < 0.05 ? NaN : 0.02 * rng.normal();
    mcap[c] = Math.exp(22 + 1.5 * rng.normal());
    value[c] = rng.normal();
    beta[c] = 1 + 0.3 * rng.normal();
  }
  for (let c = 0; c < cells; c++) {
    const next = c + nS < cells ? ret[c + nS] : NaN;
    known[c] = rng.uniform() < 0.05 ? NaN : (Number.isFinite(next) ? next / 0.02 : 0) * 0.1 + rng.normal();
  }
  const day = 86_400_000;
  const panel = makePanel({
    dates: Array.from({ length: nT }, (_, t) => Date.UTC(2010, 0, 4) + t * day),
    securityIds: Array.from({ length: nS }, (_, i) => `S${String(i).padStart(5, "0")}`),
    industries: Array.from({ length: nS }, (_, i) => `IND${i % 10}`),
    fields: { ret, mcap, value, beta },
  });
  return { panel, known };
}

const small = randomCase(2520, 500, 1);
const large = randomCase(2520, 3000, 2);

function sixVariants(panel: Panel, known: Float64Array): void {
  const bt = createBacktester(panel, { known });
  for (const residualize of ["off", "industry"] as const) {
    for (const lag of [0, 1, 2]) bt.run({ lag, residualize });
  }
}

Deno.bench({
  name: "backtest 500 × 2520, one run (target < 150 ms)",
  n: 20,
  warmup: 3,
  fn: () => {
    createBacktester(small.panel, { known: small.known }).run();
  },
});

Deno.bench({
  name: "backtest 500 × 2520, 6 variants lag {0,1,2} × residualize {off,industry} (target < 1 s)",
  n: 8,
  warmup: 2,
  fn: () => sixVariants(small.panel, small.known),
});

Deno.bench({
  name: "backtest 3000 × 2520, 6 variants (target < 6 s)",
  n: 3,
  warmup: 1,
  fn: () => sixVariants(large.panel, large.known),
});
