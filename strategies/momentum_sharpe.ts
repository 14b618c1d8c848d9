/**
 * Risk-adjusted momentum: the 12-1 return divided by the volatility of the daily returns over the
 * same window (a momentum Sharpe ratio); holds the top N, equal weight.
 */
import type { Panel } from "../lib/panel/types.ts";
import { matrixSignal } from "../lib/strategy/construct.ts";
import { momentumScore, trailingVolatility } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "momentum_sharpe";
export const title = "Momentum Sharpe (return / volatility), top N";
export const description =
  "Long the N names with the highest 12-1 return per unit of volatility over the same window, equal weight.";
export const category: Category = "factor";
export const schedule = "monthly";
export const params: ParamSchema = {
  lookback: { type: "integer", min: 42, max: 756, default: 252, description: "formation window in bars" },
  skip: { type: "integer", min: 0, max: 63, default: 21, description: "most recent bars left out" },
  top_n: { type: "integer", min: 1, max: 2000, default: 50, description: "names held" },
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const [lookback, skip] = [p.lookback as number, p.skip as number];
  const ret = momentumScore(data, lookback, skip);
  const vol = trailingVolatility(data, lookback - skip, skip);
  const score = ret.map((r, c) => (vol[c] > 0 ? r / vol[c] : NaN));
  return { signal: matrixSignal(data, score, name), construction: { method: "top_n", n: p.top_n as number } };
}
