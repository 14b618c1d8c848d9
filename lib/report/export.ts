/**
 * Notebook export: execute a notebook with the Deno kernel (Jupyter's nbclient) and write a
 * self-contained HTML report (inline CSS, inline SVG charts, one inline hover script, no external
 * files), checking
 * that every displaying cell kept its output. Plus the `reports/index.html` that links the exported
 * notebooks and the runs' tear sheets.
 *
 * Execution: the notebook is fed to `nbexec/quantnb_exec.py execute` (nbclient) running in the
 * notebook's own folder, so the kernel finds `deno.json` (and the `quantnb` import map) by searching
 * upward from there, with a warm-up cell prepended and removed afterwards (see `WARMUP_SOURCE`). The
 * executed notebook is then converted by nbconvert's HTML exporter with the `quantnb` template in
 * `lib/report/nbtemplate/`.
 */

import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../util/atomic.ts";
import { checkOptions, optionKeys } from "../util/options.ts";
import { escapeHtml, htmlPage, REPORT_CSS } from "./html.ts";
import { HOVER_SCRIPT_TAG } from "./hover.ts";
import { trustedPage } from "./untrusted.ts";
import { formatValue } from "./tearsheet_parts.ts";

/**
 * An export failure the user can act on: which notebook, which cell, what went wrong.
 *
 * @example
 * ```ts
 * try { await exportNotebook(path); } catch (e) { if (e instanceof ExportError) console.error(e.message); }
 * ```
 */
export class ExportError extends Error {
  override name = "ExportError";
}

/** Options of `exportNotebook`. */
export interface ExportOptions {
  /** Folder the HTML goes to (default `reports`). */
  outDir?: string;
  /** Hide code cells, keep outputs and prose. */
  noInput?: boolean;
  /** Per-cell execution timeout in seconds (default 600). */
  timeoutSeconds?: number;
}

const EXPORT_KEYS = optionKeys<ExportOptions>({ outDir: true, noInput: true, timeoutSeconds: true });

/** What `exportNotebook` wrote, and where its time went. */
export interface NotebookExport {
  notebook: string;
  html: string;
  title: string;
  /** Wall time of the whole export. */
  seconds: number;
  /** Where the time went (see `ExportTiming`). */
  timing: ExportTiming;
}

/**
 * Where an export's wall time went: `startup` from launching Python to the first notebook cell
 * starting (Python, nbclient, the Deno kernel and the warm-up cell), `cells` the code cells'
 * execution times (nbclient's `metadata.execution` timestamps, execute_input to execute_reply;
 * `cell` counts every cell from 1, as error messages do), `convert` the HTML conversion.
 */
export interface ExportTiming {
  startup: number;
  cells: { cell: number; seconds: number; source: string }[];
  convert: number;
}

/** The notebook JSON fields export reads and rewrites (nbformat 4). */
export interface NotebookJson {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** One nbformat-4 cell. */
export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: { output_type: string }[];
  execution_count?: number | null;
}

/**
 * Prepended to every executed notebook and removed from the result. Under nbconvert the Deno kernel
 * drops IOPub messages (outputs) sent in its first few hundred milliseconds — measured: 7 of 8 runs of
 * a quick notebook lost outputs of the first cells without it, 0 of 10 (then 0 of 25) with a 300 ms
 * pause. 500 ms leaves a margin.
 *
 * @example
 * ```ts
 * const cells = [{ cell_type: "code", source: WARMUP_SOURCE, metadata: { quantnb: "warmup" } }, ...nb.cells];
 * ```
 */
export const WARMUP_SOURCE = "await new Promise((resolve) => setTimeout(resolve, 500));";

const TEMPLATE_DIR = fileURLToPath(new URL("./nbtemplate", import.meta.url));
/** Executes notebooks and converts them to HTML (see that file for why not `jupyter nbconvert`). */
const EXEC_SCRIPT = fileURLToPath(new URL("./nbexec/quantnb_exec.py", import.meta.url));

/**
 * Appended to every executed notebook and removed from the result: while it runs, outputs the last
 * real cell published after going idle are still filed under it (see `nbexec/quantnb_exec.py`).
 */
