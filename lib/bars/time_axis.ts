/**
 * The time axis of a bar panel, built from the bar starts of the rows read (no `DISTINCT` query and
 * no join on the timestamp): the ascending distinct bar starts, and the row of each read bar on that
 * axis. Bar starts on a regular grid (every bar start a whole number of steps from the first, the
 * step the greatest common divisor of their distances: a minute for 1m bars) are placed through a
 * dense slot table, a few passes over the rows; an axis too sparse for that table (e.g. millisecond
 * stamps spread over years) is sorted instead.
 */
import { lowerBoundCursor } from "../util/bisect.ts";

/** Slots of the dense table at most (4 bytes each): 2^24 minutes are 32 years of 1m bars. */
const DENSE_SLOTS = 1 << 24;

/** The axis: `dates` ascending and distinct; `rows[c][k]` the row of `columns[c][k]` in `dates`. */
export interface TimeAxis {
  readonly dates: Float64Array;
  readonly rows: Int32Array[];
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The time axis of bar starts given in chunks (`columns`, integer epoch ms); see the module doc.
 * `denseSlots` caps the dense table (tests lower it to reach the sorting path).
 *
 * @example
 * ```ts
 * const { dates, rows } = timeAxis([Float64Array.of(120_000, 0), Float64Array.of(120_000)]);
 * [...dates]; // => [0, 120000]
 * [...rows[0], ...rows[1]]; // => [1, 0, 1]
 * ```
 */
export function timeAxis(columns: readonly ArrayLike<number>[], denseSlots = DENSE_SLOTS): TimeAxis {
  // The step is the gcd of the distances between consecutive values read (the same lattice as the
  // distances from the first value); consecutive bars mostly lie one step apart, so the remainder
  // is rarely taken.
  let min = Infinity, max = -Infinity, step = 0, previous = NaN;
  for (const column of columns) {
    for (let k = 0; k < column.length; k++) {
      const v = column[k];
      if (v < min) min = v;
      if (v > max) max = v;
      const d = Math.abs(v - previous);
      previous = v;
      if (d !== step && d !== 0 && d === d && (step === 0 || d % step !== 0)) step = gcd(step, d);
    }
  }
  if (min > max) return { dates: new Float64Array(0), rows: columns.map(() => new Int32Array(0)) };
  if (step === 0) step = 1; // one distinct bar start
  const slots = (max - min) / step + 1;
  if (slots > denseSlots) return sortedAxis(columns);
  const rowOf = new Int32Array(slots); // the row + 1 of each slot with a bar, 0 for none
  for (const column of columns) for (let k = 0; k < column.length; k++) rowOf[(column[k] - min) / step] = 1;
  let n = 0;
  for (let s = 0; s < slots; s++) if (rowOf[s]) rowOf[s] = ++n;
  const dates = new Float64Array(n);
  for (let s = 0; s < slots; s++) if (rowOf[s]) dates[rowOf[s] - 1] = min + s * step;
  const rows = columns.map((column) => {
    const r = new Int32Array(column.length);
    for (let k = 0; k < column.length; k++) r[k] = rowOf[(column[k] - min) / step] - 1;
    return r;
  });
  return { dates, rows };
}

/** The axis by sorting every bar start, for axes too sparse for the dense table. */
function sortedAxis(columns: readonly ArrayLike<number>[]): TimeAxis {
  const all = new Float64Array(columns.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const column of columns) for (let k = 0; k < column.length; k++) all[at++] = column[k];
  all.sort();
  let n = 0;
  for (let k = 0; k < all.length; k++) if (k === 0 || all[k] !== all[k - 1]) all[n++] = all[k];
  const dates = all.slice(0, n);
  const rowOf = lowerBoundCursor(dates);
  return { dates, rows: columns.map((column) => Int32Array.from(column, rowOf)) };
}
