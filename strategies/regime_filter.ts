/**
 * Market-regime filter: runs another strategy and holds its target only while the market is in a
 * risk-on regime — the benchmark's close above its `sma`-bar simple moving average (without a
 * benchmark, an equal-weight index of the universe stands in); in risk-off the book is scaled to
 * `off_exposure` (0: all cash). The wrapped strategy runs with its default parameters.
 */
import { sma } from "../lib/indicators/moving_average.ts";
import type { Panel } from "../lib/panel/types.ts";
import { carryDecisions, equalWeightIndex } from "../lib/strategy/features.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyContext, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "regime_filter";
export const title = "Market-regime filter around another strategy";
export const description =
  "Holds another strategy's target while the benchmark is above its moving average, cash (or a reduced book) otherwise.";
export const category: Category = "regime";
export const schedule = "on_change";
export const params: ParamSchema = {
  strategy: {
    type: "enum",
    choices: [
      "momentum_12_1",
      "momentum_sharpe",
      "low_volatility",
      "small_cap_momentum",
      "multifactor",
      "short_term_reversal",
      "equal_weight",
      "ma_crossover",
      "rsi_reversion",
      "bollinger_breakout",
      "donchian_breakout",
    ],
    default: "momentum_12_1",
    description: "the strategy whose target is filtered",
  },
  sma: {
    type: "integer",
    min: 20,
    max: 500,
    default: 200,
    description: "trend window of the benchmark, in bars",
  },
  off_exposure: {
    type: "number",
    min: 0,
    max: 1,
    default: 0,
    description: "share of the target held when risk-off",
  },
};

/**
 * Risk-on flags per date: 1 when the trend level closes above its `n`-bar SMA, 0 below, NaN before the
 * average exists (exported for inspection and tests).
 */
export function riskOn(level: Float64Array, n: number): Float64Array {
  const average = sma(level, n);
  return level.map((
    v,
    t,
  ) => (Number.isFinite(average[t]) && Number.isFinite(v) ? (v > average[t] ? 1 : 0) : NaN));
}

export async function generate(data: Panel, p: Params, ctx: StrategyContext): Promise<StrategyOutput> {
  const T = data.dates.length, N = data.securityIds.length;
  const inner = carryDecisions(await ctx.run(p.strategy as string), T, N);
  const on = riskOn(ctx.benchmark?.close ?? equalWeightIndex(data), p.sma as number);
  const off = p.off_exposure as number;
  const weights = new Float64Array(T * N).fill(NaN);
  for (let t = 0; t < T; t++) {
    if (!Number.isFinite(on[t])) continue;
    const scale = on[t] ? 1 : off;
    for (let i = 0; i < N; i++) {
      const w = inner[t * N + i];
      weights[t * N + i] = Number.isNaN(w) ? (scale === 0 ? 0 : NaN) : w * scale;
    }
  }
  return weights;
}
