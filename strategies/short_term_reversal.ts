/**
 * Short-term reversal (Jegadeesh 1990; Lehmann 1990): last week's losers bounce. Holds the N names
 * with the lowest return over the past `lookback` bars; with `long_short`, also shorts the N biggest
 * winners (a dollar-neutral book, 100% long and 100% short).
 */
import type { Panel } from "../lib/panel/types.ts";
import { matrixSignal } from "../lib/strategy/construct.ts";
import { momentumScore } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "short_term_reversal";
export const title = "Short-term reversal: buy last week's losers";
export const description =
  "Long the N names with the lowest return over the past week (optionally short the N biggest winners).";
export const category: Category = "reversal";
export const schedule = "weekly";
export const params: ParamSchema = {
  lookback: { type: "integer", min: 1, max: 63, default: 5, description: "return window in bars" },
  top_n: { type: "integer", min: 1, max: 2000, default: 50, description: "names in each leg" },
  long_short: { type: "boolean", default: false, description: "also short the biggest winners" },
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const score = momentumScore(data, p.lookback as number, 0).map((r) => -r);
  return {
    signal: matrixSignal(data, score, name),
    construction: { method: "top_n", n: p.top_n as number, long: 1, short: p.long_short ? 1 : 0 },
  };
}
