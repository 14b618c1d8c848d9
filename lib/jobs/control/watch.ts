/**
 * Watching a job: its log as it grows (`followLog`, for `jobs log --follow`) and, in a notebook, a
 * live cell output with the job's status, progress bar and the end of its log (`watchJob`).
 */
import { jupyterKernel, settle } from "../../nb/kernel.ts";
import { escapeHtml } from "../../report/html.ts";
import { defaultJobsDir, jobPaths, type JobRecord, readJob } from "./job_record.ts";

const POLL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const finished = (r: JobRecord) => r.status !== "pending" && r.status !== "running";

/** Reads what was appended to a file since `offset`; returns the text and the new offset. */
async function readFrom(path: string, offset: number): Promise<{ text: string; offset: number }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return { text: "", offset };
  }
  try {
    const size = (await file.stat()).size;
    if (size <= offset) return { text: "", offset };
    await file.seek(offset, Deno.SeekMode.Start);
    const bytes = new Uint8Array(size - offset);
    let read = 0;
    while (read < bytes.length) {
      const n = await file.read(bytes.subarray(read));
      if (n === null) break;
      read += n;
    }
    // keep a partly written UTF-8 character for the next read
    let end = read;
    while (end > 0 && (bytes[end - 1] & 0xc0) === 0x80) end--;
    if (end > 0 && bytes[end - 1] >= 0xc0) end--;
    if (end === 0) end = read;
    return { text: new TextDecoder().decode(bytes.subarray(0, end)), offset: offset + end };
  } finally {
    file.close();
  }
}

/**
 * Writes a job's log to `write`; with `follow`, keeps writing what is appended until the job has
 * finished (then returns its final record).
 *
 * @example
 * ```ts
 * await followLog("runs/.jobs", id, (t) => Deno.stdout.writeSync(new TextEncoder().encode(t)), { follow: true });
 * ```
 */
export async function followLog(
  jobsDir: string,
  jobId: string,
  write: (text: string) => void,
  options: { follow?: boolean; signal?: AbortSignal } = {},
): Promise<JobRecord> {
  const { log } = jobPaths(jobsDir, jobId);
  let offset = 0;
  for (;;) {
    const record = await readJob(jobsDir, jobId);
    const chunk = await readFrom(log, offset);
    if (chunk.text) write(chunk.text);
    offset = chunk.offset;
    if (!options.follow || finished(record) || options.signal?.aborted) {
      const rest = await readFrom(log, offset);
      if (rest.text) write(rest.text);
      return record;
    }
    await sleep(POLL_MS);
  }
}

const STATUS_COLOR: Record<string, string> = {
  pending: "#57606a",
  running: "#0969da",
  completed: "#1a7f37",
  failed: "#cf222e",
  cancelled: "#9a6700",
};

/**
 * A job as compact HTML: kind, id, status, progress bar (when it reports progress), elapsed time,
 * error, and the last lines of its log.
 *
 * @example
 * ```ts
 * const html = jobView(await readJob(dir, id), logTail);
 * ```
 */
export function jobView(record: JobRecord, logTail = ""): string {
  const p = record.progress;
  const bar = p && p.total > 0
    ? `<progress value="${p.done}" max="${p.total}" style="width:240px;"></progress> ` +
      `<span>${
        escapeHtml(`${p.label} ${p.done}/${p.total} (${Math.round((100 * p.done) / p.total)}%)`)
      }</span>`
    : "";
  const since = record.started_at ?? record.created_at;
  const end = record.finished_at ? Date.parse(record.finished_at) : Date.now();
  const elapsed = `${((end - Date.parse(since)) / 1000).toFixed(1)} s`;
  const waiting = record.waiting_for ? ` · waiting for ${record.waiting_for}` : "";
  return `<div style="font:13px system-ui,sans-serif;">` +
    `<div><b>${escapeHtml(record.kind)}</b> job <code>${escapeHtml(record.job_id)}</code> · ` +
    `<b style="color:${STATUS_COLOR[record.status] ?? "inherit"}">${
      escapeHtml(record.status)
    }</b> · ${elapsed}${escapeHtml(waiting)}</div>` +
    (bar ? `<div style="display:flex;align-items:center;gap:8px;margin:4px 0;">${bar}</div>` : "") +
    (record.error ? `<div style="color:#cf222e;">${escapeHtml(record.error)}</div>` : "") +
    (logTail
      ? `<pre style="margin:4px 0;max-height:16em;overflow:auto;font-size:12px;">${escapeHtml(logTail)}</pre>`
      : "") +
    `</div>`;
}

/** The last `lines` lines of a text. */
function tail(text: string, lines: number): string {
  const all = text.replace(/\n$/, "").split("\n");
  return all.slice(-lines).join("\n");
}

/**
 * Shows a job live until it finishes: in a notebook, one cell output updated in place (status,
 * progress bar, the last 20 lines of the log; its last state stays as the cell's output); elsewhere
 * the log as it grows. Resolves with the final record.
 *
 * @example
 * ```ts
 * await watchJob(await startJob("suite", ["--snapshot", "demo", "--signal", "data/demo_signal.parquet"]));
 * ```
 */
export async function watchJob(
  job: string | Pick<JobRecord, "job_id">,
  options: { jobsDir?: string; lines?: number; signal?: AbortSignal } = {},
): Promise<JobRecord> {
  const jobsDir = options.jobsDir ?? defaultJobsDir();
  const jobId = typeof job === "string" ? job : job.job_id;
  const kernel = jupyterKernel();
  if (!kernel) {
    const encoder = new TextEncoder();
    return await followLog(jobsDir, jobId, (t) => Deno.stdout.writeSync(encoder.encode(t)), {
      follow: true,
      signal: options.signal,
    });
  }
  const displayId = `quantnb-job-${jobId}-${Date.now()}`;
  const { log } = jobPaths(jobsDir, jobId);
  let text = "", offset = 0, first = true;
  for (;;) {
    const record = await readJob(jobsDir, jobId);
    const chunk = await readFrom(log, offset);
    text = (text + chunk.text).slice(-64 * 1024);
    offset = chunk.offset;
    const html = jobView(record, tail(text, options.lines ?? 20));
    const content = { data: { "text/html": html }, metadata: {}, transient: { display_id: displayId } };
    await kernel.broadcast(first ? "display_data" : "update_display_data", content);
    first = false;
    if (finished(record) || options.signal?.aborted) {
      await settle();
      return record;
    }
    await sleep(500);
  }
}
