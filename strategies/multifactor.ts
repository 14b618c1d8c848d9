/**
 * Multifactor: a blend of cross-sectional z-scores of 12-1 momentum, value (the panel's value
 * descriptor, book-to-price-like) and low volatility (minus trailing volatility), weighted by the
 * parameters; holds the top N by the blended score, equal weight. A name needs all three factors.
 */
import { field, type Panel } from "../lib/panel/types.ts";
import { crossSectionalZscore, matrixSignal } from "../lib/strategy/construct.ts";
import { maskUnpriced, momentumScore, trailingVolatility } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "multifactor";
export const title = "Multifactor: momentum + value + low volatility z-score blend";
export const description =
  "Long the N names with the highest weighted blend of cross-sectional z-scores of momentum, value and low volatility.";
export const category: Category = "factor";
export const schedule = "monthly";
export const params: ParamSchema = {
  w_momentum: {
    type: "number",
    min: 0,
    max: 1,
    default: 1 / 3,
    description: "weight of the momentum z-score",
  },
  w_value: { type: "number", min: 0, max: 1, default: 1 / 3, description: "weight of the value z-score" },
  w_low_vol: {
    type: "number",
    min: 0,
    max: 1,
    default: 1 / 3,
    description: "weight of the low-volatility z-score",
  },
  vol_window: { type: "integer", min: 20, max: 756, default: 252, description: "volatility window in bars" },
  top_n: { type: "integer", min: 1, max: 2000, default: 50, description: "names held" },
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const T = data.dates.length, N = data.securityIds.length;
  const momentum = crossSectionalZscore(momentumScore(data, 252, 21), T, N);
  const value = crossSectionalZscore(maskUnpriced(data, Float64Array.from(field(data, "value"))), T, N);
  const lowVol = crossSectionalZscore(trailingVolatility(data, p.vol_window as number).map((v) => -v), T, N);
  const [wm, wv, wl] = [p.w_momentum as number, p.w_value as number, p.w_low_vol as number];
  if (wm + wv + wl <= 0) throw new RangeError(`${name}: the factor weights sum to 0`);
  const score = momentum.map((m, c) => wm * m + wv * value[c] + wl * lowVol[c]);
  return { signal: matrixSignal(data, score, name), construction: { method: "top_n", n: p.top_n as number } };
}