const DRAIN_SOURCE = "await new Promise((resolve) => setTimeout(resolve, 300));";
const INSTALL_HINT = "Install Jupyter's nbconvert and nbclient:\n" +
  "  Debian/Ubuntu: apt-get install -y jupyter-nbconvert python3-nbclient\n" +
  "  elsewhere:     pip install nbconvert nbclient\n" +
  "then register the Deno kernel: deno jupyter --install";

function sourceText(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

async function run(
  cmd: readonly string[],
  { cwd, stdin, env }: { cwd?: string; stdin?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    env,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

let python: string[] | undefined;

/** The interpreter a script on PATH starts with (its `#!` line), e.g. `/usr/bin/python3` for `jupyter-nbconvert`. */
async function shebangOf(script: string): Promise<string[] | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    try {
      const head = (await Deno.readTextFile(join(dir, script))).slice(0, 200);
      const line = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(head);
      if (!line) return undefined;
      // `#!/usr/bin/env python3` names the interpreter in its argument
      return basename(line[1]) === "env" && line[2] ? [line[2]] : [line[1]];
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) throw error;
    }
  }
  return undefined;
}

/**
 * The Python that runs the export (`nbexec/quantnb_exec.py`): the interpreter of `jupyter-nbconvert`
 * or `jupyter` on PATH, else `python3`, the first that has nbclient and nbconvert. Throws an
 * `ExportError` with the install commands when none has.
 *
 * @example
 * ```ts
 * await nbconvertCommand(); // => ["/usr/bin/python3"]
 * ```
 */
export async function nbconvertCommand(): Promise<string[]> {
  if (python) return python;
  const candidates = [await shebangOf("jupyter-nbconvert"), await shebangOf("jupyter"), ["python3"]];
  const probe = "import importlib.util as u, sys; " +
    "sys.exit(0 if u.find_spec('nbclient') and u.find_spec('nbconvert') else 1)";
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      if ((await run([...candidate, "-c", probe])).code === 0) return python = candidate;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied)) {
        throw error;
      }
    }
  }
  throw new ExportError(
    `Jupyter's nbconvert and nbclient were not found (tried the Python of jupyter-nbconvert, of ` +
      `jupyter, and python3).\n${INSTALL_HINT}`,
  );
}

/** Folders Jupyter looks in for kernelspecs, per its documented search path. */
function kernelDirs(): string[] {
  const env = (name: string) => Deno.env.get(name);
  const home = env("HOME") ?? "";
  return [
    ...(env("JUPYTER_PATH")?.split(":") ?? []),
    env("JUPYTER_DATA_DIR") ?? join(home, ".local/share/jupyter"),
    "/usr/local/share/jupyter",
    "/usr/share/jupyter",
  ].filter(Boolean).map((dir) => join(dir, "kernels", "deno"));
}

async function kernelUsable(dir: string): Promise<boolean> {
  try {
    const spec = JSON.parse(await Deno.readTextFile(join(dir, "kernel.json"))) as { argv?: string[] };
    return !!spec.argv?.[0] && (await Deno.stat(spec.argv[0])).isFile;
  } catch {
    return false;
  }
}

/**
 * Makes sure Jupyter has a Deno kernelspec whose `deno` binary exists; otherwise runs
 * `deno jupyter --install --force` with the running `deno`.
 *
 * @example
 * ```ts
 * await ensureDenoKernel(); // ~/.local/share/jupyter/kernels/deno/kernel.json exists afterwards
 * ```
 */
export async function ensureDenoKernel(): Promise<void> {
  for (const dir of kernelDirs()) if (await kernelUsable(dir)) return;
  const { code, stderr } = await run([Deno.execPath(), "jupyter", "--install", "--force"]);
  if (code !== 0) throw new ExportError(`"deno jupyter --install --force" failed:\n${stderr.trim()}`);
}

/**
 * Whether a code cell is expected to leave an output: it calls `show(` or `display(`, or its last
 * code line is a bare expression (no trailing `;`, not a declaration, block or control statement).
 * Notebook convention: end a statement with `;` when the cell shows nothing.
 *
 * @example
 * ```ts
 * expectsOutput("const x = 1;\nx * 2"); // => true
 * expectsOutput("const x = 1;"); // => false
 * ```
 */
