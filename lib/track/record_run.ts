/**
 * Recording a run: one immutable folder `runs/<run_id>/`, written atomically, once per identity.
 *
 * Identity and labels: a run's NUMBERS are determined by its config hash (`runConfigHash`: kind,
 * snapshot hash, input hash, params); its LABELS — experiment, `signal_name`, `author` — only name
 * it. A rerun with the same config hash and the same labels is the same run and is returned
 * (`reused: true`) without writing anything; with other labels (a new `--name`, another author) it is
 * recorded as a new run under those labels, with `tags.same_config_as` naming the earlier run, and
 * `recordOnce` hands the earlier run's stored result to the computation so nothing is recomputed.
 * Check and record happen under a per-config-hash lock (`run_lock.ts`), so identical runs started
 * together record one run. Only runs recorded by this quantnb version (deno.json `version`, in
 * `tags.quantnb_version`) are reused: one an older version recorded is computed again and recorded
 * anew (same config hash, `tags.same_config_as` naming it), so a changed definition is never served
 * from an old run silently.
 */
import { existsSync } from "../util/fs.ts";
import { isAbsolute, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };
import { settleAll, writeDirAtomic } from "../util/atomic.ts";
import { gitSha } from "../util/git.ts";
import { configHash, stableJson } from "../util/hash.ts";
import { writeDailyParquet } from "./daily_parquet.ts";
import { parseRunJson } from "./get_run.ts";
import { decodeResult, encodeResult } from "./result_bundle.ts";
import { runId } from "./run_id.ts";
import { type LockHolder, withRunLock } from "./run_lock.ts";
import { summaryCsv } from "./summary_csv.ts";
import { writeTableParquet } from "./table_parquet.ts";
import { DEFAULT_RUNS_DIR, RUN_KINDS, type RunInput, type RunJson, type RunRecord } from "./types.ts";

/** Options of `recordRun` and `recordOnce`. */
export interface RecordRunOptions {
  /** Registry folder (default `runs`). */
  readonly runsDir?: string;
  /** Compute and write a new run even when an identical one (same config hash and labels) exists. */
  readonly force?: boolean;
  /** Creation time (default now); fixes the id's timestamp, e.g. in tests. */
  readonly now?: Date;
  /** Called once when another process holds this config hash's lock (an identical run in flight). */
  readonly onWait?: (holder: LockHolder | undefined) => void;
}

/** What identifies a run before it is computed: everything of `RunInput` but its results. */
export type RunIdentity = Pick<RunInput, "experiment" | "kind" | "tags" | "params" | "inputHash">;

/** The labels a run is recorded under (not part of its config hash). */
export interface RunLabels {
  readonly experiment: string;
  readonly signal_name: string;
  readonly author: string;
}

/** A computed run: what to record, and the full result to store (`result.bin`) and return. */
export interface ComputedRun<T> {
  readonly input: RunInput;
  readonly result: T;
}

/** Files a run folder may have besides its artifacts; artifacts may not take these names. */
const RUN_FILES = ["run.json", "daily.parquet", "summary.csv", "result.bin"];

/** The folder of this source tree, for the git sha of the code (undefined when not loaded from a file). */
const CODE_DIR = import.meta.url.startsWith("file:")
  ? fileURLToPath(new URL(".", import.meta.url))
  : undefined;

/** Checks a run's identity and labels (before anything is computed). */
function validateIdentity(input: RunIdentity): void {
  if (!(RUN_KINDS as readonly string[]).includes(input.kind)) {
    throw new TypeError(
      `recordRun: kind must be one of ${RUN_KINDS.join(", ")}; found ${JSON.stringify(input.kind)}`,
    );
  }
  if (typeof input.tags !== "object" || input.tags === null) {
    throw new TypeError(`recordRun: tags must be an object`);
  }
  for (const [tag, value] of Object.entries(input.tags)) {
    if (value !== undefined && typeof value !== "string") {
      throw new TypeError(`recordRun: tags.${tag} must be a string, found ${typeof value}`);
    }
  }
  if (!(input.experiment ?? input.tags.signal_name)?.trim()) {
    throw new TypeError(`recordRun: experiment (or tags.signal_name) must be a non-empty string`);
  }
  for (const label of ["experiment", "signal_name", "author"] as const) {
    const value = label === "experiment" ? input.experiment : input.tags[label];
    if (value !== undefined && !value.trim()) {
      throw new TypeError(
        `recordRun: ${label} must not be empty when given (found ${JSON.stringify(value)})`,
      );
    }
  }
  if ((input.tags.snapshot_id === undefined) !== (input.tags.snapshot_hash === undefined)) {
    throw new TypeError(`recordRun: tags.snapshot_id and tags.snapshot_hash go together; one is missing`);
  }
  if (typeof input.inputHash !== "string") {
    throw new TypeError(`recordRun: inputHash must be a string ("" when the run reads nothing else)`);
  }
}

