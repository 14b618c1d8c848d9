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
export * from "./store/write_store.ts";
export * from "./store/check.ts";
export { type LockHolder, StoreLockedError } from "./store/lock.ts";
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
export * as ml from "./ml/mod.ts";
export { researchReport, researchView, withResearchDisplay } from "./report/research.ts";
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
export * from "./strategy/mod.ts";
// Two modules name a type `Params`: the grid search's stays `Params`, the strategies' is `StrategyParams`.
export type { Params } from "./engine/timeseries/mod.ts";
export type { Params as StrategyParams } from "./strategy/params.ts";
export * as portfolio from "./portfolio/mod.ts";
export { marketFromPanel, type PortfolioResult, simulatePortfolio } from "./portfolio/mod.ts";
export * from "./pipeline/mod.ts";
export * as optimize from "./optimize/mod.ts";
export * as construction from "./portfolio/construct/mod.ts";
export { checkPreset, type Preset, presetBacktestOptions, readPreset, writePreset } from "./preset/mod.ts";
export { portfolioView, searchView, walkForwardView } from "./report/optimize_views.ts";
export { profileChart, weightsChart } from "./report/optimize_charts.ts";

export { runStrategyView as runStrategy } from "./pipeline/strategy_run.ts";
export { portfolioTearsheet, type PortfolioTearsheetInput } from "./report/portfolio_tearsheet.ts";
export { monthlyStackChart } from "./report/portfolio_charts.ts";

import { backtest as engineBacktest } from "./engine/mod.ts";
import { runSuite as suiteRunSuite } from "./suite/mod.ts";
import { withDisplay } from "./report/views.ts";
import { analyzeFactor as factorAnalyzeFactor } from "./factor/analyze.ts";
import { factorView } from "./report/factor_tearsheet.ts";
import { displayable } from "./nb/displayable.ts";
import { runSearch as optimizeRunSearch } from "./optimize/search.ts";
import { runWalkForward as optimizeRunWalkForward } from "./optimize/walk_forward.ts";
import {
  comparePortfolios as constructComparePortfolios,
  constructPortfolio as constructConstructPortfolio,
} from "./portfolio/construct/mod.ts";
import { portfolioView, searchView, walkForwardView } from "./report/optimize_views.ts";

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
/**
 * `runSearch` (see `lib/optimize/search.ts`) whose result renders itself in a notebook: the best
 * trial with its plateau score and the overfitting guards, the top trials, the metric surface and
 * the sensitivity profiles.
 *
 * @example
 * ```ts
 * await runSearch(optimize.backtestSource(panel, known, "my_signal"), { space: { lag: [0, 1, 2], fractile: [5, 10] } });
 * ```
 */
export async function runSearch(
  ...args: Parameters<typeof optimizeRunSearch>
): Promise<Awaited<ReturnType<typeof optimizeRunSearch>>> {
  const result = await optimizeRunSearch(...args);
  return displayable(result, () => searchView(result));
}
/**
 * `runWalkForward` (see `lib/optimize/walk_forward.ts`) whose result renders itself in a notebook:
 * out-of-sample numbers, the windows, stitched equity and the parameter-stability heatmaps.
 *
 * @example
 * ```ts
 * await runWalkForward(source, { space, windows: { inSample: "3y", outOfSample: "1y" } });
 * ```
 */
export async function runWalkForward(
  ...args: Parameters<typeof optimizeRunWalkForward>
): Promise<Awaited<ReturnType<typeof optimizeRunWalkForward>>> {
  const result = await optimizeRunWalkForward(...args);
  return displayable(result, () => walkForwardView(result));
}
/**
 * `constructPortfolio` (see `lib/portfolio/construct/construct.ts`) whose result renders itself:
 * key numbers, combined equity, weights over time and risk contributions.
 *
 * @example
 * ```ts
 * constructPortfolio(streams, { method: "hrp", lookback: 252 });
 * ```
 */
export function constructPortfolio(
  ...args: Parameters<typeof constructConstructPortfolio>
): ReturnType<typeof constructConstructPortfolio> {
  const result = constructConstructPortfolio(...args);
  return displayable(result, () => portfolioView(result));
}
/**
 * `comparePortfolios` (see `lib/portfolio/construct/compare.ts`) whose result renders itself: the
 * comparison table, combined equity per method, weights and risk contributions.
 *
 * @example
 * ```ts
 * comparePortfolios(streams, { methods: ["inverse_vol", "erc", "hrp"] });
 * ```
 */
export function comparePortfolios(
  ...args: Parameters<typeof constructComparePortfolios>
): ReturnType<typeof constructComparePortfolios> {
  const result = constructComparePortfolios(...args);
  return displayable(result, () => portfolioView(result));
}
