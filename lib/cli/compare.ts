/**
 * `deno task compare RUN_ID…`: recorded runs side by side — equity curves, metrics, correlation of
 * daily returns — printed and written as an HTML page.
 */
import { join } from "node:path";
import { renderTextTable } from "../nb/text_table.ts";
import { formatCell } from "../report/html.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { compareHtml, compareStrategies } from "../pipeline/compare_runs.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task compare RUN_ID RUN_ID… [options]

Compares recorded runs (ids or unique prefixes; strategy runs or any run with a daily net return):
their cumulative net returns on one axis, the metrics side by side and the correlation matrix of their
daily returns (Pearson, over the dates both runs have). Prints the metrics and the correlations and
writes a self-contained HTML page (equity overlay, metrics table, correlation heatmap).

Options:
  --out FILE         the HTML page (default reports/compare/<first ids>.html)
  --runs DIR         run registry (default runs/)
  --json             print the comparison as JSON
${COMMON_HELP}`;

/** \`deno task compare\`: see \`--help\`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, {
      out: { type: "string" },
      runs: { type: "string", default: "runs" },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length < 2) {
      throw new UsageError("at least two RUN_IDs are required (deno task runs list)");
    }
    const cmp = await compareStrategies(positionals, { runsDir: values.runs });
    const out = values.out ??
      join("reports", "compare", `${cmp.runs.map((r) => r.config_hash.slice(0, 6)).join("-")}.html`);
    await writeFileAtomic(out, compareHtml(cmp));
    const n = cmp.labels.length;
    const correlations = cmp.labels.map((label, a) =>
      Object.fromEntries([
        ["run", label],
        ...cmp.labels.map((other, b) => [other, cmp.correlation[a * n + b]]),
      ])
    );
    if (values.json) {
      console.log(JSON.stringify(
        {
          runs: cmp.runs.map((r, k) => ({ label: cmp.labels[k], run_id: r.run_id, kind: r.kind })),
          metrics: Object.fromEntries(cmp.metrics.map((m) => [m.metric, m.values])),
          correlation: correlations,
          html: out,
        },
        null,
        2,
      ));
      return 0;
    }
    // Each metric formatted by its own name (percent for returns, …), whatever the run labels say.
    const rows = cmp.metrics.map((m) =>
      Object.fromEntries([
        ["metric", m.metric],
        ...cmp.labels.map((l, k) => [l, formatCell(m.metric, m.values[k], {})]),
      ])
    );
    console.log(renderTextTable(rows, { maxRows: rows.length, caption: "metrics" }));
    console.log("");
    console.log(
      renderTextTable(correlations, { caption: "correlation of daily returns", plain: cmp.labels }),
    );
    console.log(`\ncomparison page: ${out}`);
    return 0;
  }, HELP);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
