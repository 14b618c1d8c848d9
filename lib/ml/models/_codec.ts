/**
 * Private helpers of the model families: typed arrays as base64 strings in saved models (exact and
 * about half the size of JSON numbers), hyperparameter checking, and the shared prediction helpers.
 */
import { Buffer } from "node:buffer";
import type { Matrix } from "../dataset.ts";
import type { Task } from "../labels.ts";
import type { Model, ModelJson, ModelType } from "./types.ts";

/** A typed array in a saved model. */
export interface EncodedArray {
  readonly dtype: "f64" | "f32" | "i32";
  readonly base64: string;
}

/** Encodes a typed array (little-endian bytes, base64). */
export function encodeArray(values: Float64Array | Float32Array | Int32Array): EncodedArray {
  const dtype = values instanceof Float64Array ? "f64" : values instanceof Float32Array ? "f32" : "i32";
  return {
    dtype,
    base64: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64"),
  };
}

/** Decodes an `encodeArray` result, checking its dtype. */
export function decodeArray<D extends EncodedArray["dtype"]>(
  encoded: EncodedArray,
  dtype: D,
): D extends "f64" ? Float64Array : D extends "f32" ? Float32Array : Int32Array {
  if (encoded?.dtype !== dtype || typeof encoded.base64 !== "string") {
    throw new TypeError(
      `saved model: expected an encoded ${dtype} array, found ${JSON.stringify(encoded)?.slice(0, 80)}`,
    );
  }
  const bytes = Buffer.from(encoded.base64, "base64");
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const out = dtype === "f64"
    ? new Float64Array(buffer)
    : dtype === "f32"
    ? new Float32Array(buffer)
    : new Int32Array(buffer);
  return out as never;
}

/** A hyperparameter's allowed range: number (with bounds, integer) or one of a list. */
export type ParamRule =
  | { readonly type: "number"; readonly min?: number; readonly max?: number; readonly integer?: boolean }
  | { readonly type: "enum"; readonly values: readonly (string | number | boolean | null)[] };

/**
 * Fills defaults into the given hyperparameters and checks each against its rule, refusing unknown
 * keys with a `RangeError` naming the model, the key and what was expected.
 */
export function resolveParams<P extends Record<string, unknown>>(
  model: string,
  defaults: P,
  rules: Readonly<Record<keyof P, ParamRule>>,
  given: Readonly<Record<string, unknown>> = {},
): P {
  for (const key of Object.keys(given)) {
    if (!(key in defaults)) {
      throw new RangeError(
        `${model}: unknown hyperparameter "${key}"; expected one of ${Object.keys(defaults).join(", ")}`,
      );
    }
  }
  const out = { ...defaults, ...given } as P;
  for (const [key, rule] of Object.entries(rules) as [string, ParamRule][]) {
    const v = out[key];
    if (rule.type === "enum") {
      if (!rule.values.includes(v as never)) {
        throw new RangeError(
          `${model}: ${key} must be one of ${rule.values.join(", ")}; found ${JSON.stringify(v)}`,
        );
      }
      continue;
    }
    const ok = typeof v === "number" && Number.isFinite(v) && (!rule.integer || Number.isInteger(v)) &&
      (rule.min === undefined || v >= rule.min) && (rule.max === undefined || v <= rule.max);
    if (!ok) {
      const range = [
        rule.min !== undefined ? `≥ ${rule.min}` : "",
        rule.max !== undefined ? `≤ ${rule.max}` : "",
      ]
        .filter(Boolean).join(" and ");
      throw new RangeError(
        `${model}: ${key} must be ${rule.integer ? "an integer" : "a number"} ${range}; found ${
          JSON.stringify(v)
        }`,
      );
    }
  }
  return out;
}

/** Checks that a matrix has the model's feature count. */
export function checkMatrix(model: string, X: Matrix, nFeatures: number): void {
  if (X.nCols !== nFeatures || X.data.length !== X.nRows * X.nCols) {
    throw new RangeError(
      `${model}: expected a matrix of ${nFeatures} feature columns, found ${X.nRows} × ${X.nCols} (${X.data.length} values)`,
    );
  }
}

