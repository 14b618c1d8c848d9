/**
 * Growing trees of a forest, in this thread or over Web Workers: every tree is grown from its own
 * seed (`treeSeed(seed, index)`), so the trees — and the forest — do not depend on the worker count.
 * Workers get the binned data once as SharedArrayBuffer-backed arrays (no copy per worker).
 */
import { createRng } from "../../util/rng.ts";
import { buildTree, type TreeArrays, type TreeData, type TreeParams } from "./tree.ts";

/** What grows one tree: bootstrap or not, and the growth limits. */
export interface GrowParams extends TreeParams {
  readonly bootstrap: boolean;
}

/** The seed of tree `index` of a forest seeded `seed` (a splitmix-style integer mix). */
export function treeSeed(seed: number, index: number): number {
  let z = (seed * 0x9e3779b1 + index * 0x85ebca6b + 0x632be5ab) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) | 0;
}

/**
 * Grows tree `index`: draws the bootstrap sample (n rows with replacement, as counts) from the tree's
 * seed, then grows the tree with the same generator.
 */
export function growOne(data: TreeData, params: GrowParams, seed: number, index: number): TreeArrays {
  const rng = createRng(treeSeed(seed, index));
  const n = data.nRows;
  const weights = new Float64Array(n);
  if (params.bootstrap) { for (let k = 0; k < n; k++) weights[rng.int(n)]++; }
  else weights.fill(1);
  return buildTree(data, weights, params, rng);
}

/** Copies a typed array into SharedArrayBuffer-backed memory (workers then share it). */
export function shared<T extends Uint8Array | Float64Array>(values: T): T {
  const Ctor = values.constructor as { new (buffer: SharedArrayBuffer): T };
  const out = new Ctor(new SharedArrayBuffer(values.byteLength));
  out.set(values as never);
  return out;
}

/** A pool of tree workers bound to one dataset; `grow(indices)` returns those trees in order. */
export interface TreePool {
  grow(indices: readonly number[]): Promise<TreeArrays[]>;
  close(): void;
}

/**
 * Opens a pool of `workers` Web Workers (0 = this thread) over one dataset and forest config.
 *
 * @example
 * ```ts
 * const pool = openTreePool(data, params, seed, 2);
 * try { trees.push(...await pool.grow([0, 1, 2, 3])); } finally { pool.close(); }
 * ```
 */
export function openTreePool(data: TreeData, params: GrowParams, seed: number, workers: number): TreePool {
  if (workers <= 0) {
    return {
      grow: (indices) => Promise.resolve(indices.map((index) => growOne(data, params, seed, index))),
      close: () => {},
    };
  }
  const sharedData: TreeData = {
    ...data,
    binned: shared(data.binned),
    codes: data.codes ? shared(data.codes) : undefined,
    targets: data.targets ? shared(data.targets) : undefined,
  };
  const pool = Array.from({ length: workers }, () => {
    const worker = new Worker(new URL("./grow_worker.ts", import.meta.url).href, { type: "module" });
    worker.postMessage({ type: "init", data: sharedData, params, seed });
    return worker;
  });
  const run = (worker: Worker, index: number) =>
    new Promise<TreeArrays>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent) => {
        const m = event.data;
        if (m.type === "error") reject(new Error(`forest worker, tree ${index}: ${m.message}`));
        else resolve(m.tree);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`forest worker failed: ${event.message}`));
      };
      worker.postMessage({ type: "grow", index });
    });
  return {
    async grow(indices) {
      const out: TreeArrays[] = new Array(indices.length);
      let next = 0;
      await Promise.all(pool.map(async (worker) => {
        while (next < indices.length) {
          const k = next++;
          out[k] = await run(worker, indices[k]);
        }
      }));
      return out;
    },
    close() {
      for (const worker of pool) worker.terminate();
    },
  };
}
