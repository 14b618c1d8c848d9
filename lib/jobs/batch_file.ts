/**
 * Reading a batch file (YAML, or JSON, which is YAML 1.2 too) into a tree that remembers where each
 * key and value was written, so every problem found later can name its line and column.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

/** A place in a batch file: 1-based line and column. */
export interface Loc {
  readonly line: number;
  readonly col: number;
}

/** A scalar of a batch file (YAML 1.2 core schema: `off` and `yes` are strings). */
export type Scalar = string | number | boolean | null;

/** A key of a mapping, where it was written, and its value. */
export interface MapEntry {
  readonly key: string;
  readonly keyLoc: Loc;
  readonly value: BatchNode;
}

/** A node of a batch file: a mapping, a sequence or a scalar, with its position. */
export type BatchNode =
  | { readonly type: "map"; readonly loc: Loc; readonly entries: readonly MapEntry[] }
  | { readonly type: "seq"; readonly loc: Loc; readonly items: readonly BatchNode[] }
  | { readonly type: "scalar"; readonly loc: Loc; readonly value: Scalar };

/** One problem of a batch file: where, and what was expected vs found. */
export interface BatchProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** A batch file that cannot run: every problem found, each with its line and column. */
export class BatchFileError extends Error {
  constructor(readonly problems: readonly BatchProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "BatchFileError";
  }
}

/** `file:line:col: message`, the form editors and terminals link to. */
export function formatProblem(p: BatchProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** A parsed batch file: its path, its root node, and a helper to make problems at a place. */
export interface BatchSource {
  readonly file: string;
  readonly root: BatchNode;
  problem(loc: Loc, message: string): BatchProblem;
}

/**
 * Parses batch file text (YAML or JSON) into positioned nodes. Syntax errors, duplicate keys and
 * non-scalar keys are a `BatchFileError` naming their line and column.
 *
 * @example
 * ```ts
 * const { root } = parseBatchText("jobs:\n  - kind: backtest\n", "nightly.yaml");
 * root.type; // => "map"
 * ```
 */
export function parseBatchText(text: string, file: string): BatchSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined): Loc => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, col };
  };
  const problem = (loc: Loc, message: string): BatchProblem => ({ file, ...loc, message });
  const problems: BatchProblem[] = doc.errors.map((e) =>
    problem(at(e.pos[0]), e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""))
  );
  if (problems.length) throw new BatchFileError(problems);

  const convert = (node: unknown): BatchNode => {
    const resolved = isAlias(node) ? node.resolve(doc) : node;
    const loc = at((resolved as Node | undefined)?.range?.[0]);
    if (isMap(resolved)) {
      const entries: MapEntry[] = [];
      for (const pair of resolved.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        const keyLoc = at((key as Node | null)?.range?.[0]);
        if (!isScalar(key) || typeof key.value === "object" && key.value !== null) {
          problems.push(problem(keyLoc, "a key must be a plain name"));
          continue;
        }
        const value = pair.value === null
          ? { type: "scalar" as const, loc: keyLoc, value: null }
          : convert(pair.value);
        entries.push({ key: String(key.value), keyLoc, value });
      }
      return { type: "map", loc, entries };
    }
    if (isSeq(resolved)) return { type: "seq", loc, items: resolved.items.map(convert) };
    if (isScalar(resolved)) {
      const v = resolved.value;
      if (v === null || v === undefined) return { type: "scalar", loc, value: null };
      if (typeof v === "string" || typeof v === "boolean") return { type: "scalar", loc, value: v };
      if (typeof v === "number") return { type: "scalar", loc, value: v };
      if (typeof v === "bigint") return { type: "scalar", loc, value: Number(v) };
      return { type: "scalar", loc, value: String(v) };
    }
    return { type: "scalar", loc, value: null };
  };
  const root = doc.contents === null
    ? { type: "scalar" as const, loc: at(0), value: null }
    : convert(doc.contents);
  if (problems.length) throw new BatchFileError(problems);
  return { file, root, problem };
}

/**
 * Reads and parses a batch file (`.yaml`, `.yml` or `.json`); a missing or unreadable file is an
 * error naming it.
 *
 * @example
 * ```ts
 * const source = await readBatchFile("batches/nightly.yaml");
 * ```
 */
export async function readBatchFile(path: string): Promise<BatchSource> {
  if (!/\.(ya?ml|json)$/i.test(path)) {
    throw new TypeError(`${path}: a batch file ends in .yaml, .yml or .json`);
  }
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error(`${path}: no such batch file`);
    if (error instanceof Deno.errors.IsADirectory) throw new Error(`${path}: is a folder, not a batch file`);
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  return parseBatchText(text, path);
}

/** What kind of node this is, in words, for "expected … found …" messages. */
export function describeNode(node: BatchNode): string {
  if (node.type === "map") return "a mapping";
  if (node.type === "seq") return "a list";
  return node.value === null ? "nothing" : `${typeof node.value} ${JSON.stringify(node.value)}`;
}
