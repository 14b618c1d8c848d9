/// <reference lib="deno.worker" />
/**
 * Forest worker: receives the binned dataset (shared memory) and the forest config once, then grows
 * the trees it is asked for with exactly the code the in-thread path runs.
 */
import { growOne, type GrowParams } from "./grow.ts";
import type { TreeData } from "./tree.ts";

let context: { data: TreeData; params: GrowParams; seed: number } | undefined;

self.onmessage = (event: MessageEvent) => {
  const m = event.data;
  if (m.type === "init") {
    context = { data: m.data, params: m.params, seed: m.seed };
    return;
  }
  try {
    const tree = growOne(context!.data, context!.params, context!.seed, m.index);
    self.postMessage({ type: "tree", tree }, [
      tree.feature.buffer,
      tree.threshold.buffer,
      tree.left.buffer,
      tree.right.buffer,
      tree.value.buffer,
      tree.importance.buffer,
    ]);
  } catch (error) {
    self.postMessage({ type: "error", message: (error as Error).message });
  }
};
