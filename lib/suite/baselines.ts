import { field, type Panel } from "../panel/types.ts";
import { sharedFloat64 } from "../util/shared.ts";

/**
 * The baselines every signal is compared with, computed on the panel with typed arrays. Each returns a
 * dense matrix of values known at the close of each date (`known[t * N + i]`), the shape the engine
 * takes as `{ known }`; NaN where the window is incomplete or a return is missing. Matrices live in
 * shared memory, so a suite builds each baseline once and its workers read it without a copy.
 */

/** A baseline signal as the engine takes it. */
export interface BaselineSignal {
  name: string;
  known: Float64Array;
}

/**
 * Compounded return over the `window` periods ending at each date, `Π(1 + ret[t−window+1..t]) − 1`,
 * skipping the most recent `skip` periods first (so the window ends at t − skip). Runs in
 * O(T × N) via per-security cumulative log-returns; NaN if any return in the window is missing.
 *
 * @example
 * ```ts
 * // ret of one security: 0.1, 0.1 → trailing 2-period return at t = 1 is 1.1 × 1.1 − 1 = 0.21
 * trailingReturn(panel, 2)[1 * panel.securityIds.length + 0]; // => 0.21
 * ```
 */
export function trailingReturn(panel: Panel, window: number, skip = 0): Float64Array {
  const ret = field(panel, "ret");
  const nT = panel.dates.length;
  const nS = panel.securityIds.length;
  const out = sharedFloat64(nT * nS).fill(NaN);
  const logSum = new Float64Array(nT + 1);
  const missing = new Int32Array(nT + 1);
  for (let i = 0; i < nS; i++) {
    for (let t = 0; t < nT; t++) {
      const r = ret[t * nS + i];
      const bad = Number.isNaN(r) || r <= -1;
      logSum[t + 1] = logSum[t] + (bad ? 0 : Math.log1p(r));
      missing[t + 1] = missing[t] + (bad ? 1 : 0);
    }
    for (let t = window + skip - 1; t < nT; t++) {
      const end = t - skip + 1; // exclusive prefix index
      const begin = end - window;
      if (missing[end] - missing[begin] === 0) out[t * nS + i] = Math.expm1(logSum[end] - logSum[begin]);
    }
  }
  return out;
}

/**
 * `reversal_5d`: minus the past 5-period return, `−(Π(1 + ret[t−4..t]) − 1)`: last week's losers
 * are expected to bounce.
 */
export function reversal5d(panel: Panel): BaselineSignal {
  const known = trailingReturn(panel, 5);
  for (let k = 0; k < known.length; k++) known[k] = -known[k];
  return { name: "reversal_5d", known };
}

/**
 * `momentum_12_1`: the 12-month return skipping the most recent month, `Π(1 + ret[t−251..t−21]) − 1`
 * for daily bars (a year = `periodsPerYear` bars, a month = a twelfth of it, rounded).
 */
export function momentum12_1(panel: Panel): BaselineSignal {
  const month = Math.round(panel.periodsPerYear / 12);
  return { name: "momentum_12_1", known: trailingReturn(panel, panel.periodsPerYear - month, month) };
}

/**
 * `value`: the panel's slow value descriptor (book-to-price-like) as of each close: the panel's own
 * matrix, not a copy (the engine never writes to a known matrix).
 */
export function valueBaseline(panel: Panel): BaselineSignal {
  return { name: "value", known: field(panel, "value") };
}

/** Every baseline by name, in the suite's fixed order. */
export const BASELINES: Readonly<Record<string, (panel: Panel) => BaselineSignal>> = {
  reversal_5d: reversal5d,
  momentum_12_1: momentum12_1,
  value: valueBaseline,
};

/** The baselines a panel supports, in order (`value` only when the panel has the descriptor). */
export function baselineNames(panel: Panel): string[] {
  return Object.keys(BASELINES).filter((name) => name !== "value" || "value" in panel.fields);
}

/**
 * All the baselines a panel supports, in a fixed order: reversal_5d, momentum_12_1, value.
 *
 * @example
 * ```ts
 * baselines(panel).map((b) => b.name); // => ["reversal_5d", "momentum_12_1", "value"]
 * ```
 */
export function baselines(panel: Panel): BaselineSignal[] {
  return baselineNames(panel).map((name) => BASELINES[name](panel));
}
