/**
 * ML benchmarks side by side with Python on the demo panel (500 × 2,520, ≈1M feature rows), rounds
 * alternating between the two and reported as medians and the median of per-round ratios:
 *
 * 1. the 19 base features (`computeFeatures`) vs the pandas group-by code in
 *    `bench/ml_features_pandas.py` (also checked for agreement, feature by feature);
 * 2. a random forest of 100 trees, depth 8, on 200,000 × 19 training rows (time-ordered 70/30 split,
 *    label B1 at 5 days = 5-day forward return > 0) with 2 workers vs scikit-learn's
 *    `RandomForestClassifier(n_jobs=2)` (`bench/ml_sklearn.py`), and both test AUCs;
 * 3. prediction of the fitted forest on 330,000 rows;
 * 4. histogram gradient boosting (200 rounds, depth 4, learning rate 0.1, no early stopping) on the same
 *    split vs scikit-learn's `HistGradientBoostingClassifier` with the same settings.
 *
 *   deno run -A bench/ml_vs_python.ts [--rounds 3] [--only features|forest|predict|gbdt]
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { ensureDemoData } from "../lib/demo/build.ts";
import { loadPanel } from "../lib/panel/load.ts";
import type { Panel } from "../lib/panel/types.ts";
import { BASE_FEATURES, computeFeatures } from "../lib/ml/features/mod.ts";
import { computeLabel } from "../lib/ml/labels.ts";
import { buildDataset, type Matrix, takeRows, takeValues } from "../lib/ml/dataset.ts";
import { ownRows } from "../lib/ml/own_rows.ts";
import { fitForest } from "../lib/ml/models/forest.ts";
import { fitGbdt } from "../lib/ml/models/gbdt.ts";
import { rocAuc } from "../lib/ml/evaluate/classification.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "3" }, only: { type: "string" } },
});
const rounds = Number(values.rounds);
const PYTHON = "/usr/bin/python3";
const here = new URL(".", import.meta.url).pathname;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = await Deno.makeTempDir({ prefix: "quantnb-ml-bench-" });

async function python(script: string, ...args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(PYTHON, { args: [join(here, script), ...args], stderr: "inherit" })
    .output();
  if (!out.success) throw new Error(`${script} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Writes the panel's own rows in long format (sec, date, industry, close, ret, volume, mcap, value). */
async function writePanel(panel: Panel): Promise<Int32Array> {
  const own = ownRows(panel);
  const nS = panel.securityIds.length, n = own.dates.length;
  const codes = new Map<string, number>();
  const industry = panel.industries.map((x) => codes.get(x) ?? (codes.set(x, codes.size), codes.size - 1));
  const columns = ["sec", "date", "industry", "close", "ret", "volume", "mcap", "value"];
  const out = new Float64Array(columns.length * n);
  const cells = new Int32Array(n);
  for (let i = 0, r = 0; i < nS; i++) {
    for (let k = own.offsets[i]; k < own.offsets[i + 1]; k++, r++) {
      const t = own.dates[k], c = t * nS + i;
      cells[r] = c;
      const row = [
        i,
        panel.dates[t],
        industry[i],
        ...["close", "ret", "volume", "mcap", "value"].map((f) => panel.fields[f][c]),
      ];
      row.forEach((v, j) => (out[j * n + r] = v));
    }
  }
  await Deno.writeFile(join(dir, "panel.bin"), new Uint8Array(out.buffer));
  await Deno.writeTextFile(join(dir, "panel.json"), JSON.stringify({ columns, rows: n }));
  return cells;
}

await ensureDemoData();
const panel = await loadPanel({ snapshot: "demo", fields: ["close", "ret", "volume", "mcap", "value"] });
const rows: string[] = [];

if (!values.only || values.only === "features") {
  const cells = await writePanel(panel);
  const js: number[] = [], py: number[] = [], ratios: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const t0 = performance.now();
    computeFeatures(panel, BASE_FEATURES);
    js.push((performance.now() - t0) / 1000);
    const p = await python(
      "ml_features_pandas.py",
      dir,
      "1",
      k === 0 ? join(dir, "pandas_features.bin") : "",
    );
    py.push((p.seconds as number[])[0]);
    ratios.push(py[k] / js[k]);
  }
  // Agreement: the largest difference per feature between pandas and quantnb, relative to the feature's scale.
  const f = computeFeatures(panel, BASE_FEATURES);
  const ref = new Float64Array((await Deno.readFile(join(dir, "pandas_features.bin"))).buffer);
  const worst = f.names.map((name, j) => {
    let diff = 0, scale = 0, mismatch = 0;
    for (let r = 0; r < cells.length; r++) {
      const a = f.columns[j][cells[r]], b = ref[j * cells.length + r];
      if (Number.isNaN(a) !== Number.isNaN(b)) mismatch++;
      else if (!Number.isNaN(a)) {
        diff = Math.max(diff, Math.abs(a - b));
        scale = Math.max(scale, Math.abs(b));
      }
    }
    return { name, rel: diff / (scale || 1), mismatch };
  });
  console.log("pandas agreement (max |diff| / max |value|, NaN mismatches):");
  for (const w of worst) console.log(`  ${w.name.padEnd(16)} ${w.rel.toExponential(1)}  ${w.mismatch}`);
  rows.push(
    `| 19 base features, 500 × 2,520 (${cells.length.toLocaleString("en-US")} rows) | ≤ 0.75 s | ${
      median(js).toFixed(2)
    } s | pandas ${median(py).toFixed(2)} s | ${median(ratios).toFixed(1)}× faster |`,
  );
}

