import { createBacktester } from "../engine/backtest.ts";
import type { BacktestOptions, BacktestResult } from "../engine/types.ts";
import type { Panel } from "../panel/types.ts";
import { BASELINES } from "./baselines.ts";
import { meanRankCorrelation } from "./uniqueness.ts";

/** The name of the signal under test in unit requests (baselines go by their own names). */
export const INPUT = "input";

/** What every unit of one suite shares: the panel and the known matrix of the signal under test. */
export interface UnitContext {
  panel: Panel;
  input: Float64Array;
  /** Baseline known matrices built so far (each thread builds the ones it needs, once). */
  cache: Map<string, Float64Array>;
}

/**
 * One unit of suite work: the variants to run on one signal (`INPUT` or a baseline name), and for
 * a baseline, whether to also measure its mean rank correlation with the signal under test.
 */
export interface UnitRequest {
  unit: number;
  signal: string;
  variants: BacktestOptions[];
  rankCorrelation: boolean;
}

/** A unit's backtests, in variant order, and the rank correlation when asked. */
export interface UnitResult {
  results: BacktestResult[];
  rankCorrelation?: number;
}

/**
 * Runs one unit: builds the baseline's known matrix if needed (on the panel, cached per thread),
 * runs every variant sharing the backtester's caches (sorting and residualization once per mode),
 * and measures the rank correlation with the input signal when requested. Workers and the
 * in-process path run exactly this.
 */
export function runUnit(context: UnitContext, request: UnitRequest): UnitResult {
  const { panel, input, cache } = context;
  let known = request.signal === INPUT ? input : cache.get(request.signal);
  if (!known) {
    known = BASELINES[request.signal](panel).known;
    cache.set(request.signal, known);
  }
  // The signal under test's rank autocorrelation feeds its tear sheet; baselines skip it.
  const bt = createBacktester(panel, { known }, { rankAutocorrelation: request.signal === INPUT });
  const results = request.variants.map((options) => bt.run(options));
  if (!request.rankCorrelation) return { results };
  const nT = panel.dates.length, nS = panel.securityIds.length;
  return { results, rankCorrelation: meanRankCorrelation(input, known, nT, nS) };
}
