/**
 * Low volatility (the low-risk anomaly: Ang, Hodrick, Xing & Zhang 2006; Baker, Bradley & Wurgler
 * 2011): holds the N names with the lowest trailing volatility of daily returns, equal weight.
 */
import type { Panel } from "../lib/panel/types.ts";
import { matrixSignal } from "../lib/strategy/construct.ts";
import { trailingVolatility } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "low_volatility";
export const title = "Low volatility, bottom N by trailing volatility";
export const description =
  "Long the N names with the lowest trailing volatility of daily returns, equal weight.";
export const category: Category = "factor";
export const schedule = "monthly";
export const params: ParamSchema = {
  window: { type: "integer", min: 20, max: 756, default: 252, description: "volatility window in bars" },
  top_n: { type: "integer", min: 1, max: 2000, default: 50, description: "names held" },
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const vol = trailingVolatility(data, p.window as number);
  const score = vol.map((v) => -v); // the lowest volatility ranks first
  return { signal: matrixSignal(data, score, name), construction: { method: "top_n", n: p.top_n as number } };
}
