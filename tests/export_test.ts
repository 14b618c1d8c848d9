import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import {
  cellTimings,
  describeFailure,
  dropSilentSections,
  expectsOutput,
  ExportError,
  exportNotebook,
  externalReferences,
  literalDollars,
  missingOutputs,
  nbconvertCommand,
  type NotebookJson,
  oneHoverScript,
  syntaxError,
  writeReportsIndex,
} from "../lib/report/export.ts";
import { HOVER_SCRIPT_TAG } from "../lib/report/hover.ts";
import { assertAlmostEquals } from "./_assert.ts";

const FIXTURES = "tests/fixtures/notebooks";
const hasJupyter = await nbconvertCommand().then(() => true, () => false);
const needsJupyter = { ignore: !hasJupyter, sanitizeResources: false, sanitizeOps: false };
if (!hasJupyter) console.warn("export_test: Jupyter nbconvert not found, export tests ignored");

function notebook(cells: [type: "code" | "markdown", source: string, outputs?: string[]][]): NotebookJson {
  return {
    cells: cells.map(([cell_type, source, outputs = []]) => ({
      cell_type,
      source,
      metadata: {},
      outputs: outputs.map((output_type) => ({ output_type })),
    })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** The HTML of each code cell of an exported page, in order. */
function codeCells(html: string): string[] {
  return html.split(/<div class="cell border-box-sizing code_cell/).slice(1);
}

Deno.test("expectsOutput() tells displaying cells from silent ones", () => {
  ok(expectsOutput("await show(chart);"));
  ok(expectsOutput("const x = 1;\nx * 2"));
  ok(expectsOutput("summary // the table"));
  ok(expectsOutput("Deno.jupyter.display(x);"));
  ok(!expectsOutput("const x = 1;"));
  ok(!expectsOutput("for (const x of xs) {\n  total += x;\n}"));
  ok(!expectsOutput("import { show } from 'quantnb'"));
  ok(!expectsOutput("// await show(chart);\nconst y = 2;"));
  ok(!expectsOutput(""));
});

Deno.test("missingOutputs() names displaying code cells without output", () => {
  const nb = notebook([
    ["markdown", "# t"],
    ["code", "const x = 1;"],
    ["code", "await show(x);", ["stream"]],
    ["code", "await show(x);", ["display_data"]],
    ["code", "x"],
    ["code", "console.log(x)", ["stream"]],
  ]);
  deepEqual(missingOutputs(nb), [3, 5]);
});

Deno.test("cellTimings() reads nbclient's per-cell timestamps", () => {
  const nb = notebook([["markdown", "# t"], ["code", "const a = 1;"], ["code", "\n  await show(a)"]]);
  nb.cells[1].metadata = {
    execution: {
      "iopub.execute_input": "2026-12-02T06:00:01.250Z",
      "shell.execute_reply": "2026-12-02T06:00:03.750Z",
    },
  };
  nb.cells[2].metadata = {
    execution: {
      "iopub.execute_input": "2026-12-02T06:00:03.800Z",
      "shell.execute_reply": "2026-12-02T06:00:03.900Z",
    },
  };
  const { first, cells } = cellTimings(nb);
  equal(first, Date.UTC(2026, 11, 2, 6, 0, 1, 250));
  // 03.750 − 01.250 = 2.5 s; 03.900 − 03.800 = 0.1 s (cells numbered from 1, markdown included)
  deepEqual(cells.map((c) => [c.cell, c.source]), [[2, "const a = 1;"], [3, "await show(a)"]]);
  assertAlmostEquals(cells[0].seconds, 2.5, 1e-12);
  assertAlmostEquals(cells[1].seconds, 0.1, 1e-12);
  deepEqual(cellTimings(notebook([["code", "x"]])), { first: NaN, cells: [] }, "unexecuted: nothing");
});

Deno.test("externalReferences() flags file and web references but not prose links", () => {
  deepEqual(
    externalReferences(
      '<script src="file:///usr/share/javascript/requirejs/require.min.js"></script>' +
        "<link rel=stylesheet href=https://cdn.example/x.css><img src='//cdn.example/a.png'>" +
        '<a href="https://example.com/paper">paper</a><img src="data:image/png;base64,AAAA">',
    ),
    [
      "file:///usr/share/javascript/requirejs/require.min.js",
      "https://cdn.example/x.css",
      "//cdn.example/a.png",
    ],
  );
});

Deno.test("describeFailure() prints a multi-line error once, without a stray ^ as the message", () => {
  const nb = notebook([["markdown", "# t"], ["code", "await query();"]]);
  // what the Deno kernel gives nbconvert for a DuckDB error: the traceback (message over three lines,
  // its "^" pointer, frames), then "name: message" again
  const message = "Error: Binder Error: column x not found\nLINE 1: SELECT x FROM t\n               ^";
  const stderr =
    "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:\n" +
    "------------------\nawait query();\n------------------\n\n" +
    `${message}\n    at query (file:///x/lib/store/db.ts:10:5)\n    at <anonymous>:1:7\n${message}\n`;
  const text = describeFailure("nb.ipynb", nb, stderr);
  equal(
    text,
    `nb.ipynb: cell 2 (await query();) failed: ${message}\n    at query (file:///x/lib/store/db.ts:10:5)\n` +
      "    at <anonymous>:1:7",
  );
  equal(text.split("Binder Error").length, 2, "the message once");
});

Deno.test("syntaxError() says what and where when a cell does not parse", async () => {
  equal(await syntaxError("const x = await load();\nx;"), undefined);
  match((await syntaxError("const = 1;"))!, /^SyntaxError: .*\(line 1, column 7\)$/);
});

Deno.test("describeFailure() names the notebook, the cell and the error", () => {
  const nb = notebook([["markdown", "# t"], ["code", "const a = 1;"], [
    "code",
    "throw new RangeError(`bad ${a}`);",
  ]]);
  const stderr = "[NbConvertApp] Converting notebook\nTraceback (most recent call last):\n  File x\n" +
    "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:\n" +
    "------------------\nthrow new RangeError(`bad ${a}`);\n------------------\n\n" +
    "\x1b[31mRangeError\x1b[0m: bad 1\n    at <anonymous>:1:7\nRangeError: bad 1\n";
  equal(
    describeFailure("nb.ipynb", nb, stderr),
    "nb.ipynb: cell 3 (throw new RangeError(`bad ${a}`);) failed: RangeError: bad 1\n    at <anonymous>:1:7",
  );
  match(
    describeFailure("nb.ipynb", nb, "jupyter_client.kernelspec.NoSuchKernel: No such kernel named deno"),
    /deno jupyter --install/,
  );
  const timeout =
    "nbclient.exceptions.CellTimeoutError: A cell timed out while it was being executed, after 2 seconds.\n" +
    "The message was: Cell execution timed out.\nHere is a preview of the cell contents:\n-------------------\n" +
    "throw new RangeError(`bad ${a}`);\n-------------------\n";
  equal(
    describeFailure("nb.ipynb", nb, timeout),
    "nb.ipynb: cell 3 (throw new RangeError(`bad ${a}`);) timed out after 2 s (raise --timeout)",
  );
});

Deno.test({
  name: "exportNotebook() keeps every output across 5 runs, with self-contained HTML and one <svg> per chart",
  ...needsJupyter,
  async fn(t) {
    const source = JSON.parse(await Deno.readTextFile(join(FIXTURES, "smoke.ipynb"))) as NotebookJson;
    const code = source.cells.filter((cell) => cell.cell_type === "code").map((cell) =>
      Array.isArray(cell.source) ? cell.source.join("") : cell.source
    );
    const charts = code.map((text) => /show\((equity|bar)Chart/.test(text) ? 1 : 0);
    deepEqual(
      charts,
      [0, 1, 0, 0, 1, 0],
      "fixture: setup, equity chart, table, progress, bar chart, expression",
    );
    const outputs = [false, true, true, true, true, true];
    const outDir = await Deno.makeTempDir({ prefix: "quantnb-export-test-" });
    try {
      for (let run = 1; run <= 5; run++) {
        await t.step(`run ${run}`, async () => {
          const done = await exportNotebook(join(FIXTURES, "smoke.ipynb"), { outDir });
          equal(done.title, "Smoke test");
          const html = await Deno.readTextFile(done.html);
          const cells = codeCells(html);
          equal(cells.length, code.length);
          cells.forEach((cell, k) => {
            equal(cell.includes('class="output_area"'), outputs[k], `code cell ${k + 1} output`);
            equal((cell.match(/<svg\b/g) ?? []).length, charts[k], `code cell ${k + 1} <svg> count`);
          });
          deepEqual(
            [...html.matchAll(/\s(?:src|href)\s*=\s*["']?(?:file:|https?:|\/\/)/gi)].map((m) => m[0]),
            [],
          );
          match(cells[2], /12,500/);
          match(cells[2], /0\.1180%/, "mean_ret: percent, 4 decimals for the whole column");
          match(cells[3], /<progress value="4" max="4"/, "progress bar updated in place to its final value");
          match(cells[5], />120</);
          match(html, /<style>[\s\S]*#notebook-container/, "inline CSS");
          equal(html.split('class="qn-hover-script"').length, 2, "one hover script for the page");
          ok(!html.includes("qn-trusted-only") && !html.includes("qn-untrusted-note"), "trusted page");
          // where the time went: every code cell timed, parts within the wall time
          const { startup, cells: timed, convert } = done.timing;
          equal(timed.length, code.length, "one timing per code cell");
          ok(timed.every((c) => c.seconds >= 0 && c.seconds < done.seconds), JSON.stringify(timed));
          ok(startup > 0 && convert > 0, `startup ${startup} s, convert ${convert} s`);
          const parts = startup + timed.reduce((sum, c) => sum + c.seconds, 0) + convert;
          ok(parts <= done.seconds, `parts ${parts} s within ${done.seconds} s`);
        });
      }
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "exportNotebook() with noInput hides code and keeps outputs",
  ...needsJupyter,
  async fn() {
    const outDir = await Deno.makeTempDir({ prefix: "quantnb-export-test-" });
    try {
      const done = await exportNotebook(join(FIXTURES, "smoke.ipynb"), { outDir, noInput: true });
      const html = await Deno.readTextFile(done.html);
      ok(!html.includes('class="input_area"'), "no code shown");
      ok(!html.includes("equityChart"), "no source text");
      equal((html.match(/<svg\b/g) ?? []).length, 2);
      match(html, /<h2 id="Cumulative-return">/);
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "exportNotebook() fails naming the cell that threw, and writes nothing",
  ...needsJupyter,
  async fn() {
    const outDir = await Deno.makeTempDir({ prefix: "quantnb-export-test-" });
    try {
      await rejects(
        exportNotebook(join(FIXTURES, "failing.ipynb"), { outDir }),
        (error: Error) =>
          error instanceof ExportError &&
          error.message.startsWith(`${join(FIXTURES, "failing.ipynb")}: cell 3 (throw new RangeError(`) &&
          error.message.includes("failed: RangeError: fixture failure 42"),
      );
      deepEqual(await Array.fromAsync(Deno.readDir(outDir)), []);
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  },
});

Deno.test("writeReportsIndex() links notebooks and copies run tear sheets", async () => {
  const root = await Deno.makeTempDir({ prefix: "quantnb-index-test-" });
  try {
    const out = join(root, "reports");
    await Deno.mkdir(join(root, "runs", "r1"), { recursive: true });
    await Deno.mkdir(join(root, "runs", "r2"), { recursive: true });
    await Deno.mkdir(out);
    await Deno.writeTextFile(join(root, "runs", "r1", "tearsheet.html"), "<html><title>r1</title></html>");
    await Deno.writeTextFile(
      join(root, "runs", "r1", "run.json"),
      JSON.stringify({
        experiment: "momentum",
        kind: "backtest",
        created_at: "2024-05-01T10:00:00Z",
        metrics: { sharpe: 1.234 },
      }),
    );
    await Deno.writeTextFile(
      join(out, "tour.html"),
      "<html><head><title>A tour &amp; more</title></head></html>",
    );
    const index = await writeReportsIndex(out, { runsDir: join(root, "runs") });
    const html = await Deno.readTextFile(index);
    match(html, /<a href="tour.html">A tour &amp;amp; more<\/a>/);
    match(
      html,
      /<a href="runs\/r1\/tearsheet.html">momentum · backtest · run r1<\/a> <span class="qn-muted">2024-05-01 · Sharpe 1.23<\/span>/,
    );
    ok(!html.includes("r2"), "runs without a tear sheet are not listed");
    equal(
      await Deno.readTextFile(join(out, "runs", "r1", "tearsheet.html")),
      "<html><title>r1</title></html>",
    );
    deepEqual(externalReferences(html), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeReportsIndex() gives every run a label of its own: signal, kind, snapshot and run id", async () => {
  const root = await Deno.makeTempDir({ prefix: "quantnb-index-test-" });
  try {
    const out = join(root, "reports");
    await Deno.mkdir(out);
    // issue 10: the same signal's suite on demo and on demo-top100 were linked with one label
    for (
      const [id, snapshot] of [["20240501-1-sig-aaa", "demo"], ["20240501-2-sig-bbb", "demo-top100"], [
        "20240502-3-sig-ccc",
        "demo",
      ]]
    ) {
      await Deno.mkdir(join(root, "runs", id), { recursive: true });
      await Deno.writeTextFile(
        join(root, "runs", id, "tearsheet.html"),
        "<html><title>sig — suite tear sheet</title></html>",
      );
      await Deno.writeTextFile(
        join(root, "runs", id, "run.json"),
        JSON.stringify({
          experiment: "sig",
          kind: "suite",
          created_at: "2024-05-01T10:00:00Z",
          tags: { signal_name: "vendor sentiment", snapshot_id: snapshot, verdict: "yellow" },
          metrics: { sharpe: 1.75, annual_return: 0.1248 },
        }),
      );
    }
    const html = await Deno.readTextFile(await writeReportsIndex(out, { runsDir: join(root, "runs") }));
    const labels = [...html.matchAll(/<a href="runs\/[^"]+">([^<]*)<\/a>/g)].map((m) => m[1]);
    deepEqual(labels, [
      "vendor sentiment · suite · snapshot demo · run 20240502-3-sig-ccc",
      "vendor sentiment · suite · snapshot demo-top100 · run 20240501-2-sig-bbb",
      "vendor sentiment · suite · snapshot demo · run 20240501-1-sig-aaa",
    ]);
    equal(new Set(labels).size, labels.length, "unique labels");
    match(html, /2024-05-01 · yellow · Sharpe 1.75 · ann. return 12.48%/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("dropSilentSections() removes headings over code that shows nothing, for --no-input", () => {
  const nb = notebook([
    ["markdown", "# Title\n\nIntro."],
    ["markdown", "## Setup\n\nWe step up a folder."],
    ["code", "Deno.chdir('..');"],
    ["markdown", "## Results"],
    ["code", "await show(x);", ["display_data"]],
    ["markdown", "### Detail"],
    ["code", "const y = 1;"],
    ["markdown", "## Notes\n\nProse only."],
  ]);
  const kept = dropSilentSections(nb).cells.map((c) => (c.source as string).split("\n")[0]);
  deepEqual(kept, ["# Title", "## Results", "await show(x);", "## Notes"]);
});

Deno.test("oneHoverScript() keeps one copy of the hover script, before </body>", () => {
  const page = `<html><body><div>a${HOVER_SCRIPT_TAG}</div><div>b${HOVER_SCRIPT_TAG}</div></body></html>`;
  const one = oneHoverScript(page);
  equal(one.split(HOVER_SCRIPT_TAG).length, 2);
  ok(one.endsWith(`${HOVER_SCRIPT_TAG}</body></html>`));
  equal(oneHoverScript("<p>x</p>"), "<p>x</p>");
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "lib/cli/report.ts", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, stdout: new TextDecoder().decode(stdout), stderr: new TextDecoder().decode(stderr) };
}

Deno.test("report CLI prints help and rejects bad arguments", async () => {
  const help = await cli(["--help"]);
  equal(help.code, 0);
  match(help.stdout, /Usage: deno task report/);
  const bad = await cli(["--frobnicate"]);
  equal(bad.code, 2);
  match(bad.stderr, /frobnicate/);
  const notNotebook = await cli(["README.md"]);
  equal(notNotebook.code, 2);
  match(notNotebook.stderr, /expected \.ipynb notebooks, found "README.md"/);
  const jobs = await cli(["--jobs", "0"]);
  equal(jobs.code, 2);
  match(jobs.stderr, /--jobs expects an integer ≥ 1, found "0"/);
});

Deno.test({
  name: "report CLI exits 1 and names the failing cell",
  ...needsJupyter,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "quantnb-cli-test-" });
    try {
      const result = await cli([
        join(FIXTURES, "failing.ipynb"),
        "--out",
        out,
        "--runs",
        join(out, "no-runs"),
      ]);
      equal(result.code, 1);
      match(
        result.stderr,
        /FAIL {2}tests\/fixtures\/notebooks\/failing.ipynb: cell 3 .* failed: RangeError: fixture failure 42/,
      );
      match(await Deno.readTextFile(join(out, "index.html")), /No exported notebooks yet/);
      // two at a time (--jobs 2, the default): the failure is reported once and the other is exported
      const both = await cli([join(FIXTURES, "failing.ipynb"), join(FIXTURES, "smoke.ipynb"), "--out", out]);
      equal(both.code, 1);
      equal(both.stderr.match(/FAIL {2}/g)?.length, 1, both.stderr);
      ok((await Deno.stat(join(out, "smoke.html"))).isFile);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test("literalDollars() shows escaped dollars of markdown as $ in the export", () => {
  const [prose, code] = notebook([["markdown", "the \\$1/\\$1 book"], ["code", "const s = `\\${x}`;"]]).cells;
  equal(literalDollars(prose).source, "the &#36;1/&#36;1 book");
  equal(literalDollars(code), code, "code is left alone");
});
