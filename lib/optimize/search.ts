/**
 * Grid and seeded random search over a parameter space: every trial evaluated (in Web Workers or in
 * this thread), its metrics computed, constraints checked, trials ranked by the objective metric,
 * with the overfitting guards and plateau score beside the best.
 */
import { allMetrics } from "../metrics/summary.ts";
import { runPool } from "../util/pool.ts";
import { type SelectionGuards, selectionGuards } from "./guards.ts";
import {
  type Constraint,
  loadObjective,
  metricDirection,
  type Objective,
  type ObjectiveSource,
  parseConstraint,
  resolveMetric,
  satisfies,
  type Window,
} from "./objective.ts";
import { plateauScores } from "./plateau.ts";
import { randomPoints } from "./sample.ts";
import { defineSpace, gridPoints, type Space, type SpaceSpec, type TrialParams } from "./space.ts";
import { evaluateChunk, type TrialChunk, type TrialEvaluation } from "./trial_task.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** How trials are chosen. */
export type SearchMethod = "grid" | "random";

/** Options of `runSearch`. */
export interface SearchOptions {
  /** `grid` (default): every point; `random`: `trials` distinct points drawn from `seed`. */
  readonly method?: SearchMethod;
  /** The space (default: the objective's own, e.g. a strategy's schema). */
  readonly space?: SpaceSpec | Space;
  /** Random search: number of trials (default 100). */
  readonly trials?: number;
  /** Random search: the seed (default 42). */
  readonly seed?: number;
  /** Metric to optimise, by name (default `sharpe`; any `allMetrics` key, an engine metric, or an alias like `cagr`). */
  readonly objective?: string;
  /** `max` or `min` (default: per metric, `min` for volatility, turnover, …). */
  readonly direction?: "max" | "min";
  /** Trials failing any constraint (e.g. `"turnover<0.5"`) are run and recorded but never selected. */
  readonly constraints?: readonly (string | Constraint)[];
  /** Web Workers (default: one per core for an `ObjectiveSource`, 0 for an in-thread objective). */
  readonly workers?: number;
  /** Bars to evaluate on (default: all). */
  readonly window?: Window;
  /** CSCV blocks for the PBO (default 16, fewer on short windows); false = skip. */
  readonly pboBlocks?: number | false;
  /** Called after each chunk of trials with (trials done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The option names of `runSearch` (checked by the compiler). */
export const SEARCH_KEYS: (keyof SearchOptions & string)[] = optionKeys<SearchOptions>({
  method: true,
  space: true,
  trials: true,
  seed: true,
  objective: true,
  direction: true,
  constraints: true,
  workers: true,
  window: true,
  pboBlocks: true,
  onProgress: true,
});

/** One trial of a search. */
export interface Trial {
  readonly index: number;
  readonly params: TrialParams;
  readonly metrics: Readonly<Record<string, number>>;
  /** Passed every constraint. */
  readonly feasible: boolean;
  /** The constraints it failed, as written. */
  readonly violations: readonly string[];
  /** 1 = best; 0 for infeasible trials. */
  readonly rank: number;
  /** Mean objective over the trial's neighbourhood (see `plateauScores`). */
  readonly plateau: number;
}

/** Everything a search produces. */
export interface SearchResult {
  readonly kind: "search";
  readonly method: SearchMethod;
  readonly objectiveName: string;
  /** The metric optimised (library key) and its direction. */
  readonly metric: string;
  readonly direction: "max" | "min";
  readonly space: Space;
  readonly constraints: readonly Constraint[];
  readonly seed?: number;
  readonly window: Window;
  readonly periodsPerYear: number;
  /** Dates of the window's bars. */
  readonly dates: Float64Array;
  readonly trials: readonly Trial[];
  /** Row-major `bars × trials` returns of every trial (NaN = not invested). */
  readonly returns: Float64Array;
  /** Index of the best feasible trial, −1 when none is feasible. */
  readonly best: number;
  /** Feasible trial indices, best first. */
  readonly ranking: readonly number[];
  /** The feasible trial with the best plateau score (the robust choice), −1 when none. */
  readonly robust: number;
  /** Guards of the best trial (absent when no trial is feasible). */
  readonly guards?: SelectionGuards;
  readonly warnings: readonly string[];
  readonly elapsedMs: number;
}

/** The metric names every trial has (the `allMetrics` keys without a benchmark). */
export const LIBRARY_METRICS: readonly string[] = Object.keys(allMetrics([0.01, -0.01, 0.02, 0]));

/** Orders metric values best first for a direction; NaN always last. */
export function compareMetric(a: number, b: number, direction: "max" | "min"): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  if (a === b) return 0;
  return (direction === "max" ? b > a : b < a) ? 1 : -1;
}

