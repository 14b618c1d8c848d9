/**
 * `deno task runs` — browse the run registry: list, show and compare recorded runs.
 *
 *   runs list [--signal S] [--author A] [--since YYYY-MM-DD] [--experiment E] [--json]
 *   runs show ID [--json]
 *   runs compare A B [--json] [--html OUT]
 *   global: --runs DIR (default runs/), --help
 */
import { parseArgs } from "node:util";
import { COMMON_OPTIONS } from "./args.ts";
import { isoDate } from "../panel/types.ts";
import { equityChart } from "../report/charts.ts";
import { escapeHtml, htmlPage, renderTable } from "../report/html.ts";
import { renderSvg } from "../report/render.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import {
  compareRuns,
  DEFAULT_RUNS_DIR,
  getRun,
  HEADLINE_METRICS,
  listRuns,
  readDaily,
  type RunComparison,
  type RunSummary,
} from "../track/mod.ts";

const USAGE = {
  main: `Usage: runs <command> [options]

Browse the run registry (runs/<run_id>/run.json, daily.parquet, summary.csv).

Commands:
  list               recorded runs, newest first
  show ID            one run: tags, metrics, params, files, daily columns
  compare A B        two runs: metrics side by side, params that differ, equity curves

Global options:
  --runs DIR         registry folder (default ${DEFAULT_RUNS_DIR}/)
  --db, --snapshots  accepted like every task's; runs reads only the registry
  --help             this help, or a command's help (runs <command> --help)

IDs may be any unique prefix of a run id.`,
  list:
    `Usage: runs list [--signal S] [--author A] [--since YYYY-MM-DD] [--experiment E] [--json] [--runs DIR]

Lists recorded runs newest first, with headline metrics (sharpe, annual_return, max_drawdown, turnover).
  --signal S         only runs of signal S
  --author A         only runs by A
  --since D          only runs created on or after D (YYYY-MM-DD or ISO timestamp)
  --experiment E     only runs of experiment E
  --json             print JSON instead of a table`,
  show: `Usage: runs show ID [--json] [--runs DIR]

Shows one run (ID = run id or a unique prefix): tags, metrics, params, files and daily columns.
  --json             print run.json (plus dir) as JSON`,
  compare: `Usage: runs compare A B [--json] [--html OUT] [--runs DIR]

Compares two runs (ids or unique prefixes): metrics side by side with B − A, the params that differ, and
both equity curves (compounded from the daily "net" column, else the first numeric column) as sparklines
on a common scale.
  --json             print the comparison as JSON (equity as {date, a, b} rows)
  --html OUT         also write a self-contained HTML page (tables + equity chart) to OUT`,
} as const;

type Command = keyof typeof USAGE;

/** Formats a number for a table: 4 decimals, exponent for very large/small, "n/a" when not finite. */
function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "n/a";
  const size = Math.abs(value);
  return size !== 0 && (size >= 1e6 || size < 1e-4) ? value.toExponential(3) : value.toFixed(4);
}

