/**
 * Executors: where a batch's jobs run. `processPool(n)` keeps `n` worker processes
 * (`worker_process.ts`) and hands each free one the next job; each process runs its jobs one at a
 * time with its own cache, so a crash in one job (even of the runtime) fails that job only.
 * `inProcess()` runs jobs in this process, one at a time (`--workers 0`).
 */
import { fileURLToPath } from "node:url";
import { createJobCache } from "./cache.ts";
import { executeJob, type JobMessage, type JobReply } from "./execute.ts";
import { readLines } from "./lines.ts";
import { PROTOCOL_PREFIX, type WorkerEvent } from "./worker_process.ts";

/** What the runner hears while a job runs. */
export interface JobHooks {
  /** One line of the job's log. */
  log(line: string): void;
  progress(done: number, total: number): void;
}

/** Runs jobs somewhere; `run` resolves with the job's reply (a failure is a reply, not a rejection). */
export interface Executor {
  /** How many jobs can run at once. */
  readonly size: number;
  run(message: JobMessage, hooks: JobHooks): Promise<JobReply>;
  /** Lets running jobs finish, then stops the workers. */
  close(): Promise<void>;
  /** Stops the workers now (their current jobs are lost; nothing half-written is left). */
  kill(): void;
}

const WORKER_SCRIPT = fileURLToPath(new URL("./worker_process.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/**
 * The command that starts a worker process (the same Deno, this project's config), with the job
 * kinds' modules loaded when a job of the kind arrives (`--unstable-lazy-dynamic-imports`), not all
 * fetched and parsed at start-up as Deno does by default for the string-literal `import()`s of
 * `kinds/registry.ts` (the ML kinds bring tfjs): a worker is ready in ~170 ms instead of ~385 ms.
 */
export function workerCommand(): string[] {
  const lazy = "--unstable-lazy-dynamic-imports";
  return [Deno.execPath(), "run", "-A", "--quiet", lazy, "--config", CONFIG, WORKER_SCRIPT];
}

/** One worker process and the job it runs. */
interface Worker {
  child: Deno.ChildProcess;
  stdin: WritableStreamDefaultWriter<Uint8Array>;
  ready: Promise<void>;
  current?: { id: number; hooks: JobHooks; resolve: (reply: JobReply) => void; start: number };
  exited: Promise<Deno.CommandStatus>;
}

/**
 * A pool of up to `size` worker processes, started as jobs arrive. A worker that dies while running a
 * job fails that job (with its exit code or signal) and is replaced for the next one.
 *
 * @example
 * ```ts
 * const pool = processPool(2);
 * const reply = await pool.run(message, { log: console.log, progress: () => {} });
 * await pool.close();
 * ```
 */
export function processPool(size: number): Executor {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`processPool: size must be an integer ≥ 1, found ${size}`);
  }
  const encoder = new TextEncoder();
  let nextId = 0;
  let closing = false;
  const idle: Worker[] = [];
  const live = new Set<Worker>();
  const waiting: ((w: Worker) => void)[] = [];

  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };

  const spawn = (): Worker => {
    const [cmd, ...args] = workerCommand();
    const child = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "piped" }).spawn();
    let markReady!: () => void;
    const w: Worker = {
      child,
      stdin: child.stdin.getWriter(),
      ready: new Promise((resolve) => (markReady = resolve)),
      exited: child.status,
    };
    live.add(w);
    const toLog = (line: string) => {
      if (w.current) w.current.hooks.log(line);
      else if (line.trim()) console.error(`[worker ${child.pid}] ${line}`);
    };
    (async () => {
      for await (const line of readLines(child.stdout)) {
        if (!line.startsWith(PROTOCOL_PREFIX)) {
          toLog(line);
          continue;
        }
        const event = JSON.parse(line.slice(PROTOCOL_PREFIX.length)) as WorkerEvent;
        if (event.type === "ready") markReady();
        else if (event.type === "progress" && w.current?.id === event.id) {
          w.current.hooks.progress(event.done, event.total);
        } else if (event.type === "reply" && w.current?.id === event.id) {
          const { resolve } = w.current;
          w.current = undefined;
          resolve(event.reply);
          release(w);
        }
      }
    })().catch(() => {});
    (async () => {
      for await (const line of readLines(child.stderr)) toLog(line);
    })().catch(() => {});
    w.exited.then((status) => {
      live.delete(w);
      const running = w.current;
      w.current = undefined;
      const at = idle.indexOf(w);
      if (at >= 0) idle.splice(at, 1);
      if (running) {
        const how = status.signal ? `was killed (${status.signal})` : `exited with code ${status.code}`;
        running.hooks.log(`=== the worker process (pid ${child.pid}) ${how} while running the job`);
        running.resolve({
          status: "failed",
          error: `the worker process ${how} while running the job`,
          seconds: Math.round(performance.now() - running.start) / 1000,
        });
      }
      if (!closing && waiting.length) release(spawn());
    });
    return w;
  };

  const acquire = (): Promise<Worker> => {
    const w = idle.shift() ?? (live.size < size ? spawn() : undefined);
    return w ? Promise.resolve(w) : new Promise((resolve) => waiting.push(resolve));
  };

  return {
    size,
    async run(message, hooks) {
      const w = await acquire();
      const start = performance.now();
      if (!(await Promise.race([w.ready.then(() => true), w.exited.then(() => false)]))) {
        return {
          status: "failed",
          error: "the worker process exited before it could take the job",
          seconds: 0,
        };
      }
      const id = ++nextId;
      return await new Promise<JobReply>((resolve) => {
        w.current = { id, hooks, resolve, start };
        w.stdin.write(encoder.encode(JSON.stringify({ id, message }) + "\n")).catch(() => {});
      });
    },
    async close() {
      closing = true;
      await Promise.all([...live].map(async (w) => {
        await w.stdin.close().catch(() => {});
        await w.exited;
      }));
    },
    kill() {
      closing = true;
      for (const w of live) {
        try {
          w.child.kill("SIGKILL");
        } catch { /* already gone */ }
      }
    },
  };
}

/**
 * Runs jobs in this process, one at a time, with one cache (`--workers 0`); the job's log lines go
 * to its hooks.
 *
 * @example
 * ```ts
 * const reply = await inProcess().run(message, { log: console.log, progress: () => {} });
 * ```
 */
export function inProcess(): Executor {
  const cache = createJobCache();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    size: 1,
    run(message, hooks) {
      const result = queue.then(() =>
        executeJob(message, { cache, log: hooks.log, progress: hooks.progress })
      );
      queue = result.catch(() => {});
      return result;
    },
    async close() {
      await queue;
    },
    kill() {},
  };
}
