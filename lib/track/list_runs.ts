/**
 * Listing the run registry: DuckDB over the `runs/*\/run.json` glob, newest first. Each file is read
 * as text and checked, so one malformed `run.json` is skipped and reported instead of failing the
 * whole query (and every suite that looks up the registry).
 */
import { join } from "node:path";
import { sqlString, withMemoryDb } from "./_db.ts";
import { DEFAULT_RUNS_DIR, HEADLINE_METRICS, type RunSummary } from "./types.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** Filters of `listRuns`; each one given narrows the list. */
export interface ListRunsOptions {
  readonly runsDir?: string;
  readonly signal?: string;
  readonly author?: string;
  /** Runs created at or after this instant: `YYYY-MM-DD` (UTC midnight) or a full ISO timestamp. */
  readonly since?: string;
  readonly experiment?: string;
  readonly configHash?: string;
  /** Only runs of this kind (`RUN_KINDS`). */
  readonly kind?: string;
  /**
   * Called for each `run.json` that is skipped (not JSON, not a run, or a run_id other than its
   * folder's); default: one warning line on stderr each.
   */
  readonly onSkipped?: (skipped: SkippedRun) => void;
}

/** A `run.json` left out of the list, and why. */
export interface SkippedRun {
  readonly path: string;
  readonly reason: string;
}

/** The default `onSkipped`: one line on stderr. */
export function warnSkipped({ path, reason }: SkippedRun): void {
  console.warn(`warning: runs: skipped ${path}: ${reason}`);
}

/** A `run.json` path whose run folder is visible: hidden `.<name>.tmp-…` folders of writes in flight are not. */
const VISIBLE_RUN_JSON = String.raw`[/\\][^./\\][^/\\]*[/\\]run\.json$`;

/** The text columns of a `RunSummary`. */
const TEXT_COLUMNS = [
  "run_id",
  "created_at",
  "experiment",
  "kind",
  "signal_name",
  "author",
  "snapshot_id",
  "config_hash",
] as const;

/** True when `runsDir` holds at least one visible run folder with a `run.json` (a glob over none errors). */
async function hasRuns(runsDir: string): Promise<boolean> {
  try {
    for await (const entry of Deno.readDir(runsDir)) {
      if (!entry.isDirectory || entry.name.startsWith(".")) continue;
      try {
        await Deno.lstat(join(runsDir, entry.name, "run.json"));
        return true;
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
  return false;
}

/** Normalises `since` to an ISO timestamp comparable with `created_at` as text. */
function sinceIso(since: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(since) ? Date.parse(`${since}T00:00:00Z`) : Date.parse(since);
  if (Number.isNaN(ms)) {
    throw new RangeError(`listRuns: since must be YYYY-MM-DD or an ISO timestamp, found "${since}"`);
  }
  return new Date(ms).toISOString();
}

/**
 * Lists recorded runs, newest first (`created_at` descending, then `run_id`), optionally filtered by
 * signal name, author, experiment, config hash, kind and creation time (`since`, inclusive). Reads every
 * `runs/*\/run.json` with DuckDB (as text, then JSON: schema-free, so runs with different params
 * mix); folders whose name starts with `.` (writes in flight or crashed) are skipped, and so is —
 * reported through `onSkipped` — any `run.json` that is not valid JSON, lacks `run_id` /
 * `created_at` / `config_hash` / `tags`, or names another run than its folder. A missing or empty
 * runs folder gives `[]`. Headline metrics (`sharpe`, `annual_return`, `max_drawdown`,
 * `turnover`) are set only when the run has them as numbers.
 *
 * @example
 * ```ts
 * const runs = await listRuns({ runsDir: "runs", signal: "momentum", since: "2024-01-01" });
 * runs[0].run_id; // => "20240102-101500-momentum-0123456789ab"
 * ```
 */
const LIST_RUNS_KEYS = optionKeys<ListRunsOptions>({
  runsDir: true,
  signal: true,
  author: true,
  since: true,
  experiment: true,
  configHash: true,
  kind: true,
  onSkipped: true,
});

export async function listRuns(options: ListRunsOptions = {}): Promise<RunSummary[]> {
  checkOptions("listRuns", options, LIST_RUNS_KEYS);
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  if (!(await hasRuns(runsDir))) return [];
  const conditions = ["TRUE"];
  const values: Record<string, string> = { visible: VISIBLE_RUN_JSON };
  const filters: ["signal" | "author" | "experiment" | "configHash" | "kind", string][] = [
    ["signal", "signal_name"],
    ["author", "author"],
    ["experiment", "experiment"],
    ["configHash", "config_hash"],
    ["kind", "kind"],
  ];
  for (const [option, column] of filters) {
    const value = options[option];
    if (value !== undefined) {
      conditions.push(`${column} = $${option}`);
      values[option] = value;
    }
  }
  if (options.since !== undefined) {
    conditions.push("created_at >= $since");
    values.since = sinceIso(options.since);
  }
  const metricSql = HEADLINE_METRICS.map((m) => `TRY_CAST(json->>'$.metrics.${m}' AS DOUBLE) AS ${m}`);
  const text = (path: string) => `json_type(json, '${path}') IS DISTINCT FROM 'VARCHAR'`;
  const sql = `
    WITH files AS (
      SELECT filename, regexp_extract(filename, '([^/\\\\]+)[/\\\\]run\\.json$', 1) AS folder,
        CASE WHEN json_valid(content) THEN content::JSON END AS json
      FROM read_text(${sqlString(join(runsDir, "*", "run.json"))})
      WHERE regexp_matches(filename, $visible)
    ), checked AS (
      SELECT *, CASE
          WHEN json IS NULL THEN 'not valid JSON'
          WHEN json_type(json) <> 'OBJECT' THEN 'not a JSON object'
          WHEN ${text("$.run_id")} THEN 'no "run_id" string'
          WHEN json->>'$.run_id' <> folder THEN 'its run_id "' || (json->>'$.run_id') || '" is not its folder''s name'
          WHEN ${text("$.created_at")} THEN 'no "created_at" string'
          WHEN ${text("$.config_hash")} THEN 'no "config_hash" string'
          WHEN json_type(json, '$.tags') IS DISTINCT FROM 'OBJECT' THEN 'no "tags" object'
        END AS problem
      FROM files
    )
    SELECT * FROM (
      SELECT filename, problem,
        json->>'$.run_id' AS run_id, json->>'$.created_at' AS created_at,
        json->>'$.experiment' AS experiment, json->>'$.kind' AS kind,
        json->>'$.tags.signal_name' AS signal_name, json->>'$.tags.author' AS author,
        json->>'$.tags.snapshot_id' AS snapshot_id, json->>'$.config_hash' AS config_hash,
        ${metricSql.join(", ")}
      FROM checked
    )
    WHERE problem IS NOT NULL OR (${conditions.join(" AND ")})
    ORDER BY created_at DESC, run_id DESC`;
  const all = await withMemoryDb(async (conn) => (await conn.runAndReadAll(sql, values)).getRowObjectsJS());
  const onSkipped = options.onSkipped ?? warnSkipped;
  const rows = all.filter((row) => {
    if (row.problem === null) return true;
    onSkipped({ path: row.filename as string, reason: row.problem as string });
    return false;
  });
  return rows.map((row) => {
    const summary: Record<string, string | number> = {};
    for (const key of TEXT_COLUMNS) summary[key] = String(row[key] ?? "");
    for (const m of HEADLINE_METRICS) if (typeof row[m] === "number") summary[m] = row[m] as number;
    return summary as unknown as RunSummary;
  });
}
