/**
 * Access to the Deno Jupyter kernel's display API, when this code runs inside it. Reading
 * `Deno.jupyter` outside the kernel throws, so detection is a guarded read.
 */

/** The part of `Deno.jupyter` the notebook helpers use. */
export interface JupyterApi {
  display(obj: unknown, options?: { raw?: boolean; update?: boolean; display_id?: string }): Promise<void>;
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void>;
}

/**
 * `Deno.jupyter` when running in the Deno Jupyter kernel, otherwise `undefined`.
 *
 * @example
 * ```ts
 * if (jupyterKernel()) console.log("in a notebook");
 * ```
 */
export function jupyterKernel(): JupyterApi | undefined {
  try {
    const api = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return typeof api?.display === "function" ? api : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits ~30 ms after a display so the kernel flushes it before the cell ends: under nbconvert the
 * Deno kernel can otherwise drop the output of a cell that ends right after displaying.
 *
 * @example
 * ```ts
 * await Deno.jupyter.display({ "text/html": html }, { raw: true });
 * await settle();
 * ```
 */
export function settle(ms = 30): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
