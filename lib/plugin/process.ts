/**
 * A plugin process: started with a scrubbed environment in its own working folder, spoken to in JSON
 * lines over stdin/stdout, one request at a time, each with a time limit. Every failure — a timeout, an
 * exit or a crash before the answer, invalid JSON, an error the plugin reports — rejects the call with a
 * `PluginError` carrying the tail of the plugin's stderr; the process is killed and its folder removed.
 */
import { PluginError } from "./errors.ts";
import { fromWireJson, toWireJson } from "./marshal.ts";

/** How to start a plugin process. */
export interface PluginProcessOptions {
  /** Plugin name (for messages). */
  readonly name: string;
  /** Executable (absolute path) and its arguments. */
  readonly command: readonly string[];
  /** The environment the process gets: nothing else from ours. */
  readonly env: Readonly<Record<string, string>>;
  /** Its working folder (created by the caller; removed by `close`/`kill` when `ownsWorkDir`). */
  readonly workDir: string;
  readonly ownsWorkDir?: boolean;
  /** Default time limit of one call, ms. */
  readonly timeoutMs: number;
}

/** A running plugin. */
export interface PluginProcess {
  /** Sends `method(params)` and resolves with the validated-as-JSON result. `label` names the call in errors. */
  call(method: string, params: Record<string, unknown>, label?: string, timeoutMs?: number): Promise<unknown>;
  /** Asks the plugin to shut down, waits for a clean exit (code 0), removes the working folder. */
  close(): Promise<void>;
  /** Kills the process at once and removes the working folder (after a failure). */
  kill(): Promise<void>;
  /** Everything the plugin wrote to stderr so far (the last 64 KiB). */
  stderr(): string;
  readonly workDir: string;
}

const STDERR_LIMIT = 64 * 1024;

/**
 * Starts the process. Throws a `PluginError` (failure `start`) when the executable cannot be run.
 *
 * @example
 * ```ts
 * const proc = startPluginProcess({ name: "x", command: ["/usr/bin/python3", "main.py"], env, workDir, timeoutMs: 5000 });
 * const reply = await proc.call("initialize", { config: {} });
 * await proc.close();
 * ```
 */
