/**
 * Portfolio construction helpers strategies share, on date-major `T × N` matrices (`t * N + i`):
 * top-N selection of a score, cross-sectional z-scores, entry/exit state machines and equal weights
 * over the names in position. Rows where nothing can be decided come out all NaN ("no decision").
 */
import { quickselect } from "simple-statistics";
import type { Panel } from "../panel/types.ts";
import type { Signal } from "../signal/types.ts";
import { pricedAt } from "./features.ts";
import type { EnumSpec } from "./params.ts";

/**
 * How a factor strategy's signal becomes weights: each date, the `n` names with the highest signal
 * get `long / k` each (k = how many were selected), and with `short > 0` the `n` lowest get
 * `−short / k`. Names not selected get 0; a date with no finite signal is no decision (NaN row).
 */
export interface Construction {
  readonly method: "top_n";
  readonly n: number;
  /** Total weight of the long leg (default 1 = fully invested). */
  readonly long?: number;
  /** Total weight of the short leg, as a positive number (default 0 = long only). */
  readonly short?: number;
}

function checkShape(what: string, matrix: ArrayLike<number>, nT: number, nS: number): void {
  if (matrix.length !== nT * nS) {
    throw new RangeError(`${what} has ${matrix.length} cells, expected ${nT} × ${nS} = ${nT * nS}`);
  }
}

/**
 * Equal-weight top-N (and optional bottom-N short) weights of a score matrix, per `Construction`.
 * Ties are broken by security order, so the result is deterministic. When fewer than `2n` names have
 * a score and there is a short leg, the legs split the names in half (top half long).
 *
 * @example
 * ```ts
 * // one date, scores 3, 1, 2: the top 2 are names 0 and 2
 * topNWeights(Float64Array.of(3, 1, 2), 1, 3, { method: "top_n", n: 2 }); // => [0.5, 0, 0.5]
 * ```
 */
export function topNWeights(
  scores: ArrayLike<number>,
  nT: number,
  nS: number,
  construction: Construction,
): Float64Array {
  checkShape("scores", scores, nT, nS);
  const { n, long = 1, short = 0 } = construction;
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`top_n: n must be an integer ≥ 1, found ${n}`);
  const weights = new Float64Array(nT * nS).fill(NaN);
  const finite = new Float64Array(nS);
  for (let t = 0; t < nT; t++) {
    const base = t * nS;
    let count = 0;
    for (let i = 0; i < nS; i++) if (Number.isFinite(scores[base + i])) finite[count++] = scores[base + i];
    if (count === 0) continue;
    // Rank order: score descending, then security order. The top k are the names above the k-th
    // largest score plus its ties in security order; the bottom k mirror that (ties from the last name).
    // The k-th values come from quickselect (O(count), no sort).
    const values = finite.subarray(0, count);
    for (let i = 0; i < nS; i++) weights[base + i] = 0;
    const kLong = short > 0 ? Math.min(n, Math.floor(count / 2)) : Math.min(n, count);
    if (kLong > 0) pick(scores, weights, base, nS, kth(values, count - kLong), kLong, long / kLong, 1);
    if (short > 0) {
      const kShort = Math.min(n, count - kLong);
      if (kShort > 0) pick(scores, weights, base, nS, kth(values, kShort - 1), kShort, -short / kShort, -1);
    }
  }
  return weights;
}

/** The k-th smallest of `values` (0-based), partially reordering them in place. */
function kth(values: Float64Array, k: number): number {
  quickselect(values as unknown as number[], k);
  return values[k];
}

/**
 * Sets `w` on the `k` names of row `base` beyond `threshold` (`side` 1: above it, ties from the first
 * name; −1: below it, ties from the last name), where `threshold` is the row's k-th score from that end.
 */
