/**
 * Labels: what a model learns to predict, from each security's returns AFTER the close of day t,
 * on its own rows (see `own_rows.ts`). With `fwd(t, h) = Π_{k=1..h} (1 + ret[t+k]) − 1` the simple
 * return from the close of t to the close of its h-th next bar:
 *
 * - `B1`: 1 if `fwd > 0` else 0 (up / down).
 * - `T3`: +1 if `fwd > up`, −1 if `fwd < −down`, else 0 (thresholds default 0.2%).
 * - `R`: `100 · ln(1 + fwd)`, the log return in percent (a regression target).
 * - `TB`: triple barrier (López de Prado, AFML ch. 3): with σ the sample std of the last `volWindow`
 *   daily returns up to t, the first of the bars t+1..t+h at which the cumulative return reaches
 *   `+upper · σ · √h` gives +1, `−lower · σ · √h` gives −1; neither gives 0 (`vertical: "zero"`) or the sign
 *   of `fwd` (`vertical: "sign"`).
 *
 * Every label records `end[t]`: the date index at which it is known (the h-th next bar, or the touch
 * for `TB`). Splits purge training rows on `[t, end]`; a label without h future bars is NaN with end −1.
 */
import { rollingStd } from "../indicators/mod.ts";
import { nDates, nSecurities, type Panel } from "../panel/types.ts";
import { gatherOwn, type OwnRows, ownRows } from "./own_rows.ts";

/** The label kinds. */
export type LabelType = "B1" | "T3" | "R" | "TB";

/** A label definition: plain data (it goes into run configs and hashes). */
export interface LabelSpec {
  readonly type: LabelType;
  /** Bars ahead (≥ 1). */
  readonly horizon: number;
  /** T3: the up threshold (default 0.002). */
  readonly up?: number;
  /** T3: the down threshold (default `up`). */
  readonly down?: number;
  /** TB: upper barrier in units of σ·√h (default 1). */
  readonly upper?: number;
  /** TB: lower barrier in units of σ·√h (default 1). */
  readonly lower?: number;
  /** TB: bars of the volatility estimate (default 21). */
  readonly volWindow?: number;
  /** TB: the label when no horizontal barrier is touched (default "zero"). */
  readonly vertical?: "zero" | "sign";
}

/** What a label type asks of a model. */
export type Task = "binary" | "multiclass" | "regression";

/** A computed label on the panel grid. */
export interface LabelMatrix {
  readonly spec: LabelSpec;
  /** `B1_5`, `T3_21`, … */
  readonly name: string;
  readonly task: Task;
  /** The class values (classification), ascending; empty for regression. */
  readonly classes: readonly number[];
  /** Date-major `T × N` label values, NaN where unknown. */
  readonly value: Float64Array;
  /** Date-major `T × N` simple forward return over the horizon (what a signal on day t earns). */
  readonly forward: Float64Array;
  /** Date-major `T × N` date index at which the label is known; −1 where there is no label. */
  readonly end: Int32Array;
}

/**
 * The name of a label: `<type>_<horizon>`.
 *
 * @example
 * ```ts
 * labelName({ type: "T3", horizon: 21 }); // => "T3_21"
 * ```
 */
export function labelName(spec: LabelSpec): string {
  return `${spec.type}_${spec.horizon}`;
}

/** The learning task of a label type: B1 binary, T3 and TB multiclass, R regression. */
export function labelTask(type: LabelType): Task {
  return type === "B1" ? "binary" : type === "R" ? "regression" : "multiclass";
}

const CLASSES: Record<Task, readonly number[]> = {
  binary: [0, 1],
  multiclass: [-1, 0, 1],
  regression: [],
};

