/**
 * A security's own rows: the panel dates on which it has a bar. Features and labels are computed on
 * these rows only (as a pandas `groupby("security_id")` over long-format rows would), so a window of
 * `n` days means the security's last `n` bars, whatever the other securities did.
 */
import type { Panel } from "../panel/types.ts";

/**
 * The date indices of each security's own rows, ascending: the cells where `close` is a number
 * (panels without `close`: where `ret` is). `offsets[i] .. offsets[i + 1]` indexes `dates` for
 * security `i` (a CSR layout: one allocation for the whole panel).
 */
export interface OwnRows {
  readonly offsets: Int32Array;
  readonly dates: Int32Array;
}

/**
 * Builds the own rows of every security of a panel (see `OwnRows`).
 *
 * @example
 * ```ts
 * const own = ownRows(panel);
 * own.dates.subarray(own.offsets[0], own.offsets[1]); // date indices of security 0's bars
 * ```
 */
export function ownRows(panel: Panel): OwnRows {
  const presence = panel.fields.close ?? panel.fields.ret;
  if (!presence) {
    throw new RangeError(
      `features and labels need a "close" or "ret" field to know each security's rows; fields present: ${
        Object.keys(panel.fields).join(", ")
      }`,
    );
  }
  const nT = panel.dates.length, nS = panel.securityIds.length;
  const offsets = new Int32Array(nS + 1);
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < nS; i++) if (!Number.isNaN(presence[t * nS + i])) offsets[i + 1]++;
  }
  for (let i = 0; i < nS; i++) offsets[i + 1] += offsets[i];
  const dates = new Int32Array(offsets[nS]);
  const fill = offsets.slice(0, nS);
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < nS; i++) if (!Number.isNaN(presence[t * nS + i])) dates[fill[i]++] = t;
  }
  return { offsets, dates };
}

/**
 * Copies security `i`'s values of a date-major matrix at its own rows into `out` (length ≥ rows).
 * Returns the number of rows.
 */
export function gatherOwn(
  matrix: Float64Array,
  nS: number,
  own: OwnRows,
  i: number,
  out: Float64Array,
): number {
  const from = own.offsets[i], to = own.offsets[i + 1];
  for (let k = from; k < to; k++) out[k - from] = matrix[own.dates[k] * nS + i];
  return to - from;
}

/** Writes `values[0 .. rows)` back to security `i`'s own rows of a date-major matrix. */
export function scatterOwn(
  values: ArrayLike<number>,
  nS: number,
  own: OwnRows,
  i: number,
  matrix: Float64Array,
): void {
  const from = own.offsets[i], to = own.offsets[i + 1];
  for (let k = from; k < to; k++) matrix[own.dates[k] * nS + i] = values[k - from];
}