/** Checks the parts of the input that are not checked where they are written. */
function validateInput(input: RunInput): void {
  validateIdentity(input);
  for (const [name, value] of Object.entries(input.metrics)) {
    if (typeof value !== "number") {
      throw new TypeError(`recordRun: metrics.${name} must be a number, found ${typeof value}`);
    }
  }
  const tableFiles = Object.keys(input.tables ?? {}).map((name) => {
    if (!/^[a-z][a-z0-9_]*$/.test(name) || name === "daily") {
      throw new RangeError(`recordRun: table name "${name}" must be snake_case and not "daily"`);
    }
    return `${name}.parquet`;
  });
  for (const name of Object.keys(input.artifacts ?? {})) {
    const clean = normalize(name);
    if (
      isAbsolute(name) || clean === ".." || clean.startsWith("../") || clean === "." ||
      RUN_FILES.includes(clean) || tableFiles.includes(clean)
    ) {
      throw new RangeError(
        `recordRun: artifact name "${name}" must be a relative path inside the run folder, other than ${
          [...RUN_FILES, ...tableFiles].join(", ")
        }`,
      );
    }
  }
}

/**
 * A run's identity: the first 12 hex of `sha256(stableJson({kind, snapshot_hash, input_hash, params}))`
 * (`snapshot_hash` null when the run read no snapshot). Call it before computing to find a run to reuse.
 *
 * @example
 * ```ts
 * await runConfigHash({ kind: "suite", tags: { snapshot_hash: "ab…" }, inputHash: "9f…", params }); // => "3fa94c0e12d7"
 * ```
 */
export async function runConfigHash(
  input: Pick<RunInput, "kind" | "tags" | "inputHash" | "params">,
): Promise<string> {
  return await configHash({
    kind: input.kind,
    snapshot_hash: input.tags.snapshot_hash ?? null,
    input_hash: input.inputHash,
    params: input.params,
  });
}

/**
 * The labels a run is (or would be) recorded under: `experiment` (default `tags.signal_name`),
 * `signal_name` and `author` (default `$USER`, else `"unknown"`).
 *
 * @example
 * ```ts
 * runLabels({ kind: "suite", tags: { signal_name: "mom" }, params: {}, inputHash: "" }).experiment; // => "mom"
 * ```
 */
export function runLabels(input: Pick<RunIdentity, "experiment" | "tags">): RunLabels {
  return {
    experiment: (input.experiment ?? input.tags.signal_name)!,
    signal_name: input.tags.signal_name ?? "",
    author: input.tags.author ?? (Deno.env.get("USER") || "unknown"),
  };
}

/**
 * Every recorded run with this config hash, oldest first: the run folders whose id ends with it
 * (ids are `<stamp>-<slug>-<config_hash>`), read without scanning the rest of the registry. A folder
 * whose `run.json` cannot be read is left out.
 *
 * @example
 * ```ts
 * (await findRuns("3fa94c0e12d7", { runsDir: "runs" })).map((r) => r.run_id);
 * ```
 */
