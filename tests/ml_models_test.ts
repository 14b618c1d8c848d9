import { deepEqual, notDeepEqual, ok, rejects } from "node:assert/strict";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";
import { createRng } from "../lib/util/rng.ts";
import type { Matrix } from "../lib/ml/dataset.ts";
import { accuracy } from "../lib/ml/evaluate/classification.ts";
import { fitModel, loadModel } from "../lib/ml/models/registry.ts";
import { linearCoefficients } from "../lib/ml/models/logistic.ts";
import type { Model, ModelSpec, TrainingSet } from "../lib/ml/models/types.ts";
import { binMatrix, binTraining, fitBins } from "../lib/ml/models/binning.ts";

/**
 * A fixed small problem: 4 standard-normal features, y = 1 when x0 + 0.5 x1 − 0.5 x2² + 0.5 + noise > 0
 * (a curved boundary, label noise N(0, 0.5²)). Classes 0/1; with `task: "multiclass"` the margin is cut
 * into −1/0/1; `"regression"` learns the margin itself.
 */
function problem(n: number, seed: number, task: TrainingSet["task"] = "binary"): TrainingSet {
  const rng = createRng(seed);
  const p = 4;
  const data = new Float32Array(n * p), y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) data[r * p + j] = rng.normal();
    const x = (j: number) => data[r * p + j];
    const m = x(0) + 0.5 * x(1) - 0.5 * x(2) * x(2) + 0.5 + 0.5 * rng.normal();
    y[r] = task === "binary"
      ? (m > 0 ? 1 : 0)
      : task === "multiclass"
      ? (m > 0.7 ? 1 : m < -0.7 ? -1 : 0)
      : m;
  }
  return {
    X: { data, nRows: n, nCols: p },
    y,
    task,
    classes: task === "binary" ? [0, 1] : task === "multiclass" ? [-1, 0, 1] : [],
    featureNames: ["a", "b", "c", "d"],
  };
}

async function roundTrip(model: Model): Promise<Model> {
  return await loadModel(JSON.parse(JSON.stringify(model.toJSON())));
}

Deno.test("the fast forest matches ml-random-forest's accuracy on a fixed small problem", async () => {
  const train = problem(500, 1), test = problem(2000, 2);
  const reference = await fitModel({ type: "ml_random_forest", params: { trees: 50 } }, train, { seed: 1 });
  const fast = await fitModel({ type: "forest", params: { trees: 50, maxDepth: 40 } }, train, {
    seed: 1,
    workers: 0,
  });
  const a = accuracy(test.y, fast.predict(test.X)), b = accuracy(test.y, reference.predict(test.X));
  ok(a > 0.8 && b > 0.8, `both learn the boundary (fast ${a}, ml-random-forest ${b})`);
  ok(Math.abs(a - b) <= 0.01, `accuracies within 0.01: fast ${a}, ml-random-forest ${b}`);
  // The saved reference predicts exactly as the fitted one.
  deepEqual(
    Array.from((await roundTrip(reference)).predictProba(test.X)),
    Array.from(reference.predictProba(test.X)),
  );
});

Deno.test("forest: seeded, independent of the worker count, saved and loaded exactly", async (t) => {
  const train = problem(3000, 5), test = problem(500, 6);
  const spec: ModelSpec = { type: "forest", params: { trees: 12, maxDepth: 6, stepTrees: 4 } };
  const inThread = await fitModel(spec, train, { seed: 3, workers: 0 });
  await t.step("2 workers grow the same trees as this thread", async () => {
    const twoWorkers = await fitModel(spec, train, { seed: 3, workers: 2 });
    deepEqual(Array.from(twoWorkers.predictProba(test.X)), Array.from(inThread.predictProba(test.X)));
  });
  await t.step("same seed ⇒ same model; another seed ⇒ another model", async () => {
    const again = await fitModel(spec, train, { seed: 3, workers: 0 });
    deepEqual(again.toJSON(), inThread.toJSON());
    const other = await fitModel(spec, train, { seed: 4, workers: 0 });
    notDeepEqual(Array.from(other.score(test.X)), Array.from(inThread.score(test.X)));
  });
  await t.step("save/load gives identical predictions", async () => {
    const loaded = await roundTrip(inThread);
    deepEqual(Array.from(loaded.predictProba(test.X)), Array.from(inThread.predictProba(test.X)));
    deepEqual(Array.from(loaded.importance()!), Array.from(inThread.importance()!));
  });
  await t.step("probabilities are averages of leaf fractions: rows sum to 1", () => {
    const proba = inThread.predictProba(test.X);
    for (let r = 0; r < test.X.nRows; r++) assertAlmostEquals(proba[2 * r] + proba[2 * r + 1], 1, 1e-12);
  });
  await t.step("impurity importance ranks the informative features first", () => {
    const imp = inThread.importance()!;
    assertAlmostEquals(imp.reduce((a, b) => a + b, 0), 1, 1e-12);
    ok(imp[0] > imp[3] && imp[2] > imp[3], `a and c beat the noise feature d: ${Array.from(imp)}`);
  });
  await t.step("onStep sees the forest grow and can stop it early", async () => {
    const seen: number[] = [];
    const stopped = await fitModel(spec, train, {
      seed: 3,
      workers: 0,
      onStep: (step, partial) => {
        seen.push(step);
        ok(partial.score(test.X).every(Number.isFinite));
        return step < 2;
      },
    });
    deepEqual(seen, [1, 2]);
    // Stopped after 2 steps of 4 trees = the first 8 trees of the same seed (each tree has its own seed).
    const eight = await fitModel({ type: "forest", params: { trees: 8, maxDepth: 6 } }, train, {
      seed: 3,
      workers: 0,
    });
    deepEqual(Array.from(stopped.predictProba(test.X)), Array.from(eight.predictProba(test.X)));
  });
});

