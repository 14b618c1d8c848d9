/**
 * Downloading raw files into a cache folder (default `data/raw/b3/`): B3's COTAHIST URL patterns,
 * retries with exponential back-off, resume of partial downloads (HTTP `Range` + `If-Range`),
 * conditional re-fetch of files whose period was still open when downloaded (`If-None-Match` /
 * `If-Modified-Since`), and a sidecar `<file>.json` recording where and when each file came from.
 *
 * A file is written as `<file>.part` and renamed into place only once complete (its size matches
 * the server's), so the cache never holds a truncated file under its final name.
 */
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../util/atomic.ts";
import { envOr } from "../../util/env.ts";
import { type CotahistPeriod, cotahistPeriod } from "./source.ts";
import { isZip, zipEntries } from "./zip.ts";

/** B3's historical-quotes folder: `COTAHIST_A2024.ZIP`, `COTAHIST_M012024.ZIP`, `COTAHIST_D02012024.ZIP`. */
export const B3_COTAHIST_BASE_URL = "https://bvmf.bmfbovespa.com.br/InstDados/SerHist/";

/** The raw cache folder (`QUANTNB_B3_RAW` overrides it). */
export const DEFAULT_RAW_DIR: string = envOr("QUANTNB_B3_RAW", "data/raw/b3");

/**
 * B3's file name for a yearly, monthly or daily COTAHIST ZIP.
 *
 * @example
 * ```ts
 * cotahistFileName({ kind: "yearly", year: 2024 }); // => "COTAHIST_A2024.ZIP"
 * cotahistFileName({ kind: "daily", year: 2024, month: 1, day: 2 }); // => "COTAHIST_D02012024.ZIP"
 * ```
 */
export function cotahistFileName(p: Pick<CotahistPeriod, "kind" | "year" | "month" | "day">): string {
  const two = (n?: number) => String(n ?? 0).padStart(2, "0");
  if (p.kind === "yearly") return `COTAHIST_A${p.year}.ZIP`;
  if (p.kind === "monthly") return `COTAHIST_M${two(p.month)}${p.year}.ZIP`;
  return `COTAHIST_D${two(p.day)}${two(p.month)}${p.year}.ZIP`;
}

/** What the sidecar `<file>.json` records. */
export interface RawFileInfo {
  url: string;
  bytes: number;
  downloaded_at: string;
  etag: string | null;
  last_modified: string | null;
  /** Last day the file covers (YYYY-MM-DD), when known: a file fetched before it is re-validated. */
  period_end: string | null;
}

/** Options of `downloadFile`. */
export interface DownloadOptions {
  /** Attempts after the first (default 4). */
  retries?: number;
  /** First back-off in ms, doubled at each retry (default 1000). */
  backoffMs?: number;
  /** Abort a request that receives nothing for this long (default 60 s). */
  idleTimeoutMs?: number;
  /** Last day the file covers (epoch ms): a cached copy downloaded on or before it is re-validated. */
  periodEnd?: number;
  /** Progress in bytes `(done, total)`; total is NaN when the server does not say. */
  onProgress?: (done: number, total: number) => void;
  /** Called before each retry with the attempt number, the wait and the reason. */
  onRetry?: (attempt: number, waitMs: number, reason: string) => void;
  /** Clock (ms) for "is the period closed" (default `Date.now`). */
  now?: () => number;
}

/** How a file came to be in the cache. */
export interface DownloadResult {
  path: string;
  url: string;
  status: "cached" | "not-modified" | "downloaded" | "resumed";
  bytes: number;
  attempts: number;
}

/** An HTTP answer that retrying will not fix (404, 403, …). */
export class DownloadError extends Error {
  constructor(readonly url: string, readonly status: number, message: string) {
    super(message);
    this.name = "DownloadError";
  }
}

/**
 * Downloads `url` to `path` unless a complete copy is cached. Network errors, 5xx and 429 answers
 * are retried with exponential back-off (`backoffMs × 2^k`, or the server's `Retry-After`), each
 * retry resuming from the bytes already in `<path>.part`. A 404 throws at once, naming the URL.
 *
 * @example
 * ```ts
 * const r = await downloadFile(`${B3_COTAHIST_BASE_URL}COTAHIST_A2023.ZIP`, "data/raw/b3/COTAHIST_A2023.ZIP");
 * r.status; // => "downloaded", then "cached" on the next run
 * ```
 */