/** Default worker count: one per core. */
function defaultWorkers(): number {
  return Math.max(1, navigator.hardwareConcurrency ?? 1);
}

/**
 * Runs a search. `objective` is an in-thread `Objective` (workers 0) or an `ObjectiveSource` that
 * each worker builds for itself; results are identical for any worker count (trials are drawn here,
 * evaluated independently and gathered in trial order). Refuses up front an empty space, a bad range,
 * an unknown objective metric or constraint metric, and a window outside the data.
 *
 * @example
 * ```ts
 * const result = await runSearch(backtestObjective(panel, known), {
 *   space: { lag: { min: 0, max: 4, step: 1 }, fractile: [5, 10], tcBps: [0, 10, 20] },
 *   objective: "sharpe", constraints: ["turnover<1.5"], workers: 2,
 * });
 * result.trials[result.best].params; result.guards?.dsr;
 * ```
 */
export async function runSearch(
  objective: Objective | ObjectiveSource,
  options: SearchOptions = {},
): Promise<SearchResult> {
  checkOptions("runSearch", options, SEARCH_KEYS);
  const started = performance.now();
  const { obj, source, plan, workers } = await prepareSearch(objective, options);
  const window = options.window ?? { start: 0, end: obj.dates.length };
  checkWindow(window, obj.dates.length);
  const evaluations = await evaluateChunks(
    obj,
    source,
    trialChunks(plan.points, window, workers),
    workers,
    options.onProgress,
  );
  return searchResult(obj, plan, window, evaluations, { pboBlocks: options.pboBlocks, started });
}

/** A checked search, ready to evaluate: the space, the metric and direction, constraints and the trials. */
export interface SearchPlan {
  readonly method: SearchMethod;
  readonly space: Space;
  readonly metric: string;
  readonly direction: "max" | "min";
  readonly constraints: readonly Constraint[];
  readonly points: readonly TrialParams[];
  readonly seed?: number;
  readonly warnings: readonly string[];
}

/**
 * Builds the objective (from its source, in this thread) and checks everything about a search before
 * any trial runs: method, space, objective metric, constraints, workers; draws the trials.
 */
export async function prepareSearch(
  objective: Objective | ObjectiveSource,
  options: Omit<SearchOptions, "window" | "onProgress" | "pboBlocks">,
): Promise<{ obj: Objective; source?: ObjectiveSource; plan: SearchPlan; workers: number }> {
  const source = "module" in objective ? objective : undefined;
  const obj = source ? await loadObjective(source) : objective as Objective;
  const method = options.method ?? "grid";
  if (method !== "grid" && method !== "random") {
    throw new RangeError(`search method must be grid or random, found "${method}"`);
  }
  const spaceSpec = options.space ?? obj.space;
  if (!spaceSpec) throw new RangeError(`objective ${obj.name} has no parameter space of its own: pass one`);
  const space = defineSpace(spaceSpec);
  const available = [...new Set([...LIBRARY_METRICS, ...(obj.metricNames ?? [])])];
  const metric = resolveMetric(options.objective ?? "sharpe", available);
  const direction = options.direction ?? metricDirection(metric);
  if (direction !== "max" && direction !== "min") {
    throw new RangeError(`direction must be max or min, found "${direction}"`);
  }
  const constraints = (options.constraints ?? []).map((c) => {
    const parsed = typeof c === "string" ? parseConstraint(c) : c;
    return { ...parsed, metric: resolveMetric(parsed.metric, available) };
  });
  const warnings: string[] = [];
  let points: TrialParams[];
  const seed = method === "random" ? options.seed ?? 42 : undefined;
  if (method === "grid") points = gridPoints(space);
  else {
    const drawn = randomPoints(space, options.trials ?? 100, seed!);
    points = drawn.points;
    if (drawn.warning) warnings.push(drawn.warning);
  }
  const workers = options.workers ?? (source ? defaultWorkers() : 0);
  if (!(Number.isInteger(workers) && workers >= 0)) {
    throw new RangeError(`workers must be an integer ≥ 0, found ${workers}`);
  }
  if (workers > 0 && !source) {
    throw new TypeError(
      `objective ${obj.name} is an in-thread function: run it with workers: 0, or pass an ObjectiveSource (module + setup) to use workers`,
    );
  }
  return {
    obj,
    ...(source ? { source } : {}),
    plan: {
      method,
      space,
      metric,
      direction,
      constraints,
      points,
      ...(seed !== undefined ? { seed } : {}),
      warnings,
    },
    workers,
  };
}

