/**
 * Job kinds `research` and `ml_study`: the ML research pipeline and a hyperparameter study
 * (`deno task research [study]`), through the same library calls (`researchJob`, `studyJob`) and
 * identities (`researchIdentity`, `studyIdentity`). A research job's `--workers` is 0: the batch
 * already runs jobs in parallel.
 */
import { RESEARCH_OPTIONS, researchConfig, STUDY_OPTIONS, studySpec } from "../../cli/research.ts";
import {
  researchIdentity,
  researchJob,
  studyIdentity,
  studyJob,
  type StudyJobOptions,
} from "../../ml/job.ts";
import type { ResearchConfig } from "../../ml/research.ts";
import { defineKind } from "../kind.ts";

/** A research job: the snapshot, the config (file + flags) and the experiment. */
export interface ResearchJob {
  readonly snapshot: string;
  readonly config: ResearchConfig;
  readonly experiment?: string;
}

/** The `research` job kind (see the module doc). */
export const researchKind = defineKind<ResearchJob>({
  kind: "research",
  runKind: "research",
  description: "the ML research pipeline: features, labels, models, leaderboard, suite (deno task research)",
  options: RESEARCH_OPTIONS,
  required: ["snapshot"],
  files: ["config"],
  page: "report.html",
  parse: (values) => ({
    snapshot: values.snapshot as string,
    config: researchConfig({ ...values }),
    experiment: values.experiment as string | undefined,
  }),
  identity: async (job, places, cache) =>
    researchIdentity(job, await cache.manifest(job.snapshot, places.snapshotsDir)),
  async run(job, _identity, context) {
    const { run } = await researchJob({
      ...job,
      snapshotsDir: context.snapshotsDir,
      runsDir: context.runsDir,
      workers: 0,
      command: `deno task research --snapshot ${job.snapshot}`,
      onProgress: (done, total) => context.progress(done, total),
    });
    return run;
  },
});

/** The `ml_study` job kind (see the module doc). */
export const studyKind = defineKind<StudyJobOptions>({
  kind: "ml_study",
  runKind: "ml_study",
  description: "a hyperparameter study of one model family (deno task research study)",
  options: {
    snapshot: RESEARCH_OPTIONS.snapshot,
    seed: RESEARCH_OPTIONS.seed,
    "max-train-rows": RESEARCH_OPTIONS["max-train-rows"],
    experiment: RESEARCH_OPTIONS.experiment,
    ...STUDY_OPTIONS,
  },
  required: ["snapshot", "model", "label"],
  files: [],
  parse: (values) => ({ snapshot: values.snapshot as string, ...studySpec({ ...values }) }),
  identity: async (job, places, cache) =>
    studyIdentity(job, await cache.manifest(job.snapshot, places.snapshotsDir)),
  async run(job, _identity, context) {
    const { run } = await studyJob({
      ...job,
      snapshotsDir: context.snapshotsDir,
      runsDir: context.runsDir,
      workers: 0,
      onTrial: (_trial, done, total) => context.progress(done, total),
    });
    return run;
  },
});