Deno.test("forest: multiclass and regression", async () => {
  const m3 = problem(2000, 7, "multiclass"), t3 = problem(1000, 8, "multiclass");
  const multi = await fitModel({ type: "forest", params: { trees: 20 } }, m3, { seed: 1, workers: 0 });
  ok(accuracy(t3.y, multi.predict(t3.X)) > 0.6);
  const proba = multi.predictProba(t3.X);
  const score = multi.score(t3.X);
  assertAlmostEquals(score[0], -proba[0] + proba[2], 1e-12, "score = expected class value");
  const reg = problem(2000, 9, "regression"), test = problem(500, 10, "regression");
  const model = await fitModel({ type: "forest", params: { trees: 20 } }, reg, { seed: 1, workers: 0 });
  const pred = model.predict(test.X);
  let ss = 0, tot = 0;
  const mean = test.y.reduce((a, b) => a + b, 0) / test.y.length;
  for (let r = 0; r < pred.length; r++) {
    ss += (pred[r] - test.y[r]) ** 2;
    tot += (test.y[r] - mean) ** 2;
  }
  ok(1 - ss / tot > 0.5, `R² ${1 - ss / tot}`);
  await rejects(
    async () => (await roundTrip(model)).predictProba(test.X),
    /predictProba is for classification/,
  );
});

Deno.test("logistic matches scikit-learn's coefficients (binary, multinomial, ridge)", async (t) => {
  // tests/fixtures/ml/sklearn_linear.py (command in its header): LogisticRegression(C=0.5) / Ridge(alpha=2)
  // on StandardScaler-ed features; our model standardises internally the same way (ddof 0).
  const ref = JSON.parse(
    await Deno.readTextFile(new URL("./fixtures/ml/sklearn_linear.json", import.meta.url)),
  );
  const X: Matrix = { data: Float32Array.from(ref.X), nRows: ref.n, nCols: ref.p };
  const names = ["x0", "x1", "x2", "x3"];
  const fit = (y: number[], task: TrainingSet["task"], classes: number[]) =>
    fitModel({ type: "logistic", params: { C: 0.5 } }, {
      X,
      y: Float64Array.from(y),
      task,
      classes,
      featureNames: names,
    });
  await t.step("binary", async () => {
    const model = await fit(ref.y2, "binary", [0, 1]);
    assertAllClose(linearCoefficients(model), [...ref.binary.coef, ...ref.binary.intercept], 2e-5);
    assertAllClose(
      model.predictProba({ data: X.data.slice(0, 4), nRows: 1, nCols: 4 }),
      ref.binary.proba0,
      1e-5,
    );
    deepEqual(Array.from((await roundTrip(model)).predictProba(X)), Array.from(model.predictProba(X)));
  });
  await t.step("multinomial", async () => {
    const model = await fit(ref.y3, "multiclass", [-1, 0, 1]);
    const coef = linearCoefficients(model);
    const expected = [0, 1, 2].flatMap((
      k,
    ) => [...ref.multinomial.coef.slice(4 * k, 4 * k + 4), ref.multinomial.intercept[k]]);
    assertAllClose(coef, expected, 2e-5);
    assertAllClose(
      model.predictProba({ data: X.data.slice(0, 4), nRows: 1, nCols: 4 }),
      ref.multinomial.proba0,
      1e-5,
    );
  });
  await t.step("ridge for a regression label", async () => {
    const model = await fit(ref.yr, "regression", []);
    assertAllClose(linearCoefficients(model), [...ref.ridge.coef, ref.ridge.intercept], 2e-5);
  });
});

