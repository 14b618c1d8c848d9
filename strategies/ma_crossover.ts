/**
 * Moving-average crossover, per name: long while the fast moving average of the adjusted close is
 * above the slow one (SMA or EMA), flat otherwise. Each name in position gets an equal slot of the
 * book (`equal_slots`: 1 / names with a price, the rest in cash) or an equal share of the names in
 * position (`equal_active`: always fully invested).
 */
import { bySecurity } from "../lib/indicators/by_security.ts";
import { ema, sma } from "../lib/indicators/moving_average.ts";
import { field, type Panel } from "../lib/panel/types.ts";
import { ruleWeights, type Sizing, SIZING_PARAM } from "../lib/strategy/construct.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "ma_crossover";
export const title = "Moving-average crossover (SMA or EMA)";
export const description =
  "Long each name while its fast moving average is above its slow one, flat otherwise.";
export const category: Category = "trend";
export const schedule = "daily";
export const params: ParamSchema = {
  ma: { type: "enum", choices: ["sma", "ema"], default: "sma", description: "moving average" },
  fast: { type: "integer", min: 2, max: 250, default: 50, description: "fast window in bars" },
  slow: { type: "integer", min: 5, max: 500, default: 200, description: "slow window in bars" },
  sizing: SIZING_PARAM,
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const [fastN, slowN] = [p.fast as number, p.slow as number];
  if (fastN >= slowN) throw new RangeError(`${name}: fast (${fastN}) must be shorter than slow (${slowN})`);
  const T = data.dates.length, N = data.securityIds.length;
  const close = field(data, "adj_close");
  const average = p.ma === "ema" ? ema : sma;
  const fast = bySecurity(close, T, N, (x) => average(x, fastN));
  const slow = bySecurity(close, T, N, (x) => average(x, slowN));
  return ruleWeights(data, p.sizing as Sizing, {
    ready: (t, i) => Number.isFinite(slow[t * N + i]),
    enter: (t, i) => fast[t * N + i] > slow[t * N + i],
    exit: (t, i) => !(fast[t * N + i] > slow[t * N + i]),
  });
}