export function startPluginProcess(options: PluginProcessOptions): PluginProcess {
  const { name, command, env, workDir, timeoutMs } = options;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command[0], {
      args: command.slice(1),
      cwd: workDir,
      env: { ...env },
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new PluginError(name, "start", "start", `cannot run ${command[0]}: ${(e as Error).message}`);
  }
  let errText = "";
  const decoder = new TextDecoder();
  const stderrDone = (async () => {
    for await (const chunk of child.stderr) {
      errText += decoder.decode(chunk, { stream: true });
      if (errText.length > STDERR_LIMIT) errText = errText.slice(-STDERR_LIMIT);
    }
  })().catch(() => {});

  // stdout → complete lines, handed to whoever waits
  const lines: string[] = [];
  let waiter: ((line: string | null) => void) | undefined;
  let ended = false;
  const stdoutDone = (async () => {
    const text = new TextDecoder();
    let buffer = "";
    for await (const chunk of child.stdout) {
      buffer += text.decode(chunk, { stream: true });
      let k: number;
      while ((k = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, k);
        buffer = buffer.slice(k + 1);
        if (waiter) {
          const w = waiter;
          waiter = undefined;
          w(line);
        } else lines.push(line);
      }
    }
    if (buffer.trim()) lines.push(buffer);
  })().catch(() => {}).finally(() => {
    ended = true;
    waiter?.(null);
    waiter = undefined;
  });
  const status = child.status;
  const writer = child.stdin.getWriter();
  let nextId = 1;
  let dead = false;
  let cleaned = false;

  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await Promise.allSettled([writer.close().catch(() => {}), stdoutDone, stderrDone]);
    if (options.ownsWorkDir) await Deno.remove(workDir, { recursive: true }).catch(() => {});
  };
  const kill = async () => {
    if (!dead) {
      dead = true;
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
    await status.catch(() => {});
    await cleanup();
  };
  const exitReason = async (): Promise<{ failure: "exit" | "crash"; reason: string }> => {
    const s = await status;
    if (s.signal) return { failure: "crash", reason: `crashed (signal ${s.signal}) before answering` };
    return { failure: "exit", reason: `exited with code ${s.code} before answering` };
  };
  const nextLine = (ms: number): Promise<string | null | "timeout"> =>
    new Promise((resolve) => {
      if (lines.length) return resolve(lines.shift()!);
      if (ended) return resolve(null);
      const timer = setTimeout(() => {
        waiter = undefined;
        resolve("timeout");
      }, ms);
      waiter = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });

  const fail = async (
    label: string,
    failure: ConstructorParameters<typeof PluginError>[2],
    reason: string,
  ) => {
    await kill();
    return new PluginError(name, label, failure, reason, errText);
  };

  return {
    workDir,
    stderr: () => errText,
    kill,
    async call(method, params, label = method, ms = timeoutMs) {
      if (dead) {
        throw new PluginError(name, label, "exit", "the plugin process is no longer running", errText);
      }
      const id = nextId++;
      try {
        await writer.write(new TextEncoder().encode(toWireJson({ id, method, params }) + "\n"));
      } catch {
        const { failure, reason } = await exitReason();
        throw await fail(label, failure, reason);
      }
      const line = await nextLine(ms);
      if (line === "timeout") throw await fail(label, "timeout", `timed out after ${ms / 1000} s`);
      if (line === null) {
        const { failure, reason } = await exitReason();
        throw await fail(label, failure, reason);
      }
      let reply: unknown;
      try {
        reply = fromWireJson(line);
      } catch (e) {
        throw await fail(
          label,
          "invalid-json",
          `invalid JSON reply (${(e as Error).message}): ${line.slice(0, 200)}${
            /\bNaN\b|Infinity/.test(line)
              ? ' — NaN and ±Infinity must be sent as {"$f": "NaN"} (quantnb_plugin.dumps)'
              : ""
          }`,
        );
      }
      if (
        !reply || typeof reply !== "object" || Array.isArray(reply) || (reply as { id?: unknown }).id !== id
      ) {
        throw await fail(
          label,
          "invalid-reply",
          `expected {"id": ${id}, "result": …}, found ${line.slice(0, 200)}`,
        );
      }
      const r = reply as {
        result?: unknown;
        error?: { message?: string; type?: string; traceback?: string };
      };
      if (r.error !== undefined) {
        const e = r.error;
        const err = await fail(
          label,
          "plugin-error",
          `the plugin raised ${e?.type ?? "an error"}: ${e?.message ?? JSON.stringify(e)}`,
        );
        if (e?.traceback) (err as { traceback?: string }).traceback = e.traceback;
        throw err;
      }
      if (!("result" in r)) {
        throw await fail(label, "invalid-reply", `the reply has no "result": ${line.slice(0, 200)}`);
      }
      return r.result;
    },
    async close() {
      if (dead) return await cleanup();
      try {
        await this.call("shutdown", {}, "shutdown", Math.min(timeoutMs, 5000));
      } catch (e) {
        if (e instanceof PluginError) throw e;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const s = await Promise.race([
        status,
        new Promise<null>((r) => (timer = setTimeout(() => r(null), 5000))),
      ]);
      clearTimeout(timer);
      if (s === null) throw await fail("shutdown", "timeout", "did not exit within 5 s of shutdown");
      dead = true;
      await cleanup();
      if (s.signal) {
        throw new PluginError(name, "shutdown", "crash", `crashed (signal ${s.signal}) at shutdown`, errText);
      }
      if (s.code !== 0) {
        throw new PluginError(name, "shutdown", "exit", `exited with code ${s.code}`, errText);
      }
    },
  };
}
