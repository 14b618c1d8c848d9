/**
 * Histogram gradient-boosted trees (the LightGBM / scikit-learn `HistGradientBoosting*` recipe):
 * features binned once, each round fits a depth-limited regression tree to the loss's gradients and
 * hessians with the split gain `½ [G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)]` and leaf values
 * `−G/(H+λ)`, shrunk by the learning rate. Losses: binary log loss (one tree per round), multinomial
 * log loss (one tree per class per round, softmax), squared error (regression). A child's histogram
 * is built for the smaller child only; the larger one is the parent's minus it.
 *
 * Early stopping (default on) holds out the LAST `validationFraction` of the training rows — they are
 * in time order, so it validates on the most recent data, not a shuffled sample — and keeps the
 * number of rounds with the lowest validation loss once `patience` rounds bring no improvement.
 */
import type { Matrix } from "../dataset.ts";
import { createRng } from "../../util/rng.ts";
import { lowerBound } from "../../util/bisect.ts";
import {
  assembleModel,
  checkMatrix,
  classCodes,
  marginsToProba,
  normalize,
  resolveParams,
} from "./_codec.ts";
import { binMatrix, binTraining } from "./binning.ts";
import { concatTrees, decodeEnsemble, encodeEnsemble, type Ensemble, sumLeaves } from "./ensemble.ts";
import { type TreeArrays, treeStorage } from "./tree.ts";
import type { FitOptions, Model, ModelJson, TrainingSet } from "./types.ts";

/** Hyperparameters of the boosted trees. */
export interface GbdtParams extends Record<string, unknown> {
  /** Boosting rounds at most. */
  rounds: number;
  learningRate: number;
  maxDepth: number;
  minSamplesLeaf: number;
  /** L2 regularisation λ of the leaf values. */
  l2: number;
  maxBins: number;
  /** Share of rows drawn (without replacement) for each round's tree. */
  subsample: number;
  earlyStopping: boolean;
  validationFraction: number;
  patience: number;
  /** Rounds per training step (`FitOptions.onStep`). */
  stepRounds: number;
}

/** Defaults, close to scikit-learn's `HistGradientBoostingClassifier` (depth-limited instead of 31 leaves). */
export const GBDT_DEFAULTS: GbdtParams = {
  rounds: 200,
  learningRate: 0.1,
  maxDepth: 4,
  minSamplesLeaf: 20,
  l2: 0,
  maxBins: 255,
  subsample: 1,
  earlyStopping: true,
  validationFraction: 0.1,
  patience: 10,
  stepRounds: 10,
};

const RULES = {
  rounds: { type: "number", min: 1, integer: true },
  learningRate: { type: "number", min: 1e-6, max: 1 },
  maxDepth: { type: "number", min: 1, max: 20, integer: true },
  minSamplesLeaf: { type: "number", min: 1, integer: true },
  l2: { type: "number", min: 0 },
  maxBins: { type: "number", min: 2, max: 256, integer: true },
  subsample: { type: "number", min: 0.01, max: 1 },
  earlyStopping: { type: "enum", values: [true, false] },
  validationFraction: { type: "number", min: 0.01, max: 0.5 },
  patience: { type: "number", min: 1, integer: true },
  stepRounds: { type: "number", min: 1, integer: true },
} as const;

/** The raw score model: `F_k(x) = base_k + Σ trees`, with the trees' leaves holding `width` outputs. */
interface GbdtState {
  base: Float64Array;
  ensemble: Ensemble;
  importance: Float64Array;
}

/** Per-class (or single) gradient and hessian of the loss at raw scores F (row-major n × width). */
function gradients(
  task: TrainingSet["task"],
  F: Float64Array,
  codes: Uint8Array | undefined,
  y: Float64Array,
  width: number,
  g: Float64Array,
  h: Float64Array,
): void {
  const n = y.length;
  if (task === "regression") {
    for (let r = 0; r < n; r++) {
      g[r] = F[r] - y[r];
      h[r] = 1;
    }
  } else if (width === 1) {
    for (let r = 0; r < n; r++) {
      const p = 1 / (1 + Math.exp(-F[r]));
      g[r] = p - codes![r];
      h[r] = Math.max(p * (1 - p), 1e-16);
    }
  } else {
    for (let r = 0; r < n; r++) {
      let top = -Infinity, sum = 0;
      for (let k = 0; k < width; k++) top = Math.max(top, F[r * width + k]);
      for (let k = 0; k < width; k++) sum += Math.exp(F[r * width + k] - top);
      for (let k = 0; k < width; k++) {
        const p = Math.exp(F[r * width + k] - top) / sum;
        g[r * width + k] = p - (codes![r] === k ? 1 : 0);
        h[r * width + k] = Math.max(p * (1 - p), 1e-16);
      }
    }
  }
}

