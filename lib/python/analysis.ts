/**
 * Python analysis scripts over recorded runs (`lib/python/scripts/*.py`): each reads a run's results as
 * JSON on stdin and writes JSON on stdout. `analyzeRun` stores the answer in the run registry as
 * `runs/<run_id>/analysis/<script>.json` (written atomically; the latest answer per run and script), where
 * DuckDB reads it beside the runs: `queryAnalysis` (and the `analysis` view of `withAnalysisView`) over
 * the glob `runs/*\/analysis/*.json`, keyed by run id and script. `visualizeRun` writes the figures into
 * `runs/<run_id>/figures/`.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { getRun, readDaily, readTableParquet, resolveRunDir } from "../track/mod.ts";
import { DEFAULT_RUNS_DIR } from "../track/types.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { fromWireJson, toWireJson, WireDate } from "../plugin/marshal.ts";
import { SDK_DIR } from "../plugin/launch.ts";
import { subfoldersWith } from "../util/folders.ts";
import { scrubbedEnv } from "./env.ts";
import { systemPython } from "./interpreter.ts";

/** The folder of the shipped scripts. */
export const SCRIPTS_DIR: string = fileURLToPath(new URL("./scripts", import.meta.url));

/** The shipped analysis scripts. */
export const ANALYSIS_SCRIPTS = [
  "analyze_results",
  "calculate_metrics",
  "visualize_results",
  "compare_runs",
] as const;

/** Options naming where runs live. */
export interface AnalysisOptions {
  readonly runsDir?: string;
  /** Time limit of the script, seconds (default 300). */
  readonly timeout?: number;
}

/**
 * A run's results as the scripts read them: `run` (its run.json), `daily` (date + columns) and `tables`
 * (every `<name>.parquet` table artifact, e.g. trades).
 *
 * @example
 * ```ts
 * const results = await runResults("20240102-101500-sma");
 * ```
 */
export async function runResults(
  id: string,
  options: AnalysisOptions = {},
): Promise<Record<string, unknown>> {
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  const dir = await resolveRunDir(id, runsDir);
  const run = await getRun(id, { runsDir });
  const daily = await readDaily(id, { runsDir });
  const tables: Record<string, unknown> = {};
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".parquet") && e.name !== "daily.parquet") {
      tables[e.name.replace(/\.parquet$/, "")] = await readTableParquet(join(dir, e.name));
    }
  }
  const { dir: _d, reused: _r, ...json } = run;
  return {
    run: json,
    daily: { ...daily, date: Array.from(daily.date, (d) => new WireDate(d)) },
    tables,
  };
}

/** A script name from `ANALYSIS_SCRIPTS`, or a path to a `.py` file of one's own. */
function scriptPath(script: string): string {
  if ((ANALYSIS_SCRIPTS as readonly string[]).includes(script)) return join(SCRIPTS_DIR, `${script}.py`);
  if (script.endsWith(".py")) return script;
  throw new RangeError(
    `unknown analysis script "${script}": expected one of ${ANALYSIS_SCRIPTS.join(", ")} or a .py file`,
  );
}

/**
 * Runs a script with `input` as JSON on stdin in a scrubbed environment and its own working folder;
 * returns its stdout parsed as JSON (NaN / ±Infinity / dates as the plugin protocol marshals them).
 * Throws an `Error` naming the script with its stderr when it fails, times out or prints invalid JSON.
 */
export async function runScript(
  script: string,
  input: unknown,
  options: { args?: readonly string[]; timeout?: number; workDir?: string } = {},
): Promise<unknown> {
  const path = scriptPath(script);
  const python = systemPython();
  const workDir = options.workDir ?? await Deno.makeTempDir({ prefix: "quantnb-script-" });
  const child = new Deno.Command(python, {
    args: ["-u", path, ...(options.args ?? [])],
    cwd: workDir,
    env: scrubbedEnv(workDir, [SDK_DIR, SCRIPTS_DIR], python),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const seconds = options.timeout ?? 300;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, seconds * 1000);
  try {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(toWireJson(input)));
    await writer.close().catch(() => {});
    const { code, stdout, stderr } = await child.output();
    const err = new TextDecoder().decode(stderr).trim();
    const name = path.replace(/^.*\//, "");
    if (timedOut) throw new Error(`analysis script ${name} timed out after ${seconds} s\n${err}`);
    if (code !== 0) throw new Error(`analysis script ${name} failed (exit ${code}):\n${err}`);
    const text = new TextDecoder().decode(stdout).trim();
    try {
      return fromWireJson(text);
    } catch (e) {
      throw new Error(
        `analysis script ${name} printed invalid JSON (${(e as Error).message}): ${text.slice(0, 200)}`,
      );
    }
  } finally {
    clearTimeout(timer);
    if (!options.workDir) await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/** JSON for the registry and for printing: dates as ISO text, non-finite numbers as null (as run.json). */
export function registryJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v instanceof WireDate) return v.toWire().$date;
    if (typeof v === "number" && !Number.isFinite(v)) return null;
    return v;
  }, 2);
}

/**
 * Runs an analysis script on a run (with `others` as more runs for `compare_runs`) and stores the answer
 * as `runs/<run_id>/analysis/<script>.json` = `{run_id, script, created_at, others, result}`.
 *
 * @example
 * ```ts
 * const { result } = await analyzeRun("20240102-101500-sma", "calculate_metrics");
 * ```
 */