/** Argmax class value of each row of a probability matrix. */
export function argmaxClasses(proba: Float64Array, classes: readonly number[]): Float64Array {
  const K = classes.length, n = proba.length / K;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (proba[r * K + k] > proba[r * K + best]) best = k;
    out[r] = classes[best];
  }
  return out;
}

/** The ranking score of a probability matrix: P(last class) for 2 classes, else the expected class value. */
export function probaScore(proba: Float64Array, classes: readonly number[]): Float64Array {
  const K = classes.length, n = proba.length / K;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    if (K === 2) out[r] = proba[r * K + 1];
    else {
      let s = 0;
      for (let k = 0; k < K; k++) s += classes[k] * proba[r * K + k];
      out[r] = s;
    }
  }
  return out;
}

/** Class index of each target (classification), refusing a value outside `classes`. */
export function classCodes(model: string, y: Float64Array, classes: readonly number[]): Uint8Array {
  const index = new Map(classes.map((c, k) => [c, k]));
  return Uint8Array.from(y, (v, r) => {
    const k = index.get(v);
    if (k === undefined) {
      throw new RangeError(`${model}: row ${r} has target ${v}, expected one of ${classes.join(", ")}`);
    }
    return k;
  });
}

/** Throws unless the task is a classification (for `predictProba`). */
export function requireClassification(model: string, task: Task): void {
  if (task === "regression") {
    throw new TypeError(`${model}: predictProba is for classification; this model is a regression`);
  }
}

/** Normalises a non-negative vector to sum 1 (all zeros stay zeros). */
export function normalize(values: Float64Array): Float64Array {
  let total = 0;
  for (let k = 0; k < values.length; k++) total += values[k];
  return total > 0 ? values.map((v) => v / total) : values;
}

/**
 * Class probabilities from raw margins (row-major `nRows × outputs`): the sigmoid of the single margin
 * for two classes (`outputs` 1), else the softmax over the K margins (max-shifted).
 */
export function marginsToProba(F: Float64Array, nRows: number, K: number): Float64Array {
  const outputs = F.length / nRows;
  const out = new Float64Array(nRows * K);
  for (let r = 0; r < nRows; r++) {
    if (outputs === 1) {
      const p1 = 1 / (1 + Math.exp(-F[r]));
      out[2 * r] = 1 - p1;
      out[2 * r + 1] = p1;
      continue;
    }
    let top = -Infinity, sum = 0;
    for (let k = 0; k < K; k++) top = Math.max(top, F[r * K + k]);
    for (let k = 0; k < K; k++) sum += Math.exp(F[r * K + k] - top);
    for (let k = 0; k < K; k++) out[r * K + k] = Math.exp(F[r * K + k] - top) / sum;
  }
  return out;
}

/** What a family provides to `assembleModel`. */
export interface ModelParts {
  /** Class probabilities (classification). */
  readonly proba: (X: Matrix) => Float64Array;
  /** Predicted targets (regression). */
  readonly regress: (X: Matrix) => Float64Array;
  readonly importance: () => Float64Array | undefined;
  /** The family's saved state. */
  readonly state: () => unknown;
}

/**
 * The `Model` surface every family shares, around its probability / regression functions:
 * `predictProba` (classification only), `predict` (argmax class or target), `score` (see `Model`),
 * `importance` and `toJSON`.
 */
export function assembleModel(
  type: ModelType,
  meta: Pick<ModelJson, "task" | "classes" | "featureNames" | "params">,
  parts: ModelParts,
): Model {
  const regression = meta.task === "regression";
  return {
    type,
    ...meta,
    predictProba(X) {
      requireClassification(type, meta.task);
      return parts.proba(X);
    },
    predict: (X) => regression ? parts.regress(X) : argmaxClasses(parts.proba(X), meta.classes),
    score: (X) => regression ? parts.regress(X) : probaScore(parts.proba(X), meta.classes),
    importance: parts.importance,
    toJSON: () => ({ format: "quantnb-model", version: 1, type, ...meta, state: parts.state() }),
  };
}
