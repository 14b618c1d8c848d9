/**
 * A batch's memory between invocations: `events.jsonl` in the batch folder, one JSON line appended
 * per job event (started, completed, failed, cancelled). Append-only, so a kill at any instant loses
 * at most the line being written (a torn last line is ignored). Whether a job is DONE is never read
 * from here but from the run registry (its run is recorded or not); events say what failed, what was
 * interrupted, and how long jobs took.
 */
import { join } from "node:path";

/** What happened to a job. */
export type JobEventStatus = "running" | "completed" | "failed" | "cancelled";

/** One line of `events.jsonl`. */
export interface JobEvent {
  /** ISO timestamp. */
  readonly at: string;
  /** The job's config hash. */
  readonly job: string;
  readonly name: string;
  readonly status: JobEventStatus;
  readonly run_id?: string;
  readonly reused?: boolean;
  readonly error?: string;
  readonly seconds?: number;
  /** Where it ran (host and pid of the worker, or the queue). */
  readonly worker?: string;
}

/** The events file of a batch folder. */
export function eventsPath(batchDir: string): string {
  return join(batchDir, "events.jsonl");
}

/**
 * Appends one event (creating the folder and file as needed), synchronously: a line of a few hundred
 * bytes, written between one job's end and the next one's start.
 *
 * @example
 * ```ts
 * appendEvent("reports/batch/nightly", { at: new Date().toISOString(), job: hash, name, status: "running" });
 * ```
 */
export function appendEvent(batchDir: string, event: JobEvent): void {
  Deno.mkdirSync(batchDir, { recursive: true });
  Deno.writeTextFileSync(eventsPath(batchDir), JSON.stringify(event) + "\n", { append: true });
}

/** The last event of each job, by config hash and by job name (a job whose inputs changed has a new hash). */
export interface LastEvents {
  readonly byHash: ReadonlyMap<string, JobEvent>;
  readonly byName: ReadonlyMap<string, JobEvent>;
}

/**
 * The last event of each job, read from the batch folder; empty when it has none.
 *
 * @example
 * ```ts
 * (await lastEvents("reports/batch/nightly")).byHash.get(hash)?.status; // => "failed"
 * ```
 */
export async function lastEvents(batchDir: string): Promise<LastEvents> {
  const byHash = new Map<string, JobEvent>(), byName = new Map<string, JobEvent>();
  const last = { byHash, byName };
  let text: string;
  try {
    text = await Deno.readTextFile(eventsPath(batchDir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return last;
    throw error;
  }
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as JobEvent;
      if (typeof event.job === "string" && typeof event.status === "string") {
        byHash.set(event.job, event);
        byName.set(event.name, event);
      }
    } catch {
      // a line torn by a kill: ignored
    }
  }
  return last;
}