Deno.test("fitModel() refuses bad input naming what is wrong", async () => {
  const train = problem(50, 1);
  await rejects(fitModel({ type: "svm" as "forest" }, train), /unknown model type "svm"/);
  await rejects(fitModel({ type: "forest", params: { depth: 3 } }, train), /unknown hyperparameter "depth"/);
  await rejects(
    fitModel({ type: "forest", params: { trees: 0 } }, train),
    /trees must be an integer ≥ 1; found 0/,
  );
  const bad = { ...train, X: { ...train.X, data: train.X.data.slice() } };
  bad.X.data[9] = NaN;
  await rejects(fitModel({ type: "logistic" }, bad), /non-finite value at row 2, feature "b"/);
  await rejects(loadModel({ format: "other" } as never), /expected a saved quantnb model/);
});

Deno.test("fitBins() cuts few distinct values at midpoints and many at quantiles", () => {
  const few = fitBins({ data: Float32Array.of(1, 2, 2, 3), nRows: 4, nCols: 1 });
  deepEqual(Array.from(few.edges[0]), [1.5, 2.5]);
  const many = fitBins({ data: Float32Array.from({ length: 1000 }, (_, k) => k), nRows: 1000, nCols: 1 }, 4);
  deepEqual(Array.from(many.edges[0]), [250, 500, 750]);
  // binTraining's sorted pass bins exactly as a search per value does (ties included).
  const X = problem(2000, 3).X;
  const rounded = { ...X, data: X.data.map((v) => Math.round(v * 4) / 4) };
  for (const m of [X, rounded]) {
    const { bins, binned } = binTraining(m, 32);
    deepEqual(Array.from(binned), Array.from(binMatrix(m, bins)));
    deepEqual(bins.edges.map((e) => Array.from(e)), fitBins(m, 32).edges.map((e) => Array.from(e)));
  }
});

Deno.test("gbdt: learns, stops early on the most recent rows, saves and loads exactly", async (t) => {
  const train = problem(3000, 11), test = problem(1000, 12);
  await t.step("binary: beats the base rate, is seeded, round-trips", async () => {
    const model = await fitModel({ type: "gbdt", params: { rounds: 60, maxDepth: 3 } }, train, { seed: 2 });
    ok(accuracy(test.y, model.predict(test.X)) > 0.8);
    const loaded = await roundTrip(model);
    deepEqual(Array.from(loaded.predictProba(test.X)), Array.from(model.predictProba(test.X)));
    const again = await fitModel({ type: "gbdt", params: { rounds: 60, maxDepth: 3 } }, train, { seed: 2 });
    deepEqual(again.toJSON(), model.toJSON());
    const imp = model.importance()!;
    ok(imp[0] > imp[3] && imp[2] > imp[3], `gain importance favours a and c: ${Array.from(imp)}`);
  });
  await t.step("early stopping keeps the best round count on the held-out last 10%", async () => {
    // A learning rate of 1 with deep trees overfits fast: validation loss turns up within a few rounds.
    const model = await fitModel(
      { type: "gbdt", params: { rounds: 200, maxDepth: 6, learningRate: 1, minSamplesLeaf: 1, patience: 5 } },
      train,
      { seed: 2 },
    );
    const used = model.params.roundsUsed as number;
    ok(used >= 1 && used < 30, `rounds used ${used}`);
  });
  await t.step("multiclass (softmax, one tree per class per round) and regression", async () => {
    const m3 = problem(3000, 13, "multiclass"), t3 = problem(1000, 14, "multiclass");
    const multi = await fitModel({ type: "gbdt", params: { rounds: 40 } }, m3, { seed: 1 });
    ok(accuracy(t3.y, multi.predict(t3.X)) > 0.6);
    const proba = multi.predictProba(t3.X);
    for (let r = 0; r < 5; r++) {
      assertAlmostEquals(proba[3 * r] + proba[3 * r + 1] + proba[3 * r + 2], 1, 1e-12);
    }
    const reg = await fitModel({ type: "gbdt", params: { rounds: 40 } }, problem(3000, 15, "regression"), {
      seed: 1,
    });
    const tr = problem(500, 16, "regression");
    const pred = reg.predict(tr.X);
    const mean = tr.y.reduce((a, b) => a + b, 0) / tr.y.length;
    let ss = 0, tot = 0;
    for (let r = 0; r < pred.length; r++) {
      [ss, tot] = [ss + (pred[r] - tr.y[r]) ** 2, tot + (tr.y[r] - mean) ** 2];
    }
    ok(1 - ss / tot > 0.5, `R² ${1 - ss / tot}`);
  });
});
