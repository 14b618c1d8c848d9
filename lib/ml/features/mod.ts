/**
 * Point-in-time features on the panel: a feature set is a list of named specs (data), computed per
 * security on its own rows into date-major matrices, optionally standardised across securities per date.
 *
 * @example
 * ```ts
 * import { BASE_FEATURES, computeFeatures, windowEmbedding } from "./mod.ts";
 * const f = computeFeatures(panel, [...BASE_FEATURES, windowEmbedding(32)], { standardize: "zscore" });
 * ```
 *
 * @module
 */
export {
  BASE_FEATURES,
  type BuiltinFeature,
  CALENDAR_FLAGS,
  checkFeatureSpecs,
  columnNames,
  type CustomFeature,
  featureSetConfig,
  type FeatureSpec,
  isCrossSectional,
  knownFeature,
  windowEmbedding,
} from "./spec.ts";
export { computeFeatures, type FeatureMatrix, type FeatureOptions, type Standardize } from "./compute.ts";
export { type FeatureContext, featureContext } from "./context.ts";
export { calendarByDate } from "./calendar.ts";
export { industryDemean, standardizeByDate } from "./cross_section.ts";
