/**
 * Bollinger-band breakout, per name: go long when the adjusted close closes above the upper band
 * (middle + k population standard deviations over n bars), exit when it closes back below the middle
 * band. Sized as in `ma_crossover`.
 */
import { bollinger } from "../lib/indicators/bands.ts";
import { bySecurity } from "../lib/indicators/by_security.ts";
import { field, type Panel } from "../lib/panel/types.ts";
import { ruleWeights, type Sizing, SIZING_PARAM } from "../lib/strategy/construct.ts";
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
  sizing: SIZING_PARAM,
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const T = data.dates.length, N = data.securityIds.length;
  const close = field(data, "adj_close");
  const [n, k] = [p.n as number, p.k as number];
  const upper = bySecurity(close, T, N, (x) => bollinger(x, n, k).upper);
  const middle = bySecurity(close, T, N, (x) => bollinger(x, n, k).middle);
  return ruleWeights(data, p.sizing as Sizing, {
    ready: (t, i) => Number.isFinite(upper[t * N + i]),
    enter: (t, i) => close[t * N + i] > upper[t * N + i],
    exit: (t, i) => close[t * N + i] < middle[t * N + i],
  });
}
