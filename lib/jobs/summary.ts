/**
 * A batch's summary in its folder: `summary.csv` (one row per job: name, kind, status, run id,
 * the options that vary across jobs, the headline metrics, seconds, the error's first line) and `index.html` (the same
 * table, each job linking its run's tear sheet and its log). Both written atomically.
 */
import { join, relative } from "node:path";
import { escapeHtml, formatNumber, htmlPage, isPercentKey } from "../report/html.ts";
import { summaryCsv } from "../track/summary_csv.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import type { BatchPlan } from "./plan.ts";
import type { BatchJobResult, BatchJobStatus } from "./run_batch.ts";

/** The metrics a batch summary shows when some job has them, in this order. */
export const SUMMARY_METRICS = [
  "sharpe",
  "annual_return",
  "annual_volatility",
  "max_drawdown",
  "turnover",
  "ic_mean",
] as const;

const STATUS_COLOR: Record<BatchJobStatus, string> = {
  done: "#1a7f37",
  completed: "#1a7f37",
  failed: "#cf222e",
  interrupted: "#9a6700",
  cancelled: "#9a6700",
  pending: "#57606a",
  skipped: "#57606a",
};

/** Options whose value differs between jobs (the matrix axes, mostly), in first-seen order. */
function varyingOptions(jobs: readonly BatchJobResult[]): string[] {
  const keys = [...new Set(jobs.flatMap((r) => Object.keys(r.job.spec.values)))];
  return keys.filter((k) => new Set(jobs.map((r) => String(r.job.spec.values[k] ?? ""))).size > 1);
}

/**
 * The summary rows: one per job.
 *
 * @example
 * ```ts
 * batchSummaryRows(result.jobs)[0]; // => { job: "mom-lag0", kind: "backtest", status: "completed", …, sharpe: 1.2 }
 * ```
 */
export function batchSummaryRows(jobs: readonly BatchJobResult[]): Record<string, string | number>[] {
  const options = varyingOptions(jobs);
  const metrics = SUMMARY_METRICS.filter((m) => jobs.some((r) => r.metrics && m in r.metrics));
  return jobs.map((r) => {
    const row: Record<string, string | number> = {
      job: r.job.spec.name,
      kind: r.job.spec.kind.kind,
      status: r.status,
      run_id: r.run_id ?? "",
      config_hash: r.job.configHash ?? "",
    };
    for (const k of options) row[k] = String(r.job.spec.values[k] ?? "");
    for (const m of metrics) row[m] = r.metrics?.[m] ?? NaN;
    row.seconds = r.seconds ?? NaN;
    row.error = r.error?.split("\n")[0] ?? ""; // its first line; the whole error is in the job's log
    return row;
  });
}

/**
 * Writes `summary.csv` and `index.html` into the batch folder; returns their paths.
 *
 * @example
 * ```ts
 * const { index } = await writeBatchSummary(plan, result.jobs, "reports/batch/nightly");
 * ```
 */
export async function writeBatchSummary(
  plan: BatchPlan,
  jobs: readonly BatchJobResult[],
  dir: string,
): Promise<{ summaryCsv: string; index: string }> {
  const rows = batchSummaryRows(jobs);
  const csvPath = join(dir, "summary.csv"), indexPath = join(dir, "index.html");
  await writeFileAtomic(csvPath, summaryCsv(rows));
  const columns = Object.keys(rows[0] ?? {}).filter((c) => !["config_hash", "run_id", "error"].includes(c));
  const link = (href: string, text: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
  const cell = (key: string, value: string | number) =>
    typeof value === "number"
      ? `<td style="text-align:right">${escapeHtml(formatNumber(value, { percent: isPercentKey(key) }))}</td>`
      : `<td>${escapeHtml(value)}</td>`;
  const body = jobs.map((r, k) => {
    const row = rows[k];
    const page = r.job.spec.kind.page;
    const runDir = r.run_id ? join(plan.places.runsDir, r.run_id) : undefined;
    const links = [
      runDir && page ? link(relative(dir, join(runDir, page)), "tear sheet") : "",
      runDir ? link(relative(dir, runDir), "run") : "",
      link(`logs/${r.job.logName}`, "log"),
    ].filter(Boolean).join(" · ");
    const cells = columns.map((c) =>
      c === "status"
        ? `<td style="color:${STATUS_COLOR[r.status]};font-weight:600">${escapeHtml(r.status)}</td>`
        : cell(c, row[c])
    ).join("");
    const error = r.error
      ? `<tr><td></td><td colspan="${columns.length}" style="color:#cf222e;font-size:12px">${
        escapeHtml(r.error)
      }</td></tr>`
      : "";
    return `<tr>${cells}<td>${links}</td></tr>${error}`;
  }).join("\n");
  const counts = new Map<string, number>();
  for (const r of jobs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const head = columns.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join("") + "<th></th>";
  const html = htmlPage({
    title: `Batch ${plan.spec.name}`,
    body: `<h1>Batch ${escapeHtml(plan.spec.name)}</h1>\n` +
      (plan.spec.description ? `<p>${escapeHtml(plan.spec.description)}</p>\n` : "") +
      `<p>${escapeHtml(plan.spec.file)} · ${jobs.length} jobs: ${
        escapeHtml([...counts].map(([s, n]) => `${n} ${s}`).join(", "))
      } · runs in ${escapeHtml(plan.places.runsDir)} · ${link("summary.csv", "summary.csv")}</p>\n` +
      `<table class="qn-table" style="border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums">` +
      `<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>\n` +
      `<p style="color:#57606a;font-size:12px">Generated ${new Date().toISOString()}</p>`,
  });
  await writeFileAtomic(indexPath, html);
  return { summaryCsv: csvPath, index: indexPath };
}