export async function findRuns(configHash: string, options: { runsDir?: string } = {}): Promise<RunRecord[]> {
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  const found: RunRecord[] = [];
  try {
    // one synchronous listing: a registry of thousands of runs, without an async op per batch of entries
    for (const entry of Deno.readDirSync(runsDir)) {
      if (!entry.isDirectory || entry.name.startsWith(".") || !entry.name.endsWith(`-${configHash}`)) {
        continue;
      }
      const dir = join(runsDir, entry.name), path = join(dir, "run.json");
      try {
        const run = parseRunJson(await Deno.readTextFile(path), path);
        if (run.config_hash === configHash && run.run_id === entry.name) {
          found.push({ ...run, dir, reused: false });
        }
      } catch {
        // unreadable or malformed: not a run to reuse (`listRuns` reports it)
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return found.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.run_id.localeCompare(b.run_id));
}

/**
 * The full result stored with a run (`result.bin`, see `RunInput.result`), or `undefined` when the
 * run was recorded without one.
 *
 * @example
 * ```ts
 * const suite = await readRunResult(run) as SuiteResult;
 * ```
 */
export async function readRunResult(run: Pick<RunRecord, "dir">): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(join(run.dir, "result.bin"));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  try {
    return await decodeResult(bytes);
  } catch (e) {
    throw new TypeError(`${join(run.dir, "result.bin")}: ${(e as Error).message}`);
  }
}

/**
 * Records a run of any kind (`RUN_KINDS`) as `runs/<run_id>/` with `run.json` (id, experiment, kind,
 * created_at, config_hash, tags + `author`, `input_hash`, `git_sha`, `quantnb_version`, params,
 * metrics), `daily.parquet` (the daily columns, when given; `date` as DATE), `summary.csv` (the summary
 * rows, when given), one `<name>.parquet` per table, `result.bin` (the full result, when given) and the
 * artifacts. The folder is built under a hidden temp name and renamed into place, so a crash leaves
 * no half-written run.
 *
 * Identity: `config_hash` = `runConfigHash(input)` and `run_id` = `<yyyymmdd-hhmmss UTC>-<slug of
 * experiment>-<config_hash>`. Under the config hash's lock: an identical run (same config hash AND
 * labels, see the module doc) already recorded is returned with `reused: true` and nothing is written;
 * the same config under other labels is recorded anew with `tags.same_config_as`; `force: true`
 * always records a new run (its id moves on by a second if the second is taken). `experiment`
 * defaults to `tags.signal_name`, `author` to `$USER` or `"unknown"`. To skip computing an identical
 * run, check BEFORE computing with `recordOnce`.
 *
 * @example
 * ```ts
 * const run = await recordRun({
 *   kind: "backtest",
 *   tags: { signal_name: "momentum", snapshot_id: "s1", snapshot_hash: "ab12…" },
 *   params: { fractiles: 5, lag: 1 }, metrics: { sharpe: 1.2 },
 *   daily: { date: dates, net }, summaryRows: [{ fractile: 5, sharpe: 1.2 }], inputHash: "9f…",
 * });
 * run.run_id; // => "20240102-101500-momentum-3fa94c0e12d7"
 * ```
 */
export async function recordRun(input: RunInput, options: RecordRunOptions = {}): Promise<RunRecord> {
  validateInput(input);
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  const config_hash = await runConfigHash(input);
  return await withRunLock(runsDir, config_hash, async () => {
    const existing = await findRuns(config_hash, { runsDir });
    const same = options.force ? undefined : sameLabels(existing, runLabels(input));
    if (same) return { ...same, reused: true };
    return await writeRun(input, config_hash, existing, options);
  }, options.onWait);
}

/**
 * Computes and records a run at most once per identity, checking the registry BEFORE computing:
 * an identical run (same config hash and labels) is returned with its stored result and `compute`
 * is not called; otherwise `compute(previous)` runs — `previous` being an identical run recorded
 * under other labels, with its stored result, so the computation can reuse it — and its input is
 * recorded with the result (an identical run recorded before results were stored is recomputed for
 * the caller and returned as reused, not recorded twice). Check, compute and record hold the config hash's lock: identical calls
 * started together (in any process) compute once and all return that one run. `force` computes and
 * records regardless. Throws when the computed input's config hash differs from the identity's.
 *
 * @example
 * ```ts
 * const { run, result } = await recordOnce(identity, async (previous) => {
 *   const suite = previous?.result ?? await runSuite(panel, signal, "standard");
 *   return { input: suiteInput(suite), result: suite };
 * }, { runsDir: "runs" });
 * ```
 */
export async function recordOnce<T>(
  identity: RunIdentity,
  compute: (previous: { run: RunRecord; result: T } | undefined) => Promise<ComputedRun<T>>,
  options: RecordRunOptions = {},
): Promise<{ run: RunRecord; result: T }> {
  validateIdentity(identity);
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  const config_hash = await runConfigHash(identity);
  const labels = runLabels(identity);
  const stored = async (run: RunRecord | undefined): Promise<{ run: RunRecord; result: T } | undefined> => {
    if (!run) return undefined;
    let result: unknown;
    try {
      result = await readRunResult(run);
    } catch (error) {
      console.warn(`warning: ${(error as Error).message}; recomputing instead of reusing it`);
      return undefined;
    }
    return result === undefined ? undefined : { run, result: result as T };
  };
  if (!options.force) {
    const hit = await stored(sameLabels(await findRuns(config_hash, { runsDir }), labels));
    if (hit) return { run: { ...hit.run, reused: true }, result: hit.result };
  }
  return await withRunLock(runsDir, config_hash, async () => {
    const existing = await findRuns(config_hash, { runsDir });
    let previous: { run: RunRecord; result: T } | undefined;
    const same = options.force ? undefined : sameLabels(existing, labels);
    if (!options.force) {
      const hit = await stored(same);
      if (hit) return { run: { ...hit.run, reused: true }, result: hit.result };
      for (const run of thisVersion(existing).reverse()) if ((previous = await stored(run))) break;
    }
    const { input, result } = await compute(previous);
    validateInput(input);
    const computed = await runConfigHash(input);
    if (computed !== config_hash) {
      throw new Error(
        `recordOnce: the computed run's config hash ${computed} differs from its identity's ${config_hash}`,
      );
    }
    // The same run recorded before results were stored: recomputed for the caller, not recorded twice.
    if (same) return { run: { ...same, reused: true }, result };
    const run = await writeRun({ ...input, result }, config_hash, existing, options);
    return { run, result };
  }, options.onWait);
}

/** The run of `runs` recorded under exactly these labels (the latest), if any, by this library version. */
function sameLabels(runs: readonly RunRecord[], labels: RunLabels): RunRecord | undefined {
  return thisVersion(runs).findLast((run) =>
    run.experiment === labels.experiment && (run.tags.signal_name ?? "") === labels.signal_name &&
    run.tags.author === labels.author
  );
}

/**
 * The runs recorded by this quantnb version (`tags.quantnb_version` = deno.json's `version`): the only
 * ones reused. A run an older definition computed keeps its config hash (the hash is the config's, not
 * the code's) but is recomputed once and recorded anew, with `tags.same_config_as` naming it.
 */
function thisVersion(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((run) => run.tags.quantnb_version === denoJson.version);
}

/** Writes a new run folder (the caller holds the config hash's lock). */
async function writeRun(
  input: RunInput,
  config_hash: string,
  existing: readonly RunRecord[],
  options: RecordRunOptions,
): Promise<RunRecord> {
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  const labels = runLabels(input);
  let now = options.now ?? new Date();
  let run_id = runId(now, labels.experiment, config_hash);
  for (; existsSync(join(runsDir, run_id)); run_id = runId(now, labels.experiment, config_hash)) {
    now = new Date(now.getTime() + 1000); // a forced rerun within the same second
  }
  const tags: Record<string, string> = {};
  for (const [tag, value] of Object.entries(input.tags)) if (value !== undefined) tags[tag] = value;
  Object.assign(tags, {
    author: labels.author,
    input_hash: input.inputHash,
    git_sha: await gitSha(CODE_DIR),
    quantnb_version: denoJson.version,
  });
  const earlier = existing.at(-1);
  if (earlier) tags.same_config_as = earlier.run_id;
  const run: RunJson = {
    run_id,
    experiment: labels.experiment,
    kind: input.kind,
    created_at: now.toISOString(),
    config_hash,
    tags,
    params: JSON.parse(stableJson(input.params)),
    metrics: { ...input.metrics },
  };
  const dir = join(runsDir, run_id);
  // The files are fsynced concurrently, and while the rest is written: the Parquet files (written by
  // DuckDB on its threads) before the artifacts given as functions are rendered (a tear sheet).
  await writeDirAtomic(dir, async (tmp, files) => {
    const synced: Promise<void>[] = [];
    try {
      synced.push(files.write("run.json", JSON.stringify(run, null, 2) + "\n"));
      if (input.summaryRows) synced.push(files.write("summary.csv", summaryCsv(input.summaryRows)));
      if (input.result !== undefined) {
        synced.push(encodeResult(input.result).then((bytes) => files.write("result.bin", bytes)));
      }
      const parquet = Object.entries(input.tables ?? {}).map(([name, table]) => {
        const file = `${name}.parquet`;
        return writeTableParquet(table, join(tmp, file), name).then(() => file);
      });
      if (input.daily) {
        parquet.push(writeDailyParquet(input.daily, join(tmp, "daily.parquet")).then(() => "daily.parquet"));
      }
      synced.push(...parquet.map((written) => written.then((file) => files.sync(file))));
      await settleAll(parquet);
      for (const [name, artifact] of Object.entries(input.artifacts ?? {})) {
        synced.push(files.write(normalize(name), typeof artifact === "function" ? artifact(run) : artifact));
      }
    } finally {
      await settleAll(synced);
    }
  });
  return { ...run, dir, reused: false };
}
