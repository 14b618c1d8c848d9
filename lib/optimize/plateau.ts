/**
 * Plateau scores: a trial's metric averaged over its neighbourhood in the parameter space, so a
 * broad optimum (a plateau) can be told from a lone spike.
 */
import { dimensionValues, type Space, type TrialParams, varyingDimensions } from "./space.ts";

/** Half-width of a continuous dimension's neighbourhood, as a share of its range. */
const CONTINUOUS_RADIUS = 0.1;

/** Per-trial coordinates along one varying dimension. */
interface Axis {
  /** Position (grid index, or share of the range for continuous dimensions) per trial. */
  readonly at: Float64Array;
  /** Largest distance still counted as a neighbour. */
  readonly radius: number;
}

/** The trials' coordinates along each varying dimension: ordered ones by rank, unordered ones by value. */
function axes(space: Space, params: readonly TrialParams[]): Axis[] {
  return varyingDimensions(space).map((d) => {
    if (d.kind === "range" && d.step === undefined) {
      const span = d.max - d.min || 1;
      return {
        at: Float64Array.from(params, (p) => ((p[d.name] as number) - d.min) / span),
        radius: CONTINUOUS_RADIUS + 1e-12,
      };
    }
    const values = dimensionValues(d);
    const ordered = values.every((v) => typeof v === "number");
    const sorted = ordered ? [...values].sort((a, b) => (a as number) - (b as number)) : values;
    const rank = new Map(sorted.map((v, k) => [JSON.stringify(v), k]));
    return {
      at: Float64Array.from(params, (p) => rank.get(JSON.stringify(p[d.name])) ?? NaN),
      // Ordered values: the next value either side; unordered (strings, booleans): the same value only.
      radius: ordered ? 1 : 0,
    };
  });
}

/**
 * The plateau score of every trial: the mean of `values` (NaN skipped) over the trials that are its
 * neighbours — within one grid step either side on every ordered dimension (numeric ranges and
 * numeric choices, by sorted value), within 10% of the range on continuous ones, and equal on
 * unordered ones (strings, booleans) — itself included; with the neighbourhood sizes. In a full grid
 * with k ordered dimensions an interior cell has 3^k neighbours.
 *
 * @example
 * ```ts
 * const { score, count } = plateauScores(space, trials.map((t) => t.params), sharpe);
 * ```
 */
export function plateauScores(
  space: Space,
  params: readonly TrialParams[],
  values: ArrayLike<number>,
): { score: Float64Array; count: Int32Array } {
  const dims = axes(space, params);
  const n = params.length;
  const score = new Float64Array(n), count = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0, k = 0, members = 0;
    for (let j = 0; j < n; j++) {
      let near = true;
      for (const d of dims) {
        if (!(Math.abs(d.at[i] - d.at[j]) <= d.radius)) {
          near = false;
          break;
        }
      }
      if (!near) continue;
      members++;
      if (!Number.isNaN(values[j])) {
        sum += values[j];
        k++;
      }
    }
    score[i] = k ? sum / k : NaN;
    count[i] = members;
  }
  return { score, count };
}