/** A window must lie inside the data and hold at least 2 bars. */
export function checkWindow(window: Window, bars: number): void {
  const { start, end } = window;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= bars && end - start >= 2)) {
    throw new RangeError(
      `window [${start}, ${end}) does not fit the data: expected 0 ≤ start < end ≤ ${bars} bars with at least 2 bars`,
    );
  }
}

/** Chunks of consecutive trials over one window: ~4 per worker, at most 25 trials each. */
export function trialChunks(points: readonly TrialParams[], window: Window, workers: number): TrialChunk[] {
  const size = Math.max(1, Math.min(25, Math.ceil(points.length / (Math.max(1, workers) * 4))));
  const out: TrialChunk[] = [];
  for (let k = 0; k < points.length; k += size) {
    out.push({
      window,
      trials: points.slice(k, k + size).map((params, j) => ({ index: k + j, params })),
    });
  }
  return out;
}

/** Evaluates chunks over worker processes or in this thread; one result list per chunk, in order. */
export async function evaluateChunks(
  obj: Objective,
  source: ObjectiveSource | undefined,
  work: readonly TrialChunk[],
  workers: number,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<TrialEvaluation[][]> {
  const total = work.reduce((n, c) => n + c.trials.length, 0);
  let done = 0;
  const tick = (_: number, result: TrialEvaluation[]) => onProgress(done += result.length, total);
  if (workers === 0 || !source) {
    const out: TrialEvaluation[][] = [];
    for (const [k, chunk] of work.entries()) {
      out.push(await evaluateChunk(obj, chunk));
      tick(k, out[k]);
    }
    return out;
  }
  return await runPool<ObjectiveSource, TrialChunk, TrialEvaluation[]>({
    module: new URL("./trial_task.ts", import.meta.url).href,
    init: source,
    tasks: work,
    workers,
    onResult: tick,
    label: "search chunk",
  });
}

/**
 * Assembles a search from its evaluated trials (chunk results in trial order): constraints, ranking,
 * plateau scores, the returns matrix and the guards of the best trial.
 */
export function searchResult(
  obj: Objective,
  plan: SearchPlan,
  window: Window,
  chunkResults: readonly TrialEvaluation[][],
  options: { pboBlocks?: number | false; started?: number } = {},
): SearchResult {
  const { space, metric, direction, constraints, points } = plan;
  const evaluations = chunkResults.flat();
  const n = points.length, bars = window.end - window.start;
  const values = Float64Array.from(evaluations, (e) => e.metrics[metric] ?? NaN);
  const violations = evaluations.map((e) =>
    constraints.filter((c) => !satisfies(e.metrics[c.metric] ?? NaN, c)).map((c) => c.text)
  );
  const ranking = Array.from({ length: n }, (_, k) => k)
    .filter((k) => violations[k].length === 0)
    .sort((a, b) => compareMetric(values[a], values[b], direction) || a - b);
  const rank = new Int32Array(n);
  ranking.forEach((k, r) => (rank[k] = r + 1));
  const { score } = plateauScores(space, points, values);
  const robust = ranking.length
    ? ranking.reduce((a, b) => (compareMetric(score[b], score[a], direction) < 0 ? b : a))
    : -1;
  const returns = new Float64Array(bars * n);
  evaluations.forEach((e, k) => {
    for (let t = 0; t < bars; t++) returns[t * n + k] = e.returns[t];
  });
  const best = ranking.length ? ranking[0] : -1;
  const warnings = [...plan.warnings];
  if (best < 0) {
    warnings.push(`no trial satisfies the constraints (${constraints.map((c) => c.text).join(", ")})`);
  }
  return {
    kind: "search",
    method: plan.method,
    objectiveName: obj.name,
    metric,
    direction,
    space,
    constraints,
    ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
    window,
    periodsPerYear: obj.periodsPerYear,
    dates: obj.dates.slice(window.start, window.end),
    trials: points.map((params, k) => ({
      index: k,
      params,
      metrics: evaluations[k].metrics,
      feasible: violations[k].length === 0,
      violations: violations[k],
      rank: rank[k],
      plateau: score[k],
    })),
    returns,
    best,
    ranking,
    robust,
    ...(best >= 0
      ? {
        guards: selectionGuards(returns, n, best, {
          periodsPerYear: obj.periodsPerYear,
          blocks: options.pboBlocks,
        }),
      }
      : {}),
    warnings,
    elapsedMs: performance.now() - (options.started ?? performance.now()),
  };
}
