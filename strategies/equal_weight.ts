/**
 * Equal weight (1/N, DeMiguel, Garlappi & Uppal 2009): every name with a price holds the same share
 * of the book. The naive benchmark every other strategy should beat after costs.
 */
import type { Panel } from "../lib/panel/types.ts";
import { stateWeights } from "../lib/strategy/construct.ts";
import { pricedAt } from "../lib/strategy/features.ts";
import type { ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "equal_weight";
export const title = "Equal weight (1/N)";
export const description = "Every name with a price gets the same weight, rebalanced on the schedule.";
export const category: Category = "portfolio";
export const schedule = "monthly";
export const params: ParamSchema = {};

export function generate(data: Panel): StrategyOutput {
  const T = data.dates.length, N = data.securityIds.length;
  const valid = pricedAt(data);
  const state = Int8Array.from({ length: T * N }, (_, c) => (valid(Math.floor(c / N), c % N) ? 1 : 0));
  return stateWeights(state, T, N, "equal_active", valid);
}
