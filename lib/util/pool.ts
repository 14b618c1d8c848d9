/**
 * A pool of Web Workers for any fan-out: each worker imports one task module, builds its context
 * once from an init payload (typed arrays in SharedArrayBuffers are shared, not copied), then runs
 * tasks handed out one at a time to whichever worker is free. Results come back in task order,
 * whatever the worker count or finishing order, so numbers never depend on parallelism.
 *
 * A task module exports `setup(init)` (sync or async) returning the context, and `run(context, task)`
 * returning the task's result (structured-cloneable; its non-shared typed arrays are transferred back).
 */

/** The face of a task module. */
export interface TaskModule<I, C, T, R> {
  setup(init: I): C | Promise<C>;
  run(context: C, task: T): R | Promise<R>;
}

/** Options of `runPool`. */
export interface PoolOptions<I, T, R> {
  /** URL of the task module (e.g. `new URL("./task.ts", import.meta.url).href`). */
  readonly module: string;
  /**
   * Posted once to each worker and passed to `setup`. A function is called after the workers are
   * started, so they load their modules while this thread builds what they will share.
   */
  readonly init: I | (() => I);
  readonly tasks: readonly T[];
  /** What is posted for a task, built just before it is handed out (default: the task itself). */
  readonly dispatch?: (task: T) => unknown;
  /** Web Workers (0 = run every task in this thread, through the same module). */
  readonly workers: number;
  /** Called after each task with its index and result (for progress). */
  readonly onResult?: (index: number, result: R) => void;
  /** Names the work in error messages (default "task"). */
  readonly label?: string;
}

/**
 * Runs `tasks` through the module's `run` over `workers` Web Workers (or in this thread), returning
 * the results in task order. The first failure rejects, naming the task index and the label.
 *
 * @example
 * ```ts
 * const results = await runPool({ module: new URL("./trial_task.ts", import.meta.url).href, init, tasks, workers: 2 });
 * ```
 */
export async function runPool<I, T, R>(options: PoolOptions<I, T, R>): Promise<R[]> {
  const { module, tasks, workers, onResult = () => {}, label = "task", dispatch = (task: T) => task } =
    options;
  const makeInit = () => (typeof options.init === "function" ? (options.init as () => I)() : options.init);
  if (!(Number.isInteger(workers) && workers >= 0)) {
    throw new RangeError(`workers must be an integer ≥ 0, found ${workers}`);
  }
  const results: R[] = new Array(tasks.length);
  if (tasks.length === 0) return results;
  if (workers === 0) {
    const mod = await import(module) as TaskModule<I, unknown, unknown, R>;
    const context = await mod.setup(makeInit());
    for (let k = 0; k < tasks.length; k++) {
      try {
        results[k] = await mod.run(context, dispatch(tasks[k]));
      } catch (error) {
        throw new Error(`${label} ${k}: ${(error as Error).message}`, { cause: error });
      }
      onResult(k, results[k]);
    }
    return results;
  }
  let next = 0;
  let failed = false;
  const count = Math.min(workers, tasks.length);
  const pool = Array.from(
    { length: count },
    () => new Worker(new URL("./pool_worker.ts", import.meta.url).href, { type: "module" }),
  );
  let init: I;
  try {
    init = makeInit();
  } catch (error) {
    for (const worker of pool) worker.terminate();
    throw error;
  }
  await Promise.all(pool.map(async (worker) => {
    try {
      worker.postMessage({ type: "init", module, init });
      while (next < tasks.length && !failed) {
        const index = next++;
        results[index] = await new Promise<R>((resolve, reject) => {
          worker.onmessage = (event: MessageEvent) => {
            const m = event.data;
            if (m.type === "error") reject(new Error(`${label} ${m.index ?? index}: ${m.message}`));
            else resolve(m.result);
          };
          worker.onerror = (event) => {
            event.preventDefault();
            reject(new Error(`${label} worker failed: ${event.message}`));
          };
          worker.postMessage({ type: "run", index, task: dispatch(tasks[index]) });
        }).catch((error) => {
          failed = true;
          throw error;
        });
        onResult(index, results[index]);
      }
    } finally {
      worker.terminate();
    }
  }));
  return results;
}

/**
 * The non-shared `ArrayBuffer`s of the typed arrays in a value (searched through plain objects and
 * arrays), for transferring a result instead of copying it.
 */
export function transferables(value: unknown, out: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.byteLength === value.buffer.byteLength) {
      out.add(value.buffer);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) transferables(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) transferables(v, out);
  }
  return [...out];
}