function pick(
  scores: ArrayLike<number>,
  weights: Float64Array,
  base: number,
  nS: number,
  threshold: number,
  k: number,
  w: number,
  side: 1 | -1,
): void {
  let taken = 0;
  for (let i = 0; i < nS; i++) {
    const x = scores[base + i];
    if (side > 0 ? x > threshold : x < threshold) (weights[base + i] = w, taken++);
  }
  for (let j = 0; j < nS && taken < k; j++) {
    const i = side > 0 ? j : nS - 1 - j;
    if (scores[base + i] === threshold) (weights[base + i] = w, taken++);
  }
}

/**
 * Cross-sectional z-score of each date's finite values, `(x − mean) / std` (population std, ddof 0);
 * NaN where the value is missing or the date has fewer than 2 values or no dispersion.
 *
 * @example
 * ```ts
 * crossSectionalZscore(Float64Array.of(1, 2, 3), 1, 3); // => [-1.2247…, 0, 1.2247…]
 * ```
 */
export function crossSectionalZscore(x: ArrayLike<number>, nT: number, nS: number): Float64Array {
  checkShape("values", x, nT, nS);
  const out = new Float64Array(nT * nS).fill(NaN);
  for (let t = 0; t < nT; t++) {
    const base = t * nS;
    let count = 0, sum = 0;
    for (let i = 0; i < nS; i++) {
      const v = x[base + i];
      if (Number.isFinite(v)) (count++, sum += v);
    }
    if (count < 2) continue;
    const mean = sum / count;
    let ss = 0;
    for (let i = 0; i < nS; i++) {
      const v = x[base + i];
      if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
    }
    const sd = Math.sqrt(ss / count);
    if (!(sd > 0)) continue;
    for (let i = 0; i < nS; i++) {
      const v = x[base + i];
      if (Number.isFinite(v)) out[base + i] = (v - mean) / sd;
    }
  }
  return out;
}

/**
 * Per-name position state from entry and exit rules, bar by bar: `state[t] = +1` once
 * `enterLong(t, i)` holds, `−1` once `enterShort(t, i)` holds (when given), back to 0 when
 * `exit(t, i, state)` holds; otherwise the previous state carries. A name with no data on a bar
 * (`valid(t, i)` false) is flat and stays flat until a new entry. The decision on bar t uses bar t's
 * values only (no look-ahead); the simulator trades it on the next bar.
 *
 * @example
 * ```ts
 * // enter when x < 30, exit when x > 50: x = 20, 40, 60, 40 → 1, 1, 0, 0
 * const x = Float64Array.of(20, 40, 60, 40);
 * positionState(4, 1, { valid: (t) => !Number.isNaN(x[t]), enterLong: (t) => x[t] < 30, exit: (t) => x[t] > 50 });
 * ```
 */
export function positionState(
  nT: number,
  nS: number,
  rules: {
    valid: (t: number, i: number) => boolean;
    enterLong: (t: number, i: number) => boolean;
    enterShort?: (t: number, i: number) => boolean;
    exit: (t: number, i: number, state: number) => boolean;
  },
): Int8Array {
  const state = new Int8Array(nT * nS);
  for (let i = 0; i < nS; i++) {
    let s = 0;
    for (let t = 0; t < nT; t++) {
      if (!rules.valid(t, i)) s = 0;
      else if (s !== 0 && rules.exit(t, i, s)) s = 0;
      else if (s === 0 && rules.enterLong(t, i)) s = 1;
      else if (s === 0 && rules.enterShort?.(t, i)) s = -1;
      state[t * nS + i] = s;
    }
  }
  return state;
}

/** How `stateWeights` sizes each name in position. */
export type Sizing = "equal_active" | "equal_slots";

/**
 * Weights from per-name states (+1 long, −1 short, 0 flat): with `equal_active` every name in
 * position gets `±1 / k` (k names in position: always fully invested, 0 when none); with
 * `equal_slots` every name gets `±1 / m` where m is the number of names with data that day (each
 * name has its own slot; flat names leave their slot in cash). Rows before any name has data are no
 * decision (NaN).
 *
 * @example
 * ```ts
 * stateWeights(Int8Array.of(1, 0, 1, -1), 1, 4, "equal_active", () => true); // => [1/3, 0, 1/3, -1/3]
 * stateWeights(Int8Array.of(1, 0, 1, -1), 1, 4, "equal_slots", () => true); // => [0.25, 0, 0.25, -0.25]
 * ```
 */
