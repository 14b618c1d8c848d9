/**
 * A user's input file, taken literally: the path names one regular file (never a folder, never a
 * glob pattern), its header is read and checked, and DuckDB reads it through a `FROM` clause that
 * the rest of ingest projects from. Structural problems (empty file, header only, duplicated header
 * column, ragged rows, over-long lines, binary content) become `InputProblem`s with their row.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlString } from "../store/db.ts";
import { InputError, type InputProblem } from "./errors.ts";

/** DuckDB's default `max_line_size` (bytes): a longer CSV line is refused. */
export const MAX_LINE_BYTES = 2_097_152;

/** An input file resolved for reading. Call `close()` when done (removes a glob-safe link). */
export interface SourceFile {
  /** The path as the user gave it (used in messages). */
  file: string;
  /** The path DuckDB reads (the file itself, or a link to it when its name holds glob characters). */
  path: string;
  format: "csv" | "parquet";
  /** Column names in file order. */
  header: string[];
  /** Parquet: each column's DuckDB type. */
  types?: Record<string, string>;
  /** CSV: the field delimiter. */
  delimiter?: string;
  /** CSV: the first data rows (up to 2,000 complete lines of the first 2 MB), split into fields. */
  sample?: string[][];
  close(): Promise<void>;
}

/** How many first data rows `openSource` keeps as a sample. */
const SAMPLE_LINES = 2000;