export function expectsOutput(source: string): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  if (/\b(show|display)\s*\(/.test(code)) return true;
  const lines = code.split("\n").map((line) => line.trim()).filter(Boolean);
  const last = lines.at(-1);
  if (!last) return false;
  if (/[;{},(\[]$/.test(last)) return false;
  return !/^(const|let|var|import|export|function|async function|class|interface|type|if|else|for|while|do|switch|try|catch|finally|return|throw)\b/
    .test(last);
}

/**
 * 1-based numbers (counting every cell, markdown included) of the code cells that `expectsOutput` but
 * have none in an executed notebook. `show(`/`display(` cells need a display or result output; bare
 * expressions need any output.
 *
 * @example
 * ```ts
 * missingOutputs(executed); // => [] when every displaying cell kept its output
 * ```
 */
export function missingOutputs(notebook: NotebookJson): number[] {
  const missing: number[] = [];
  notebook.cells.forEach((cell, k) => {
    if (cell.cell_type !== "code") return;
    const source = sourceText(cell);
    if (!expectsOutput(source)) return;
    const outputs = cell.outputs ?? [];
    const rich = outputs.some((o) => o.output_type === "display_data" || o.output_type === "execute_result");
    const ok = /\b(show|display)\s*\(/.test(source) ? rich : outputs.length > 0;
    if (!ok) missing.push(k + 1);
  });
  return missing;
}

function describeCell(notebook: NotebookJson, index: number): string {
  const firstLine = sourceText(notebook.cells[index]).split("\n").find((line) => line.trim()) ?? "";
  return `cell ${index + 1} (${firstLine.trim().slice(0, 80)})`;
}

/**
 * Each executed code cell's time from nbclient's timestamps (`iopub.execute_input` to
 * `shell.execute_reply`), and when the first one started (epoch ms; NaN when nothing was recorded).
 *
 * @example
 * ```ts
 * cellTimings(executed).cells[0]; // => { cell: 3, seconds: 4.2, source: "const demo = await ensureDemoData(…" }
 * ```
 */
export function cellTimings(notebook: NotebookJson): { first: number; cells: ExportTiming["cells"] } {
  let first = NaN;
  const cells: ExportTiming["cells"] = [];
  notebook.cells.forEach((cell, k) => {
    const execution = cell.metadata?.execution as Record<string, string> | undefined;
    const start = Date.parse(execution?.["iopub.execute_input"] ?? "");
    const end = Date.parse(execution?.["shell.execute_reply"] ?? "");
    if (cell.cell_type !== "code" || !(end >= start)) return;
    if (!(first <= start)) first = start;
    const source = sourceText(cell).split("\n").find((line) => line.trim())?.trim().slice(0, 80) ?? "";
    cells.push({ cell: k + 1, seconds: (end - start) / 1000, source });
  });
  return { first, cells };
}

const ANSI = new RegExp(String.raw`\x1b\[[0-9;]*[A-Za-z]`, "g");

/**
 * The error in what nbconvert prints after the failing cell: the Deno kernel's traceback (the
 * message, possibly over several lines — a SQL error with its `^` pointer —, then `at …` frames),
 * followed by `name: message` again. Returns the message once and at most 6 frames.
 */
function kernelError(rest: string): string {
  const lines = rest.replace(/^\s*\n/, "").split("\n");
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
  if (firstFrame < 0) {
    return rest.trim().split("\n").filter((line) => line.trim()).join("\n") || "unknown error";
  }
  const message = lines.slice(0, firstFrame).join("\n").trim();
  const frames: string[] = [];
  for (let k = firstFrame; k < lines.length && /^\s+at /.test(lines[k]); k++) frames.push(lines[k]);
  const shown = frames.slice(0, 6);
  if (frames.length > shown.length) shown.push(`    … ${frames.length - shown.length} more frames`);
  return [message || "unknown error", ...shown].join("\n");
}

/**
 * A syntax error in a cell's TypeScript, as `deno fmt` reports it ("SyntaxError: … (line 1, column
 * 7)"), or undefined when the cell parses. The Deno kernel answers a cell that does not parse with
 * only "Execution failed"; this says what and where.
 *
 * @example
 * ```ts
 * await syntaxError("const = 1;"); // => "SyntaxError: Unexpected token `=`. … (line 1, column 7)"
 * ```
 */
export async function syntaxError(source: string): Promise<string | undefined> {
  const { code, stderr } = await run([Deno.execPath(), "fmt", "--ext=ts", "-"], { stdin: source });
  if (code === 0) return undefined;
  const text = stderr.replace(ANSI, "");
  const message = /error: (.*)/.exec(text)?.[1]?.trim();
  const at = /_stdin\.ts:(\d+):(\d+)/.exec(text);
  return message ? `${message}${at ? ` (line ${at[1]}, column ${at[2]})` : ""}` : undefined;
}

/**
 * Turns nbconvert's stderr after a failed execution into a message naming the notebook, the cell
 * (1-based, markdown cells counted, matched by source) and the error — its message once, however
 * many lines it has, and its first stack frames; also recognises timeouts, a missing Deno kernel and a
 * dead kernel.
 *
 * @example
 * ```ts
 * describeFailure("notebooks/a.ipynb", nb, stderr);
 * // => "notebooks/a.ipynb: cell 4 (const x = load();) failed: RangeError: no such field
    at …"
 * ```
 */
export function describeFailure(path: string, notebook: NotebookJson, stderr: string): string {
  const text = stderr.replace(ANSI, "");
  const cellError =
    /CellExecutionError: An error occurred while executing the following cell:\n-+\n([\s\S]*?)\n-+\n([\s\S]*)$/
      .exec(text);
  if (cellError) {
    const [, source, rest] = cellError;
    const index = notebook.cells.findIndex((cell) =>
      cell.cell_type === "code" && sourceText(cell).trim() === source.trim()
    );
    const where = index >= 0 ? describeCell(notebook, index) : "a cell";
    return `${path}: ${where} failed: ${kernelError(rest)}`;
  }
  if (/timed out/i.test(text)) {
    const preview = /contents:\n-+\n([\s\S]*?)\n-+/.exec(text)?.[1]?.trim() ?? "";
    const index = notebook.cells.findIndex((cell) =>
      cell.cell_type === "code" && preview && sourceText(cell).includes(preview.split("\n")[0])
    );
    const after = /after (\d+) seconds/.exec(text)?.[1];
    return `${path}: ${index >= 0 ? describeCell(notebook, index) : "a cell"} timed out` +
      `${after ? ` after ${after} s` : ""} (raise --timeout)`;
  }
  if (/No such kernel named deno/.test(text)) {
    return `${path}: Jupyter has no Deno kernel. Run: deno jupyter --install`;
  }
  if (/DeadKernelError|Kernel died/i.test(text)) {
    return `${path}: the Deno kernel died while executing the notebook`;
  }
  return `${path}: nbconvert failed:\n${text.trim().split("\n").slice(-15).join("\n")}`;
}

/**
 * References that would make an exported page depend on something outside it: any `src` (or
 * `href` on a non-anchor element, like `<link>`) pointing at `file:`, `http(s):` or `//`.
 *
 * @example
 * ```ts
 * externalReferences('<script src="file:///usr/share/x.js"></script>'); // => ["file:///usr/share/x.js"]
 * ```
 */
export function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (
    const match of html.matchAll(
      /<(\w+)\b[^>]*?\s(src|href)\s*=\s*["']?\s*((?:file:|https?:|\/\/)[^"'\s>]*)/gi,
    )
  ) {
    const [, tag, attribute, url] = match;
    if (attribute.toLowerCase() === "href" && tag.toLowerCase() === "a") continue;
    found.push(url);
  }
  return found;
}

/** The level of a markdown cell's first heading (`## Setup` → 2), or 0 when it has none. */
function headingLevel(cell: NotebookCell): number {
  if (cell.cell_type !== "markdown") return 0;
  return /^(#{1,6})\s/m.exec(sourceText(cell))?.[1].length ?? 0;
}

/**
 * For an export without code (`--no-input`): the notebook without the sections whose code shows
 * nothing — a heading, its prose and code cells none of which has an output (a "Setup" section) —
 * which would otherwise stand as a heading over nothing. A section runs from a markdown heading to
 * the next heading of the same or a higher level; sections without code are kept, and so is the
 * notebook's title (level 1).
 *
 * @example
 * ```ts
 * dropSilentSections(executed).cells.length; // the "## Setup" markdown and its silent cell are gone
 * ```
 */
export function dropSilentSections(notebook: NotebookJson): NotebookJson {
  const drop = new Set<number>();
  notebook.cells.forEach((cell, k) => {
    const level = headingLevel(cell);
    if (level < 2) return;
    let end = k + 1;
    while (end < notebook.cells.length) {
      const next = headingLevel(notebook.cells[end]);
      if (next > 0 && next <= level) break;
      end++;
    }
    const section = notebook.cells.slice(k, end);
    const code = section.filter((c) => c.cell_type === "code");
    if (code.length > 0 && code.every((c) => (c.outputs ?? []).length === 0)) {
      for (let j = k; j < end; j++) drop.add(j);
    }
  });
  return { ...notebook, cells: notebook.cells.filter((_, k) => !drop.has(k)) };
}

/**
 * Markdown cells with their escaped dollars (`\$`, what stops JupyterLab's MathJax from reading
 * "\$1/\$1" as math) as the HTML entity `&#36;`: the exported page has no MathJax, and nbconvert's
 * Markdown keeps the backslash otherwise.
 *
 * @example
 * ```ts
 * literalDollars({ cell_type: "markdown", source: "the \\$1/\\$1 book", metadata: {} }).source; // => "the &#36;1/&#36;1 book"
 * ```
 */
export function literalDollars(cell: NotebookCell): NotebookCell {
  if (cell.cell_type !== "markdown") return cell;
  return { ...cell, source: sourceText(cell).replace(/\\\$/g, "&#36;") };
}

/**
 * The page with one copy of the hover script, at the end of the body: every chart output carries its
 * own (so it works alone in JupyterLab), the exported page needs it once.
 *
 * @example
 * ```ts
 * oneHoverScript(html).split('class="qn-hover-script"').length; // => 2
 * ```
 */
export function oneHoverScript(html: string): string {
  const without = html.split(HOVER_SCRIPT_TAG).join("");
  if (without === html) return html;
  const end = without.lastIndexOf("</body>");
  return end < 0 ? without + HOVER_SCRIPT_TAG : without.slice(0, end) + HOVER_SCRIPT_TAG + without.slice(end);
}

function notebookTitle(notebook: NotebookJson, fallback: string): string {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "markdown") continue;
    const heading = /^#{1,2}\s+(.+)$/m.exec(sourceText(cell));
    if (heading) return heading[1].replace(/[*_`]/g, "").trim();
  }
  return fallback;
}

function readNotebook(path: string, text: string): NotebookJson {
  try {
    const notebook = JSON.parse(text) as NotebookJson;
    if (!Array.isArray(notebook.cells)) throw new TypeError("no cells array");
    return notebook;
  } catch (error) {
    throw new ExportError(
      `${path}: not a Jupyter notebook (nbformat 4 JSON expected): ${(error as Error).message}`,
    );
  }
}

/**
 * Executes a notebook with the Deno kernel and writes `<outDir>/<name>.html` atomically. Fails with an
 * `ExportError` naming the notebook and cell when a cell throws or times out, when a displaying cell
 * (`expectsOutput`) has no output afterwards, or when the page would reference an external file.
 *
 * @example
 * ```ts
 * const { html } = await exportNotebook("notebooks/01_tour.ipynb", { outDir: "reports" });
 * // html === "reports/01_tour.html"
 * ```
 */
export async function exportNotebook(path: string, options: ExportOptions = {}): Promise<NotebookExport> {
  checkOptions("exportNotebook", options, EXPORT_KEYS);
  const { outDir = "reports", noInput = false, timeoutSeconds = 600 } = options;
  const started = performance.now();
  const name = basename(path, extname(path));
  const notebook = readNotebook(path, await Deno.readTextFile(path));
  const command = await nbconvertCommand();
  await ensureDenoKernel();

  const warmup: NotebookCell = {
    cell_type: "code",
    source: WARMUP_SOURCE,
    metadata: { quantnb: "warmup" },
    outputs: [],
    execution_count: null,
  };
  const drain: NotebookCell = { ...warmup, source: DRAIN_SOURCE, metadata: { quantnb: "drain" } };
  const input = { ...notebook, cells: [warmup, ...notebook.cells, drain] };
  const work = await Deno.makeTempDir({ prefix: "quantnb-export-" });
  try {
    const launched = Date.now();
    const executed = await run([
      ...command,
      EXEC_SCRIPT,
      "execute",
      String(timeoutSeconds),
      join(work, `${name}.ipynb`),
    ], {
      cwd: dirname(resolve(path)),
      stdin: JSON.stringify(input),
    });
    if (executed.code !== 0) {
      let message = describeFailure(path, notebook, executed.stderr);
      const failed = /^(.*) failed: Error: Execution failed$/.exec(message);
      const cell = failed && /cell (\d+) /.exec(failed[1]);
      if (cell) {
        const problem = await syntaxError(sourceText(notebook.cells[Number(cell[1]) - 1]));
        if (problem) message = `${failed![1]} failed: ${problem}`;
      }
      throw new ExportError(message);
    }

    const result = readNotebook(path, await Deno.readTextFile(join(work, `${name}.ipynb`)));
    result.cells = result.cells.filter((cell) =>
      !["warmup", "drain"].includes(String(cell.metadata?.quantnb))
    );
    for (const cell of result.cells) {
      if (typeof cell.execution_count === "number") cell.execution_count -= 1;
    }
    const { first, cells } = cellTimings(result);
    const missing = missingOutputs(result);
    if (missing.length > 0) {
      throw new ExportError(
        `${path}: ${missing.map((k) => describeCell(result, k - 1)).join(", ")} produced no output ` +
          `(expected from show(…) or a final expression; the Deno kernel lost it). Re-run the export; ` +
          `if it persists, end the cell with "await show(…)" or mark it silent with a trailing ";".`,
      );
    }
    const title = notebookTitle(result, name);
    result.metadata = { ...result.metadata, title };
    const executedPath = join(work, `${name}.executed.ipynb`);
    const shown = noInput ? dropSilentSections(result) : result;
    await Deno.writeTextFile(
      executedPath,
      JSON.stringify({ ...shown, cells: shown.cells.map(literalDollars) }),
    );

    const converting = performance.now();
    const converted = await run([
      ...command,
      EXEC_SCRIPT,
      "html",
      TEMPLATE_DIR,
      noInput ? "NOINPUT" : "INPUT",
      executedPath,
      join(work, `${name}.html`),
    ]);
    if (converted.code !== 0) {
      throw new ExportError(
        `${path}: HTML conversion failed:\n${converted.stderr.trim().split("\n").slice(-10).join("\n")}`,
      );
    }
    const convert = (performance.now() - converting) / 1000;
    const html = oneHoverScript(trustedPage(
      (await Deno.readTextFile(join(work, `${name}.html`))).replace("/*quantnb:css*/", REPORT_CSS),
    ));
    const external = externalReferences(html);
    if (external.length > 0) {
      throw new ExportError(
        `${path}: the exported page references external files (${external.join(", ")}); ` +
          `reports must be self-contained`,
      );
    }
    const target = join(outDir, `${name}.html`);
    await writeFileAtomic(target, html);
    const seconds = (performance.now() - started) / 1000;
    const startup = Number.isNaN(first) ? NaN : (first - launched) / 1000;
    return { notebook: path, html: target, title, seconds, timing: { startup, cells, convert } };
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

async function listFiles(dir: string): Promise<Deno.DirEntry[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

function pageTitle(html: string, fallback: string): string {
  const match = /<title>([\s\S]*?)<\/title>/i.exec(html);
  return match?.[1].trim() || fallback;
}

/**
 * Writes `<outDir>/index.html` linking every exported notebook page in `outDir` and every run tear
 * sheet found at `<runsDir>/<run_id>/tearsheet.html`. Tear sheets are copied to
 * `<outDir>/runs/<run_id>/tearsheet.html` and linked relatively, so the reports folder zipped on its
 * own (with its subfolders) still works offline. Runs show experiment, kind, date and headline
 * metrics from their `run.json` when present. Returns the index path.
 *
 * @example
 * ```ts
 * await writeReportsIndex("reports", { runsDir: "runs" }); // => "reports/index.html"
 * ```
 */
export async function writeReportsIndex(outDir: string, { runsDir = "runs" } = {}): Promise<string> {
  const notebooks: string[] = [];
  for (const entry of await listFiles(outDir)) {
    if (
      !entry.isFile || !entry.name.endsWith(".html") || entry.name === "index.html" ||
      entry.name.startsWith(".")
    ) {
      continue;
    }
    const title = pageTitle(await Deno.readTextFile(join(outDir, entry.name)), entry.name);
    const href = encodeURIComponent(entry.name);
    notebooks.push(
      `<li><a href="${href}">${escapeHtml(title)}</a> <span class="qn-muted">${
        escapeHtml(entry.name)
      }</span></li>`,
    );
  }
  const runs: string[] = [];
  for (const entry of (await listFiles(runsDir)).reverse()) {
    if (!entry.isDirectory || entry.name.startsWith(".")) continue;
    const source = join(runsDir, entry.name, "tearsheet.html");
    let sheet: string;
    try {
      sheet = await Deno.readTextFile(source);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    await writeFileAtomic(join(outDir, "runs", entry.name, "tearsheet.html"), sheet);
    const { label, about } = await runDescription(entry.name, join(runsDir, entry.name, "run.json"));
    const href = `runs/${encodeURIComponent(entry.name)}/tearsheet.html`;
    runs.push(
      `<li><a href="${href}">${escapeHtml(label)}</a> <span class="qn-muted">${
        escapeHtml(about)
      }</span></li>`,
    );
  }
  const list = (items: string[], empty: string) =>
    items.length ? `<ul class="qn-index">\n${items.join("\n")}\n</ul>` : `<p class="qn-muted">${empty}</p>`;
  const body =
    `<h1>quantnb reports</h1>\n<h2>Notebooks</h2>\n${list(notebooks, "No exported notebooks yet.")}\n` +
    `<h2>Run tear sheets</h2>\n${list(runs, "No run has a tear sheet yet.")}\n` +
    `<p class="qn-muted">Generated ${
      escapeHtml(new Date().toISOString().slice(0, 16).replace("T", " "))
    } UTC by ` +
    `deno task report. Everything here is self-contained and works offline.</p>`;
  const target = join(outDir, "index.html");
  await writeFileAtomic(target, htmlPage({ title: "quantnb reports", body }));
  return target;
}

/**
 * The index entry of a run: a label unique to it — what was run, its kind, the snapshot and the run
 * id (two runs of one signal on two snapshots, or twice on one, never read alike) — and a line
 * of details (date, verdict, best variant's Sharpe and annual return) from its `run.json`.
 *
 * @example
 * ```ts
 * await runDescription("20240102-…-a1b2", "runs/20240102-…-a1b2/run.json");
 * // => { label: "vendor_sentiment · suite · snapshot demo · run 20240102-…-a1b2", about: "2024-01-02 · yellow · Sharpe 1.75 · …" }
 * ```
 */
export async function runDescription(
  runId: string,
  runJsonPath: string,
): Promise<{ label: string; about: string }> {
  let run: Record<string, unknown>;
  try {
    run = JSON.parse(await Deno.readTextFile(runJsonPath));
  } catch (error) {
    const about = error instanceof Deno.errors.NotFound
      ? ""
      : `run.json unreadable: ${(error as Error).message}`;
    return { label: `run ${runId}`, about };
  }
  const tags = (run.tags ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const label = [
    text(tags.signal_name) ?? text(run.experiment),
    text(run.kind),
    text(tags.snapshot_id) ? `snapshot ${tags.snapshot_id}` : undefined,
    `run ${runId}`,
  ].filter(Boolean).join(" · ");
  const metrics = (run.metrics ?? {}) as Record<string, number | null>;
  const parts = [
    typeof run.created_at === "string" ? run.created_at.slice(0, 10) : undefined,
    text(tags.verdict),
    text(tags.best_variant) ? `best ${tags.best_variant}` : undefined,
  ].filter((part): part is string => part !== undefined);
  if (typeof metrics.sharpe === "number") parts.push(`Sharpe ${formatValue(metrics.sharpe, "f2")}`);
  if (typeof metrics.annual_return === "number") {
    parts.push(`ann. return ${formatValue(metrics.annual_return, "pct")}`);
  }
  return { label, about: parts.join(" · ") };
}