/** Mean loss at raw scores F. */
function meanLoss(
  task: TrainingSet["task"],
  F: Float64Array,
  codes: Uint8Array | undefined,
  y: Float64Array,
  width: number,
): number {
  let s = 0;
  const n = y.length;
  for (let r = 0; r < n; r++) {
    if (task === "regression") s += 0.5 * (F[r] - y[r]) ** 2;
    else if (width === 1) {
      const m = F[r];
      s += (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))) - codes![r] * m;
    } else {
      let top = -Infinity, sum = 0;
      for (let k = 0; k < width; k++) top = Math.max(top, F[r * width + k]);
      for (let k = 0; k < width; k++) sum += Math.exp(F[r * width + k] - top);
      s += top + Math.log(sum) - F[r * width + codes![r]];
    }
  }
  return s / n;
}

/** Growth settings of one boosted tree. */
interface BoostTreeParams {
  maxDepth: number;
  minSamplesLeaf: number;
  l2: number;
  learningRate: number;
}

/**
 * Grows one regression tree on (g, h) of the given rows (binned row-major),
 * writing leaf values `−η G/(H+λ)` into output slot `slot` of `width`.
 */
function boostTree(
  binned: Uint8Array,
  edges: readonly Float64Array[],
  rowsIn: Int32Array,
  g: Float64Array,
  h: Float64Array,
  stride: number,
  slot: number,
  width: number,
  params: BoostTreeParams,
): TreeArrays {
  const p = edges.length;
  const m = rowsIn.length;
  const rows = rowsIn.slice();
  const rg = new Float64Array(m), rh = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    rg[j] = g[rows[j] * stride + slot];
    rh[j] = h[rows[j] * stride + slot];
  }
  let maxBins = 1;
  const offsets = new Int32Array(p + 1);
  for (let f = 0; f < p; f++) {
    offsets[f + 1] = offsets[f] + edges[f].length + 1;
    maxBins = Math.max(maxBins, edges[f].length + 1);
  }
  const histSize = offsets[p];
  const maxNodes = 2 ** (params.maxDepth + 1) - 1;
  const tree = treeStorage(maxNodes, width, p);
  const value = tree.value;
  const { l2, minSamplesLeaf: minLeaf } = params;

  /** Histogram of rows [start, end): per (feature, bin) Σg and Σh interleaved, and the row count. */
  const build = (start: number, end: number) => {
    const gh = new Float64Array(2 * histSize), hc = new Int32Array(histSize);
    for (let j = start; j < end; j++) {
      const base = rows[j] * p, gj = rg[j], hj = rh[j];
      for (let f = 0; f < p; f++) {
        const b = offsets[f] + binned[base + f];
        gh[2 * b] += gj;
        gh[2 * b + 1] += hj;
        hc[b]++;
      }
    }
    return { gh, hc };
  };
  type Hist = ReturnType<typeof build>;
  const subtract = (parent: Hist, child: Hist): Hist => {
    const gh = parent.gh.slice(), hc = parent.hc.slice();
    for (let k = 0; k < 2 * histSize; k++) gh[k] -= child.gh[k];
    for (let k = 0; k < histSize; k++) hc[k] -= child.hc[k];
    return { gh, hc };
  };

  // Stack of (node, start, end, depth, histogram).
  const stack: { node: number; start: number; end: number; depth: number; hist: Hist }[] = [
    { node: 0, start: 0, end: m, depth: 0, hist: build(0, m) },
  ];
  while (stack.length) {
    const { node, start, end, depth, hist } = stack.pop()!;
    let G = 0, H = 0;
    for (let j = start; j < end; j++) {
      G += rg[j];
      H += rh[j];
    }
    value[node * width + slot] = (-params.learningRate * G) / (H + l2);
    const count = end - start;
    if (depth >= params.maxDepth || count < 2 * minLeaf) continue;
    const parentScore = (G * G) / (H + l2);
    let bestGain = 1e-12, bestFeature = -1, bestBin = -1;
    for (let f = 0; f < p; f++) {
      const off = offsets[f], nBins = edges[f].length + 1;
      let GL = 0, HL = 0, cL = 0;
      for (let b = 0; b < nBins - 1; b++) {
        const c = hist.hc[off + b];
        if (c === 0) continue;
        GL += hist.gh[2 * (off + b)];
        HL += hist.gh[2 * (off + b) + 1];
        cL += c;
        if (cL < minLeaf) continue;
        if (count - cL < minLeaf) break;
        const GR = G - GL, HR = H - HL;
        const gain = 0.5 * ((GL * GL) / (HL + l2) + (GR * GR) / (HR + l2) - parentScore);
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) continue;
    let i = start, k = end - 1;
    while (i <= k) {
      if (binned[rows[i] * p + bestFeature] <= bestBin) i++;
      else {
        let t = rows[i];
        rows[i] = rows[k];
        rows[k] = t;
        t = rg[i];
        rg[i] = rg[k];
        rg[k] = t;
        t = rh[i];
        rh[i] = rh[k];
        rh[k--] = t;
      }
    }
    const [l, rgt] = tree.split(node, bestFeature, edges[bestFeature][bestBin], bestGain);
    if (depth + 1 < params.maxDepth) {
      // Only split-able children need histograms: build the smaller, subtract for the larger.
      const leftSmaller = i - start <= end - i;
      const small = leftSmaller ? build(start, i) : build(i, end);
      const large = subtract(hist, small);
      stack.push({ node: rgt, start: i, end, depth: depth + 1, hist: leftSmaller ? large : small });
      stack.push({ node: l, start, end: i, depth: depth + 1, hist: leftSmaller ? small : large });
    } else {
      stack.push({ node: rgt, start: i, end, depth: depth + 1, hist });
      stack.push({ node: l, start, end: i, depth: depth + 1, hist });
    }
  }
  return tree.done();
}

