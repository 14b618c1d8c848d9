/**
 * Input files taken literally: one named file, checked before DuckDB sees it. DuckDB expands `*`,
 * `?`, `[…]` and directories in every path it reads (a directory or a `*` in a name silently merges
 * every matching file), so readers hand it a symlink with a plain name instead of the user's path,
 * and say clearly what is wrong (missing, a directory, binary, not Parquet) instead of DuckDB's SQL.
 */
import { extname, join, resolve } from "node:path";

/** The formats a data file can be read as. */
export type FileFormat = "csv" | "parquet";

/** Bytes looked at to tell text from binary. */
const SNIFF_BYTES = 64 * 1024;
const PARQUET_MAGIC = "PAR1";

/**
 * The format of `path` by its extension: `.parquet` / `.pq` (any case) are Parquet, anything else CSV.
 *
 * @example
 * ```ts
 * formatOf("signals/momentum.PQ"); // => "parquet"
 * ```
 */
export function formatOf(path: string): FileFormat {
  return /\.(parquet|pq)$/i.test(path) ? "parquet" : "csv";
}

/**
 * Checks that `path` is one readable, non-empty regular file whose content fits its format (by
 * extension): Parquet must start with the `PAR1` magic bytes; a CSV must be UTF-8 text (no NUL byte,
 * valid UTF-8 in its first 64 KiB). Throws a `TypeError` starting with `what` and the path, saying
 * what was expected and what was found. Returns the file's format.
 *
 * @example
 * ```ts
 * await checkDataFile("signals/momentum.csv", "signal file"); // => "csv", or throws "signal file … not found"
 * ```
 */
export async function checkDataFile(path: string, what = "file"): Promise<FileFormat> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new TypeError(`${what} ${path} not found`);
    throw new TypeError(`${what} ${path} cannot be read: ${(error as Error).message}`);
  }
  if (info.isDirectory) {
    throw new TypeError(
      `${what} ${path} is a directory; pass one file (paths are read literally, not as globs)`,
    );
  }
  if (!info.isFile) throw new TypeError(`${what} ${path} is not a regular file`);
  if (info.size === 0) throw new TypeError(`${what} ${path} is empty (0 bytes)`);
  const format = formatOf(path);
  const head = await readHead(path, Math.min(info.size, SNIFF_BYTES));
  const magic = new TextDecoder().decode(head.subarray(0, 4));
  if (format === "parquet") {
    if (magic !== PARQUET_MAGIC) {
      throw new TypeError(
        `${what} ${path} is not a Parquet file: expected the bytes "PAR1" at its start, found ${
          JSON.stringify(magic)
        } (a CSV file needs a .csv extension)`,
      );
    }
    return format;
  }
  if (magic === PARQUET_MAGIC) {
    throw new TypeError(
      `${what} ${path} is a Parquet file named ${
        extname(path) || "without an extension"
      }; rename it to .parquet`,
    );
  }
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new TypeError(
      `${what} ${path} is not a CSV text file: found a NUL byte at offset ${nul} (binary data); expected UTF-8 CSV text or Parquet (.parquet, .pq)`,
    );
  }
  const bad = invalidUtf8Offset(head, head.length < info.size);
  if (bad >= 0) {
    throw new TypeError(
      `${what} ${path} is not UTF-8 text: invalid byte 0x${
        head[bad].toString(16).padStart(2, "0")
      } at offset ${bad}; save it as UTF-8 CSV`,
    );
  }
  return format;
}

/**
 * Runs `fn` with a path DuckDB reads literally: a symlink with a plain name (`data.csv` /
 * `data.parquet`) in a fresh temp folder, pointing at the absolute `path`. The folder is removed
 * afterwards.
 *
 * @example
 * ```ts
 * const rows = await withLiteralPath("in[1]*.csv", (p) => conn.runAndReadAll(`FROM read_csv('${p}')`));
 * ```
 */
export async function withLiteralPath<T>(path: string, fn: (literal: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-literal-" });
  try {
    const link = join(dir, `data.${formatOf(path)}`);
    await Deno.symlink(resolve(path), link);
    return await fn(link);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * The reason in a DuckDB error message without the SQL it quotes (`LINE n: …` and the caret line
 * under it), so users see what is wrong with their file, not our query.
 *
 * @example
 * ```ts
 * duckdbReason(new Error('IO Error: No files found\n\nLINE 1: SELECT * FROM read_csv(…)\n   ^'));
 * // => "IO Error: No files found"
 * ```
 */
export function duckdbReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n");
  const cut = lines.findIndex((line) => /^LINE \d+:/.test(line));
  return (cut >= 0 ? lines.slice(0, cut) : lines).join("\n").trim();
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(n);
  let read = 0;
  while (read < n) {
    const k = await file.read(buffer.subarray(read));
    if (k === null) break;
    read += k;
  }
  return buffer.subarray(0, read);
}

/** Offset of the first byte that is not valid UTF-8, or −1; a sequence cut by `truncated` ends is fine. */
function invalidUtf8Offset(bytes: Uint8Array, truncated: boolean): number {
  for (let k = 0; k < bytes.length;) {
    const b = bytes[k];
    const need = b < 0x80
      ? 0
      : (b & 0xe0) === 0xc0 && b >= 0xc2
      ? 1
      : (b & 0xf0) === 0xe0
      ? 2
      : (b & 0xf8) === 0xf0 && b <= 0xf4
      ? 3
      : -1;
    if (need < 0) return k;
    if (k + need >= bytes.length && need > 0) return truncated ? -1 : k;
    for (let j = 1; j <= need; j++) if ((bytes[k + j] & 0xc0) !== 0x80) return k;
    k += need + 1;
  }
  return -1;
}
