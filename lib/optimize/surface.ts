/**
 * Views of a search as data: a metric over two parameters (the surface a heatmap draws) and the
 * metric's sensitivity to each parameter. Only feasible trials count (what the search could select).
 * Continuous dimensions are cut into equal-width bins.
 */
import { compareMetric, type SearchResult } from "./search.ts";
import { type Dimension, dimensionValues, type ParamValue } from "./space.ts";

/** How the parameters not on the axes are treated. */
export type OthersMode = "best" | "fixed";

/** A metric over two parameters: `values[row * cols + col]`, rows = y values, cols = x values. */
export interface MetricSurface {
  readonly x: string;
  readonly y: string;
  readonly xLabels: readonly string[];
  readonly yLabels: readonly string[];
  readonly values: Float64Array;
  readonly metric: string;
  /** `best`: each cell is the best trial with those two values; `fixed`: the others at the best trial's values. */
  readonly others: OthersMode;
  /** Row and column of the overall best trial (−1 when it is not on the surface). */
  readonly bestCell: readonly [number, number];
}

/** Labels and a value → position map of one dimension. */
export interface AxisCoding {
  readonly labels: string[];
  readonly position: (value: ParamValue) => number;
}

/** Default bin count for continuous dimensions. */
const BINS = 8;

/** A parameter value as a short label (`"20/80"`, `0.25`, `true`). */
export function valueLabel(value: ParamValue): string {
  if (typeof value === "number") return String(Number(value.toPrecision(6)));
  return String(value);
}

/**
 * How a dimension is laid out on an axis: its values as labels (continuous ranges cut into 8
 * equal-width bins labelled by their midpoints) and the position of a value.
 *
 * @example
 * ```ts
 * axisCoding(space.dimensions[0]).position(3); // => 3 for lag = 0..4
 * ```
 */
export function axisCoding(d: Dimension): AxisCoding {
  if (d.kind === "range" && d.step === undefined) {
    const width = (d.max - d.min) / BINS || 1;
    return {
      labels: Array.from({ length: BINS }, (_, b) => valueLabel(d.min + (b + 0.5) * width)),
      position: (v) => Math.min(BINS - 1, Math.max(0, Math.floor(((v as number) - d.min) / width))),
    };
  }
  const values = dimensionValues(d);
  const index = new Map(values.map((v, k) => [JSON.stringify(v), k]));
  return { labels: values.map(valueLabel), position: (v) => index.get(JSON.stringify(v)) ?? -1 };
}

function dimensionOf(result: SearchResult, name: string): Dimension {
  const d = result.space.dimensions.find((dim) => dim.name === name);
  if (!d) {
    throw new RangeError(
      `parameter "${name}" is not in the search space; expected one of ${
        result.space.dimensions.map((dim) => dim.name).join(", ")
      }`,
    );
  }
  return d;
}

/** Feasible trials whose parameters other than `free` equal the best trial's. */
function atBest(result: SearchResult, free: readonly string[]) {
  const best = result.trials[result.best];
  return result.trials.filter((t) =>
    t.feasible && Object.entries(t.params).every(([k, v]) => free.includes(k) || v === best?.params[k])
  );
}

/**
 * A metric (default: the search's) over parameters `x` and `y`. `others: "best"` (default) takes,
 * for each cell, the best feasible trial with those two values over every value of the other
 * parameters; `"fixed"` holds the others at the best trial's values (a slice through the optimum).
 * Cells with no trial are NaN.
 *
 * @example
 * ```ts
 * const s = metricSurface(result, "lag", "fractile");
 * heatmapChart({ rows: s.yLabels, cols: s.xLabels, values: s.values });
 * ```
 */
export function metricSurface(
  result: SearchResult,
  x: string,
  y: string,
  options: { metric?: string; others?: OthersMode } = {},
): MetricSurface {
  if (x === y) throw new RangeError(`metricSurface: x and y must be different parameters, both are "${x}"`);
  const { metric = result.metric, others = "best" } = options;
  const cx = axisCoding(dimensionOf(result, x)), cy = axisCoding(dimensionOf(result, y));
  const cols = cx.labels.length;
  const values = new Float64Array(cols * cy.labels.length).fill(NaN);
  const trials = others === "fixed" ? atBest(result, [x, y]) : result.trials.filter((t) => t.feasible);
  const direction = metric === result.metric ? result.direction : "max";
  for (const t of trials) {
    const c = cx.position(t.params[x]), r = cy.position(t.params[y]);
    if (c < 0 || r < 0) continue;
    const v = t.metrics[metric] ?? NaN;
    if (compareMetric(v, values[r * cols + c], direction) < 0) values[r * cols + c] = v;
  }
  const best = result.trials[result.best];
  const bestCell: [number, number] = best
    ? [cy.position(best.params[y]), cx.position(best.params[x])]
    : [-1, -1];
  return { x, y, xLabels: cx.labels, yLabels: cy.labels, values, metric, others, bestCell };
}

/** A metric along one parameter. */
export interface Sensitivity {
  readonly param: string;
  readonly labels: readonly string[];
  /** Best feasible trial per value, over everything else. */
  readonly best: Float64Array;
  /** Mean over the feasible trials with that value. */
  readonly mean: Float64Array;
  /** The other parameters held at the best trial's values. */
  readonly atBest: Float64Array;
  readonly metric: string;
}

/**
 * The metric's sensitivity to each varying parameter (or those named): per value of the parameter,
 * the best and the mean over the feasible trials with that value, and the value with every other
 * parameter at the best trial's. A plateau shows as flat `atBest` around the optimum.
 *
 * @example
 * ```ts
 * for (const s of sensitivity(result)) console.log(s.param, s.labels, s.atBest);
 * ```
 */
export function sensitivity(
  result: SearchResult,
  options: { params?: readonly string[]; metric?: string } = {},
): Sensitivity[] {
  const { metric = result.metric } = options;
  const direction = metric === result.metric ? result.direction : "max";
  const names = options.params ??
    result.space.dimensions.filter((d) => axisCoding(d).labels.length > 1).map((d) => d.name);
  return names.map((param) => {
    const c = axisCoding(dimensionOf(result, param));
    const k = c.labels.length;
    const best = new Float64Array(k).fill(NaN), sum = new Float64Array(k), count = new Float64Array(k);
    const fixed = new Float64Array(k).fill(NaN);
    for (const t of result.trials) {
      if (!t.feasible) continue;
      const p = c.position(t.params[param]);
      const v = t.metrics[metric] ?? NaN;
      if (p < 0) continue;
      if (compareMetric(v, best[p], direction) < 0) best[p] = v;
      if (!Number.isNaN(v)) {
        sum[p] += v;
        count[p]++;
      }
    }
    for (const t of atBest(result, [param])) {
      const p = c.position(t.params[param]);
      if (p >= 0) fixed[p] = t.metrics[metric] ?? NaN;
    }
    return {
      param,
      labels: c.labels,
      best,
      mean: sum.map((s, j) => (count[j] ? s / count[j] : NaN)),
      atBest: fixed,
      metric,
    };
  });
}
