/// <reference lib="deno.worker" />
/**
 * Suite worker: receives the panel and the input signal once, then runs units (one signal × a list
 * of variants) and posts each unit's result back. Runs exactly the code the in-process path runs.
 */
import type { Panel } from "../panel/types.ts";
import { runUnit, type UnitContext, type UnitRequest } from "./unit.ts";

let context: UnitContext | undefined;

self.onmessage = (event: MessageEvent) => {
  const message = event.data as
    | { type: "init"; panel: Panel; input: Float64Array }
    | ({ type: "run" } & UnitRequest);
  if (message.type === "init") {
    context = { panel: message.panel, input: message.input, cache: new Map() };
    return;
  }
  try {
    self.postMessage({ type: "result", unit: message.unit, result: runUnit(context!, message) });
  } catch (error) {
    self.postMessage({ type: "error", unit: message.unit, message: (error as Error).message });
  }
};
