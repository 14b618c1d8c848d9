import { type Progress, progress } from "../nb/progress.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { researchJob, studyJob } from "../ml/job.ts";
import type { LabelSpec, LabelType } from "../ml/labels.ts";
import type { ModelSpec, ModelType } from "../ml/models/types.ts";
import { modelTypes } from "../ml/models/registry.ts";
import type { ResearchConfig } from "../ml/research.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task research --snapshot ID [options]
deno task research study --snapshot ID --model TYPE --label TYPE:HORIZON --trials N [options]

"Is there predictable structure in these features, and does it survive costs?" Computes point-in-time
features and labels on the snapshot's panel, fits every model on walk-forward folds (purged: no training
label reaches a test date), evaluates the out-of-sample predictions (accuracy, balanced accuracy, AUC,
precision/recall/F1, Brier, log loss, rank IC) and trades them as a signal, ranks the model × label
variants (score = 0.4 · balanced accuracy + 0.6 · min(Sharpe / 3, 1); kept ≥ 0.6), explains the best
(impurity and permutation importance), runs its signal through the standard suite, and records a run
with the final model (model.json), the predictions, the leaderboard and an HTML report.

"study" tunes one model family's hyperparameters instead: N trials drawn by a TPE-style sampler (or
--sampler random), each fitted on the older rows and scored (AUC, macro AUC or R²) on the most recent 20%
of the dates, with the median pruner stopping weak trials early. Every trial is stored as it finishes, so
an interrupted study resumes where it stopped; the finished study is recorded as an ml_study run.

Options:
  --snapshot ID        snapshot to research on (required)
  --config FILE        JSON ResearchConfig (features, standardize, labels, models, split, maxTrainRows,
                       backtest, importance, suitePreset, seed); the flags below override it
  --labels LIST        labels as TYPE:HORIZON, e.g. B1:5,T3:5,R:5,TB:10 (default B1:5,T3:5,R:5,B1:21)
  --models LIST        model types with default hyperparameters: ${modelTypes().join(", ")}, mlp, conv1d, lstm
                       (default logistic, forest, gbdt)
  --max-train-rows N   training rows per fold at most (default 60000)
  --seed N             seed of every random choice (default 0)
  --workers N          Web Workers for forests and the suite (default: one per core)
  --experiment NAME    run grouping (default ml_research; study_TYPE for a study)
  --model TYPE         (study) the model family to tune
  --label TYPE:HORIZON (study) the label, e.g. B1:5
  --trials N           (study) trials in total (default 20; more extends a finished study)
  --sampler NAME       (study) tpe (default) or random
  --runs DIR           run registry folder (default runs/)
  --json               print the result as JSON instead of text
${COMMON_HELP}

Exit codes: 0 ok, 1 failure, 2 usage.`;

function parseLabels(text: string): LabelSpec[] {
  return text.split(",").map((item) => {
    const m = /^(B1|T3|R|TB):(\d+)$/.exec(item.trim());
    if (!m) {
      throw new UsageError(`--labels: expected TYPE:HORIZON with TYPE one of B1, T3, R, TB; found "${item}"`);
    }
    return { type: m[1] as LabelType, horizon: Number(m[2]) };
  });
}

function parseModels(text: string): ModelSpec[] {
  const known = [...modelTypes(), "mlp", "conv1d", "lstm"];
  return text.split(",").map((item) => {
    const type = item.trim();
    if (!known.includes(type)) {
      throw new UsageError(`--models: unknown model "${type}"; expected ${known.join(", ")}`);
    }
    return { type: type as ModelType };
  });
}

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, found "${text}"`);
  }
  return n;
}

