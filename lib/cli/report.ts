/**
 * `deno task report [NOTEBOOK…]`: execute notebooks with the Deno kernel and export them to
 * self-contained HTML in `reports/`, then write `reports/index.html` linking them and every run's tear
 * sheet (copied to `reports/runs/<run_id>/tearsheet.html`, so the folder works offline when zipped).
 */

import { basename, join } from "node:path";
import { autoProgress, noProgress } from "../nb/progress.ts";
import { ExportError, exportNotebook, nbconvertCommand, writeReportsIndex } from "../report/export.ts";
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
  --jobs N           notebooks executed at a time (default 2; 1 = one after another). The first
                     notebook always runs alone, so the demo data it builds is there for the others
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

async function main(): Promise<number> {
  const { values, positionals } = parseTaskArgs(Deno.args, {
    out: { type: "string", default: "reports" },
    runs: { type: "string", default: "runs" },
    "no-input": { type: "boolean", default: false },
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
  // the first alone (it builds the demo data when missing), then `jobs` at a time, in order
  const [first, ...rest] = notebooks;
  if (first) await exportOne(first);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, rest.length) }, async () => {
    while (next < rest.length) await exportOne(rest[next++]);
  }));
  await job.done();
  const index = await writeReportsIndex(values.out, { runsDir: values.runs });
  console.log(`index ${index}`);
  if (failed > 0) console.error(`${failed} of ${notebooks.length} notebooks failed to export`);
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await runTask(main, HELP));
