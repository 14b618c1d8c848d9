/** Recording a run: one immutable folder `runs/<run_id>/`, written atomically. */
import { dirname, isAbsolute, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };
import { writeDirAtomic } from "../util/atomic.ts";
import { gitSha } from "../util/git.ts";
import { configHash, stableJson } from "../util/hash.ts";
import { writeDailyParquet } from "./daily_parquet.ts";
import { getRun } from "./get_run.ts";
import { listRuns } from "./list_runs.ts";
import { runId } from "./run_id.ts";
import { summaryCsv } from "./summary_csv.ts";
import { writeTableParquet } from "./table_parquet.ts";
import { DEFAULT_RUNS_DIR, RUN_KINDS, type RunInput, type RunJson, type RunRecord } from "./types.ts";

/** Options of `recordRun`. */
export interface RecordRunOptions {
  /** Registry folder (default `runs`). */
  readonly runsDir?: string;
  /** Write a new run even when one with the same config hash exists. */
  readonly force?: boolean;
  /** Creation time (default now); fixes the id's timestamp, e.g. in tests. */
  readonly now?: Date;
}

/** Files a run folder may have besides its artifacts; artifacts may not take these names. */
const RUN_FILES = ["run.json", "daily.parquet", "summary.csv"];

/** The folder of this source tree, for the git sha of the code (undefined when not loaded from a file). */
const CODE_DIR = import.meta.url.startsWith("file:")
  ? fileURLToPath(new URL(".", import.meta.url))
  : undefined;

/** Checks the parts of the input that are not checked where they are written. */
function validateInput(input: RunInput): void {
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
  if (!(input.experiment ?? input.tags.signal_name)) {
    throw new TypeError(`recordRun: experiment (or tags.signal_name) must be a non-empty string`);
  }
  if ((input.tags.snapshot_id === undefined) !== (input.tags.snapshot_hash === undefined)) {
    throw new TypeError(`recordRun: tags.snapshot_id and tags.snapshot_hash go together; one is missing`);
  }
  if (typeof input.inputHash !== "string") {
    throw new TypeError(`recordRun: inputHash must be a string ("" when the run reads nothing else)`);
  }
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
 * Records a run of any kind (`RUN_KINDS`) as `runs/<run_id>/` with `run.json` (id, experiment, kind,
 * created_at, config_hash, tags + `author`, `input_hash`, `git_sha`, `quantnb_version`, params,
 * metrics), `daily.parquet` (the daily columns, when given; `date` as DATE), `summary.csv` (the summary
 * rows, when given), one `<name>.parquet` per table and the artifacts. The folder is built under a
 * hidden temp name and renamed into place, so a crash leaves no half-written run.
 *
 * Identity: `config_hash` = `runConfigHash(input)` and `run_id` = `<yyyymmdd-hhmmss UTC>-<slug of experiment>-<config_hash>`. An identical rerun (same
 * config hash already under `runsDir`) writes nothing and returns the existing run with
 * `reused: true`; `force: true` records a new run anyway (which fails with `AlreadyExists` if it lands
 * on the same second, hence the same id). `experiment` defaults to `tags.signal_name`, `author` to
 * `$USER` or `"unknown"`.
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
  if (!options.force) {
    const [existing] = await listRuns({ runsDir, configHash: config_hash });
    if (existing) return { ...(await getRun(existing.run_id, { runsDir })), reused: true };
  }
  const now = options.now ?? new Date();
  const experiment = (input.experiment ?? input.tags.signal_name)!;
  const run_id = runId(now, experiment, config_hash);
  const tags: Record<string, string> = {};
  for (const [tag, value] of Object.entries(input.tags)) if (value !== undefined) tags[tag] = value;
  Object.assign(tags, {
    author: input.tags.author ?? (Deno.env.get("USER") || "unknown"),
    input_hash: input.inputHash,
    git_sha: await gitSha(CODE_DIR),
    quantnb_version: denoJson.version,
  });
  const run: RunJson = {
    run_id,
    experiment,
    kind: input.kind,
    created_at: now.toISOString(),
    config_hash,
    tags,
    params: JSON.parse(stableJson(input.params)),
    metrics: { ...input.metrics },
  };
  const dir = join(runsDir, run_id);
  await writeDirAtomic(dir, async (tmp) => {
    await Deno.writeTextFile(join(tmp, "run.json"), JSON.stringify(run, null, 2) + "\n");
    if (input.summaryRows) await Deno.writeTextFile(join(tmp, "summary.csv"), summaryCsv(input.summaryRows));
    if (input.daily) await writeDailyParquet(input.daily, join(tmp, "daily.parquet"));
    for (const [name, table] of Object.entries(input.tables ?? {})) {
      await writeTableParquet(table, join(tmp, `${name}.parquet`), name);
    }
    for (const [name, data] of Object.entries(input.artifacts ?? {})) {
      const path = join(tmp, normalize(name));
      await Deno.mkdir(dirname(path), { recursive: true });
      if (typeof data === "string") await Deno.writeTextFile(path, data);
      else await Deno.writeFile(path, data);
    }
  });
  return { ...run, dir, reused: false };
}
