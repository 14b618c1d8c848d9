/**
 * RSI mean reversion, per name: buy when Wilder's RSI of the adjusted close falls below `entry`
 * (oversold), sell when it rises above `exit`. Sized as in `ma_crossover`.
 */
import { bySecurity } from "../lib/indicators/by_security.ts";
import { rsi } from "../lib/indicators/oscillators.ts";
import { field, type Panel } from "../lib/panel/types.ts";
import { ruleWeights, type Sizing, SIZING_PARAM } from "../lib/strategy/construct.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "rsi_reversion";
export const title = "RSI mean reversion";
export const description =
  "Long a name when its RSI drops below the entry level, out when it rises above the exit level.";
export const category: Category = "reversal";
export const schedule = "daily";
export const params: ParamSchema = {
  n: { type: "integer", min: 2, max: 100, default: 14, description: "RSI window (Wilder)" },
  entry: { type: "number", min: 1, max: 50, default: 30, description: "buy below this RSI" },
  exit: { type: "number", min: 30, max: 99, default: 55, description: "sell above this RSI" },
  sizing: SIZING_PARAM,
};

export function generate(data: Panel, p: Params): StrategyOutput {
  const [entry, exit] = [p.entry as number, p.exit as number];
  if (!(entry < exit)) throw new RangeError(`${name}: entry (${entry}) must be below exit (${exit})`);
  const T = data.dates.length, N = data.securityIds.length;
  const value = bySecurity(field(data, "adj_close"), T, N, (x) => rsi(x, p.n as number));
  return ruleWeights(data, p.sizing as Sizing, {
    ready: (t, i) => Number.isFinite(value[t * N + i]),
    enter: (t, i) => value[t * N + i] < entry,
    exit: (t, i) => value[t * N + i] > exit,
  });
}
