/**
 * COTAHIST raw files: what a file's name says it covers (B3 publishes yearly `COTAHIST_A2024`,
 * monthly `COTAHIST_M012024` and daily `COTAHIST_D02012024` files, each a ZIP holding one `.TXT`),
 * and the byte streams to parse, from a ZIP (detected by its signature, not its name) or a plain TXT.
 */
import { basename } from "node:path";
import { isZip, zipEntries, zipEntryChunks } from "./zip.ts";

/** The period a COTAHIST file covers, from its name. */
export interface CotahistPeriod {
  kind: "yearly" | "monthly" | "daily";
  year: number;
  month?: number;
  day?: number;
  /** First and last calendar day covered (epoch ms, UTC midnight). */
  start: number;
  end: number;
}

/**
 * The period of a COTAHIST file named as B3 names them (`COTAHIST_A2024.ZIP`, `COTAHIST_M012024.TXT`,
 * `COTAHIST_D02012024.zip`, or the layout's `COTAHIST.2024.TXT`), or null for any other name.
 *
 * @example
 * ```ts
 * cotahistPeriod("COTAHIST_M012024.ZIP"); // => { kind: "monthly", year: 2024, month: 1, … }
 * ```
 */
export function cotahistPeriod(name: string): CotahistPeriod | null {
  const base = basename(name).toUpperCase();
  let m = /^COTAHIST[_.]A?(\d{4})(\.(ZIP|TXT))?$/.exec(base);
  if (m) {
    const year = +m[1];
    return { kind: "yearly", year, start: Date.UTC(year, 0, 1), end: Date.UTC(year, 11, 31) };
  }
  m = /^COTAHIST_M(\d{2})(\d{4})(\.(ZIP|TXT))?$/.exec(base);
  if (m) {
    const month = +m[1], year = +m[2];
    if (month < 1 || month > 12) return null;
    return {
      kind: "monthly",
      year,
      month,
      start: Date.UTC(year, month - 1, 1),
      end: Date.UTC(year, month, 0),
    };
  }
  m = /^COTAHIST_D(\d{2})(\d{2})(\d{4})(\.(ZIP|TXT))?$/.exec(base);
  if (m) {
    const day = +m[1], month = +m[2], year = +m[3];
    const start = Date.UTC(year, month - 1, day);
    if (new Date(start).getUTCDate() !== day || month < 1 || month > 12) return null;
    return { kind: "daily", year, month, day, start, end: start };
  }
  return null;
}

/** One COTAHIST text inside a raw file: its name, its size and a stream of its bytes. */
export interface CotahistText {
  /** `path` for a TXT, `path!ENTRY.TXT` for a ZIP entry (used in messages). */
  label: string;
  /** Uncompressed bytes (for progress). */
  size: number;
  chunks: () => AsyncIterable<Uint8Array>;
}

/**
 * The COTAHIST texts in a raw file: every `.TXT` entry of a ZIP, or the file itself. Throws an
 * `Error` naming the file when it is missing, an unreadable ZIP, or a ZIP without a `.TXT` entry.
 *
 * @example
 * ```ts
 * for (const text of await cotahistTexts("data/raw/b3/COTAHIST_A2024.ZIP")) {
 *   await parseCotahist(text.chunks(), { file: text.label, onQuote });
 * }
 * ```
 */
export async function cotahistTexts(path: string): Promise<CotahistText[]> {
  let size: number;
  try {
    size = (await Deno.stat(path)).size;
  } catch {
    throw new Error(`${path}: no such COTAHIST file`);
  }
  if (!(await isZip(path))) {
    return [{ label: path, size, chunks: () => fileChunks(path) }];
  }
  const entries = (await zipEntries(path)).filter((e) => /\.txt$/i.test(e.name));
  if (!entries.length) throw new Error(`${path}: the ZIP holds no .TXT entry`);
  return entries.map((entry) => ({
    label: `${path}!${entry.name}`,
    size: entry.size,
    chunks: () => zipEntryChunks(path, entry),
  }));
}

/** The bytes of a plain file, in 1 MiB chunks. */
async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  using file = await Deno.open(path);
  for (;;) {
    const buffer = new Uint8Array(1 << 20);
    const n = await file.read(buffer);
    if (n === null) return;
    yield buffer.subarray(0, n);
  }
}
