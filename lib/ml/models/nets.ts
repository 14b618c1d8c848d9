/**
 * Neural nets on `@tensorflow/tfjs`: an MLP over all features, and a
 * 1-D convolution (`conv1d`) or an LSTM (`lstm`) over a window embedding (the columns
 * `<name>_lag<L−1>` … `<name>_lag0` of `windowEmbedding`), with the remaining features joined after
 * the sequence encoder. Inputs are standardised with the training mean and std (targets too, for
 * regression); outputs are a sigmoid (binary), a softmax (multiclass) or a linear unit.
 *
 * Backend: `@tensorflow/tfjs-backend-wasm` (XNNPACK kernels, 4–5× faster than the pure-JavaScript
 * CPU backend on the LSTM), whose `.wasm` files ship inside the npm package and load from there
 * offline; `backend: "cpu"` selects the pure-JavaScript backend. Results agree between the two to
 * float32 rounding, and the backend is part of the recorded params. The wasm backend has no
 * convolution gradient kernels, so the 1-D convolution is written as what it is: the sequence is cut
 * into its `L − k + 1` windows of `k` lags (valid padding, stride 1) and one dense layer with shared
 * weights maps every window to `units` filters (ReLU), then a global average pool.
 *
 * Determinism: every initialiser takes a seed derived from the fit seed, batches are shuffled by
 * our own seeded generator and fed with `trainOnBatch`, and there is no dropout, so the same seed
 * gives the same weights (the CPU backend is single-threaded and deterministic). Early stopping
 * holds out the last `validationFraction` of the (time-ordered) training rows and restores the
 * weights of the best epoch.
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import type { Matrix } from "../dataset.ts";
import { createRng } from "../../util/rng.ts";
import {
  assembleModel,
  checkMatrix,
  classCodes,
  decodeArray,
  encodeArray,
  type EncodedArray,
  resolveParams,
} from "./_codec.ts";
import type { FitOptions, Model, ModelJson, ModelType, TrainingSet } from "./types.ts";

tf.env().set("PROD", true); // no debug checks, no "install tfjs-node" banner
// The wasm binaries sit beside the package's entry point in node_modules (no download).
setWasmPaths(new URL(".", import.meta.resolve("@tensorflow/tfjs-backend-wasm")).href);

/** Switches tfjs to `name` (once per change; tensors move between backends as needed). */
async function ready(name: "wasm" | "cpu"): Promise<void> {
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) throw new Error(`tfjs: the ${name} backend failed to initialise`);
  await tf.ready();
}

/** Hyperparameters of the nets (each family reads the ones it needs). */
export interface NetParams extends Record<string, unknown> {
  /** MLP hidden layer widths, e.g. "32,16". */
  hidden: string;
  /** conv1d: filters; lstm: units. */
  units: number;
  /** conv1d kernel width. */
  kernel: number;
  /** Name of the window embedding the sequence models read (e.g. "emb32"). */
  sequence: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on the kernels. */
  l2: number;
  earlyStopping: boolean;
  validationFraction: number;
  patience: number;
  /** tfjs backend: "wasm" (default) or "cpu". */
  backend: "wasm" | "cpu";
}

/** Defaults: Adam 1e-3, batches of 256, up to 20 epochs with early stopping, the wasm backend. */
export const NET_DEFAULTS: NetParams = {
  hidden: "32,16",
  units: 16,
  kernel: 5,
  sequence: "emb32",
  epochs: 20,
  batchSize: 256,
  learningRate: 1e-3,
  l2: 1e-5,
  earlyStopping: true,
  validationFraction: 0.1,
  patience: 3,
  backend: "wasm",
};

const RULES = {
  hidden: { type: "enum", values: ["8", "16", "32", "64", "16,8", "32,16", "64,32", "64,32,16"] },
  units: { type: "number", min: 1, max: 512, integer: true },
  kernel: { type: "number", min: 1, max: 64, integer: true },
  sequence: { type: "enum", values: ["emb8", "emb16", "emb32", "emb64"] },
  epochs: { type: "number", min: 1, max: 1000, integer: true },
  batchSize: { type: "number", min: 1, integer: true },
  learningRate: { type: "number", min: 1e-6, max: 1 },
  l2: { type: "number", min: 0 },
  earlyStopping: { type: "enum", values: [true, false] },
  validationFraction: { type: "number", min: 0.01, max: 0.5 },
  patience: { type: "number", min: 1, integer: true },
  backend: { type: "enum", values: ["wasm", "cpu"] },
} as const;

type NetType = Extract<ModelType, "mlp" | "conv1d" | "lstm">;

/**
 * Which columns feed the sequence branch (in lag order, oldest first) and which the dense part;
 * `window` > 0 cuts the sequence into windows of that many lags (the convolution's input).
 */
