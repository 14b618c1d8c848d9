/**
 * Strategies: the interface a `strategies/*.ts` module implements, the registry that discovers them,
 * parameter schemas and validation, construction helpers and features, synthetic instruments, and
 * `generateWeights` to run one on a panel.
 *
 * @example
 * ```ts
 * import { discoverStrategies, generateWeights } from "./mod.ts";
 * const registry = await discoverStrategies();
 * const { weights } = await generateWeights(registry.get("momentum_12_1"), panel, { top_n: 20 });
 * ```
 *
 * @module
 */
export {
  type Construction,
  crossSectionalZscore,
  matrixSignal,
  positionState,
  ruleWeights,
  type Sizing,
  SIZING_PARAM,
  stateWeights,
  topNWeights,
} from "./construct.ts";
export { schemaRows, strategyRows } from "./describe.ts";
export {
  adjustedHighLow,
  carryDecisions,
  equalWeightIndex,
  maskUnpriced,
  momentumScore,
  pricedAt,
  trailingVolatility,
} from "./features.ts";
export {
  instrumentId,
  type InstrumentPanel,
  type InstrumentSpec,
  parseInstrument,
  spreadLegs,
  withInstruments,
} from "./instruments.ts";
export {
  allowedText,
  type BooleanSpec,
  type DateSpec,
  type EnumSpec,
  type NumberSpec,
  ParamError,
  type ParamProblem,
  type Params,
  type ParamSchema,
  type ParamSpec,
  type ParamValue,
  parseParamAssignments,
  schemaProblems,
  type StringSpec,
  validateParams,
} from "./params.ts";
export {
  createRegistry,
  DEFAULT_STRATEGIES_DIR,
  discoverStrategies,
  loadStrategyFile,
  type Registry,
  type RegistryError,
} from "./registry.ts";
export { type GeneratedWeights, type GenerateOptions, generateWeights, outputWeights } from "./run.ts";
export {
  CATEGORIES,
  type Category,
  type StrategyContext,
  type StrategyEntry,
  type StrategyModule,
  type StrategyOutput,
  type StrategySource,
} from "./types.ts";
