/// <reference lib="deno.worker" />
/**
 * Suite worker: receives the shared panel, its preparation and the input signal once, then runs
 * units (one signal × a list of variants), each with its signal's shared known matrix, and posts
 * each unit's result back. Runs exactly the code the in-process path runs.
 */
import { workerContext, type WorkerInit, type WorkerRun } from "./pool.ts";
import { INPUT, runUnit, type UnitContext } from "./unit.ts";

let context: UnitContext | undefined;

self.onmessage = (event: MessageEvent) => {
  const message = event.data as WorkerInit | WorkerRun;
  if (message.type === "init") {
    context = workerContext(message);
    return;
  }
  try {
    if (message.signal !== INPUT) context!.cache.set(message.signal, message.known);
    self.postMessage({ type: "result", unit: message.unit, result: runUnit(context!, message) });
  } catch (error) {
    self.postMessage({ type: "error", unit: message.unit, message: (error as Error).message });
  }
};
