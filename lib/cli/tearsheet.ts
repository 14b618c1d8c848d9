/**
 * `deno task tearsheet FILE.csv [--benchmark FILE]` — the full returns tear sheet (quantstats and
 * pyfolio's sections, quantnb's charts) of a `date,ret` CSV, as one self-contained HTML page.
 */

import { basename, extname, join } from "node:path";
import { autoProgress } from "../nb/progress.ts";
import { returnsReport, returnsTearsheet } from "../report/returns_tearsheet.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { gitSha } from "../util/git.ts";
import { COMMON_OPTIONS } from "./args.ts";
import {
  loadReturns,
  parseReturnsArgs,
  RETURNS_HELP,
  RETURNS_OPTIONS,
  returnsUsage,
} from "./returns_files.ts";

const HELP = `Usage: deno task tearsheet FILE.csv [options]

Writes the returns tear sheet of a return series as one self-contained HTML page (inline CSS, SVG
charts with hover, no network): key metrics with a benchmark column (alpha, beta, correlation,
information ratio, captures), cumulative returns vs the benchmark (linear, log, volatility-matched),
end-of-year returns, the monthly heatmap, the daily and monthly return distributions with their
normal fit, daily returns, rolling volatility / Sharpe / Sortino / beta, the underwater plot and the
worst drawdowns, shaded and listed.

FILE is a CSV with a header naming a "date" column (YYYY-MM-DD) and a "ret" column (simple return per
period; empty or NaN = missing). Other columns are ignored. Dates must be strictly ascending.

Options:
${RETURNS_HELP}
  --name TEXT        the series' name on the page (default FILE's name)
  --benchmark-name TEXT  the benchmark's name (default its file's name)
  --window N         rolling window in periods (default 126, six months of days)
  --out PATH         the HTML file to write (default reports/tearsheet/<FILE's name>.html)
  --db, --snapshots  accepted like every task's; tearsheet reads no store
  -h, --help         show this help

Exit codes: 0 ok, 1 bad input data, 2 bad usage.`;

const OPTIONS = {
  ...RETURNS_OPTIONS,
  name: { type: "string" },
  "benchmark-name": { type: "string" },
  window: { type: "string", default: "126" },
  out: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
  db: COMMON_OPTIONS.db,
  snapshots: COMMON_OPTIONS.snapshots,
} as const;

/**
 * Runs the CLI with `args` (without the program name); returns the exit code: 0 ok, 1 bad input
 * data, 2 bad usage.
 *
 * @example
 * ```ts ignore
 * await main(["reports/demo/returns.csv", "--benchmark", "reports/demo/spx.csv"]); // writes the page, returns 0
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const parsed = parseReturnsArgs(args, OPTIONS, HELP);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const window = Number(values.window);
  const usage = returnsUsage(values, positionals) ||
    (!Number.isInteger(window) || window < 2
      ? `--window must be an integer ≥ 2, found "${values.window}"`
      : "") ||
    (values["benchmark-name"] !== undefined && !values.benchmark ? "--benchmark-name needs --benchmark" : "");
  if (usage) {
    console.error(`error: ${usage}\n\n${HELP}`);
    return 2;
  }
  const file = positionals[0];
  const stem = (path: string) => basename(path, extname(path));
  const out = values.out ?? join("reports", "tearsheet", `${stem(file)}.html`);
  const job = autoProgress("tearsheet");
  try {
    job.stage("reading returns");
    const input = await loadReturns(file, values);
    for (const warning of input.warnings) console.error(`warning: ${warning}`);
    job.stage("computing metrics");
    const report = returnsReport({
      dates: input.series.dates,
      returns: input.series.ret,
      name: values.name ?? stem(file),
      benchmark: input.benchmark,
      benchmarkName: values["benchmark-name"] ?? (values.benchmark ? stem(values.benchmark) : undefined),
      periodsPerYear: input.periods,
      riskFree: input.riskFree,
      window,
    });
    job.stage("drawing the page");
    const command = ["deno", "task", "tearsheet", ...args].map((
      w,
    ) => (/^[\w./:=@+-]+$/.test(w) ? w : `'${w}'`))
      .join(" ");
    const html = returnsTearsheet(report, {
      source: file,
      benchmarkSource: values.benchmark,
      command,
      ids: [["risk-free", input.rfText], ["git_sha", await gitSha()]],
    });
    await writeFileAtomic(out, html);
    await job.done();
    const m = report.metrics;
    console.log(
      `${out}: ${report.name}, ${m.n_periods} periods, Sharpe ${m.sharpe.toFixed(2)}, ` +
        `max drawdown ${(m.max_drawdown * 100).toFixed(2)}%`,
    );
    return 0;
  } catch (error) {
    await job.done();
    if (error instanceof RangeError || error instanceof TypeError || error instanceof Deno.errors.NotFound) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
