/**
 * The linear baseline: L2-regularised logistic regression on standardised features — binary
 * (sigmoid) or multinomial (softmax over every class) — fitted by L-BFGS to the objective of
 * scikit-learn's `LogisticRegression(C, solver="lbfgs")` on `StandardScaler`-ed inputs:
 * `C · Σ_i loss_i + ½‖w‖²` (intercepts not penalised). For a regression label it is ridge regression
 * `Σ (y − z·w − b)² + (1/C)‖w‖²` solved exactly (sklearn's `Ridge(alpha=1/C)` on standardised inputs).
 * Standardisation uses the training mean and population std (ddof 0; a constant feature is left at 0).
 */
import type { Matrix } from "../dataset.ts";
import {
  assembleModel,
  checkMatrix,
  classCodes,
  marginsToProba,
  normalize,
  resolveParams,
} from "./_codec.ts";
import { minimizeLbfgs } from "./lbfgs.ts";
import type { FitOptions, Model, ModelJson, TrainingSet } from "./types.ts";

/** Hyperparameters. */
export interface LogisticParams extends Record<string, unknown> {
  /** Inverse regularisation strength (sklearn's `C`). */
  C: number;
  /** L-BFGS iterations at most. */
  maxIterations: number;
  /** Stop when max |gradient of the per-row mean objective| ≤ this. */
  tolerance: number;
}

/** Defaults: sklearn's C = 1; gradient tolerance 1e-6 of the mean objective (sklearn's `tol` is 1e-4). */
export const LOGISTIC_DEFAULTS: LogisticParams = { C: 1, maxIterations: 500, tolerance: 1e-6 };

const RULES = {
  C: { type: "number", min: 1e-12 },
  maxIterations: { type: "number", min: 1, integer: true },
  tolerance: { type: "number", min: 0 },
} as const;

interface LinearState {
  mean: Float64Array;
  scale: Float64Array;
  /** Row-major `outputs × (p + 1)`: weights then intercept (1 output for binary and regression). */
  coef: Float64Array;
}

/** Mean and population std of each feature (std 0 → 1, so the feature stays 0 after scaling). */
function moments(X: Matrix): { mean: Float64Array; scale: Float64Array } {
  const { data, nRows: n, nCols: p } = X;
  const mean = new Float64Array(p), scale = new Float64Array(p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) mean[j] += data[r * p + j];
  for (let j = 0; j < p; j++) mean[j] /= n;
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) scale[j] += (data[r * p + j] - mean[j]) ** 2;
  for (let j = 0; j < p; j++) scale[j] = Math.sqrt(scale[j] / n) || 1;
  return { mean, scale };
}

/** Standardised copy of a matrix as float64. */
function standardized(X: Matrix, mean: Float64Array, scale: Float64Array): Float64Array {
  const { data, nRows: n, nCols: p } = X;
  const z = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) z[r * p + j] = (data[r * p + j] - mean[j]) / scale[j];
  }
  return z;
}

/**
 * Fits the linear baseline.
 *
 * @example
 * ```ts
 * const model = await fitLogistic(train, { C: 1 });
 * model.predictProba(Xtest);
 * ```
 */
export function fitLogistic(
  data: TrainingSet,
  given: Readonly<Record<string, unknown>> = {},
  _options: FitOptions = {},
): Promise<Model> {
  const params = resolveParams("logistic", LOGISTIC_DEFAULTS, RULES as never, given);
  const { X } = data;
  const { mean, scale } = moments(X);
  const z = standardized(X, mean, scale);
  const n = X.nRows, p = X.nCols;
  let coef: Float64Array;
  if (data.task === "regression") coef = ridge(z, data.y, n, p, 1 / params.C);
  else {
    const codes = classCodes("logistic", data.y, data.classes);
    const K = data.classes.length;
    const outputs = K === 2 ? 1 : K;
    const penalty = 1 / (params.C * n); // objective divided by C·n: mean loss + ‖w‖² / (2 C n)
    const objective = (w: Float64Array, grad: Float64Array) =>
      outputs === 1
        ? binaryLoss(z, codes, n, p, w, grad, penalty)
        : softmaxLoss(z, codes, n, p, K, w, grad, penalty);
    const result = minimizeLbfgs(objective, new Float64Array(outputs * (p + 1)), {
      gradientTolerance: params.tolerance,
      maxIterations: params.maxIterations,
    });
    coef = result.x;
  }
  return Promise.resolve(
    linearModel({ task: data.task, classes: data.classes, featureNames: data.featureNames, params }, {
      mean,
      scale,
      coef,
    }),
  );
}

/** Mean binary log loss (+ penalty) and its gradient; `w` = (weights, intercept). */
function binaryLoss(
  z: Float64Array,
  codes: Uint8Array,
  n: number,
  p: number,
  w: Float64Array,
  grad: Float64Array,
  penalty: number,
): number {
  grad.fill(0);
  let loss = 0;
  for (let r = 0; r < n; r++) {
    let m = w[p];
    for (let j = 0; j < p; j++) m += z[r * p + j] * w[j];
    // log(1 + e^m) − y·m, computed stably; d/dm = σ(m) − y.
    loss += (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))) - codes[r] * m;
    const e = 1 / (1 + Math.exp(-m)) - codes[r];
    for (let j = 0; j < p; j++) grad[j] += e * z[r * p + j];
    grad[p] += e;
  }
  let reg = 0;
  for (let j = 0; j <= p; j++) grad[j] /= n;
  for (let j = 0; j < p; j++) {
    reg += w[j] * w[j];
    grad[j] += penalty * w[j];
  }
  return loss / n + 0.5 * penalty * reg;
}

