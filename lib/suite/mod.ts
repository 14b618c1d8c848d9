/**
 * Suites: one signal against the baselines over a config matrix, with uniqueness and a verdict.
 *
 * @example
 * ```ts
 * import { runSuite } from "./mod.ts";
 * const suite = await runSuite(panel, { name: "my_signal", signal }, "standard", { workers: 2 });
 * console.log(suite.verdict.color, suite.verdict.reasons);
 * ```
 * @module
 */
export {
  baselines,
  type BaselineSignal,
  momentum12_1,
  reversal5d,
  trailingReturn,
  valueBaseline,
} from "./baselines.ts";
export { expandPreset, PRESETS, type SuitePreset, type Variant } from "./preset.ts";
export { defaultWorkers } from "./pool.ts";
export {
  runSuite,
  type SignalRun,
  type SuiteOptions,
  type SuiteResult,
  type SuiteRow,
  suiteRows,
  type Uniqueness,
  type VariantRun,
} from "./run_suite.ts";
export { meanRankCorrelation, pnlCorrelation } from "./uniqueness.ts";
export { judge, type Verdict, VERDICT_THRESHOLDS, type VerdictInput } from "./verdict.ts";