interface Layout {
  sequence: number[];
  dense: number[];
  window: number;
}

function layoutOf(type: NetType, featureNames: readonly string[], params: NetParams): Layout {
  const { sequence } = params;
  if (type === "mlp") return { sequence: [], dense: featureNames.map((_, j) => j), window: 0 };
  const pattern = new RegExp(`^${sequence}_lag(\\d+)$`);
  const lags = featureNames.map((name, j) => ({ j, lag: pattern.exec(name)?.[1] })).filter((x) =>
    x.lag !== undefined
  );
  if (lags.length < 2) {
    throw new RangeError(
      `${type}: needs the window embedding "${sequence}" among the features (columns ${sequence}_lag…, see windowEmbedding); found ${lags.length} such columns`,
    );
  }
  lags.sort((a, b) => Number(b.lag) - Number(a.lag)); // oldest first
  const inSequence = new Set(lags.map((x) => x.j));
  return {
    sequence: lags.map((x) => x.j),
    dense: featureNames.map((_, j) => j).filter((j) => !inSequence.has(j)),
    window: type === "conv1d" ? Math.min(params.kernel, lags.length) : 0,
  };
}

/** Standardisation of the inputs (and of a regression target). */
interface Scaling {
  mean: Float64Array;
  scale: Float64Array;
  yMean: number;
  yScale: number;
}

