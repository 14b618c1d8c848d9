/**
 * Parameter search, walk-forward optimisation and overfitting guards: grid and seeded random search
 * over a parameter space (ranges, steps, choices, or a strategy's schema) fanned out over Web Workers
 * with identical results for any worker count; objectives chosen by metric name with constraints;
 * trials tables, metric surfaces, sensitivity and plateau scores; rolling or anchored walk-forwards
 * with stitched out-of-sample returns, efficiency and parameter stability; PSR, DSR and PBO (CSCV).
 * Any engine plugs in as an `Objective` (parameters → returns over a window); the cross-sectional
 * backtest is `objectives/backtest.ts`, the time-series backtest (`fromSignals`) `objectives/timeseries.ts`,
 * a registered strategy through the portfolio simulator `objectives/strategy.ts` (its schema is the
 * space, `strategySpace`), the event-driven loop (`runEvents`) `objectives/events.ts`.
 *
 * @example
 * ```ts
 * import { BACKTEST_OBJECTIVE, runSearch, runWalkForward } from "./mod.ts";
 * const source = { module: BACKTEST_OBJECTIVE, setup: { panel, known, name: "my_signal" } };
 * const search = await runSearch(source, { space: { lag: [0, 1, 2], fractile: [5, 10] }, workers: 2 });
 * const wf = await runWalkForward(source, { space: { lag: [0, 1, 2] }, windows: { inSample: "3y", outOfSample: "1y" } });
 * ```
 *
 * @module
 */
export * from "./space.ts";
export * from "./sample.ts";
export * from "./objective.ts";
export * from "./search.ts";
export * from "./surface.ts";
export * from "./plateau.ts";
export * from "./guards.ts";
export * from "./pbo.ts";
export * from "./windows.ts";
export * from "./walk_forward.ts";
export * from "./tables.ts";
export {
  BACKTEST_METRICS,
  BACKTEST_OBJECTIVE,
  BACKTEST_SPACE,
  type BacktestObjectiveSetup,
  backtestOptions,
  backtestSource,
  createObjective as backtestObjective,
  fractileParam,
} from "./objectives/backtest.ts";
export {
  createObjective as timeseriesObjective,
  headBars,
  RULES,
  type RuleSignals,
  type SeriesBars,
  type SignalRule,
  TIMESERIES_METRICS,
  TIMESERIES_OBJECTIVE,
  type TimeseriesObjectiveSetup,
} from "./objectives/timeseries.ts";
export {
  createObjective as strategyObjective,
  STRATEGY_METRICS,
  STRATEGY_OBJECTIVE,
  type StrategyObjectiveSetup,
  strategySimulation,
  strategySource,
  strategySpace,
  type StrategyTrial,
} from "./objectives/strategy.ts";
export {
  createObjective as eventsObjective,
  EVENT_RULES,
  type EventBars,
  type EventRule,
  EVENTS_METRICS,
  EVENTS_OBJECTIVE,
  type EventsObjectiveSetup,
} from "./objectives/events.ts";