/** Adds a tree's outputs to raw scores F of binned rows (row-major, `n` rows). */
function addTree(
  tree: TreeArrays,
  binned: Uint8Array,
  n: number,
  edges: readonly Float64Array[],
  F: Float64Array,
  width: number,
): void {
  const p = edges.length;
  // Each split "x ≤ edges[f][b]" is "bin ≤ b" on binned rows: recover b from the threshold.
  const splitBin = Int32Array.from(
    tree.feature,
    (f, node) => (f < 0 ? -1 : lowerBound(edges[f], tree.threshold[node])),
  );
  for (let r = 0; r < n; r++) {
    let node = 0;
    while (tree.feature[node] >= 0) {
      node = binned[r * p + tree.feature[node]] <= splitBin[node] ? tree.left[node] : tree.right[node];
    }
    for (let k = 0; k < width; k++) F[r * width + k] += tree.value[node * width + k];
  }
}

/**
 * Fits boosted trees. `onStep` is called every `stepRounds` rounds with the model so far.
 *
 * @example
 * ```ts
 * const model = await fitGbdt(train, { rounds: 300, learningRate: 0.05 }, { seed: 1 });
 * ```
 */
export async function fitGbdt(
  data: TrainingSet,
  given: Readonly<Record<string, unknown>> = {},
  options: FitOptions = {},
): Promise<Model> {
  const params = resolveParams("gbdt", GBDT_DEFAULTS, RULES as never, given);
  const { X, task } = data;
  const width = task === "regression" ? 1 : data.classes.length === 2 ? 1 : data.classes.length;
  const codes = task === "regression" ? undefined : classCodes("gbdt", data.y, data.classes);
  const nValid = params.earlyStopping ? Math.floor(X.nRows * params.validationFraction) : 0;
  const nTrain = X.nRows - nValid;
  if (nTrain < 2 * params.minSamplesLeaf) {
    throw new RangeError(
      `gbdt: ${nTrain} training rows cannot hold two leaves of ${params.minSamplesLeaf} rows`,
    );
  }
  const trainX: Matrix = { data: X.data.subarray(0, nTrain * X.nCols), nRows: nTrain, nCols: X.nCols };
  const validX: Matrix = { data: X.data.subarray(nTrain * X.nCols), nRows: nValid, nCols: X.nCols };
  const seed = options.seed ?? 0;
  const { bins, binned } = binTraining(trainX, params.maxBins, 200_000, seed);
  const binnedValid = nValid ? binMatrix(validX, bins) : new Uint8Array(0);
  const yTrain = data.y.subarray(0, nTrain), yValid = data.y.subarray(nTrain);
  const cTrain = codes?.subarray(0, nTrain), cValid = codes?.subarray(nTrain);

  // Initial raw scores: mean target, log-odds, or log priors.
  const base = new Float64Array(width);
  if (task === "regression") base[0] = yTrain.reduce((a, b) => a + b, 0) / nTrain;
  else {
    const counts = new Float64Array(data.classes.length);
    for (let r = 0; r < nTrain; r++) counts[cTrain![r]]++;
    if (width === 1) base[0] = Math.log((counts[1] + 1e-12) / (counts[0] + 1e-12));
    else for (let k = 0; k < width; k++) base[k] = Math.log((counts[k] + 1e-12) / nTrain);
  }
  const F = new Float64Array(nTrain * width), Fv = new Float64Array(nValid * width);
  for (let r = 0; r < nTrain; r++) F.set(base, r * width);
  for (let r = 0; r < nValid; r++) Fv.set(base, r * width);
  const g = new Float64Array(nTrain * width), h = new Float64Array(nTrain * width);
  const rng = createRng(seed);
  const trees: TreeArrays[] = [];
  const meta = { task, classes: data.classes, featureNames: data.featureNames, params };
  const state = (count: number) => gbdtState(base, trees.slice(0, count * width), width, X.nCols);
  let bestLoss = Infinity, bestRounds = 0;
  const all = Int32Array.from({ length: nTrain }, (_, r) => r);
  for (let round = 1; round <= params.rounds; round++) {
    gradients(task, F, cTrain, yTrain, width, g, h);
    let rows = all;
    if (params.subsample < 1) {
      const take = Math.max(2 * params.minSamplesLeaf, Math.floor(nTrain * params.subsample));
      const pick = all.slice();
      for (let k = 0; k < take; k++) {
        const j = k + rng.int(nTrain - k);
        [pick[k], pick[j]] = [pick[j], pick[k]];
      }
      rows = pick.subarray(0, take).sort();
    }
    for (let k = 0; k < width; k++) {
      const tree = boostTree(binned, bins.edges, rows, g, h, width, k, width, params);
      trees.push(tree);
      addTree(tree, binned, nTrain, bins.edges, F, width);
      if (nValid) addTree(tree, binnedValid, nValid, bins.edges, Fv, width);
    }
    if (nValid) {
      const loss = meanLoss(task, Fv, cValid, yValid, width);
      if (loss < bestLoss - 1e-12) {
        bestLoss = loss;
        bestRounds = round;
      } else if (round - bestRounds >= params.patience) break;
    } else bestRounds = round;
    if (options.onStep && round % params.stepRounds === 0 && round < params.rounds) {
      const keepGoing = await options.onStep(round / params.stepRounds, gbdtModel(meta, state(round)));
      if (keepGoing === false) break;
    }
  }
  return gbdtModel({ ...meta, params: { ...params, roundsUsed: bestRounds } }, state(bestRounds));
}

