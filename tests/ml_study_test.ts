import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { readTrials, runStudy, TrialPruned } from "../lib/ml/study/study.ts";
import { modelObjective } from "../lib/ml/study/model_study.ts";
import { reportPanel } from "./fixtures/report_suite.ts";
import { buildDataset } from "../lib/ml/dataset.ts";
import { computeFeatures, knownFeature } from "../lib/ml/features/mod.ts";
import { computeLabel } from "../lib/ml/labels.ts";

const tmp = () => Deno.makeTempDir({ prefix: "quantnb-study-" });

Deno.test("the median pruner stops a trial below the median after the warm-up steps", async () => {
  const dir = await tmp();
  // Trial k's intermediate score is the same at every step: its x. Steps 1..3 are warm-up; from step
  // 4 a trial whose x is below the median x of the earlier trials at that step is pruned.
  const xs = [0.5, 0.6, 0.7, 0.8, 0.9, 0.1, 0.95, 0.55];
  const stepsRun: number[] = [];
  const study = await runStudy(async (trial) => {
    const x = xs[trial.number];
    trial.suggestFloat("x", 0, 1); // recorded but not used: the schedule above drives the scores
    let steps = 0;
    for (let step = 1; step <= 10; step++) {
      steps++;
      trial.report(x, step);
      if (trial.shouldPrune()) {
        stepsRun.push(steps);
        throw new TrialPruned(step);
      }
    }
    stepsRun.push(steps);
    return await Promise.resolve(x);
  }, { dir, trials: xs.length, pruner: { warmupSteps: 3, startupTrials: 5 }, sampler: "random" });
  // Trials 0–4 are the startup trials (never pruned). Trial 5 (x 0.1 < median 0.7 of 0.5…0.9) stops at
  // step 4; trial 6 (0.95) runs all 10; trial 7 (0.55 < median of 0.5, 0.6, 0.7, 0.8, 0.9, 0.1, 0.95 = 0.7).
  deepEqual(study.trials.map((t) => t.state), [
    "complete",
    "complete",
    "complete",
    "complete",
    "complete",
    "pruned",
    "complete",
    "pruned",
  ]);
  deepEqual(stepsRun, [10, 10, 10, 10, 10, 4, 10, 4]);
  equal(study.trials[5].intermediate.length, 4);
  ok(Number.isNaN(study.trials[5].value));
  equal(study.best!.number, 6);
  await Deno.remove(dir, { recursive: true });
});

/** A smooth 2-parameter objective with its maximum at x = 0.3, k = "b". */
const objective = (
  trial: {
    suggestFloat(n: string, l: number, h: number): number;
    suggestCategorical<T extends string>(n: string, c: readonly T[]): T;
  },
) => {
  const x = trial.suggestFloat("x", -2, 2);
  const k = trial.suggestCategorical("k", ["a", "b", "c"]);
  return Promise.resolve(-((x - 0.3) ** 2) - (k === "b" ? 0 : 0.5));
};

Deno.test("a study resumes after interruption exactly where the uninterrupted one would be", async () => {
  const [a, b] = [await tmp(), await tmp()];
  const whole = await runStudy(objective, { dir: a, trials: 24, seed: 9 });
  const first = await runStudy(objective, { dir: b, trials: 13, seed: 9 }); // "interrupted" after 13
  equal(first.resumed, 0);
  equal((await readTrials(b)).length, 13, "every finished trial is on disk");
  const resumed = await runStudy(objective, { dir: b, trials: 24, seed: 9 });
  equal(resumed.resumed, 13);
  deepEqual(resumed.trials.map((t) => [t.params, t.value]), whole.trials.map((t) => [t.params, t.value]));
  await rejects(runStudy(objective, { dir: b, trials: 30, seed: 10 }), /was started with other settings/);
  await Promise.all([a, b].map((d) => Deno.remove(d, { recursive: true })));
});

Deno.test("TPE concentrates its later trials near the optimum, random does not", async () => {
  const [a, b] = [await tmp(), await tmp()];
  const tpe = await runStudy(objective, { dir: a, trials: 40, seed: 1, tpe: { startupTrials: 10 } });
  const random = await runStudy(objective, { dir: b, trials: 40, seed: 1, sampler: "random" });
  const lateMean = (s: typeof tpe) => s.trials.slice(20).reduce((m, t) => m + t.value, 0) / 20;
  ok(lateMean(tpe) > lateMean(random) + 0.3, `TPE ${lateMean(tpe)} vs random ${lateMean(random)}`);
  ok(tpe.best!.value > -0.01, `best ${JSON.stringify(tpe.best!.params)}`);
  await Promise.all([a, b].map((d) => Deno.remove(d, { recursive: true })));
});

Deno.test("a forest study reports the validation AUC per step; pruned trials stop growing trees", async () => {
  const { panel, known } = reportPanel();
  const data = buildDataset(
    computeFeatures(panel, [knownFeature("hint", known), { name: "ret_5", kind: "return", horizon: 5 }]),
    computeLabel(panel, { type: "B1", horizon: 5 }),
  );
  const dir = await tmp();
  const study = await runStudy(
    modelObjective(data, {
      type: "forest",
      space: {
        maxDepth: { type: "int", low: 1, high: 6 },
        minSamplesLeaf: { type: "int", low: 1, high: 2000, log: true },
      },
      fixed: { trees: 16, stepTrees: 2 },
      workers: 0,
    }),
    { dir, trials: 10, seed: 2, pruner: { warmupSteps: 3, startupTrials: 3 } },
  );
  for (const t of study.trials) {
    ok(t.intermediate.every(([, v]) => v > 0.3 && v < 0.8), "validation AUCs");
    // 16 trees in steps of 2: a complete trial reports steps 1–7 (no report after the last chunk).
    if (t.state === "complete") equal(t.intermediate.length, 7);
    else if (t.state === "pruned") ok(t.intermediate.length >= 4 && t.intermediate.length < 7);
  }
  ok(study.trials.some((t) => t.state === "pruned"), "some trial is pruned");
  ok(study.best!.value > 0.52, `best validation AUC ${study.best!.value}`);
  await Deno.remove(dir, { recursive: true });
});
