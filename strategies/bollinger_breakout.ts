/**
 * Bollinger-band breakout, per name: go long when the adjusted close closes above the upper band
 * (middle + k population standard deviations over n bars), exit when it closes back below the middle
 * band. Sized as in `ma_crossover`.
 */
import { bollinger } from "../lib/indicators/bands.ts";
import { bySecurity } from "../lib/indicators/by_security.ts";
import { field, type Panel } from "../lib/panel/types.ts";
import { positionState, type Sizing, stateWeights } from "../lib/strategy/construct.ts";
import { pricedAt } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "bollinger_breakout";
export const title = "Bollinger-band breakout";
export const description =
  "Long a name when it closes above its upper Bollinger band, out when it closes below the middle band.";
export const category: Category = "breakout";
export const schedule = "daily";
export const params: ParamSchema = {
  n: { type: "integer", min: 5, max: 250, default: 20, description: "band window in bars" },
  k: {
    type: "number",
    min: 0.5,
    max: 4,
    step: 0.1,
    default: 2,
    description: "band width in standard deviations",
  },
  sizing: {
    type: "enum",
    choices: ["equal_slots", "equal_active"],
    default: "equal_slots",
    description: "1 / names with a price each, or 1 / names in position each",
  },
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const T = data.dates.length, N = data.securityIds.length;
  const close = field(data, "adj_close");
  const [n, k] = [p.n as number, p.k as number];
  const upper = bySecurity(close, T, N, (x) => bollinger(x, n, k).upper);
  const middle = bySecurity(close, T, N, (x) => bollinger(x, n, k).middle);
  const valid = pricedAt(data);
  const state = positionState(T, N, {
    valid: (t, i) => valid(t, i) && Number.isFinite(upper[t * N + i]),
    enterLong: (t, i) => close[t * N + i] > upper[t * N + i],
    exit: (t, i) => close[t * N + i] < middle[t * N + i],
  });
  return stateWeights(state, T, N, p.sizing as Sizing, valid);
}