export function stateWeights(
  state: ArrayLike<number>,
  nT: number,
  nS: number,
  sizing: Sizing,
  valid: (t: number, i: number) => boolean,
): Float64Array {
  checkShape("state", state, nT, nS);
  const weights = new Float64Array(nT * nS).fill(NaN);
  for (let t = 0; t < nT; t++) {
    const base = t * nS;
    let slots = 0, active = 0;
    for (let i = 0; i < nS; i++) {
      if (valid(t, i)) slots++;
      if (state[base + i] !== 0) active++;
    }
    if (slots === 0) continue;
    const size = sizing === "equal_active" ? (active ? 1 / active : 0) : 1 / slots;
    for (let i = 0; i < nS; i++) weights[base + i] = state[base + i] * size;
  }
  return weights;
}

/**
 * A dense score matrix as a signal in the signal contract: one row per finite cell, `date_sig` = the
 * cell's date (known at that close), named `signalName`. What a factor strategy returns with its
 * construction, and what `deno task suite` can test like any vendor signal.
 *
 * @example
 * ```ts
 * const signal = matrixSignal(panel, scores, "momentum_12_1");
 * signal.security_id.length; // finite cells of scores
 * ```
 */
export function matrixSignal(
  panel: { readonly dates: Float64Array; readonly securityIds: readonly string[] },
  scores: ArrayLike<number>,
  signalName: string,
): Signal {
  const nT = panel.dates.length, nS = panel.securityIds.length;
  checkShape("scores", scores, nT, nS);
  let n = 0;
  for (let c = 0; c < scores.length; c++) if (Number.isFinite(scores[c])) n++;
  const security_id: string[] = new Array(n);
  const date_sig = new Float64Array(n), signal = new Float64Array(n);
  for (let c = 0, r = 0; c < scores.length; c++) {
    if (!Number.isFinite(scores[c])) continue;
    security_id[r] = panel.securityIds[c % nS];
    date_sig[r] = panel.dates[Math.floor(c / nS)];
    signal[r++] = scores[c];
  }
  return { security_id, date_sig, signal, signal_name: signalName };
}

/** The `sizing` parameter every per-name rule strategy takes (see `stateWeights`). */
export const SIZING_PARAM: EnumSpec = Object.freeze({
  type: "enum",
  choices: ["equal_slots", "equal_active"],
  default: "equal_slots",
  description: "1 / names with a price each, or 1 / names in position each",
});

/**
 * Long-only weights of a per-name entry/exit rule: a name with a price and `ready(t, i)` (its
 * indicators exist) enters when `enter(t, i)` and leaves when `exit(t, i)` (see `positionState`), sized
 * by `sizing` over the names with a price (see `stateWeights`).
 *
 * @example
 * ```ts
 * ruleWeights(panel, "equal_slots", { ready: (t, i) => !isNaN(rsi[t * N + i]), enter: (t, i) => rsi[t * N + i] < 30, exit: (t, i) => rsi[t * N + i] > 55 });
 * ```
 */
export function ruleWeights(
  panel: Panel,
  sizing: Sizing,
  rules: {
    ready: (t: number, i: number) => boolean;
    enter: (t: number, i: number) => boolean;
    exit: (t: number, i: number) => boolean;
  },
): Float64Array {
  const T = panel.dates.length, N = panel.securityIds.length;
  const valid = pricedAt(panel);
  const state = positionState(T, N, {
    valid: (t, i) => valid(t, i) && rules.ready(t, i),
    enterLong: rules.enter,
    exit: rules.exit,
  });
  return stateWeights(state, T, N, sizing, valid);
}
