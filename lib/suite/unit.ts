import { createBacktester } from "../engine/backtest.ts";
import type { BacktestOptions, BacktestResult } from "../engine/types.ts";
import type { Panel } from "../panel/types.ts";

/** One unit of suite work: a signal's known matrix and the variants to run on it. */
export interface UnitRequest {
  unit: number;
  known: Float64Array;
  variants: BacktestOptions[];
}

/**
 * Runs one unit: every variant of one signal, sharing the backtester's caches (sorting and
 * residualization happen once per residualize mode).
 */
export function runUnit(panel: Panel, request: UnitRequest): BacktestResult[] {
  const bt = createBacktester(panel, { known: request.known });
  return request.variants.map((options) => bt.run(options));
}
