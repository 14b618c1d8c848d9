/**
 * The whole `deno task suite` job as a library call, checked before it computes: arguments first,
 * then the snapshot (verified), then the registry — an identical run returns at once, with the suite
 * it stored — and only then panel, signal, suite and record.
 */
import { loadPanel } from "../panel/load.ts";
import { verifiedManifest } from "../snapshot/verify.ts";
import { validateSnapshotId } from "../snapshot/manifest.ts";
import { readSignal, readSignalName } from "../signal/read_signal.ts";
import { knownMatrix } from "../signal/align.ts";
import { validate } from "../signal/validate.ts";
import type { ValidationResult } from "../signal/problem.ts";
import { capacityStats } from "../report/capacity.ts";
import type { TearsheetBenchmark } from "../report/tearsheet.ts";
import { equalWeightIndex } from "../strategy/features.ts";
import type { Panel } from "../panel/types.ts";
import { recordOnce } from "../track/record_run.ts";
import type { LockHolder } from "../track/run_lock.ts";
import type { RunRecord } from "../track/types.ts";
import { checkDataFile } from "../util/literal_file.ts";
import { sha256File } from "../util/hash.ts";
import { expandPreset, PRESETS, type SuitePreset } from "../suite/preset.ts";
import { runSuite, type SuiteOptions, type SuiteResult } from "../suite/run_suite.ts";
import { type RecordSuiteOptions, type StoredSuite, suiteIdentity, suiteRunInput } from "./record_suite.ts";
import { checkOptions as checkOptionNames, optionKeys } from "../util/options.ts";

/** What `runSuiteFile` needs: a snapshot, a signal file and how to run and record. */
export interface SuiteFileOptions extends SuiteOptions {
  snapshot: string;
  signalFile: string;
  snapshotsDir?: string;
  /** A preset name (`PRESETS`) or a preset (default "standard"). */
  preset?: string | SuitePreset;
  /** Signal name (default: the file's `signal_name`, else the file name without extension). */
  name?: string;
  /** Grouping of runs (default: the signal name). */
  experiment?: string;
  author?: string;
  runsDir?: string;
  /** Compute and record a new run even when an identical one is recorded. */
  force?: boolean;
  /** Called as each stage starts ("verifying snapshot", "loading panel", …), for progress. */
  onStage?: (stage: string) => void;
  /** Called once when an identical run is being computed by another process (this one waits). */
  onWait?: (holder: LockHolder | undefined) => void;
}

const SUITE_FILE_KEYS = optionKeys<SuiteFileOptions>({
  snapshot: true,
  signalFile: true,
  snapshotsDir: true,
  preset: true,
  name: true,
  experiment: true,
  author: true,
  runsDir: true,
  force: true,
  onStage: true,
  onWait: true,
  workers: true,
  onProgress: true,
});

/**
 * A suite run from files: an invalid signal ⇒ `{ ok: false, validation }` and nothing recorded;
 * otherwise the suite and its run. `reused` runs were found in the registry and not computed again
 * (`validation` is then absent: the signal was validated when the run was computed).
 */
export type SuiteFileResult =
  | { ok: false; validation: ValidationResult }
  | { ok: true; validation?: ValidationResult; suite: SuiteResult; run: RunRecord; name: string };

/** Stops `recordOnce` (nothing is recorded) when the signal is invalid. */
class InvalidSignal extends Error {
  constructor(readonly validation: ValidationResult) {
    super("invalid signal");
  }
}

/**
 * Runs and records a suite from a snapshot and a signal file. Arguments are checked first (preset,
 * names, snapshot id, the signal file literally), the snapshot is verified (`verifiedManifest`),
 * and the run's identity (snapshot hash, signal file hash, preset, labels) is looked up BEFORE any
 * computing: an identical run returns immediately with the suite it stored (`run.reused`); the same
 * config under another name or author is recorded under the new labels from the stored suite,
 * without recomputing. Otherwise it loads the panel, reads and validates the signal at the preset's
 * lags (an invalid signal stops here, with every problem), runs the suite (a suite whose signal
 * trades no day is an error, not a result) and records it with its tear sheet and stored result.
 * Identical suites started together compute once (the registry's per-config lock).
 *
 * @example
 * ```ts
 * const out = await runSuiteFile({ snapshot: "demo", signalFile: "data/demo_signal.parquet" });
 * if (out.ok) console.log(out.suite.verdict.color, out.run.dir, out.run.reused);
 * ```
 */
