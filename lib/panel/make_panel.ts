import type { Panel } from "./types.ts";

/** Inputs to `makePanel`: dates and securities plus row-major nested arrays or flat matrices per field. */
export interface PanelInput {
  dates: readonly number[] | Float64Array;
  securityIds: readonly string[];
  industries?: readonly string[];
  /** Each field as `values[t][i]` (null/undefined/NaN = missing) or a flat date-major matrix. */
  fields: Record<string, readonly (readonly (number | null | undefined)[])[] | Float64Array>;
  periodsPerYear?: number;
}

/**
 * Builds a `Panel` from small hand-written arrays: the way tests and notebooks make toy panels.
 * Checks shapes and ordering and throws a `RangeError` naming the field and row that is off.
 *
 * @example
 * ```ts
 * const p = makePanel({
 *   dates: [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)],
 *   securityIds: ["A", "B"],
 *   fields: { close: [[10, 20], [11, null]] },
 * });
 * p.fields.close[3]; // => NaN
 * ```
 */
export function makePanel(input: PanelInput): Panel {
  const dates = Float64Array.from(input.dates);
  const nT = dates.length;
  const nS = input.securityIds.length;
  for (let t = 1; t < nT; t++) {
    if (!(dates[t] > dates[t - 1])) throw new RangeError(`dates must be strictly ascending (index ${t})`);
  }
  const industries = input.industries ?? input.securityIds.map(() => "");
  if (industries.length !== nS) {
    throw new RangeError(`industries has ${industries.length} entries, expected ${nS}`);
  }
  const fields: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(input.fields)) {
    if (values instanceof Float64Array) {
      if (values.length !== nT * nS) {
        throw new RangeError(`field "${name}" has ${values.length} cells, expected ${nT} × ${nS}`);
      }
      fields[name] = values;
      continue;
    }
    if (values.length !== nT) {
      throw new RangeError(`field "${name}" has ${values.length} rows, expected ${nT}`);
    }
    const matrix = new Float64Array(nT * nS);
    values.forEach((row, t) => {
      if (row.length !== nS) {
        throw new RangeError(`field "${name}" row ${t} has ${row.length} values, expected ${nS}`);
      }
      for (let i = 0; i < nS; i++) matrix[t * nS + i] = row[i] ?? NaN;
    });
    fields[name] = matrix;
  }
  return {
    dates,
    securityIds: [...input.securityIds],
    industries,
    fields,
    periodsPerYear: input.periodsPerYear ?? 252,
  };
}
