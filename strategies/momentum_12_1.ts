/**
 * Momentum 12-1 (Jegadeesh & Titman 1993): each date, the score is the return from the close 12
 * months ago to the close 1 month ago; the strategy holds the top N names, equal weight. A factor
 * strategy: it returns its score as a signal in the signal contract.
 */
import type { Panel } from "../lib/panel/types.ts";
import { matrixSignal } from "../lib/strategy/construct.ts";
import { momentumScore } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "momentum_12_1";
export const title = "Momentum 12-1, top N";
export const description =
  "Long the N names with the highest return over the past 12 months skipping the latest month, equal weight.";
export const category: Category = "factor";
export const schedule = "monthly";
export const params: ParamSchema = {
  lookback: {
    type: "integer",
    min: 42,
    max: 756,
    default: 252,
    description: "formation window in bars (12 months)",
  },
  skip: { type: "integer", min: 0, max: 63, default: 21, description: "most recent bars left out (1 month)" },
  top_n: { type: "integer", min: 1, max: 2000, default: 50, description: "names held" },
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const score = momentumScore(data, p.lookback as number, p.skip as number);
  return { signal: matrixSignal(data, score, name), construction: { method: "top_n", n: p.top_n as number } };
}
