/**
 * Rate cycle: equities when the policy rate is falling, cash otherwise (cash earns the run's cash
 * rate, e.g. the CDI). Falling = the policy rate series is below its level `lookback` bars earlier.
 * The equity book is equal weight across every name with a price.
 */
import type { Panel } from "../lib/panel/types.ts";
import { stateWeights } from "../lib/strategy/construct.ts";
import { pricedAt } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyContext, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "rate_cycle";
export const title = "Rate cycle: equities while the policy rate falls";
export const description =
  "Equal-weight equities while the policy rate is below its level a quarter ago, cash otherwise.";
export const category: Category = "regime";
export const schedule = "on_change";
export const params: ParamSchema = {
  rate: {
    type: "enum",
    choices: ["SELIC", "CDI"],
    default: "SELIC",
    description: "the policy-rate series of the snapshot",
  },
  lookback: {
    type: "integer",
    min: 1,
    max: 504,
    default: 63,
    description: "bars back the rate is compared with",
  },
};

/** 1 where the rate is below its value `lookback` bars earlier, 0 where not, NaN where unknown. */
export function rateFalling(rate: Float64Array, lookback: number): Float64Array {
  return rate.map((r, t) =>
    t >= lookback && Number.isFinite(r) && Number.isFinite(rate[t - lookback])
      ? (r < rate[t - lookback] ? 1 : 0)
      : NaN
  );
}

export function generate(data: Panel, p: Params, ctx: StrategyContext): StrategyOutput {
  const id = p.rate as string;
  const rate = ctx.series[id];
  if (!rate) {
    throw new RangeError(
      `${name}: series "${id}" is not in the snapshot (series: ${
        Object.keys(ctx.series).join(", ") || "none"
      })`,
    );
  }
  const T = data.dates.length, N = data.securityIds.length;
  const falling = rateFalling(rate, p.lookback as number);
  const valid = pricedAt(data);
  const state = Int8Array.from({ length: T * N }, (_, c) => {
    const t = Math.floor(c / N);
    return falling[t] === 1 && valid(t, c % N) ? 1 : 0;
  });
  const weights = stateWeights(state, T, N, "equal_active", valid);
  for (let t = 0; t < T; t++) if (!Number.isFinite(falling[t])) weights.fill(NaN, t * N, (t + 1) * N);
  return weights;
}