/** Characters DuckDB treats as a glob in a path. */
const GLOB = /[*?[]/;

/**
 * Resolves `file` literally and reads its header: refuses a missing path, a folder, an empty file,
 * binary content, an empty or duplicated header column, with an `InputError` naming the file.
 */
export async function openSource(conn: DuckDBConnection, file: string): Promise<SourceFile> {
  const fail = (expected: string, found: string, row?: number): never => {
    throw new InputError(file, [{ ...(row === undefined ? {} : { row }), expected, found }]);
  };
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(file);
  } catch {
    return fail("an existing CSV or Parquet file", "no such file");
  }
  if (info.isDirectory) {
    fail("a file (to load a folder, list its files: dir/*.csv expands in the shell)", "a directory");
  }
  if (!info.isFile) fail("a regular file", "something else (a device or a socket)");
  if (info.size === 0) fail("a CSV with a header row and data rows", "an empty file (0 bytes)");
  const format = /\.parquet$/i.test(file) ? "parquet" : "csv";
  let path = file, linkDir: string | undefined;
  if (GLOB.test(file)) {
    // DuckDB would expand * ? [ into every matching file: read through a plain-named link instead.
    linkDir = await Deno.makeTempDir({ prefix: "quantnb-input-" });
    path = `${linkDir}/input.${format}`;
    await Deno.symlink(await Deno.realPath(file), path);
  }
  const close = async () => {
    if (linkDir) await Deno.remove(linkDir, { recursive: true }).catch(() => {});
  };
  try {
    if (format === "parquet") {
      let described: Record<string, unknown>[];
      try {
        described = await queryRows(conn, `DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
      } catch (error) {
        return fail("a readable Parquet file", firstLine(error));
      }
      const types = Object.fromEntries(
        described.map((r) => [r.column_name as string, r.column_type as string]),
      );
      return { file, path, format, header: Object.keys(types), types, close };
    }
    const head = await readHead(file);
    const kind = binaryKind(head);
    if (kind) fail("a text CSV file", kind);
    const text = new TextDecoder().decode(head).replace(/^\uFEFF/, "");
    const end = text.search(/\r?\n|\r/);
    if (end < 0 && head.length >= MAX_LINE_BYTES) {
      fail(`a header line under ${mb(MAX_LINE_BYTES)}`, `a first line longer than ${mb(MAX_LINE_BYTES)}`);
    }
    const line = end < 0 ? text : text.slice(0, end);
    if (line.trim() === "") fail("a header row naming the columns", "an empty first line");
    const delimiter = detectDelimiter(line);
    const header = splitCsvLine(line, delimiter).map((name, k) => name.trim() || `column${k + 1}`);
    const problems: InputProblem[] = [];
    const seen = new Map<string, number>();
    header.forEach((name, k) => {
      const first = seen.get(name.toLowerCase());
      if (first === undefined) seen.set(name.toLowerCase(), k);
      else {
        problems.push({
          column: name,
          expected: "each column named once in the header",
          found: `"${header[first]}" as column ${first + 1} and "${name}" as column ${k + 1}`,
        });
      }
    });
    if (problems.length) throw new InputError(file, problems);
    const lines = text.slice(end).split(/\r?\n|\r/).slice(1, -1).filter((l) => l !== "").slice(
      0,
      SAMPLE_LINES,
    );
    const sample = lines.map((l) => splitCsvLine(l, delimiter));
    return { file, path, format, header, delimiter, sample, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The `read_csv`/`read_parquet` call for `source`. CSV: the header's names, every column as text
 * except `types` (e.g. `{ close: "DOUBLE" }`), dates in `dateFormat`, and with `rejects` the rows
 * DuckDB cannot read go to the temp table `ingest_rejects` instead of failing the read.
 */
export function readSql(
  source: SourceFile,
  { types = {}, dateFormat, rejects = false }: {
    types?: Record<string, string>;
    dateFormat?: string;
    rejects?: boolean;
  } = {},
): string {
  if (source.format === "parquet") return `read_parquet(${sqlString(source.path)})`;
  const list = (items: string[]) => `[${items.map(sqlString).join(", ")}]`;
  const options = [
    "header = true",
    `delim = ${sqlString(source.delimiter!)}`,
    `quote = '"'`,
    `names = ${list(source.header)}`,
    "all_varchar = true",
    ...(Object.keys(types).length
      ? [`types = {${Object.entries(types).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(", ")}}`]
      : []),
    ...(dateFormat ? [`dateformat = ${sqlString(dateFormat)}`] : []),
    ...(rejects
      ? ["store_rejects = true", "rejects_table = 'ingest_rejects'", "rejects_scan = 'ingest_reject_scans'"]
      : []),
  ];
  return `read_csv(${sqlString(source.path)}, ${options.join(", ")})`;
}

/** Drops the rejects tables of a previous read (call before a `readSql(…, { rejects: true })` read). */
export async function clearRejects(conn: DuckDBConnection): Promise<void> {
  await conn.run("DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_reject_scans");
}

/**
 * The rows DuckDB could not read, as problems: ragged rows (columns missing or extra), bytes that
 * are not UTF-8, and values its typed read could not cast (only counted unless `casts`: the
 * precise pass names them). Row = data row (file line − 1, the header being line 1).
 */
export async function rejectedRows(
  conn: DuckDBConnection,
  source: SourceFile,
  { casts = false }: { casts?: boolean } = {},
): Promise<{ problems: InputProblem[]; total: number; casts: number }> {
  const [exists] = await queryRows(
    conn,
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'ingest_rejects'",
  );
  if (!exists.n) return { problems: [], total: 0, casts: 0 };
  const [{ n: castRows }] = await queryRows(
    conn,
    "SELECT count(*) FILTER (WHERE error_type = 'CAST') AS n FROM ingest_rejects",
  );
  const where = casts ? "" : "WHERE error_type <> 'CAST'";
  const [{ total }] = await queryRows(conn, `SELECT count(*) AS total FROM ingest_rejects ${where}`);
  const rows = await queryRows(
    conn,
    `SELECT line, column_name, error_type, error_message, csv_line FROM ingest_rejects ${where} ORDER BY line LIMIT 20`,
  );
  const names = source.header.join(", ");
  const problems = rows.map((r): InputProblem => {
    const row = (r.line as number) - 1;
    const found = Number(/Found: (\d+)/.exec(r.error_message as string)?.[1]);
    switch (r.error_type) {
      case "MISSING COLUMNS":
      case "TOO MANY COLUMNS":
        return {
          row,
          expected: `${source.header.length} columns (${names})`,
          found: `${found} column(s): ${JSON.stringify(clip(r.csv_line as string))}`,
        };
      case "INVALID ENCODING":
        return {
          row,
          expected: "UTF-8 text",
          found: "bytes that are not UTF-8 (another encoding: convert the file to UTF-8)",
        };
      default:
        return {
          row,
          ...(r.column_name ? { column: r.column_name as string } : {}),
          expected: "a readable CSV row",
          found: (r.error_message as string).split("\n")[0],
        };
    }
  });
  return { problems, total: total as number, casts: castRows as number };
}

/**
 * A CSV read that DuckDB refused as a whole, as problems: an over-long line is located (row and
 * size, found by scanning the file); anything else keeps the first line of DuckDB's message.
 */
export async function unreadableProblems(source: SourceFile, error: unknown): Promise<InputProblem[]> {
  const message = (error as Error).message;
  if (/maximum line size|max_line_size/i.test(message)) {
    const long = await findLongLine(source.file);
    if (long) {
      return [{
        row: long.line - 1,
        expected: `lines under ${mb(MAX_LINE_BYTES)} (one row per line)`,
        found: `a line of ${mb(long.bytes)} starting ${JSON.stringify(clip(long.start))}${
          long.line === 1 ? "" : " (a quote left open, or a file whose line breaks were lost?)"
        }`,
      }];
    }
  }
  return [{ expected: "a readable CSV file", found: firstLine(error) }];
}

/** The first over-long line of a file: its 1-based number, its length in bytes and its start. */
async function findLongLine(
  file: string,
): Promise<{ line: number; bytes: number; start: string } | undefined> {
  using handle = await Deno.open(file, { read: true });
  const buffer = new Uint8Array(1 << 20);
  let line = 1, length = 0, start = "";
  while (true) {
    const n = await handle.read(buffer);
    if (n === null) break;
    for (let k = 0; k < n; k++) {
      if (buffer[k] === 10) {
        if (length > MAX_LINE_BYTES) return { line, bytes: length, start };
        line++;
        length = 0;
      } else {
        if (length === 0) start = new TextDecoder().decode(buffer.subarray(k, Math.min(n, k + 61)));
        length++;
      }
    }
  }
  return length > MAX_LINE_BYTES ? { line, bytes: length, start } : undefined;
}

/** The first bytes of a file: enough for its header line (or to see it is longer than allowed). */
async function readHead(file: string): Promise<Uint8Array> {
  using handle = await Deno.open(file, { read: true });
  const buffer = new Uint8Array(MAX_LINE_BYTES + 2);
  let filled = 0;
  while (filled < buffer.length) {
    const n = await handle.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
    if (buffer.subarray(0, filled).includes(10)) break;
  }
  return buffer.subarray(0, filled);
}

/** What a binary file looks like, or `undefined` for text. */
function binaryKind(head: Uint8Array): string | undefined {
  const magic = new TextDecoder("latin1").decode(head.subarray(0, 4));
  if (magic === "PAR1") return "a Parquet file (name it .parquet, or use `deno task ingest parquet`)";
  if (magic.startsWith("PK")) return "a ZIP archive (an Excel workbook? export the sheet as CSV)";
  const nul = head.subarray(0, 8192).indexOf(0);
  return nul >= 0 ? `binary data (a NUL byte at offset ${nul})` : undefined;
}

/** The delimiter of a header line: the most frequent of , ; tab | outside quotes (comma on a tie). */
function detectDelimiter(line: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0, "|": 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  return Object.entries(counts).reduce((best, entry) => (entry[1] > best[1] ? entry : best), [",", 0])[0];
}

/** Splits one CSV line on `delimiter`, honouring double quotes ("" inside quotes is a quote). */
function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = "", quoted = false;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k];
    if (quoted) {
      if (ch === '"' && line[k + 1] === '"') {
        field += '"';
        k++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

function firstLine(error: unknown): string {
  return (error as Error).message.split("\n")[0];
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function mb(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} KB`;
}
