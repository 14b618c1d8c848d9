/**
 * Housekeeping: what `deno task clean` removes — runs older than N days or beyond the newest N,
 * report files older than N days, finished job records older than N days, the temp folders
 * crashed writers left (never one a live writer holds), and the store's bars past their retention
 * rule (aggregated or removed through `writeStore`, so atomically) — listing each item with its size,
 * or only listing them (`dryRun`).
 */
import { join } from "node:path";
import { applyRetention, type RetentionRule } from "../bars/retention.ts";
import { openStore } from "../store/db.ts";
import { writeStore } from "../store/write_store.ts";
import { removeOrphans } from "../util/atomic.ts";
import { listJobs } from "./control/job_record.ts";

/** What to clean, and where. */
export interface CleanOptions {
  readonly runsDir: string;
  readonly reportsDir: string;
  readonly snapshotsDir: string;
  readonly jobsDir: string;
  /** Remove runs created more than this many days ago. */
  readonly runsOlderThanDays?: number;
  /** Keep only the newest N runs (by creation time). */
  readonly keepRuns?: number;
  /** Remove entries of the reports folder untouched for more than this many days. */
  readonly reportsOlderThanDays?: number;
  /** Remove finished jobs' records older than this many days (default 30). */
  readonly jobsOlderThanDays?: number;
  /** Retention rules for the bars of the store at `db` (see `lib/bars/retention.ts`). */
  readonly retention?: readonly RetentionRule[];
  /** The store the retention rules apply to. */
  readonly db?: string;
  /** List what would go; remove nothing. */
  readonly dryRun?: boolean;
  /** "Now" (tests). */
  readonly now?: Date;
}

/** One thing removed (or that would be). */
export interface CleanItem {
  readonly kind: "run" | "report" | "job" | "temp" | "bars";
  readonly path: string;
  readonly bytes: number;
  readonly reason: string;
}

const DAY_MS = 86_400_000;
/** Run ids start with their UTC creation stamp. */
const RUN_STAMP = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/;
/** The temp names atomic writes use. */
const TEMP = /^\..+\.tmp-[0-9a-f]{12}(\.lock)?$/;

/** Bytes under a path (files, recursively). */
async function sizeOf(path: string): Promise<number> {
  const info = await Deno.lstat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory) return info.size;
  let total = 0;
  for await (const entry of Deno.readDir(path)) total += await sizeOf(join(path, entry.name));
  return total;
}

/** Visible entries of a folder (none when it does not exist). */
async function entries(dir: string): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) out.push(entry);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The latest modification time of a path and its direct children. */
async function touchedAt(path: string): Promise<number> {
  const info = await Deno.lstat(path);
  let latest = info.mtime?.getTime() ?? 0;
  if (info.isDirectory) {
    for (const entry of await entries(path)) {
      latest = Math.max(latest, (await Deno.lstat(join(path, entry.name))).mtime?.getTime() ?? 0);
    }
  }
  return latest;
}

/**
 * Finds, and unless `dryRun` removes, what the rules name (see the module doc). Returns every item.
 *
 * @example
 * ```ts
 * const items = await clean({ runsDir: "runs", reportsDir: "reports", snapshotsDir: "snapshots", jobsDir: "runs/.jobs", runsOlderThanDays: 90 });
 * ```
 */
export async function clean(options: CleanOptions): Promise<CleanItem[]> {
  const now = (options.now ?? new Date()).getTime();
  const items: CleanItem[] = [];
  const add = async (kind: CleanItem["kind"], path: string, reason: string) =>
    items.push({ kind, path, bytes: await sizeOf(path), reason });

  const runs = (await entries(options.runsDir)).filter((e) => e.isDirectory && RUN_STAMP.test(e.name))
    .map((e) => {
      const [, y, mo, d, h, mi, s] = RUN_STAMP.exec(e.name)!;
      return { name: e.name, created: Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) };
    }).sort((a, b) => b.created - a.created || b.name.localeCompare(a.name));
  for (const [k, run] of runs.entries()) {
    const path = join(options.runsDir, run.name);
    if (options.runsOlderThanDays !== undefined && now - run.created > options.runsOlderThanDays * DAY_MS) {
      await add("run", path, `created more than ${options.runsOlderThanDays} days ago`);
    } else if (options.keepRuns !== undefined && k >= options.keepRuns) {
      await add("run", path, `beyond the newest ${options.keepRuns} runs`);
    }
  }
  if (options.reportsOlderThanDays !== undefined) {
    for (const entry of await entries(options.reportsDir)) {
      if (entry.name.startsWith(".")) continue;
      const path = join(options.reportsDir, entry.name);
      if (now - (await touchedAt(path)) > options.reportsOlderThanDays * DAY_MS) {
        await add("report", path, `untouched for more than ${options.reportsOlderThanDays} days`);
      }
    }
  }
  const jobDays = options.jobsOlderThanDays ?? 30;
  for (const job of await listJobs(options.jobsDir)) {
    const end = job.finished_at ? Date.parse(job.finished_at) : NaN;
    if (Number.isFinite(end) && now - end > jobDays * DAY_MS) {
      await add("job", join(options.jobsDir, job.job_id), `${job.status} more than ${jobDays} days ago`);
    }
  }
  if (options.retention?.length) items.push(...await retain(options));
  const tempParents = [options.runsDir, options.snapshotsDir, options.reportsDir];
  if (options.dryRun) {
    for (const parent of tempParents) {
      for (const entry of await entries(parent)) {
        if (TEMP.test(entry.name)) {
          await add("temp", join(parent, entry.name), "left by a crashed write (if no writer holds it)");
        }
      }
    }
    return items;
  }
  for (const item of items) {
    if (item.kind !== "bars") await Deno.remove(item.path, { recursive: true }).catch(() => {});
  }
  for (const parent of tempParents) {
    const sizes = new Map<string, number>();
    for (const entry of await entries(parent)) {
      if (TEMP.test(entry.name)) sizes.set(entry.name, await sizeOf(join(parent, entry.name)));
    }
    for (const name of await removeOrphans(parent)) {
      items.push({
        kind: "temp",
        path: join(parent, name),
        bytes: sizes.get(name) ?? 0,
        reason: "left by a crashed write",
      });
    }
  }
  return items;
}

/** The retention rules applied to the store (counted only, on a read-only store, when `dryRun`). */
async function retain(options: CleanOptions): Promise<CleanItem[]> {
  if (!options.db) throw new RangeError("retention rules need the store (db) they apply to");
  const rules = options.retention!;
  const applied = options.dryRun
    ? await (async () => {
      const store = await openStore(options.db, { readOnly: true });
      try {
        return await applyRetention(store, rules, { now: options.now, dryRun: true });
      } finally {
        store.close();
      }
    })()
    : await writeStore(options.db, (store) => applyRetention(store, rules, { now: options.now }));
  return applied.map((a) => ({
    kind: "bars",
    path: options.db!,
    bytes: 0,
    reason: `${a.removed} ${a.rule.interval} bars of ${a.session} before ${a.cutoff}${
      a.rule.aggregateTo ? ` → ${a.written} ${a.rule.aggregateTo} bars` : ""
    }`,
  }));
}
