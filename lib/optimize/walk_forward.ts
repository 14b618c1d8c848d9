/**
 * Walk-forward optimisation: re-run the search on each in-sample window, apply the chosen parameters
 * to the out-of-sample window that follows, and judge only what was out of sample — the stitched
 * out-of-sample returns, in-sample vs out-of-sample metrics, the walk-forward efficiency and how the
 * choice moves from window to window.
 *
 * No out-of-sample bar reaches an in-sample fit: every in-sample trial is evaluated with
 * `window.end = isEnd ≤ oosStart`, and objectives read only bars before `window.end`.
 */
import { finite } from "../metrics/core.ts";
import { probabilisticSharpe } from "../metrics/sharpe_inference.ts";
import { allMetrics, type Metrics } from "../metrics/summary.ts";
import type { Objective, ObjectiveSource } from "./objective.ts";
import {
  evaluateChunks,
  prepareSearch,
  SEARCH_KEYS,
  type SearchOptions,
  type SearchPlan,
  type SearchResult,
  searchResult,
  trialChunks,
} from "./search.ts";
import type { TrialParams } from "./space.ts";
import { axisCoding, sensitivity } from "./surface.ts";
import type { TrialChunk } from "./trial_task.ts";
import { type WalkForwardWindow, walkForwardWindows, type WindowOptions } from "./windows.ts";
import { checkOptions } from "../util/options.ts";

/** Options of `runWalkForward`: a search (space, method, objective, constraints, workers) and windows. */
export interface WalkForwardOptions extends Omit<SearchOptions, "window"> {
  readonly windows: WindowOptions;
}

/** `runSearch`'s option names with `windows` for its `window` (read at call time: the modules import each other). */
function walkForwardKeys(): string[] {
  return ["windows", ...SEARCH_KEYS.filter((key) => key !== "window")];
}

/** One window's outcome. */
export interface WalkForwardStep {
  readonly window: WalkForwardWindow;
  /** Dates bounding the window: in-sample first/last bar, out-of-sample first/last bar. */
  readonly isFrom: number;
  readonly isTo: number;
  readonly oosFrom: number;
  readonly oosTo: number;
  /** The in-sample search (null params when no trial was feasible). */
  readonly search: SearchResult;
  /** Parameters chosen in sample (the best feasible trial), applied out of sample. */
  readonly params: TrialParams | null;
  /** The objective metric of the chosen parameters in sample and out of sample. */
  readonly isMetric: number;
  readonly oosMetric: number;
  /** oosMetric / isMetric. */
  readonly efficiency: number;
  /** Out-of-sample returns of the chosen parameters (NaN when not invested or nothing was chosen). */
  readonly oosReturns: Float64Array;
  readonly oosMetrics: Readonly<Record<string, number>>;
}

/** A parameter's in-sample metric per window and value: the stability surface. */
export interface StabilitySurface {
  readonly param: string;
  readonly labels: readonly string[];
  /** `windows × values` row-major: the best in-sample metric with that value, per window. */
  readonly values: Float64Array;
  /** The value chosen in each window (label), or null. */
  readonly chosen: readonly (string | null)[];
}

/** Everything a walk-forward produces. */
export interface WalkForwardResult {
  readonly kind: "walk_forward";
  readonly objectiveName: string;
  readonly metric: string;
  readonly direction: "max" | "min";
  readonly plan: SearchPlan;
  readonly windowOptions: WindowOptions;
  readonly steps: readonly WalkForwardStep[];
  /** Dates and returns of the stitched out-of-sample period (every out-of-sample bar, in order). */
  readonly dates: Float64Array;
  readonly returns: Float64Array;
  /** Metrics of the stitched out-of-sample returns (invested bars). */
  readonly oosMetrics: Metrics;
  /** P(true Sharpe > 0) of the stitched out-of-sample returns. */
  readonly oosPsr: number;
  /** Mean of the in-sample metric of the chosen parameters over the windows. */
  readonly isMetricMean: number;
  /** Stitched out-of-sample metric / mean in-sample metric. */
  readonly efficiency: number;
  readonly stability: readonly StabilitySurface[];
  readonly periodsPerYear: number;
  readonly warnings: readonly string[];
  readonly elapsedMs: number;
}

/**
 * Runs a walk-forward optimisation. The trials (grid points, or random points from the seed) are the
 * same in every window; all in-sample trials of all windows go through the worker pool together,
 * then each window's chosen parameters are evaluated on its out-of-sample bars. Results do not
 * depend on the worker count.
 *
 * @example
 * ```ts
 * const wf = await runWalkForward(source, {
 *   space: { lag: [0, 1, 2], fractile: [5, 10] },
 *   windows: { mode: "rolling", inSample: "3y", outOfSample: "1y" },
 * });
 * wf.efficiency; wf.steps.map((s) => s.params);
 * ```
 */
