/// <reference lib="deno.worker" />
/**
 * The worker of `runPool`: imports the task module named in the init message, builds its context
 * once, then runs each task it is sent and posts the result back (typed arrays transferred).
 */
import { type TaskModule, transferables } from "./pool.ts";

let ready: Promise<{ mod: TaskModule<unknown, unknown, unknown, unknown>; context: unknown }> | undefined;

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as
    | { type: "init"; module: string; init: unknown }
    | { type: "run"; index: number; task: unknown };
  if (message.type === "init") {
    ready = (async () => {
      const mod = await import(message.module) as TaskModule<unknown, unknown, unknown, unknown>;
      return { mod, context: await mod.setup(message.init) };
    })();
    return;
  }
  try {
    const { mod, context } = await ready!;
    const result = await mod.run(context, message.task);
    self.postMessage({ type: "result", index: message.index, result }, transferables(result));
  } catch (error) {
    self.postMessage({ type: "error", index: message.index, message: (error as Error).message });
  }
};
