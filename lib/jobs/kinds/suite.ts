/**
 * Job kind `suite`: a signal file against the baselines over a preset's config matrix (`deno task
 * suite`), through the same library call (`runSuiteFile`: verified snapshot, signal validated at the
 * preset's lags, verdict, tear sheet), in the job's worker (no Web Workers of its own: the batch
 * already runs jobs in parallel).
 */
import { checkSuiteOptions, SUITE_OPTIONS } from "../../cli/suite.ts";
import { suiteIdentity } from "../../pipeline/record_suite.ts";
import { runSuiteFile } from "../../pipeline/suite_file.ts";
import { formatReport } from "../../signal/problem.ts";
import { PRESETS } from "../../suite/preset.ts";
import { defineKind } from "../kind.ts";
import { signalLabel } from "./signal_input.ts";

/** A suite job: the task's options. */
export interface SuiteJob {
  readonly snapshot: string;
  readonly signal: string;
  readonly preset: string;
  readonly name?: string;
  readonly experiment?: string;
  readonly author?: string;
}

/** The `suite` job kind (see the module doc). */
export const suiteKind = defineKind<SuiteJob>({
  kind: "suite",
  runKind: "suite",
  description: "a signal against the baselines over a config matrix, with a verdict (deno task suite)",
  options: SUITE_OPTIONS,
  required: ["snapshot", "signal"],
  files: ["signal"],
  page: "tearsheet.html",
  parse(values) {
    checkSuiteOptions(values);
    const text = (key: string) => values[key] as string | undefined;
    return {
      snapshot: text("snapshot")!,
      signal: text("signal")!,
      preset: text("preset") ?? "standard",
      name: text("name"),
      experiment: text("experiment"),
      author: text("author"),
    };
  },
  async identity(job, places, cache) {
    return suiteIdentity(PRESETS[job.preset], {
      signalName: job.name ?? await signalLabel(job.signal, cache),
      signalHash: await cache.fileHash(job.signal),
      manifest: await cache.manifest(job.snapshot, places.snapshotsDir),
      experiment: job.experiment,
      author: job.author,
    });
  },
  async run(job, _identity, context) {
    const out = await runSuiteFile({
      snapshot: job.snapshot,
      snapshotsDir: context.snapshotsDir,
      signalFile: job.signal,
      preset: job.preset,
      name: job.name,
      experiment: job.experiment,
      author: job.author,
      runsDir: context.runsDir,
      workers: 0,
      onStage: (stage) => context.log(`suite: ${stage}`),
      onProgress: (done, total) => context.progress(done, total),
    });
    if (!out.ok) throw new Error(`${job.signal}: invalid signal\n${formatReport(out.validation)}`);
    return out.run;
  },
});
