/**
 * `deno task report [NOTEBOOK…]`: execute notebooks with the Deno kernel and export them to
 * self-contained HTML in `reports/`, then write `reports/index.html` linking them and every run's tear
 * sheet (copied to `reports/runs/<run_id>/tearsheet.html`, so the folder works offline when zipped).
 */

import { basename, join } from "node:path";
import { autoProgress, noProgress } from "../nb/progress.ts";
import {
  ExportError,
  exportNotebook,
  nbconvertCommand,
  type NotebookExport,
  writeReportsIndex,
} from "../report/export.ts";
import { demoDataReady } from "../demo/build.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { longestFirst, readExportSeconds, writeExportSeconds } from "../report/schedule.ts";
import { numberOption, parseTaskArgs, runTask, shareStoreWithNotebooks, UsageError } from "./args.ts";

const HELP = `Usage: deno task report [NOTEBOOK.ipynb …] [options]

Executes notebooks with the Deno Jupyter kernel (jupyter nbconvert --execute) and writes one
self-contained HTML page per notebook (inline CSS and SVG charts, one small inline hover script, no
external files; light or dark with the reader's colour scheme),
plus an index linking every exported notebook and every runs/<run_id>/tearsheet.html (copied into
<out>/runs/ so the folder can be zipped and opened offline).

Arguments:
  NOTEBOOK.ipynb     notebooks to export (default: every notebooks/*.ipynb)

Options:
  --out DIR          output folder (default reports)
  --runs DIR         run registry whose tear sheets the index links (default runs)
  --no-input         hide code cells, keep prose and outputs
  --timeout SECONDS  per-cell execution timeout (default 600)
  --profile          after the export, print where each notebook's time went: start-up (Python,
                     nbconvert, the Deno kernel), its cells, the HTML conversion, and every cell
                     that ran for 1 s or more
  --jobs N           notebooks executed at a time (default 2; 1 = one after another). When the
                     demo data is missing the first notebook runs alone, so the data it builds is
                     there for the others; the rest start longest first, by their time in the last
                     export (OUT/.export-seconds.json; folder order the first time)
  --db PATH          store the notebooks read (default data/quant.duckdb; passed as QUANTNB_DB)
  --snapshots DIR    snapshot folder the notebooks read (default snapshots/; passed as QUANTNB_SNAPSHOTS)
  -h, --help         show this help

A cell that throws fails the export with the notebook, cell number and error. A cell that should
display (calls show(…) or ends with an expression) but has no output fails it too. Exit code 1 if
any notebook failed, 2 on a usage error.
Needs Jupyter's nbconvert: apt-get install -y jupyter-nbconvert python3-nbclient (Debian) or
pip install nbconvert nbclient.`;

async function defaultNotebooks(): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir("notebooks")))
      .filter((entry) => entry.isFile && entry.name.endsWith(".ipynb"))
      .map((entry) => join("notebooks", entry.name))
      .sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/**
 * The `--profile` text: per notebook (in folder order) its wall time split into start-up, cells and
 * HTML conversion (the rest is reading, checking and writing), then every cell of 1 s or more.
 */
function profileText(exports: readonly NotebookExport[]): string {
  const sorted = [...exports].sort((a, b) => a.notebook.localeCompare(b.notebook));
  const seconds = { kind: "number", decimals: 1 } as const;
  const table = renderTextTable(
    sorted.map(({ notebook, seconds: total, timing }) => ({
      notebook: basename(notebook),
      total,
      startup: timing.startup,
      cells: timing.cells.reduce((sum, c) => sum + c.seconds, 0),
      convert: timing.convert,
    })),
    { formats: { total: seconds, startup: seconds, cells: seconds, convert: seconds }, caption: "seconds" },
  );
  const slow = sorted.flatMap(({ notebook, timing }) =>
    timing.cells.filter((c) => c.seconds >= 1).map((c) =>
      `  ${basename(notebook)} cell ${c.cell}: ${c.seconds.toFixed(1)} s  ${c.source}`
    )
  );
  return [table, slow.length ? "cells of 1 s or more:" : "no cell ran for 1 s or more", ...slow].join("\n");
}

async function main(): Promise<number> {
  const { values, positionals } = parseTaskArgs(Deno.args, {
    out: { type: "string", default: "reports" },
    runs: { type: "string", default: "runs" },
    "no-input": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    timeout: { type: "string", default: "600" },
    jobs: { type: "string", default: "2" },
  });
  shareStoreWithNotebooks(values);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) {
    throw new UsageError(`--timeout must be a positive number of seconds, found "${values.timeout}"`);
  }
  const jobs = numberOption(values, "jobs", { integer: true, min: 1 })!;
  const notebooks = positionals.length > 0 ? positionals : await defaultNotebooks();
  for (const path of notebooks) {
    if (!path.endsWith(".ipynb")) throw new UsageError(`expected .ipynb notebooks, found "${path}"`);
  }
  if (notebooks.length > 0) await nbconvertCommand();
  else console.log("No notebooks to export (notebooks/*.ipynb is empty).");

  let failed = 0;
  const exported: NotebookExport[] = [];
  // On a terminal each notebook is a stage with its elapsed time (a notebook runs for seconds to a
  // minute), or one counted stage when several run at a time; in logs the ok/FAIL lines say the same.
  const job = autoProgress("report");
  const exportOne = async (path: string) => {
    if (jobs === 1) job.stage(basename(path));
    try {
      const done = await exportNotebook(path, {
        outDir: values.out,
        noInput: values["no-input"],
        timeoutSeconds,
      });
      exported.push(done);
      if (job === noProgress) console.log(`ok    ${path} → ${done.html} (${done.seconds.toFixed(1)} s)`);
    } catch (error) {
      if (!(error instanceof ExportError) && !(error instanceof Deno.errors.NotFound)) throw error;
      failed++;
      if (jobs === 1) job.fail();
      console.error(`FAIL  ${error.message}`);
    }
    if (jobs > 1) job.tick();
  };
  if (jobs > 1) job.stage(`notebooks, ${jobs} at a time`, notebooks.length);
  // when the demo data is missing the first notebook runs alone (it builds it); then `jobs` at a time
  const solo = jobs > 1 && notebooks.length > 1 && !(await demoDataReady({ snapshotsDir: values.snapshots }))
    ? 1
    : 0;
  const [first, ...later] = notebooks;
  const rest = longestFirst(solo ? later : notebooks, jobs > 1 ? await readExportSeconds(values.out) : {});
  if (solo) await exportOne(first);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, rest.length) }, async () => {
    while (next < rest.length) await exportOne(rest[next++]);
  }));
  await job.done();
  await writeExportSeconds(values.out, exported);
  if (values.profile) console.log(profileText(exported));
  const index = await writeReportsIndex(values.out, { runsDir: values.runs });
  console.log(`index ${index}`);
  if (failed > 0) console.error(`${failed} of ${notebooks.length} notebooks failed to export`);
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await runTask(main, HELP));