function scalingOf(X: Matrix, y: Float64Array, regression: boolean): Scaling {
  const { data, nRows: n, nCols: p } = X;
  const mean = new Float64Array(p), scale = new Float64Array(p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) mean[j] += data[r * p + j] / n;
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) scale[j] += (data[r * p + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < p; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  let yMean = 0, yScale = 1;
  if (regression) {
    yMean = y.reduce((a, b) => a + b, 0) / y.length;
    yScale = Math.sqrt(y.reduce((a, b) => a + (b - yMean) ** 2, 0) / y.length) || 1;
  }
  return { mean, scale, yMean, yScale };
}

/**
 * The model's input tensors for rows `rows` of X (standardised): [sequence (n, L, 1), or its windows
 * (n, L − k + 1, k) for the convolution], [dense (n, q)].
 */
function inputs(X: Matrix, rows: ArrayLike<number>, layout: Layout, s: Scaling): tf.Tensor[] {
  const p = X.nCols, n = rows.length;
  const out: tf.Tensor[] = [];
  if (layout.sequence.length) {
    const L = layout.sequence.length;
    const seq = new Float32Array(n * L);
    for (let k = 0; k < n; k++) {
      const base = rows[k] * p;
      for (let j = 0; j < L; j++) {
        const c = layout.sequence[j];
        seq[k * L + j] = (X.data[base + c] - s.mean[c]) / s.scale[c];
      }
    }
    const k = layout.window;
    if (k === 0) out.push(tf.tensor3d(seq, [n, L, 1]));
    else {
      const W = L - k + 1;
      const windows = new Float32Array(n * W * k);
      for (let r = 0; r < n; r++) {
        for (let w = 0; w < W; w++) windows.set(seq.subarray(r * L + w, r * L + w + k), (r * W + w) * k);
      }
      out.push(tf.tensor3d(windows, [n, W, k]));
    }
  }
  if (layout.dense.length) {
    const q = layout.dense.length;
    const dense = new Float32Array(n * q);
    for (let k = 0; k < n; k++) {
      const base = rows[k] * p;
      for (let j = 0; j < q; j++) {
        const c = layout.dense[j];
        dense[k * q + j] = (X.data[base + c] - s.mean[c]) / s.scale[c];
      }
    }
    out.push(tf.tensor2d(dense, [n, q]));
  }
  return out;
}

/** Builds the network of a family (seeded initialisers). */
function buildNet(
  type: NetType,
  layout: Layout,
  outputs: number,
  activation: "linear" | "sigmoid" | "softmax",
  params: NetParams,
  seed: number,
) {
  let nextSeed = seed;
  const init = () => tf.initializers.glorotUniform({ seed: nextSeed++ });
  const reg = params.l2 > 0 ? tf.regularizers.l2({ l2: params.l2 }) : undefined;
  const ins: tf.SymbolicTensor[] = [];
  const parts: tf.SymbolicTensor[] = [];
  if (layout.sequence.length) {
    const L = layout.sequence.length, k = layout.window;
    const seq = tf.input({ shape: k ? [L - k + 1, k] : [L, 1] });
    ins.push(seq);
    if (type === "conv1d") {
      // dense on the last axis = the same filters over every window: a valid, stride-1 convolution
      const conv = tf.layers.dense({
        units: params.units,
        activation: "relu",
        kernelInitializer: init(),
        kernelRegularizer: reg,
      }).apply(seq) as tf.SymbolicTensor;
      parts.push(tf.layers.globalAveragePooling1d().apply(conv) as tf.SymbolicTensor);
    } else {
      parts.push(
        tf.layers.lstm({
          units: params.units,
          kernelInitializer: init(),
          recurrentInitializer: tf.initializers.orthogonal({ seed: nextSeed++ }),
          kernelRegularizer: reg,
        }).apply(seq) as tf.SymbolicTensor,
      );
    }
  }
  if (layout.dense.length) {
    const dense = tf.input({ shape: [layout.dense.length] });
    ins.push(dense);
    parts.push(dense);
  }
  let h = parts.length > 1 ? tf.layers.concatenate().apply(parts) as tf.SymbolicTensor : parts[0];
  const widths = type === "mlp" ? params.hidden.split(",").map(Number) : [16];
  for (const units of widths) {
    h = tf.layers.dense({ units, activation: "relu", kernelInitializer: init(), kernelRegularizer: reg })
      .apply(h) as tf.SymbolicTensor;
  }
  const out = tf.layers.dense({ units: outputs, activation, kernelInitializer: init() }).apply(
    h,
  ) as tf.SymbolicTensor;
  return tf.model({ inputs: ins, outputs: out });
}

/** Targets as a tensor: 0/1 (binary), one-hot (multiclass) or the standardised value. */
function targets(
  task: TrainingSet["task"],
  y: Float64Array,
  codes: Uint8Array | undefined,
  K: number,
  rows: ArrayLike<number>,
  s: Scaling,
): tf.Tensor {
  const n = rows.length;
  if (task === "regression") {
    return tf.tensor2d(Float32Array.from(rows as ArrayLike<number>, (r) => (y[r] - s.yMean) / s.yScale), [
      n,
      1,
    ]);
  }
  if (K === 2) return tf.tensor2d(Float32Array.from(rows as ArrayLike<number>, (r) => codes![r]), [n, 1]);
  const hot = new Float32Array(n * K);
  for (let k = 0; k < n; k++) hot[k * K + codes![rows[k]]] = 1;
  return tf.tensor2d(hot, [n, K]);
}

/** The mean validation loss of the current weights. */
function evaluate(net: tf.LayersModel, x: tf.Tensor[], y: tf.Tensor): number {
  return tf.tidy(() => {
    const loss = net.evaluate(x.length === 1 ? x[0] : x, y, { batchSize: 4096 }) as tf.Scalar;
    return loss.dataSync()[0];
  });
}

/**
 * Fits a net of the given family. `onStep` is called after every epoch.
 *
 * @example
 * ```ts
 * const mlp = await fitNet("mlp", train, { hidden: "32,16", epochs: 10 }, { seed: 1 });
 * const lstm = await fitNet("lstm", train, { sequence: "emb32", units: 16 }, { seed: 1 });
 * ```
 */
export async function fitNet(
  type: NetType,
  data: TrainingSet,
  given: Readonly<Record<string, unknown>> = {},
  options: FitOptions = {},
): Promise<Model> {
  const params = resolveParams(type, NET_DEFAULTS, RULES as never, given);
  await ready(params.backend);
  const { X, task } = data;
  const regression = task === "regression";
  const K = data.classes.length;
  const codes = regression ? undefined : classCodes(type, data.y, data.classes);
  const layout = layoutOf(type, data.featureNames, params);
  const nValid = params.earlyStopping ? Math.floor(X.nRows * params.validationFraction) : 0;
  const nTrain = X.nRows - nValid;
  const scaling = scalingOf(
    { ...X, nRows: nTrain, data: X.data.subarray(0, nTrain * X.nCols) },
    data.y.subarray(0, nTrain),
    regression,
  );
  const seed = options.seed ?? 0;
  const outputs = regression || K === 2 ? 1 : K;
  const activation = regression ? "linear" as const : K === 2 ? "sigmoid" as const : "softmax" as const;
  const net = buildNet(type, layout, outputs, activation, params, seed);
  net.compile({
    optimizer: tf.train.adam(params.learningRate),
    loss: regression ? "meanSquaredError" : K === 2 ? "binaryCrossentropy" : "categoricalCrossentropy",
  });
  const meta = { task, classes: data.classes, featureNames: data.featureNames, params };
  const validRows = Int32Array.from({ length: nValid }, (_, k) => nTrain + k);
  const validX = nValid ? inputs(X, validRows, layout, scaling) : [];
  const validY = nValid ? targets(task, data.y, codes, K, validRows, scaling) : undefined;
  const rng = createRng(seed);
  const order = Int32Array.from({ length: nTrain }, (_, r) => r);
  let best = Infinity, bestEpoch = 0, bestWeights: Float32Array[] | undefined;
  try {
    for (let epoch = 1; epoch <= params.epochs; epoch++) {
      for (let k = nTrain - 1; k > 0; k--) { // seeded Fisher–Yates shuffle of the batches' rows
        const j = rng.int(k + 1);
        [order[k], order[j]] = [order[j], order[k]];
      }
      for (let from = 0; from < nTrain; from += params.batchSize) {
        const rows = order.subarray(from, Math.min(nTrain, from + params.batchSize));
        const x = inputs(X, rows, layout, scaling), y = targets(task, data.y, codes, K, rows, scaling);
        await net.trainOnBatch(x.length === 1 ? x[0] : x, y);
        tf.dispose([...x, y]);
      }
      if (nValid) {
        const loss = evaluate(net, validX, validY!);
        if (loss < best - 1e-9) {
          best = loss;
          bestEpoch = epoch;
          bestWeights = net.getWeights().map((w) => w.dataSync().slice() as Float32Array);
        } else if (epoch - bestEpoch >= params.patience) break;
      }
      if (options.onStep && epoch < params.epochs) {
        const keepGoing = await options.onStep(epoch, netModel(type, meta, net, layout, scaling));
        if (keepGoing === false) break;
      }
    }
  } finally {
    tf.dispose([...validX, ...(validY ? [validY] : [])]);
  }
  if (bestWeights) setWeights(net, bestWeights);
  return netModel(
    type,
    { ...meta, params: { ...params, epochsUsed: bestEpoch || params.epochs } },
    net,
    layout,
    scaling,
  );
}

function setWeights(net: tf.LayersModel, values: Float32Array[]): void {
  const tensors = net.getWeights().map((w, k) => tf.tensor(values[k], w.shape));
  net.setWeights(tensors);
  tf.dispose(tensors);
}

function netModel(
  type: NetType,
  meta: Pick<ModelJson, "task" | "classes" | "featureNames" | "params">,
  net: tf.LayersModel,
  layout: Layout,
  scaling: Scaling,
): Model {
  const K = meta.classes.length;
  const raw = (X: Matrix): Float64Array => {
    checkMatrix(type, X, meta.featureNames.length);
    const block = 8192;
    const width = meta.task === "regression" || K === 2 ? 1 : K;
    const values = new Float64Array(X.nRows * width);
    for (let from = 0; from < X.nRows; from += block) {
      const rows = Int32Array.from({ length: Math.min(block, X.nRows - from) }, (_, k) => from + k);
      const x = inputs(X, rows, layout, scaling);
      const y = tf.tidy(() => net.predict(x.length === 1 ? x[0] : x) as tf.Tensor);
      values.set(y.dataSync(), from * width);
      tf.dispose([...x, y]);
    }
    return values;
  };
  const proba = (X: Matrix) => {
    const y = raw(X);
    if (K !== 2) return y;
    const out = new Float64Array(X.nRows * 2);
    for (let r = 0; r < X.nRows; r++) [out[2 * r], out[2 * r + 1]] = [1 - y[r], y[r]];
    return out;
  };
  const regress = (X: Matrix) => raw(X).map((v) => v * scaling.yScale + scaling.yMean);
  return assembleModel(type, meta, {
    proba,
    regress,
    importance: () => undefined,
    state: () => ({
      topology: net.toJSON(undefined, false),
      weights: net.getWeights().map((w) => ({
        shape: w.shape,
        values: encodeArray(w.dataSync() as Float32Array),
      })),
      layout,
      scaling: {
        mean: Array.from(scaling.mean),
        scale: Array.from(scaling.scale),
        yMean: scaling.yMean,
        yScale: scaling.yScale,
      },
    }),
  });
}

/** Restores a saved net (any of mlp, conv1d, lstm). */
export async function loadNet(json: ModelJson): Promise<Model> {
  await ready(json.params.backend as "wasm" | "cpu");
  const s = json.state as {
    topology: unknown;
    weights: { shape: number[]; values: EncodedArray }[];
    layout: Layout;
    scaling: { mean: number[]; scale: number[]; yMean: number; yScale: number };
  };
  const net = await tf.models.modelFromJSON(s.topology as tf.io.ModelJSON["modelTopology"] as never);
  setWeights(net, s.weights.map((w) => decodeArray(w.values, "f32")));
  return netModel(json.type as NetType, json, net, s.layout, {
    mean: Float64Array.from(s.scaling.mean),
    scale: Float64Array.from(s.scaling.scale),
    yMean: s.scaling.yMean,
    yScale: s.scaling.yScale,
  });
}