/** An aligned text table; columns listed in `numeric` are right-aligned. */
function textTable(header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) =>
    cells.map((c, k) => numeric.has(k) ? c.padStart(widths[k]) : c.padEnd(widths[k])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const BLOCKS = "▁▂▃▄▅▆▇█";

/**
 * Sparklines of several series on one common scale, `width` characters each (the last value of each
 * bucket); NaN shows as a space.
 */
function sparklines(series: Float64Array[], width: number): { lines: string[]; min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (const v of s) {
      if (Number.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
  }
  const n = series[0]?.length ?? 0;
  const cells = Math.min(width, n);
  const lines = series.map((s) => {
    let line = "";
    for (let c = 0; c < cells; c++) {
      const v = s[Math.floor(((c + 1) * n) / cells) - 1];
      if (!Number.isFinite(v)) line += " ";
      else line += BLOCKS[max > min ? Math.round(((v - min) / (max - min)) * (BLOCKS.length - 1)) : 3];
    }
    return line;
  });
  return { lines, min, max };
}

/** The `runs list` table. */
function listTable(runs: RunSummary[]): string {
  if (runs.length === 0) return "no runs";
  const header = ["run_id", "created_at", "experiment", "signal", "author", "snapshot", ...HEADLINE_METRICS];
  const rows = runs.map((r) => [
    r.run_id,
    r.created_at.slice(0, 19).replace("T", " "),
    r.experiment,
    r.signal_name,
    r.author,
    r.snapshot_id,
    ...HEADLINE_METRICS.map((m) => formatNumber(r[m])),
  ]);
  return textTable(header, rows, new Set(HEADLINE_METRICS.map((_, k) => 6 + k)));
}

/** The `runs compare` report: ids, metrics table, params diff, equity sparklines. */
function compareText(cmp: RunComparison): string {
  const out = [`A  ${cmp.a.run_id}`, `B  ${cmp.b.run_id}`, ""];
  out.push(textTable(
    ["metric", "A", "B", "B - A"],
    cmp.metrics.map((m) => [m.name, formatNumber(m.a), formatNumber(m.b), formatNumber(m.diff)]),
    new Set([1, 2, 3]),
  ));
  out.push("");
  if (cmp.params.length === 0) out.push("params: identical");
  else {
    out.push(textTable(
      ["param", "A", "B"],
      cmp.params.map((p) => [p.key, JSON.stringify(p.a) ?? "-", JSON.stringify(p.b) ?? "-"]),
    ));
  }
  const { date, a, b, columns } = cmp.equity;
  if (date.length > 0) {
    const { lines, min, max } = sparklines([a, b], 60);
    const last = (s: Float64Array) => formatNumber(s.findLast((v) => Number.isFinite(v)));
    out.push(
      "",
      `equity (wealth from 1; A from "${columns.a}", B from "${columns.b}"; ${isoDate(date[0])} … ${
        isoDate(date[date.length - 1])
      }; scale ${formatNumber(min)} … ${formatNumber(max)})`,
      `A  ${lines[0]}  ${last(a)}`,
      `B  ${lines[1]}  ${last(b)}`,
    );
  }
  return out.join("\n");
}

/** The `runs compare --html` page: metrics and params tables and both equity curves in one chart. */
function compareHtml(cmp: RunComparison): string {
  const { date, a, b } = cmp.equity;
  const cumulative = (wealth: Float64Array) => wealth.map((w) => w - 1);
  const chart = equityChart({
    dates: date,
    series: { [`A ${cmp.a.run_id}`]: cumulative(a), [`B ${cmp.b.run_id}`]: cumulative(b) },
  });
  const params = cmp.params.map((p) => ({ param: p.key, A: JSON.stringify(p.a), B: JSON.stringify(p.b) }));
  const body = [
    `<h1>Run comparison</h1>`,
    `<p>A: <code>${escapeHtml(cmp.a.run_id)}</code><br>B: <code>${escapeHtml(cmp.b.run_id)}</code></p>`,
    renderTable(cmp.metrics.map((m) => ({ metric: m.name, A: m.a, B: m.b, "B - A": m.diff })), {
      caption: "Metrics",
    }),
    params.length ? renderTable(params, { caption: "Params that differ" }) : "<p>Params: identical.</p>",
    renderSvg(chart),
  ];
  return htmlPage({ title: `Compare ${cmp.a.run_id} / ${cmp.b.run_id}`, body: body.join("\n") });
}

/** Finds the command: the first positional argument, reading `--runs DIR` as an option wherever it is. */
function splitCommand(args: string[]): { command?: string; rest: string[] } {
  const { tokens } = parseArgs({
    args,
    options: {
      runs: { type: "string" },
      db: { type: "string" },
      snapshots: { type: "string" },
      help: { type: "boolean" },
    },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((t) => t.kind === "positional");
  if (!first) return { rest: args };
  return { command: first.value, rest: args.filter((_, k) => k !== first.index) };
}

/**
 * Runs the `runs` CLI with `args` (without the program name); returns the exit code (0 ok, 1 error,
 * 2 usage). Output goes to stdout, errors to stderr.
 *
 * @example
 * ```ts
 * await main(["compare", "20240102-1015", "20240103-0900", "--runs", "runs"]); // => 0
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const { command, rest } = splitCommand(args);
  if (command === undefined) {
    console.log(USAGE.main);
    return rest.includes("--help") ? 0 : 2;
  }
  if (!(command in USAGE) || command === "main") {
    console.error(`runs: unknown command "${command}"\n\n${USAGE.main}`);
    return 2;
  }
  const usage = USAGE[command as Command];
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        runs: { type: "string", default: DEFAULT_RUNS_DIR },
        help: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        html: { type: "string" },
        signal: { type: "string" },
        author: { type: "string" },
        since: { type: "string" },
        experiment: { type: "string" },
        db: COMMON_OPTIONS.db,
        snapshots: COMMON_OPTIONS.snapshots,
      },
      allowPositionals: true,
    });
  } catch (e) {
    console.error(`runs ${command}: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const listOnly = ["signal", "author", "since", "experiment"] as const;
  const expected = { list: 0, show: 1, compare: 2 }[command as "list" | "show" | "compare"];
  const stray = [
    ...(command === "list" ? [] : listOnly.filter((o) => values[o] !== undefined)),
    ...(command === "compare" || values.html === undefined ? [] : ["html"]),
  ];
  if (positionals.length !== expected || stray.length > 0) {
    const problem = stray.length
      ? `--${stray[0]} does not apply to "runs ${command}"`
      : `expected ${expected} run id(s), found ${positionals.length}`;
    console.error(`runs ${command}: ${problem}\n\n${usage}`);
    return 2;
  }
  const runsDir = values.runs;
  try {
    if (command === "list") {
      const runs = await listRuns({
        runsDir,
        ...Object.fromEntries(listOnly.map((o) => [o, values[o]])),
        onSkipped: ({ path, reason }) => console.error(`runs list: skipped ${path}: ${reason}`),
      });
      console.log(values.json ? JSON.stringify(runs, null, 2) : listTable(runs));
    } else if (command === "show") {
      const run = await getRun(positionals[0], { runsDir });
      if (values.json) console.log(JSON.stringify(run, null, 2));
      else console.log(await showText(run.run_id, runsDir));
    } else {
      const cmp = await compareRuns(positionals[0], positionals[1], { runsDir });
      if (values.html !== undefined) await writeFileAtomic(values.html, compareHtml(cmp));
      if (values.json) {
        const { date, a, b } = cmp.equity;
        const equity = Array.from(date, (d, t) => ({ date: isoDate(d), a: a[t], b: b[t] }));
        console.log(JSON.stringify({ ...cmp, equity }, null, 2));
      } else {
        console.log(compareText(cmp));
      }
    }
    return 0;
  } catch (e) {
    console.error(`runs ${command}: ${(e as Error).message}`);
    return 1;
  }
}

/** The `runs show` report. */
async function showText(id: string, runsDir: string): Promise<string> {
  const run = await getRun(id, { runsDir });
  const daily = await readDaily(id, { runsDir });
  const files: string[] = [];
  for await (const entry of Deno.readDir(run.dir)) files.push(entry.name);
  const dates = daily.date;
  const out = [
    `run_id      ${run.run_id}`,
    `experiment  ${run.experiment}`,
    `kind        ${run.kind}`,
    `created_at  ${run.created_at}`,
    `config_hash ${run.config_hash}`,
    `dir         ${run.dir}`,
    "",
    textTable(["tag", "value"], Object.entries(run.tags).map(([k, v]) => [k, v])),
    "",
    textTable(
      ["metric", "value"],
      Object.entries(run.metrics).map(([k, v]) => [k, formatNumber(v)]),
      new Set([1]),
    ),
    "",
    `params ${JSON.stringify(run.params, null, 2)}`,
    "",
    `daily       ${dates.length} rows${
      dates.length ? `, ${isoDate(dates[0])} … ${isoDate(dates[dates.length - 1])}` : ""
    }; columns: ${Object.keys(daily).join(", ")}`,
    `files       ${files.sort().join(", ")}`,
  ];
  return out.join("\n");
}

if (import.meta.main) Deno.exit(await main(Deno.args));
