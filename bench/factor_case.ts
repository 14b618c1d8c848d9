/**
 * The random factor case shared by the factor benchmarks (not a bench file itself).
 */
import { makePanel } from "../lib/panel/make_panel.ts";
import type { Panel } from "../lib/panel/types.ts";
import { createRng } from "../lib/util/rng.ts";

/**
 * A random daily panel with adjusted closes (2% daily moves, 3% of cells missing) over 10
 * industries, and a factor weakly predictive of the next 5 days' return (5% missing).
 */
export function factorCase(nT: number, nS: number, seed: number): { panel: Panel; known: Float64Array } {
  const rng = createRng(seed);
  const cells = nT * nS;
  const close = new Float64Array(cells), ret = new Float64Array(cells), known = new Float64Array(cells);
  for (let i = 0; i < nS; i++) {
    let level = 50 + 50 * rng.uniform();
    for (let t = 0; t < nT; t++) {
      const r = 0.02 * rng.normal();
      level *= 1 + r;
      close[t * nS + i] = rng.uniform() < 0.03 ? NaN : level;
      ret[t * nS + i] = r;
    }
  }
  for (let c = 0; c < cells; c++) {
    let future = 0;
    for (let k = 1; k <= 5 && c + k * nS < cells; k++) future += ret[c + k * nS];
    known[c] = rng.uniform() < 0.05 ? NaN : future / 0.045 * 0.05 + rng.normal();
  }
  const day = 86_400_000;
  const panel = makePanel({
    dates: Array.from({ length: nT }, (_, t) => Date.UTC(2010, 0, 4) + t * day),
    securityIds: Array.from({ length: nS }, (_, i) => `S${String(i).padStart(5, "0")}`),
    industries: Array.from({ length: nS }, (_, i) => `IND${i % 10}`),
    fields: { adj_close: close },
  });
  return { panel, known };
}