export async function analyzeRun(
  id: string,
  script: string,
  options: AnalysisOptions & { others?: readonly string[] } = {},
): Promise<{ path: string; result: unknown }> {
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  const dir = await resolveRunDir(id, runsDir);
  const runId = dir.replace(/^.*\//, "");
  const others = await Promise.all((options.others ?? []).map((o) => resolveRunDir(o, runsDir)));
  const base = await runResults(runId, options);
  const input = script === "compare_runs" || others.length
    ? { runs: [base, ...await Promise.all(others.map((o) => runResults(o.replace(/^.*\//, ""), options)))] }
    : base;
  const result = await runScript(script, input, { timeout: options.timeout });
  const name = script.replace(/^.*\//, "").replace(/\.py$/, "");
  const path = join(dir, "analysis", `${name}.json`);
  await writeFileAtomic(
    path,
    registryJson({
      run_id: runId,
      script: name,
      created_at: new Date().toISOString(),
      others: others.map((o) => o.replace(/^.*\//, "")),
      result,
    }) + "\n",
  );
  return { path, result };
}

/**
 * Writes a run's figures (equity, drawdown, trade distribution, monthly heatmap as PNG + SVG, and an HTML
 * page) into `runs/<run_id>/figures/`, replacing earlier ones only once the new set is complete.
 *
 * @example
 * ```ts
 * const { dir, figures } = await visualizeRun("20240102-101500-sma");
 * ```
 */
export async function visualizeRun(
  id: string,
  options: AnalysisOptions & { others?: readonly string[] } = {},
): Promise<{ dir: string; figures: string[] }> {
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  const runDir = await resolveRunDir(id, runsDir);
  const base = await runResults(id, options);
  const others = await Promise.all((options.others ?? []).map((o) => runResults(o, options)));
  const input = others.length ? { runs: [base, ...others] } : base;
  const staging = resolve(runDir, `.figures.tmp-${crypto.randomUUID().slice(0, 8)}`);
  await Deno.mkdir(staging);
  try {
    const reply = await runScript("visualize_results", input, { args: [staging], timeout: options.timeout });
    const figures = (reply as { figures?: string[] }).figures ?? [];
    const final = join(runDir, "figures");
    const old = join(runDir, `.figures.old-${crypto.randomUUID().slice(0, 8)}`);
    await Deno.rename(final, old).catch(() => {});
    await Deno.rename(staging, final);
    await Deno.remove(old, { recursive: true }).catch(() => {});
    return { dir: final, figures };
  } catch (e) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw e;
  }
}

/** One stored analysis answer. */
export interface AnalysisRow {
  readonly run_id: string;
  readonly script: string;
  readonly created_at: string;
  readonly result: unknown;
}

/**
 * Runs `fn` with an in-memory DuckDB where the view `analysis(run_id, script, created_at, others, result
 * JSON)` reads every `runs/*\/analysis/*.json` (and `runs_json` every run.json), so analyses join the runs:
 * `SELECT r.run_id, r.kind, a.result->>'$.sharpe' FROM runs_json r JOIN analysis a USING (run_id)`.
 *
 * @example
 * ```ts
 * await withAnalysisView((conn) => conn.runAndReadAll("SELECT * FROM analysis"));
 * ```
 */
export async function withAnalysisView<T>(
  fn: (conn: Awaited<ReturnType<DuckDBInstance["connect"]>>) => Promise<T>,
  options: AnalysisOptions = {},
): Promise<T> {
  const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    /** A view over a JSON glob with typed columns (empty with the same columns when nothing matches yet). */
    const jsonView = async (
      name: string,
      glob: string,
      present: boolean,
      columns: Record<string, string>,
    ) => {
      const names = Object.keys(columns).join(", ");
      const spec = Object.entries(columns).map(([c, t]) => `${c}: '${t}'`).join(", ");
      const empty = Object.entries(columns).map(([c, t]) => `NULL::${t} AS ${c}`).join(", ");
      await conn.run(
        `CREATE VIEW ${name} AS ${
          present
            ? `SELECT ${names} FROM read_json(${q(glob)}, columns = {${spec}})`
            : `SELECT ${empty} WHERE false`
        }`,
      );
    };
    await jsonView(
      "analysis",
      join(runsDir, "*", "analysis", "*.json"),
      subfoldersWith(runsDir, "analysis").length > 0,
      {
        run_id: "VARCHAR",
        script: "VARCHAR",
        created_at: "TIMESTAMP",
        others: "VARCHAR[]",
        result: "JSON",
      },
    );
    await jsonView(
      "runs_json",
      join(runsDir, "*", "run.json"),
      subfoldersWith(runsDir, "run.json").length > 0,
      {
        run_id: "VARCHAR",
        experiment: "VARCHAR",
        kind: "VARCHAR",
        created_at: "VARCHAR",
        config_hash: "VARCHAR",
      },
    );
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * Stored analyses (optionally of one run and/or one script), read through DuckDB; `result` parsed.
 *
 * @example
 * ```ts
 * const [row] = await queryAnalysis({ runId: "20240102-101500-sma", script: "calculate_metrics" });
 * ```
 */
export async function queryAnalysis(
  filter: { runId?: string; script?: string } & AnalysisOptions = {},
): Promise<AnalysisRow[]> {
  return await withAnalysisView(async (conn) => {
    const where: string[] = [];
    const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
    if (filter.runId) where.push(`run_id = ${q(filter.runId)}`);
    if (filter.script) where.push(`script = ${q(filter.script)}`);
    const reader = await conn.runAndReadAll(
      `SELECT run_id, script, strftime(created_at, '%Y-%m-%dT%H:%M:%S') AS created_at, result::VARCHAR AS result
       FROM analysis ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY run_id, script`,
    );
    return reader.getRowObjects().map((r) => ({
      run_id: String(r.run_id),
      script: String(r.script),
      created_at: String(r.created_at),
      result: JSON.parse(String(r.result)),
    }));
  }, filter);
}
