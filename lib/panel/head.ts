import type { Panel } from "./types.ts";

/**
 * The panel's first `end` dates: every field cut to its first `end` rows as a zero-copy view
 * (matrices are date-major, so the rows before `end` are a prefix). Whatever reads the result cannot
 * see a bar at or after `end` — how walk-forward fits are kept from out-of-sample data. Views of a
 * SharedArrayBuffer stay shared.
 *
 * @example
 * ```ts
 * const inSample = panelHead(panel, 1260);
 * inSample.dates.length; // => 1260
 * inSample.fields.ret.length === 1260 * panel.securityIds.length; // => true
 * ```
 */
export function panelHead(panel: Panel, end: number): Panel {
  const nT = panel.dates.length, nS = panel.securityIds.length;
  if (!(Number.isInteger(end) && end >= 0 && end <= nT)) {
    throw new RangeError(`panelHead: end must be an integer in [0, ${nT}], found ${end}`);
  }
  if (end === nT) return panel;
  const fields: Record<string, Float64Array> = {};
  for (const [name, matrix] of Object.entries(panel.fields)) fields[name] = matrix.subarray(0, end * nS);
  return { ...panel, dates: panel.dates.subarray(0, end), fields };
}
