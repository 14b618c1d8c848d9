/**
 * Small-cap momentum: 12-1 momentum inside the small caps only (momentum is stronger among small,
 * less covered names: Hong, Lim & Stein 2000). Each date the universe is the names whose market cap is
 * in the bottom `size_quantile` of the cross-section; the strategy holds the top N of them by momentum.
 */
import { field, type Panel } from "../lib/panel/types.ts";
import { matrixSignal } from "../lib/strategy/construct.ts";
import { momentumScore } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "small_cap_momentum";
export const title = "Small-cap momentum, top N among the smallest names";
export const description =
  "Long the N names with the highest 12-1 momentum among those in the bottom size quantile by market cap.";
export const category: Category = "factor";
export const schedule = "monthly";
export const params: ParamSchema = {
  size_quantile: {
    type: "number",
    min: 0.05,
    max: 1,
    step: 0.05,
    default: 0.3,
    description: "share of the cross-section, smallest first, that forms the universe",
  },
  lookback: { type: "integer", min: 42, max: 756, default: 252, description: "formation window in bars" },
  skip: { type: "integer", min: 0, max: 63, default: 21, description: "most recent bars left out" },
  top_n: { type: "integer", min: 1, max: 2000, default: 30, description: "names held" },
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const T = data.dates.length, N = data.securityIds.length;
  const mcap = field(data, "mcap");
  const score = momentumScore(data, p.lookback as number, p.skip as number);
  const caps = new Float64Array(N);
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let i = 0; i < N; i++) {
      if (mcap[t * N + i] > 0 && Number.isFinite(score[t * N + i])) caps[n++] = mcap[t * N + i];
    }
    if (n === 0) continue;
    const sorted = caps.subarray(0, n).sort();
    const cutoff = sorted[Math.max(0, Math.ceil(n * (p.size_quantile as number)) - 1)];
    for (let i = 0; i < N; i++) if (!(mcap[t * N + i] <= cutoff)) score[t * N + i] = NaN;
  }
  return { signal: matrixSignal(data, score, name), construction: { method: "top_n", n: p.top_n as number } };
}
