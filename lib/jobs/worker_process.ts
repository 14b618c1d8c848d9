/**
 * A job worker process: reads jobs as JSON lines on stdin, runs them one at a time (`executeJob`,
 * with a cache of panels and signals kept across jobs) and answers on stdout. Protocol lines start
 * with the record separator `\x1e`; anything else it prints (the job's log, library output) is the
 * current job's log, which the parent writes to the job's log file.
 *
 * It exits when its stdin closes or its parent dies (checked every 250 ms), so killing a batch —
 * even with `kill -9` — does not leave workers finishing jobs nobody waits for.
 */
import { createJobCache } from "./cache.ts";
import { executeJob, type JobMessage } from "./execute.ts";
import { readLines } from "./lines.ts";
import { setMemoryDbThreads } from "../track/_db.ts";

/** Prefix of protocol lines on a worker's stdout. */
export const PROTOCOL_PREFIX = "\x1e";

/** A request to a worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly message: JobMessage;
}

/** A protocol line from a worker. */
export type WorkerEvent =
  | { readonly type: "ready" }
  | { readonly type: "progress"; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: "reply"; readonly id: number; readonly reply: import("./execute.ts").JobReply };

const encoder = new TextEncoder();

function send(event: WorkerEvent): void {
  const bytes = encoder.encode(PROTOCOL_PREFIX + JSON.stringify(event) + "\n");
  for (let written = 0; written < bytes.length;) written += Deno.stdout.writeSync(bytes.subarray(written));
}

async function main(): Promise<void> {
  const parent = Deno.ppid;
  setInterval(() => {
    if (Deno.ppid !== parent) Deno.exit(0);
  }, 250);
  setMemoryDbThreads(1); // one worker process per core: parallelism comes from the pool
  const cache = createJobCache();
  const worker = `${Deno.hostname()} pid ${Deno.pid}`;
  send({ type: "ready" });
  for await (const line of readLines(Deno.stdin.readable)) {
    if (!line.trim()) continue;
    const { id, message } = JSON.parse(line) as WorkerRequest;
    const reply = await executeJob(message, {
      cache,
      worker,
      log: (text) => console.log(text),
      progress: (done, total) => send({ type: "progress", id, done, total }),
    });
    send({ type: "reply", id, reply });
  }
  Deno.exit(0);
}

if (import.meta.main) await main();