/** `deno task research`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, {
      snapshot: { type: "string" },
      config: { type: "string" },
      labels: { type: "string" },
      models: { type: "string" },
      "max-train-rows": { type: "string" },
      seed: { type: "string" },
      workers: { type: "string" },
      experiment: { type: "string" },
      runs: { type: "string", default: "runs" },
      json: { type: "boolean", default: false },
      model: { type: "string" },
      label: { type: "string" },
      trials: { type: "string" },
      sampler: { type: "string" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.snapshot) throw new UsageError("--snapshot ID is required");
    if (positionals.length > 1 || (positionals[0] && positionals[0] !== "study")) {
      throw new UsageError(`unknown command "${positionals.join(" ")}"; expected nothing or "study"`);
    }
    if (positionals[0] === "study") return await study(values);
    let config: ResearchConfig = {};
    if (values.config) {
      try {
        config = JSON.parse(await Deno.readTextFile(values.config));
      } catch (error) {
        throw new Error(`${values.config}: cannot read the research config (${(error as Error).message})`);
      }
    }
    config = {
      ...config,
      ...(values.labels ? { labels: parseLabels(values.labels) } : {}),
      ...(values.models ? { models: parseModels(values.models) } : {}),
      ...(values["max-train-rows"]
        ? { maxTrainRows: integer("max-train-rows", values["max-train-rows"], 100) }
        : {}),
      ...(values.seed ? { seed: integer("seed", values.seed, 0) } : {}),
    };
    const workers = integer("workers", values.workers, 0);
    let bar: Progress | undefined;
    let shown = 0;
    const command = `deno task research ${args.filter((a) => a !== "--json").join(" ")}`.trim();
    const out = await researchJob({
      snapshot: values.snapshot,
      snapshotsDir: values.snapshots,
      config,
      experiment: values.experiment,
      runsDir: values.runs,
      workers,
      command,
      onProgress: (done, total) => {
        if (values.json) return;
        bar ??= progress(total, { label: "research" });
        bar.tick(done - shown);
        shown = done;
      },
    });
    await bar?.done();
    const { run, research } = out;
    const report = `${run.dir}/report.html`;
    if (values.json) {
      console.log(JSON.stringify(
        {
          run_id: run.run_id,
          reused: run.reused,
          report,
          suite_run: run.tags.suite_run,
          metrics: run.metrics,
          leaderboard: research?.leaderboard,
        },
        null,
        2,
      ));
      return 0;
    }
    if (research) {
      console.log("");
      console.log(renderTextTable(
        research.leaderboard.map((r) => ({
          rank: r.rank,
          variant: r.variant,
          balanced_accuracy: r.balanced_accuracy,
          roc_auc: r.roc_auc,
          rank_ic: r.rank_ic,
          sharpe: r.sharpe,
          score: r.score,
          kept: r.kept ? "✓" : "",
        })),
        {
          caption: "leaderboard (out of sample)",
          plain: ["balanced_accuracy", "roc_auc", "rank_ic", "sharpe", "score"],
        },
      ));
      const verdict = research.best.suite.verdict;
      console.log(`\nbest ${research.best.variant.name}: suite verdict ${verdict.color.toUpperCase()}`);
      for (const reason of verdict.reasons) console.log(`  • ${reason}`);
    }
    console.log(`\nrun ${run.run_id}${run.reused ? " (identical run already recorded; reused)" : ""}`);
    console.log(`report: ${report}`);
    console.log(`model: ${run.dir}/model.json`);
    return 0;
  }, HELP);
}

/** `deno task research study`: tunes one family, prints the trials and the best parameters. */
async function study(values: Record<string, string | boolean | undefined>): Promise<number> {
  if (!values.model) throw new UsageError("study: --model TYPE is required");
  if (!values.label) throw new UsageError("study: --label TYPE:HORIZON is required");
  const [model] = parseModels(values.model as string);
  const [label] = parseLabels(values.label as string);
  const sampler = (values.sampler ?? "tpe") as string;
  if (sampler !== "tpe" && sampler !== "random") {
    throw new UsageError(`--sampler must be tpe or random, found "${sampler}"`);
  }
  const trials = integer("trials", values.trials as string | undefined, 1) ?? 20;
  let bar: Progress | undefined;
  const out = await studyJob({
    snapshot: values.snapshot as string,
    snapshotsDir: values.snapshots as string,
    model: model.type,
    label,
    trials,
    sampler,
    seed: integer("seed", values.seed as string | undefined, 0),
    maxTrainRows: integer("max-train-rows", values["max-train-rows"] as string | undefined, 100),
    experiment: values.experiment as string | undefined,
    runsDir: values.runs as string,
    workers: integer("workers", values.workers as string | undefined, 0),
    onTrial: (_trial, _done, total) => {
      if (values.json) return;
      bar ??= progress(total, { label: `study ${model.type}` });
      bar.tick();
    },
  });
  await bar?.done();
  const { run, study } = out;
  if (values.json) {
    console.log(
      JSON.stringify(
        { run_id: run.run_id, reused: run.reused, metrics: run.metrics, dir: out.dir, best: study?.best },
        null,
        2,
      ),
    );
    return 0;
  }
  if (study) {
    if (study.resumed) console.log(`resumed after ${study.resumed} finished trials (${out.dir})`);
    console.log(renderTextTable(
      study.trials.map((t) => ({
        trial: t.number,
        state: t.state,
        value: t.value,
        steps: t.intermediate.length,
        ...t.params,
      })),
      { caption: "trials", maxRows: study.trials.length, plain: ["value"] },
    ));
    console.log(`
best trial ${study.best?.number ?? "—"}: ${JSON.stringify(study.best?.params ?? {})} → ${study.best?.value}`);
  }
  console.log(`
run ${run.run_id}${run.reused ? " (identical study already recorded; reused)" : ""}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
