/**
 * quantnb: a quantitative-research workbench. Data flows one way:
 * ingest → store → snapshot → panel → engine → results → track / report.
 *
 * @example
 * ```ts
 * import { backtest, loadPanel, readSignal, show } from "quantnb";
 * const panel = await loadPanel({ snapshot: "demo" });
 * const { signal } = await readSignal("data/demo_signal.csv");
 * await show(backtest(panel, signal, { lag: 1 }));
 * ```
 * @module
 */
export * from "./panel/types.ts";
export * from "./panel/make_panel.ts";
export * from "./panel/load.ts";
export * from "./panel/series.ts";
export * from "./panel/shared.ts";
export * from "./store/db.ts";
export * from "./store/tables.ts";
export * from "./store/write.ts";
export * from "./ingest/mod.ts";
export * from "./calendar/mod.ts";
export * from "./ingest/b3/mod.ts";
export * from "./ingest/series/mod.ts";
export * from "./snapshot/mod.ts";
export * from "./signal/mod.ts";
export * from "./engine/mod.ts";
export * from "./engine/timeseries/mod.ts";
export * from "./engine/events/mod.ts";
export * from "./plugin/mod.ts";
export {
  ANALYSIS_SCRIPTS,
  type AnalysisRow,
  analyzeRun,
  queryAnalysis,
  runResults,
  runScript,
  visualizeRun,
  withAnalysisView,
} from "./python/analysis.ts";
export { createVenv, installRequirements, listVenvs, type VenvInfo } from "./python/venv.ts";
export * as metrics from "./metrics/mod.ts";
export * from "./indicators/mod.ts";
export * as factor from "./factor/mod.ts";
export { factorTables, factorTearsheet, factorView } from "./report/factor_tearsheet.ts";
export * from "./report/factor_charts.ts";
export * from "./suite/mod.ts";
export * from "./track/mod.ts";
export * from "./nb/mod.ts";
export * from "./nb/tables.ts";
export * from "./report/charts.ts";
export { renderSvg } from "./report/render.ts";
export { createRng, type Rng } from "./util/rng.ts";
export * from "./demo/build.ts";
export { tearsheet, type TearsheetContext } from "./report/tearsheet.ts";
export { type CapacityStats, capacityStats } from "./report/capacity.ts";
export { backtestView, suiteView, withDisplay } from "./report/views.ts";
export * from "./pipeline/mod.ts";

import { backtest as engineBacktest } from "./engine/mod.ts";
import { runSuite as suiteRunSuite } from "./suite/mod.ts";
import { withDisplay } from "./report/views.ts";
import { analyzeFactor as factorAnalyzeFactor } from "./factor/analyze.ts";
import { factorView } from "./report/factor_tearsheet.ts";
import { displayable } from "./nb/displayable.ts";

/**
 * `backtest` (see `lib/engine/backtest.ts`) whose result renders itself in a notebook: a summary
 * table, the equity curve and the fractile returns.
 *
 * @example
 * ```ts
 * backtest(panel, signal, { lag: 1 }); // last expression of a cell ⇒ a rich view
 * ```
 */
export function backtest(...args: Parameters<typeof engineBacktest>): ReturnType<typeof engineBacktest> {
  return withDisplay(engineBacktest(...args));
}

/**
 * `runSuite` (see `lib/suite/run_suite.ts`) whose result renders itself in a notebook: the verdict
 * panel, the variant table and the uniqueness table.
 *
 * @example
 * ```ts
 * await runSuite(panel, { name: "my_signal", signal }, "standard");
 * ```
 */
export async function runSuite(
  ...args: Parameters<typeof suiteRunSuite>
): Promise<Awaited<ReturnType<typeof suiteRunSuite>>> {
  return withDisplay(await suiteRunSuite(...args));
}

/**
 * `analyzeFactor` (see `lib/factor/analyze.ts`) whose result renders itself in a notebook: key
 * numbers, the returns and information tables, mean return by quantile, cumulative return by quantile.
 *
 * @example
 * ```ts
 * analyzeFactor(panel, signal, { periods: [1, 5, 10], groupBy: "industry" }); // last expression ⇒ a view
 * ```
 */
export function analyzeFactor(
  ...args: Parameters<typeof factorAnalyzeFactor>
): ReturnType<typeof factorAnalyzeFactor> {
  const fa = factorAnalyzeFactor(...args);
  return displayable(fa, () => factorView(fa));
}

import {
  fromSignals as engineFromSignals,
  gridSearch as engineGridSearch,
  maCrossoverGrid as engineMaCrossoverGrid,
} from "./engine/timeseries/mod.ts";
import { runEvents as engineRunEvents } from "./engine/events/mod.ts";
import { eventsView, gridView, signalsView } from "./report/timeseries_views.ts";
import type { Displayable } from "./nb/displayable.ts";

/** `fromSignals` (see `lib/engine/timeseries/from_signals.ts`) whose result renders itself in a notebook. */
export function fromSignals(
  ...args: Parameters<typeof engineFromSignals>
): ReturnType<typeof engineFromSignals> & Displayable {
  const result = engineFromSignals(...args);
  return displayable(result, () => signalsView(result));
}

/** `maCrossoverGrid` (see `lib/engine/timeseries/crossover.ts`) whose result renders itself in a notebook. */
export function maCrossoverGrid(
  ...args: Parameters<typeof engineMaCrossoverGrid>
): ReturnType<typeof engineMaCrossoverGrid> & Displayable {
  const grid = engineMaCrossoverGrid(...args);
  return displayable(grid, () => gridView(grid));
}

/** `gridSearch` (see `lib/engine/timeseries/grid.ts`) whose result renders itself in a notebook. */
export function gridSearch(
  ...args: Parameters<typeof engineGridSearch>
): ReturnType<typeof engineGridSearch> & Displayable {
  const grid = engineGridSearch(...args);
  return displayable(grid, () => gridView(grid));
}

/** `runEvents` (see `lib/engine/events/run_events.ts`) whose result renders itself in a notebook. */
export function runEvents(
  ...args: Parameters<typeof engineRunEvents>
): ReturnType<typeof engineRunEvents> & Displayable {
  const result = engineRunEvents(...args);
  return displayable(result, () => eventsView(result));
}
