import type { Panel } from "./types.ts";
import { toShared } from "../util/shared.ts";

/**
 * The same panel with every field in shared memory (fields already shared — as `loadPanel` makes
 * them — are kept, others copied once), as a new panel object: posting it to a Web Worker shares the
 * matrices instead of copying them.
 *
 * @example
 * ```ts
 * worker.postMessage({ panel: sharedPanel(panel) }); // no copy of the T × N matrices
 * ```
 */
export function sharedPanel(panel: Panel): Panel {
  const fields: Record<string, Float64Array> = {};
  for (const [name, matrix] of Object.entries(panel.fields)) fields[name] = toShared(matrix);
  return { ...panel, fields };
}