if (!values.only || ["forest", "predict", "gbdt"].includes(values.only)) {
  const data = buildDataset(
    computeFeatures(panel, BASE_FEATURES),
    computeLabel(panel, { type: "B1", horizon: 5 }),
  );
  const labelled = Int32Array.from({ length: data.X.nRows }, (_, r) => r).filter((r) =>
    Number.isFinite(data.y[r])
  );
  const nTrain = 200_000, total = Math.round(nTrain / 0.7);
  const trainRows = labelled.slice(0, nTrain), testRows = labelled.slice(nTrain, total);
  const train = {
    X: takeRows(data.X, trainRows),
    y: takeValues(data.y, trainRows),
    task: data.task,
    classes: data.classes,
    featureNames: data.featureNames,
  };
  const Xtest = takeRows(data.X, testRows), ytest = takeValues(data.y, testRows);
  const all = takeRows(data.X, labelled.slice(0, total));
  await Deno.writeFile(join(dir, "X.bin"), new Uint8Array(all.data.buffer));
  await Deno.writeFile(
    join(dir, "y.bin"),
    new Uint8Array(takeValues(data.y, labelled.slice(0, total)).buffer),
  );
  const params = { trees: 100, max_depth: 8, seed: 1, rounds: 200, learning_rate: 0.1 };
  await Deno.writeTextFile(
    join(dir, "dataset.json"),
    JSON.stringify({ rows: total, cols: 19, train: nTrain, ...params }),
  );
  if (values.only === "gbdt" || !values.only) {
    const gj: number[] = [], gp: number[] = [], gr: number[] = [], gauc: number[][] = [];
    await Deno.writeTextFile(
      join(dir, "dataset.json"),
      JSON.stringify({ rows: total, cols: 19, train: nTrain, ...params, max_depth: 4 }),
    );
    for (let k = 0; k < rounds; k++) {
      const t0 = performance.now();
      const gbdt = await fitGbdt(
        train,
        { rounds: 200, maxDepth: 4, learningRate: 0.1, earlyStopping: false },
        { seed: 1 },
      );
      gj.push((performance.now() - t0) / 1000);
      const p = await python("ml_sklearn.py", dir, "2", "hgb");
      gp.push(p.fit_seconds as number);
      gr.push(gp[k] / gj[k]);
      gauc.push([rocAuc(ytest, gbdt.score(Xtest)), p.auc as number]);
    }
    rows.push(
      `| gradient boosting 200 rounds, depth 4, 200,000 × 19 (1 thread) | — | ${
        median(gj).toFixed(2)
      } s | sklearn HistGradientBoosting (2 threads) ${median(gp).toFixed(2)} s | ${
        median(gr).toFixed(1)
      }× |`,
      `| its test AUC | — | ${gauc[0][0].toFixed(4)} | sklearn ${gauc[0][1].toFixed(4)} | Δ ${
        (gauc[0][0] - gauc[0][1]).toFixed(4)
      } |`,
    );
    await Deno.writeTextFile(
      join(dir, "dataset.json"),
      JSON.stringify({ rows: total, cols: 19, train: nTrain, ...params }),
    );
  }
  const js: number[] = [], py: number[] = [], ratios: number[] = [], aucs: number[][] = [];
  let model = undefined as Awaited<ReturnType<typeof fitForest>> | undefined;
  for (let k = 0; k < (values.only === "gbdt" ? 0 : rounds); k++) {
    const t0 = performance.now();
    model = await fitForest(train, { trees: 100, maxDepth: 8 }, { seed: 1, workers: 2 });
    js.push((performance.now() - t0) / 1000);
    const p = await python("ml_sklearn.py", dir, "2");
    py.push(p.fit_seconds as number);
    ratios.push(py[k] / js[k]);
    aucs.push([rocAuc(ytest, model.score(Xtest)), p.auc as number]);
  }
  if (!values.only || values.only === "forest") {
    rows.push(
      `| random forest 100 trees, depth 8, 200,000 × 19, 2 workers | ≤ 11 s | ${
        median(js).toFixed(2)
      } s | sklearn (2 threads) ${median(py).toFixed(2)} s | ${median(ratios).toFixed(1)}× faster |`,
      `| test AUC on the last 30% (${testRows.length.toLocaleString("en-US")} rows) | ≥ sklearn − 0.005 | ${
        aucs[0][0].toFixed(4)
      } | sklearn ${aucs[0][1].toFixed(4)} | Δ ${(aucs[0][0] - aucs[0][1]).toFixed(4)} |`,
    );
  }
  const big: Matrix = takeRows(data.X, Int32Array.from({ length: 330_000 }, (_, r) => r));
  const times: number[] = [];
  for (let k = 0; k < (model ? rounds : 0); k++) {
    const t0 = performance.now();
    model!.predictProba(big);
    times.push((performance.now() - t0) / 1000);
  }
  if (model) {
    rows.push(`| forest prediction, 330,000 rows × 100 trees | < 1 s | ${median(times).toFixed(2)} s | | |`);
  }
}

console.log("\n| benchmark | target | quantnb (median) | reference (median) | median ratio |");
console.log("| --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
await Deno.remove(dir, { recursive: true });
