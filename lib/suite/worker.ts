/// <reference lib="deno.worker" />
/**
 * Suite worker: receives a panel once, then runs units (one signal × a list of variants) and posts
 * each unit's results back. Runs exactly the code the in-process path runs (`runUnit`).
 */
import type { Panel } from "../panel/types.ts";
import { runUnit, type UnitRequest } from "./unit.ts";

let panel: Panel | undefined;

self.onmessage = (event: MessageEvent) => {
  const message = event.data as { type: "init"; panel: Panel } | ({ type: "run" } & UnitRequest);
  if (message.type === "init") {
    panel = message.panel;
    return;
  }
  try {
    const results = runUnit(panel!, message);
    self.postMessage({ type: "result", unit: message.unit, results });
  } catch (error) {
    self.postMessage({ type: "error", unit: message.unit, message: (error as Error).message });
  }
};