export async function runWalkForward(
  objective: Objective | ObjectiveSource,
  options: WalkForwardOptions,
): Promise<WalkForwardResult> {
  checkOptions("runWalkForward", options, walkForwardKeys());
  const started = performance.now();
  const { obj, source, plan, workers } = await prepareSearch(objective, options);
  const windows = walkForwardWindows(obj.dates, options.windows);
  const total = windows.length * (plan.points.length + 1);
  let base = 0;
  const progress = (done: number) => options.onProgress?.(base + done, total);
  // In-sample: every window's trials, in window order.
  const isChunks = windows.map((w) => trialChunks(plan.points, { start: w.isStart, end: w.isEnd }, workers));
  const isResults = await evaluateChunks(obj, source, isChunks.flat(), workers, progress);
  base = windows.length * plan.points.length;
  let offset = 0;
  const searches = isChunks.map((chunks) => {
    const mine = isResults.slice(offset, offset += chunks.length);
    return searchResult(obj, plan, { start: chunks[0].window.start, end: chunks[0].window.end }, mine, {
      pboBlocks: options.pboBlocks,
    });
  });
  // Out of sample: each window's chosen parameters on its next bars.
  const chosen = searches.map((s) => (s.best >= 0 ? s.trials[s.best].params : null));
  const oosChunks: TrialChunk[] = [];
  windows.forEach((w, k) => {
    if (chosen[k]) {
      oosChunks.push({
        window: { start: w.oosStart, end: w.oosEnd },
        trials: [{ index: k, params: chosen[k]! }],
      });
    }
  });
  const oosResults = (await evaluateChunks(obj, source, oosChunks, workers, progress)).flat();
  const oosByWindow = new Map(oosChunks.map((c, j) => [c.trials[0].index, oosResults[j]]));
  const dates = obj.dates;
  const steps: WalkForwardStep[] = windows.map((w, k) => {
    const search = searches[k];
    const oos = oosByWindow.get(k);
    const isMetric = search.best >= 0 ? search.trials[search.best].metrics[plan.metric] : NaN;
    const oosMetric = oos?.metrics[plan.metric] ?? NaN;
    return {
      window: w,
      isFrom: dates[w.isStart],
      isTo: dates[w.isEnd - 1],
      oosFrom: dates[w.oosStart],
      oosTo: dates[w.oosEnd - 1],
      search,
      params: chosen[k],
      isMetric,
      oosMetric,
      efficiency: oosMetric / isMetric,
      oosReturns: oos?.returns ?? new Float64Array(w.oosEnd - w.oosStart).fill(NaN),
      oosMetrics: oos?.metrics ?? {},
    };
  });
  const length = steps.reduce((n, s) => n + s.oosReturns.length, 0);
  const returns = new Float64Array(length), stitchedDates = new Float64Array(length);
  let at = 0;
  for (const s of steps) {
    returns.set(s.oosReturns, at);
    stitchedDates.set(dates.subarray(s.window.oosStart, s.window.oosEnd), at);
    at += s.oosReturns.length;
  }
  const invested = finite(returns);
  const oosMetrics = allMetrics(invested, { periodsPerYear: obj.periodsPerYear });
  const isValues = steps.map((s) => s.isMetric).filter(Number.isFinite);
  const isMetricMean = isValues.length ? isValues.reduce((a, b) => a + b) / isValues.length : NaN;
  const warnings = [...plan.warnings];
  const skipped = steps.filter((s) => !s.params).length;
  if (skipped) {
    warnings.push(`${skipped} window(s) had no feasible trial in sample and stayed out of the market`);
  }
  return {
    kind: "walk_forward",
    objectiveName: obj.name,
    metric: plan.metric,
    direction: plan.direction,
    plan,
    windowOptions: options.windows,
    steps,
    dates: stitchedDates,
    returns,
    oosMetrics,
    oosPsr: invested.length > 2 ? probabilisticSharpe(invested) : NaN,
    isMetricMean,
    efficiency: (oosMetrics as unknown as Record<string, number>)[plan.metric] / isMetricMean,
    stability: stabilitySurfaces(steps),
    periodsPerYear: obj.periodsPerYear,
    warnings,
    elapsedMs: performance.now() - started,
  };
}

/** Per varying parameter: the in-sample best-of metric per window and value, and each window's choice. */
function stabilitySurfaces(steps: readonly WalkForwardStep[]): StabilitySurface[] {
  if (steps.length === 0) return [];
  const first = sensitivity(steps[0].search);
  return first.map(({ param, labels }) => {
    const values = new Float64Array(steps.length * labels.length);
    const chosen: (string | null)[] = [];
    steps.forEach((s, k) => {
      const row = sensitivity(s.search, { params: [param] })[0];
      values.set(row.best, k * labels.length);
      const p = s.params?.[param];
      const d = s.search.space.dimensions.find((dim) => dim.name === param)!;
      chosen.push(p === undefined ? null : row.labels[axisCoding(d).position(p)] ?? null);
    });
    return { param, labels, values, chosen };
  });
}
