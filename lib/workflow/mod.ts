/**
 * Workflows: jobs that run engines end to end and record them with their reports (above the engines
 * and `report`, so those never import each other) — a strategy run, and the comparison of runs.
 *
 * @example
 * ```ts
 * import { compareStrategies, runStrategy } from "./mod.ts";
 * const a = await runStrategy({ strategy: "momentum_12_1", snapshot: "demo" });
 * const b = await runStrategy({ strategy: "low_volatility", snapshot: "demo" });
 * const cmp = await compareStrategies([a.run!.run_id, b.run!.run_id]);
 * ```
 *
 * @module
 */
export {
  runCommand,
  runStrategy,
  type StrategyRun,
  type StrategyRunOptions,
  tearsheetPath,
} from "./strategy_run.ts";
export { compareHtml, compareStrategies, returnCorrelation, type StrategyComparison } from "./compare.ts";
