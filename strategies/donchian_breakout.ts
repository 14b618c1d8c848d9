/**
 * Donchian channel breakout (the Turtle rule), per name: go long when the adjusted close exceeds the
 * highest adjusted high of the previous `entry_n` bars, exit when it falls below the lowest adjusted
 * low of the previous `exit_n` bars. Sized as in `ma_crossover`.
 */
import { donchian } from "../lib/indicators/bands.ts";
import { bySecurityOf } from "../lib/indicators/by_security.ts";
import { field, type Panel } from "../lib/panel/types.ts";
import { ruleWeights, type Sizing, SIZING_PARAM } from "../lib/strategy/construct.ts";
import { adjustedHighLow } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "donchian_breakout";
export const title = "Donchian channel breakout";
export const description =
  "Long a name when it closes above its previous N-bar high, out when it closes below its previous M-bar low.";
export const category: Category = "breakout";
export const schedule = "daily";
export const params: ParamSchema = {
  entry_n: { type: "integer", min: 5, max: 250, default: 55, description: "breakout channel in bars" },
  exit_n: { type: "integer", min: 2, max: 250, default: 20, description: "exit channel in bars" },
  sizing: SIZING_PARAM,
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const T = data.dates.length, N = data.securityIds.length;
  const close = field(data, "adj_close");
  const { high, low } = adjustedHighLow(data);
  const upper = bySecurityOf([high, low], T, N, ([h, l]) => donchian(h, l, p.entry_n as number).upper);
  const lower = bySecurityOf([high, low], T, N, ([h, l]) => donchian(h, l, p.exit_n as number).lower);
  // The channel of the previous bars: row t − 1 of the channel (which includes bar t − 1).
  const prior = (m: Float64Array, t: number, i: number) => (t > 0 ? m[(t - 1) * N + i] : NaN);
  return ruleWeights(data, p.sizing as Sizing, {
    ready: (t, i) => Number.isFinite(prior(upper, t, i)),
    enter: (t, i) => close[t * N + i] > prior(upper, t, i),
    exit: (t, i) => close[t * N + i] < prior(lower, t, i),
  });
}