function gbdtState(base: Float64Array, trees: readonly TreeArrays[], width: number, p: number): GbdtState {
  const importance = new Float64Array(p);
  for (const t of trees) for (let f = 0; f < p; f++) importance[f] += t.importance[f];
  return { base, ensemble: concatTrees(trees, width), importance: normalize(importance) };
}

function gbdtModel(
  meta: Pick<ModelJson, "task" | "classes" | "featureNames" | "params">,
  state: GbdtState,
): Model {
  const width = state.base.length;
  const raw = (X: Matrix) => {
    checkMatrix("gbdt", X, meta.featureNames.length);
    const F = sumLeaves(state.ensemble, X);
    for (let r = 0; r < X.nRows; r++) for (let k = 0; k < width; k++) F[r * width + k] += state.base[k];
    return F;
  };
  return assembleModel("gbdt", meta, {
    proba: (X) => marginsToProba(raw(X), X.nRows, meta.classes.length),
    regress: raw,
    importance: () => state.importance.slice(),
    state: () => ({
      base: Array.from(state.base),
      importance: Array.from(state.importance),
      ...encodeEnsemble(state.ensemble),
    }),
  });
}

/** Restores a saved `gbdt` model. */
export function loadGbdt(json: ModelJson): Model {
  const s = json.state as Record<string, unknown>;
  return gbdtModel(json, {
    base: Float64Array.from(s.base as number[]),
    importance: Float64Array.from(s.importance as number[]),
    ensemble: decodeEnsemble(s),
  });
}
