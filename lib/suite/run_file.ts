import { loadPanel } from "../panel/load.ts";
import { readManifest } from "../snapshot/paths.ts";
import { knownMatrix, readSignal, validate } from "../signal/mod.ts";
import { capacityStats } from "../report/capacity.ts";
import type { ValidationResult } from "../signal/problem.ts";
import type { RunRecord } from "../track/types.ts";
import { sha256File } from "../util/hash.ts";
import { recordSuite } from "./record.ts";
import { runSuite, type SuiteOptions, type SuiteResult } from "./run_suite.ts";

/** What `runSuiteFile` needs: a snapshot, a signal file and how to run and record. */
export interface SuiteFileOptions extends SuiteOptions {
  snapshot: string;
  signalFile: string;
  snapshotsDir?: string;
  preset?: string;
  /** Signal name (default: the file's `signal_name`, else the file name without extension). */
  name?: string;
  author?: string;
  runsDir?: string;
}

/** A suite run from files: invalid signal ⇒ `{ validation }` only; otherwise the suite and its run. */
export type SuiteFileResult =
  | { ok: false; validation: ValidationResult }
  | { ok: true; validation: ValidationResult; suite: SuiteResult; run: RunRecord; name: string };

/**
 * The whole `deno task suite` job as a library call: loads the snapshot's panel, reads and validates
 * the signal file (an invalid signal stops here, with every problem), runs the suite and records it
 * (run folder with tear sheet).
 *
 * @example
 * ```ts
 * const out = await runSuiteFile({ snapshot: "demo", signalFile: "data/demo_signal.parquet" });
 * if (out.ok) console.log(out.suite.verdict.color, out.run.dir);
 * ```
 */
export async function runSuiteFile(options: SuiteFileOptions): Promise<SuiteFileResult> {
  const { snapshot, snapshotsDir, signalFile, preset = "standard" } = options;
  const manifest = await readManifest(snapshot, snapshotsDir);
  const panel = await loadPanel({ snapshot, snapshotsDir, fields: ["ret", "mcap", "adv", "value", "beta"] });
  const parsed = await readSignal(signalFile);
  const validation = validate(parsed, { panel });
  if (!validation.ok) return { ok: false, validation };
  const name = options.name ?? parsed.signal.signal_name ??
    signalFile.replace(/^.*\//, "").replace(/\.[^.]+$/, "");
  const known = knownMatrix(panel, parsed.signal);
  const suite = await runSuite(panel, { name, signal: { known } }, preset, options);
  const run = await recordSuite(suite, {
    signalName: name,
    signalHash: await sha256File(signalFile),
    manifest,
    author: options.author,
    runsDir: options.runsDir,
    tags: { command: `deno task suite --snapshot ${snapshot} --signal ${signalFile} --preset ${preset}` },
    tearsheetExtras: {
      signal_source: signalFile,
      capacity: capacityStats(panel, known, suite.signal.best.result.config),
    },
  });
  return { ok: true, validation, suite, run, name };
}