/** Mean multinomial log loss (+ penalty) and its gradient; `w` = K rows of (weights, intercept). */
function softmaxLoss(
  z: Float64Array,
  codes: Uint8Array,
  n: number,
  p: number,
  K: number,
  w: Float64Array,
  grad: Float64Array,
  penalty: number,
): number {
  grad.fill(0);
  const m = new Float64Array(K);
  let loss = 0;
  const q = p + 1;
  for (let r = 0; r < n; r++) {
    let top = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = w[k * q + p];
      for (let j = 0; j < p; j++) s += z[r * p + j] * w[k * q + j];
      m[k] = s;
      if (s > top) top = s;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(m[k] - top);
    loss += top + Math.log(sum) - m[codes[r]];
    for (let k = 0; k < K; k++) {
      const e = Math.exp(m[k] - top) / sum - (codes[r] === k ? 1 : 0);
      for (let j = 0; j < p; j++) grad[k * q + j] += e * z[r * p + j];
      grad[k * q + p] += e;
    }
  }
  let reg = 0;
  for (let k = 0; k < K; k++) {
    for (let j = 0; j <= p; j++) grad[k * q + j] /= n;
    for (let j = 0; j < p; j++) {
      reg += w[k * q + j] ** 2;
      grad[k * q + j] += penalty * w[k * q + j];
    }
  }
  return loss / n + 0.5 * penalty * reg;
}

/** Ridge on standardised features: w = (ZᵀZ + αI)⁻¹ Zᵀ(y − ȳ), intercept ȳ (Z has column means 0). */
function ridge(z: Float64Array, y: Float64Array, n: number, p: number, alpha: number): Float64Array {
  let ybar = 0;
  for (let r = 0; r < n; r++) ybar += y[r];
  ybar /= n;
  const A = new Float64Array(p * p), b = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    const yr = y[r] - ybar;
    for (let j = 0; j < p; j++) {
      const zj = z[r * p + j];
      b[j] += zj * yr;
      for (let k = 0; k <= j; k++) A[j * p + k] += zj * z[r * p + k];
    }
  }
  for (let j = 0; j < p; j++) {
    A[j * p + j] += alpha;
    for (let k = 0; k < j; k++) A[k * p + j] = A[j * p + k];
  }
  const w = choleskySolve(A, b, p);
  const coef = new Float64Array(p + 1);
  coef.set(w);
  coef[p] = ybar;
  return coef;
}

/** Solves A x = b for symmetric positive definite A (row-major p × p) by Cholesky. */
function choleskySolve(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j];
    for (let k = 0; k < j; k++) d -= L[j * p + k] ** 2;
    if (!(d > 0)) throw new RangeError("logistic (ridge): the normal equations are not positive definite");
    L[j * p + j] = Math.sqrt(d);
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = s / L[j * p + j];
    }
  }
  const y = new Float64Array(p), x = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * y[k];
    y[i] = s / L[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * x[k];
    x[i] = s / L[i * p + i];
  }
  return x;
}

function linearModel(
  meta: Pick<ModelJson, "task" | "classes" | "featureNames" | "params">,
  state: LinearState,
): Model {
  const p = meta.featureNames.length, q = p + 1;
  const outputs = state.coef.length / q;
  /** The linear scores `z·w + b` of each output. */
  const margins = (X: Matrix) => {
    checkMatrix("logistic", X, p);
    const out = new Float64Array(X.nRows * outputs);
    for (let r = 0; r < X.nRows; r++) {
      for (let k = 0; k < outputs; k++) {
        let s = state.coef[k * q + p];
        for (let j = 0; j < p; j++) {
          s += ((X.data[r * p + j] - state.mean[j]) / state.scale[j]) * state.coef[k * q + j];
        }
        out[r * outputs + k] = s;
      }
    }
    return out;
  };
  return assembleModel("logistic", meta, {
    proba: (X) => marginsToProba(margins(X), X.nRows, meta.classes.length),
    regress: margins,
    importance() {
      const out = new Float64Array(p);
      for (let k = 0; k < outputs; k++) for (let j = 0; j < p; j++) out[j] += Math.abs(state.coef[k * q + j]);
      return normalize(out);
    },
    state: () => ({
      mean: Array.from(state.mean),
      scale: Array.from(state.scale),
      coef: Array.from(state.coef),
    }),
  });
}

/**
 * The fitted coefficients on the standardised scale: row-major `outputs × (p + 1)` (weights, then the
 * intercept), with `outputs` 1 for binary and regression, K for multinomial.
 */
export function linearCoefficients(model: Model): Float64Array {
  const state = model.toJSON().state as { coef: number[] };
  return Float64Array.from(state.coef);
}

/** Restores a saved `logistic` model. */
export function loadLogistic(json: ModelJson): Model {
  const s = json.state as { mean: number[]; scale: number[]; coef: number[] };
  return linearModel(json, {
    mean: Float64Array.from(s.mean),
    scale: Float64Array.from(s.scale),
    coef: Float64Array.from(s.coef),
  });
}
