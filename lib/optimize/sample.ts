/**
 * Seeded random search: `n` distinct points of a space drawn with quantnb's seeded generator, so the
 * same seed gives the same trials on every machine, whatever the worker count (points are drawn here,
 * once, before any trial runs).
 */
import { createRng, type Rng } from "../util/rng.ts";
import { stableJson } from "../util/hash.ts";
import {
  type Dimension,
  dimensionValues,
  type ParamValue,
  type Space,
  SpaceError,
  type TrialParams,
} from "./space.ts";

/** Attempts per point before a discrete space counts as exhausted. */
const ATTEMPTS = 200;

/** Draws one value: uniform over a grid or choice list, uniform (or log-uniform) on a continuous range. */
function draw(d: Dimension, rng: Rng): ParamValue {
  if (d.kind === "fixed") return d.value;
  if (d.kind === "choice") return d.values[rng.int(d.values.length)];
  if (d.step !== undefined) {
    const values = dimensionValues(d);
    return values[rng.int(values.length)];
  }
  const u = rng.uniform();
  const x = d.log
    ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min)))
    : d.min + u * (d.max - d.min);
  return d.integer ? Math.round(x) : x;
}

/** The number of distinct points of a space, or Infinity when a dimension is continuous. */
export function spaceCardinality(space: Space): number {
  return space.dimensions.reduce(
    (n, d) => n * (d.kind === "range" && d.step === undefined ? Infinity : dimensionValues(d).length),
    1,
  );
}

/**
 * `n` distinct random points of the space from `seed` (each dimension drawn in order per point;
 * a repeated point is drawn again). A discrete space with fewer than `n` points gives all of them
 * (in draw order) and says so in `warning`.
 *
 * @example
 * ```ts
 * const { points } = randomPoints(defineSpace({ lag: { min: 0, max: 10, step: 1 }, x: { min: 0, max: 1 } }), 50, 7);
 * points.length; // => 50, the same 50 for seed 7 every time
 * ```
 */
export function randomPoints(
  space: Space,
  n: number,
  seed: number,
): { points: TrialParams[]; warning?: string } {
  if (!(Number.isInteger(n) && n >= 1)) throw new SpaceError(`random search needs n ≥ 1 trials, found ${n}`);
  if (!Number.isInteger(seed)) throw new SpaceError(`random search needs an integer seed, found ${seed}`);
  const size = spaceCardinality(space);
  const target = Math.min(n, size);
  const rng = createRng(seed);
  const seen = new Set<string>();
  const points: TrialParams[] = [];
  let misses = 0;
  while (points.length < target && misses < ATTEMPTS * target) {
    const p = Object.fromEntries(space.dimensions.map((d) => [d.name, draw(d, rng)]));
    const key = stableJson(p);
    if (seen.has(key)) {
      misses++;
      continue;
    }
    seen.add(key);
    points.push(p);
  }
  const warning = points.length < n
    ? `the space has ${
      size === Infinity ? "too few distinct" : size
    } points; random search ran ${points.length} of the ${n} trials asked`
    : undefined;
  return { points, ...(warning ? { warning } : {}) };
}