export async function downloadFile(
  url: string,
  path: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const { retries = 4, backoffMs = 1000, idleTimeoutMs = 60_000, now = Date.now } = options;
  const info = await readInfo(path);
  const cached = await cachedState(path, info, options.periodEnd);
  if (cached === "complete") return { path, url, status: "cached", bytes: info!.bytes, attempts: 0 };
  await Deno.mkdir(dirname(path), { recursive: true });
  const part = `${path}.part`;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      const result = await attempt(url, path, part, cached === "stale" ? info : null, idleTimeoutMs, options);
      if (result.status !== "not-modified") {
        await writeInfo(path, {
          url,
          bytes: result.bytes,
          downloaded_at: new Date(now()).toISOString(),
          etag: result.etag,
          last_modified: result.lastModified,
          period_end: options.periodEnd === undefined
            ? null
            : new Date(options.periodEnd).toISOString().slice(0, 10),
        });
      } else {
        await writeInfo(path, { ...info!, downloaded_at: new Date(now()).toISOString() });
      }
      return { path, url, status: result.status, bytes: result.bytes, attempts };
    } catch (error) {
      if (error instanceof DownloadError || attempts > retries) throw annotate(error, url, attempts, path);
      const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
      const wait = retryAfter ?? backoffMs * 2 ** (attempts - 1);
      options.onRetry?.(attempts, wait, (error as Error).message);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

interface AttemptResult {
  status: "downloaded" | "resumed" | "not-modified";
  bytes: number;
  etag: string | null;
  lastModified: string | null;
}

/** One request: resume `part` when it exists, stream the body into it, rename when complete. */
async function attempt(
  url: string,
  path: string,
  part: string,
  stale: RawFileInfo | null,
  idleTimeoutMs: number,
  options: DownloadOptions,
): Promise<AttemptResult> {
  const partInfo = await readJson<{ url: string; etag: string | null; last_modified: string | null }>(
    `${part}.json`,
  );
  let have = 0;
  try {
    have = partInfo?.url === url ? (await Deno.stat(part)).size : 0;
  } catch {
    have = 0;
  }
  const headers = new Headers();
  if (have > 0) {
    headers.set("Range", `bytes=${have}-`);
    const validator = partInfo?.etag ?? partInfo?.last_modified;
    if (validator) headers.set("If-Range", validator);
  } else if (stale) {
    if (stale.etag) headers.set("If-None-Match", stale.etag);
    if (stale.last_modified) headers.set("If-Modified-Since", stale.last_modified);
  }
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new Error(`no data for ${idleTimeoutMs} ms`)), idleTimeoutMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${idleTimeoutMs} ms`)), idleTimeoutMs);
  };
  try {
    const response = await fetch(url, { headers, signal: controller.signal });
    if (response.status === 304) {
      await response.body?.cancel();
      return {
        status: "not-modified",
        bytes: stale?.bytes ?? 0,
        etag: stale?.etag ?? null,
        lastModified: null,
      };
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      const header = response.headers.get("Retry-After");
      const seconds = header === null ? NaN : Number(header);
      throw Object.assign(new Error(`HTTP ${response.status} from ${url}`), {
        retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) * 1000 : undefined,
      });
    }
    if (response.status === 416) {
      await response.body?.cancel();
      await removeIfPresent(part);
      throw new Error(`HTTP 416 (range not satisfiable) from ${url}: restarting the download`);
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new DownloadError(
        url,
        response.status,
        response.status === 404
          ? `${url}: HTTP 404, B3 publishes no such file (a year, month or day not yet published, or a non-trading day)`
          : `${url}: HTTP ${response.status} ${response.statusText}`,
      );
    }
    const resumed = response.status === 206;
    const start = resumed ? have : 0;
    const etag = response.headers.get("ETag");
    const lastModified = response.headers.get("Last-Modified");
    const total = expectedTotal(response, start);
    await writeFileAtomic(`${part}.json`, JSON.stringify({ url, etag, last_modified: lastModified }));
    using file = await Deno.open(part, { write: true, create: true, truncate: !resumed, append: resumed });
    let done = start;
    if (response.body) {
      for await (const chunk of response.body) {
        touch();
        await writeAll(file, chunk);
        done += chunk.length;
        options.onProgress?.(done, total);
      }
    }
    await file.sync();
    if (Number.isFinite(total) && done !== total) {
      throw new Error(`${url}: the body ended at ${done} of ${total} bytes`);
    }
    await Deno.rename(part, path);
    await removeIfPresent(`${part}.json`);
    return { status: resumed ? "resumed" : "downloaded", bytes: done, etag, lastModified };
  } finally {
    clearTimeout(timer);
  }
}

/** The full size the server announces (Content-Range total for a 206, else Content-Length), or NaN. */
function expectedTotal(response: Response, start: number): number {
  const range = response.headers.get("Content-Range");
  const m = range && /\/(\d+)$/.exec(range);
  if (m) return Number(m[1]);
  const length = response.headers.get("Content-Length");
  return length === null ? NaN : start + Number(length);
}

/**
 * Whether the cached `path` can be used: "complete" (sidecar size matches and the period had ended
 * when it was fetched, or a readable ZIP without a sidecar, e.g. placed by hand), "stale" (complete
 * but fetched while its period was open: re-validate), or "missing".
 */
async function cachedState(
  path: string,
  info: RawFileInfo | null,
  periodEnd: number | undefined,
): Promise<"complete" | "stale" | "missing"> {
  let size: number;
  try {
    size = (await Deno.stat(path)).size;
  } catch {
    return "missing";
  }
  if (!info) return (await readableZip(path)) ? "complete" : "missing";
  if (info.bytes !== size) return "missing";
  if (periodEnd !== undefined && Date.parse(info.downloaded_at) <= periodEnd + 86_400_000) return "stale";
  return "complete";
}

async function readableZip(path: string): Promise<boolean> {
  try {
    return !(await isZip(path)) || (await zipEntries(path)).length > 0;
  } catch {
    return false;
  }
}

/** One file of the raw cache, as `listRawFiles` shows it. */
export interface RawFile {
  file: string;
  kind: CotahistPeriod["kind"] | "series" | "partial" | "other";
  period: string;
  bytes: number;
  modified: string;
  source: string;
}

/**
 * The raw cache's files, by name: COTAHIST files with the period they cover, series files
 * (`CDI_2024.json`, `IBOV_2024.json`), partial downloads (`.part`), with sizes, modification times
 * and the URL each came from (from its sidecar).
 *
 * @example
 * ```ts
 * await show(await listRawFiles("data/raw/b3"));
 * ```
 */
export async function listRawFiles(rawDir: string = DEFAULT_RAW_DIR): Promise<RawFile[]> {
  const out: RawFile[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(rawDir));
  } catch {
    return out;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile || entry.name.endsWith(".json") && !/^[A-Z]+_\d{4}\.json$/.test(entry.name)) continue;
    const path = join(rawDir, entry.name);
    const stat = await Deno.stat(path);
    const info = await readInfo(path);
    const period = cotahistPeriod(entry.name);
    const series = /^([A-Z]+)_(\d{4})\.json$/.exec(entry.name);
    out.push({
      file: entry.name,
      kind: entry.name.endsWith(".part") ? "partial" : period?.kind ?? (series ? "series" : "other"),
      period: period
        ? `${isoDay(period.start)} → ${isoDay(period.end)}`
        : series
        ? `${series[1]} ${series[2]}`
        : "",
      bytes: stat.size,
      modified: stat.mtime ? stat.mtime.toISOString().slice(0, 19).replace("T", " ") : "",
      source: info?.url ?? "",
    });
  }
  return out;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

async function readInfo(path: string): Promise<RawFileInfo | null> {
  return await readJson<RawFileInfo>(`${path}.json`);
}

async function writeInfo(path: string, info: RawFileInfo): Promise<void> {
  await writeFileAtomic(`${path}.json`, JSON.stringify(info, null, 2) + "\n");
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch {
    return null;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

async function writeAll(file: Deno.FsFile, chunk: Uint8Array): Promise<void> {
  for (let k = 0; k < chunk.length;) k += await file.write(chunk.subarray(k));
}

function annotate(error: unknown, url: string, attempts: number, path: string): Error {
  if (error instanceof DownloadError) return error;
  return new Error(
    `${url}: download failed after ${attempts} attempt(s): ${(error as Error).message} ` +
      `(no network? put the file at ${path} yourself and run again)`,
  );
}
