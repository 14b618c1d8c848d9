/**
 * Machine learning on the panel, leakage-safe from features to signal: point-in-time feature sets
 * (`features/`), labels (B1, T3, R, triple barrier), purged walk-forward and k-fold splits with an
 * embargo, model families behind one interface (fast forest, boosted trees, logistic, tfjs nets,
 * `ml-random-forest`), evaluation metrics and importance, the research pipeline with its ranking score
 * and leaderboard, hyperparameter studies, and predictions back into the signal contract.
 *
 * @example
 * ```ts
 * import { runResearch } from "./mod.ts";
 * const research = await runResearch(panel, { labels: [{ type: "B1", horizon: 5 }] });
 * research.leaderboard[0].kept;
 * ```
 *
 * @module
 */
export * from "./features/mod.ts";
export {
  computeLabel,
  type LabelMatrix,
  labelName,
  type LabelSpec,
  labelTask,
  type LabelType,
  type Task,
} from "./labels.ts";
export { type OwnRows, ownRows } from "./own_rows.ts";
export {
  type Fold,
  purgedKFold,
  type PurgedKFoldOptions,
  type SplitRows,
  walkForward,
  type WalkForwardOptions,
} from "./splits.ts";
export {
  buildDataset,
  type Dataset,
  labelledRows,
  type Matrix,
  takeRows,
  takeValues,
  withLabel,
} from "./dataset.ts";
export type { FitOptions, Model, ModelJson, ModelSpec, ModelType, TrainingSet } from "./models/types.ts";
export { fitModel, loadModel, modelTypes } from "./models/registry.ts";
export { FOREST_DEFAULTS } from "./models/forest.ts";
export { GBDT_DEFAULTS } from "./models/gbdt.ts";
export { LOGISTIC_DEFAULTS } from "./models/logistic.ts";
export { ML_RANDOM_FOREST_DEFAULTS } from "./models/ml_rf.ts";
export * from "./evaluate/classification.ts";
export { r2, rmse } from "./evaluate/regression.ts";
export { rankIcByDate } from "./evaluate/rank_ic.ts";
export { evaluatePredictions, type Evaluation, type ModelMetrics } from "./evaluate/evaluate.ts";
export { defaultScore, type PermutationImportance, permutationImportance } from "./importance.ts";
export { type OutOfSample, predictOutOfSample, sampleRows } from "./predict.ts";
export { predictionSignal, scoreMatrix } from "./signal.ts";
export {
  KEEP_SCORE,
  leaderboard,
  type LeaderboardRow,
  rankingScore,
  type VariantScore,
} from "./leaderboard.ts";
export {
  DEFAULT_RESEARCH,
  modelName,
  type ResearchBest,
  type ResearchConfig,
  type ResearchOptions,
  researchParams,
  type ResearchResult,
  type ResearchVariant,
  robustnessTable,
  runResearch,
  variantName,
} from "./research.ts";
export {
  readTrials,
  runStudy,
  type StudyOptions,
  type StudyResult,
  type Trial,
  TrialPruned,
  type TrialRecord,
} from "./study/study.ts";
export type { Distribution } from "./study/space.ts";
export { modelObjective, SEARCH_SPACES } from "./study/model_study.ts";
export { loadRunModel, type ModelPipeline, modelSignal, type SavedModel } from "./saved.ts";
export {
  type PanelSubset,
  RESEARCH_FIELDS,
  researchJob,
  type ResearchJobOptions,
  type ResearchJobResult,
  studyJob,
  type StudyJobOptions,
} from "./job.ts";