export async function runSuiteFile(options: SuiteFileOptions): Promise<SuiteFileResult> {
  checkOptionNames("runSuiteFile", options, SUITE_FILE_KEYS);
  const { snapshot, snapshotsDir, signalFile, onStage = () => {} } = options;
  const preset = checkOptions(options);
  await checkDataFile(signalFile, "signal file");
  onStage("verifying snapshot");
  const manifest = await verifiedManifest(snapshot, snapshotsDir);
  const name = options.name ?? (await readSignalName(signalFile)) ??
    signalFile.replace(/^.*\//, "").replace(/\.[^.]+$/, "");
  const record: RecordSuiteOptions = {
    signalName: name,
    signalHash: await sha256File(signalFile),
    manifest,
    experiment: options.experiment,
    author: options.author,
    runsDir: options.runsDir,
    tags: {
      command: `deno task suite --snapshot ${snapshot} --signal ${signalFile} --preset ${preset.name}`,
    },
  };
  let validation: ValidationResult | undefined;
  try {
    const { run, result } = await recordOnce<StoredSuite>(suiteIdentity(preset, record), async (previous) => {
      const computed = previous?.result ?? await compute();
      const tearsheetExtras = {
        signal_source: signalFile,
        capacity: computed.capacity,
        benchmark: computed.benchmark,
      };
      onStage("recording run");
      return { input: suiteRunInput(computed.suite, { ...record, tearsheetExtras }), result: computed };
    }, { runsDir: options.runsDir, force: options.force, onWait: options.onWait });
    return { ok: true, validation, suite: result.suite, run, name };
  } catch (error) {
    if (error instanceof InvalidSignal) return { ok: false, validation: error.validation };
    throw error;
  }

  async function compute(): Promise<StoredSuite> {
    onStage("loading panel");
    const panel = await loadPanel({
      snapshot,
      snapshotsDir,
      fields: ["ret", "mcap", "adv", "value", "beta"],
    });
    onStage("reading signal");
    const parsed = await readSignal(signalFile);
    onStage("validating signal");
    validation = validate(parsed, {
      panel,
      lags: [...new Set(expandPreset(preset).map((v) => v.options.lag ?? 0))],
    });
    if (!validation.ok) throw new InvalidSignal(validation);
    const known = knownMatrix(panel, parsed.signal);
    onStage("running suite");
    const suite = await runSuite(panel, { name, signal: { known } }, preset, {
      workers: options.workers,
      onProgress: options.onProgress,
    });
    if (suite.signal.variants.every((v) => v.result.summary.overall.n_days === 0)) {
      throw new Error(
        `the suite of ${signalFile} traded 0 days in every variant: no signal value is held on a day with ` +
          `a return on snapshot "${snapshot}" (check the signal's dates and date_avail)`,
      );
    }
    return {
      suite,
      capacity: capacityStats(panel, known, suite.signal.best.result.config),
      benchmark: universeBenchmark(panel),
    };
  }
}

/** Checks what can be checked before reading anything; returns the preset. */
function checkOptions(options: SuiteFileOptions): SuitePreset {
  const { preset = "standard" } = options;
  const chosen = typeof preset === "string" ? PRESETS[preset] : preset;
  if (!chosen) {
    throw new RangeError(`unknown suite preset "${preset}"; presets: ${Object.keys(PRESETS).join(", ")}`);
  }
  expandPreset(chosen);
  validateSnapshotId(options.snapshot);
  for (const label of ["name", "experiment", "author"] as const) {
    const value = options[label];
    if (value !== undefined && !value.trim()) {
      throw new TypeError(`suite: ${label} must not be empty (found ${JSON.stringify(value)})`);
    }
  }
  const { workers } = options;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) {
    throw new RangeError(`suite: workers must be an integer ≥ 0, found ${workers}`);
  }
  return chosen;
}

/**
 * The equal-weighted universe as a benchmark (Alphalens' benchmark for factor returns): each date's
 * mean return over the names with one, `level[t] / level[t - 1] - 1` of `equalWeightIndex`.
 *
 * @example
 * ```ts
 * universeBenchmark(panel); // => { name: "universe (equal weight)", dates, ret }
 * ```
 */
export function universeBenchmark(panel: Panel): TearsheetBenchmark {
  const level = equalWeightIndex(panel);
  const ret = level.map((v, t) => v / (t ? level[t - 1] : 1) - 1);
  return { name: "universe (equal weight)", dates: panel.dates, ret };
}