function checkSpec(spec: LabelSpec): void {
  if (!["B1", "T3", "R", "TB"].includes(spec.type)) {
    throw new RangeError(`label type must be one of B1, T3, R, TB; found "${spec.type}"`);
  }
  if (!Number.isInteger(spec.horizon) || spec.horizon < 1) {
    throw new RangeError(`label ${spec.type}: horizon must be an integer ≥ 1, found ${spec.horizon}`);
  }
  for (const key of ["up", "down", "upper", "lower"] as const) {
    const v = spec[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`label ${labelName(spec)}: ${key} must be a number ≥ 0, found ${v}`);
    }
  }
  if (spec.volWindow !== undefined && !(Number.isInteger(spec.volWindow) && spec.volWindow >= 2)) {
    throw new RangeError(
      `label ${labelName(spec)}: volWindow must be an integer ≥ 2, found ${spec.volWindow}`,
    );
  }
}

/**
 * Computes a label on the panel grid from its `ret` field (see the module doc for the definitions).
 * `own` (the panel's `ownRows`) may be passed to share it between labels.
 *
 * @example
 * ```ts
 * const b1 = computeLabel(panel, { type: "B1", horizon: 5 });
 * b1.value[t * N + i]; // 1 if security i rose over the 5 bars after the close of t
 * ```
 */
export function computeLabel(panel: Panel, spec: LabelSpec, own: OwnRows = ownRows(panel)): LabelMatrix {
  checkSpec(spec);
  const ret = panel.fields.ret;
  if (!ret) {
    throw new RangeError(
      `labels need the "ret" field; fields present: ${Object.keys(panel.fields).join(", ")}`,
    );
  }
  const nT = nDates(panel), nS = nSecurities(panel);
  const h = spec.horizon;
  const task = labelTask(spec.type);
  const value = new Float64Array(nT * nS).fill(NaN);
  const forward = new Float64Array(nT * nS).fill(NaN);
  const end = new Int32Array(nT * nS).fill(-1);
  const up = spec.up ?? 0.002, down = spec.down ?? up;
  let r = new Float64Array(0), logWealth = new Float64Array(0), gaps = new Int32Array(0);
  for (let i = 0; i < nS; i++) {
    const m = own.offsets[i + 1] - own.offsets[i];
    if (r.length < m) {
      r = new Float64Array(m);
      logWealth = new Float64Array(m + 1);
      gaps = new Int32Array(m + 1);
    }
    gatherOwn(ret, nS, own, i, r);
    // Prefix sums of ln(1 + r) and of missing returns: fwd over (k, k + h] in O(1).
    for (let k = 0; k < m; k++) {
      const x = r[k];
      const missing = !Number.isFinite(x) || x <= -1;
      logWealth[k + 1] = logWealth[k] + (missing ? 0 : Math.log1p(x));
      gaps[k + 1] = gaps[k] + (missing ? 1 : 0);
    }
    const sigma = spec.type === "TB" ? rollingStd(r.subarray(0, m), spec.volWindow ?? 21) : undefined;
    const dates = own.dates.subarray(own.offsets[i], own.offsets[i + 1]);
    for (let k = 0; k + h < m; k++) {
      if (gaps[k + h + 1] - gaps[k + 1] > 0) continue; // a missing return inside (k, k + h]
      const cell = dates[k] * nS + i;
      const fwd = Math.expm1(logWealth[k + h + 1] - logWealth[k + 1]);
      let label: number, known = dates[k + h];
      if (spec.type === "B1") label = fwd > 0 ? 1 : 0;
      else if (spec.type === "T3") label = fwd > up ? 1 : fwd < -down ? -1 : 0;
      else if (spec.type === "R") label = 100 * Math.log1p(fwd);
      else {
        const s = sigma![k];
        if (!Number.isFinite(s)) continue;
        const top = (spec.upper ?? 1) * s * Math.sqrt(h), bottom = -(spec.lower ?? 1) * s * Math.sqrt(h);
        label = spec.vertical === "sign" ? Math.sign(fwd) : 0;
        for (let j = 1; j <= h; j++) {
          const path = Math.expm1(logWealth[k + j + 1] - logWealth[k + 1]);
          if (path >= top || path <= bottom) {
            label = path >= top ? 1 : -1;
            known = dates[k + j];
            break;
          }
        }
      }
      value[cell] = label;
      forward[cell] = fwd;
      end[cell] = known;
    }
  }
  return { spec, name: labelName(spec), task, classes: CLASSES[task], value, forward, end };
}
