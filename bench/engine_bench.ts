/**
 * Engine benchmarks on random panels (seeded): one backtest over 500 × 2520, and six variants
 * (lag 0/1/2 × residualize off/industry) over 500 × 2520 and 3000 × 2520, each from a loaded panel
 * and a dense known-signal matrix. Targets: < 150 ms, < 1 s, < 6 s.
 *
 *   deno bench -A bench/engine_bench.ts
 */
import { createBacktester } from "../lib/engine/backtest.ts";
import type { Panel } from "../lib/panel/types.ts";
import { randomCase } from "./_cases.ts";

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
