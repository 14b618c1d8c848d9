import { deepEqual, notDeepEqual, ok, rejects } from "node:assert/strict";
import { assertAllClose } from "./_assert.ts";
import { createRng } from "../lib/util/rng.ts";
import { accuracy } from "../lib/ml/evaluate/classification.ts";
import { fitModel, loadModel } from "../lib/ml/models/registry.ts";
import type { TrainingSet } from "../lib/ml/models/types.ts";

/**
 * 8 lags of a window embedding (`emb8_lag7` … `emb8_lag0`) and 2 other features; y = 1 when the last
 * three lags plus feature "a" sum above zero (noise N(0, 0.5²)).
 */
function problem(n: number, seed: number): TrainingSet {
  const rng = createRng(seed);
  const L = 8, p = L + 2;
  const data = new Float32Array(n * p), y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) data[r * p + j] = rng.normal();
    const s = data[r * p + 5] + data[r * p + 6] + data[r * p + 7] + data[r * p + 8];
    y[r] = s + 0.5 * rng.normal() > 0 ? 1 : 0;
  }
  const names = [...Array.from({ length: L }, (_, j) => `emb8_lag${L - 1 - j}`), "a", "b"];
  return { X: { data, nRows: n, nCols: p }, y, task: "binary", classes: [0, 1], featureNames: names };
}

const train = problem(2000, 1), test = problem(500, 2);
const params = { sequence: "emb8", epochs: 4, kernel: 3, batchSize: 128 };

for (const type of ["mlp", "conv1d", "lstm"] as const) {
  Deno.test(`${type}: learns, same seed ⇒ same model, save/load ⇒ same predictions`, async () => {
    const model = await fitModel({ type, params }, train, { seed: 7 });
    const acc = accuracy(test.y, model.predict(test.X));
    ok(acc > 0.65, `${type} accuracy ${acc}`);
    const again = await fitModel({ type, params }, train, { seed: 7 });
    deepEqual(Array.from(again.score(test.X)), Array.from(model.score(test.X)));
    const loaded = await loadModel(JSON.parse(JSON.stringify(model.toJSON())));
    deepEqual(Array.from(loaded.predictProba(test.X)), Array.from(model.predictProba(test.X)));
    const other = await fitModel({ type, params: { ...params, epochs: 1 } }, train, { seed: 8 });
    notDeepEqual(Array.from(other.score(test.X)), Array.from(model.score(test.X)));
  });
}

Deno.test("nets: the CPU backend agrees with wasm to float32 rounding; a missing embedding is named", async () => {
  const wasm = await fitModel({ type: "mlp", params: { epochs: 2, earlyStopping: false } }, train, {
    seed: 3,
  });
  const cpu = await fitModel(
    { type: "mlp", params: { epochs: 2, earlyStopping: false, backend: "cpu" } },
    train,
    {
      seed: 3,
    },
  );
  assertAllClose(cpu.score(test.X), wasm.score(test.X), 1e-4);
  const plain = { ...train, featureNames: train.featureNames.map((_, j) => `f${j}`) };
  await rejects(fitModel({ type: "lstm", params }, plain), /needs the window embedding "emb8"/);
});

Deno.test("nets: multiclass softmax and regression outputs", async () => {
  const m = {
    ...train,
    y: train.y.map((v, r) => (v === 1 ? (r % 3 === 0 ? 0 : 1) : -1)),
    task: "multiclass" as const,
    classes: [-1, 0, 1],
  };
  const multi = await fitModel({ type: "mlp", params: { epochs: 2 } }, m, { seed: 1 });
  const proba = multi.predictProba(test.X);
  for (let r = 0; r < 5; r++) ok(Math.abs(proba[3 * r] + proba[3 * r + 1] + proba[3 * r + 2] - 1) < 1e-5);
  const reg = { ...train, y: train.y.map((v) => 10 + 5 * v), task: "regression" as const, classes: [] };
  const model = await fitModel({ type: "mlp", params: { epochs: 3 } }, reg, { seed: 1 });
  const pred = model.predict(test.X);
  const mean = pred.reduce((a, b) => a + b, 0) / pred.length;
  ok(mean > 11 && mean < 14, `predictions on the target's scale (mean ${mean})`);
});
