/**
 * Dense bars from rows read (`BarRows`: each row's place on the time axis and its security), the
 * matrices in shared memory so that a panel hands them on without a copy. Rows of a scan come
 * security by security while the cells are date-major, so written in read order each row's cell lands
 * on another cache line, and each line is fetched again for every security in it. The rows are
 * written window by window of bar rows instead (a counting sort of their positions by window): each
 * window's cells, a few MB, are filled with NaN and written while they are in cache.
 */
import { sharedFloat64 } from "../util/shared.ts";
import type { BarRows, Bars } from "./aggregate.ts";

/** Bytes of the five matrices' cells that one window writes (a fraction of a server's L3 cache). */
const WINDOW_BYTES = 4 << 20;

/**
 * The dense bars the rows fill on the time axis `dates` for `nS` securities, NaN where no row is; the
 * rows may come in any order (a later row for the same cell wins). `windowBytes` sets the window
 * (tests lower it).
 *
 * @example
 * ```ts
 * const bars = denseRows(axis.dates, chunks, 100);
 * bars.close[t * 100 + i]; // the close of security i's bar at dates[t]
 * ```
 */
export function denseRows(
  dates: Float64Array,
  chunks: readonly BarRows[],
  nS: number,
  windowBytes = WINDOW_BYTES,
): Bars {
  const nT = dates.length;
  const [open, high, low, close, volume] = Array.from({ length: 5 }, () => sharedFloat64(nT * nS));
  const window = Math.max(1, Math.floor(windowBytes / (nS * 8 * 5)));
  const nW = Math.ceil(nT / window);
  // A row's position: its chunk × 2^shift + its offset in the chunk (below 2^31 while the rows are).
  const longest = chunks.reduce((m, c) => Math.max(m, c.row.length), 1);
  const shift = 32 - Math.clz32(longest - 1), mask = (1 << shift) - 1;
  const starts = new Int32Array(nW + 1);
  for (const { row } of chunks) {
    for (let k = 0; k < row.length; k++) starts[Math.floor(row[k] / window) + 1]++;
  }
  for (let w = 0; w < nW; w++) starts[w + 1] += starts[w];
  const next = starts.slice(0, nW), positions = new Int32Array(starts[nW]);
  chunks.forEach(({ row }, c) => {
    for (let k = 0; k < row.length; k++) positions[next[Math.floor(row[k] / window)]++] = c * (mask + 1) + k;
  });
  for (let w = 0; w < nW; w++) {
    const from = w * window * nS, to = Math.min(nT, (w + 1) * window) * nS;
    for (const matrix of [open, high, low, close, volume]) matrix.fill(NaN, from, to);
    for (let j = starts[w]; j < starts[w + 1]; j++) {
      const p = positions[j], chunk = chunks[p >>> shift], k = p & mask;
      const cell = chunk.row[k] * nS + chunk.sec[k];
      open[cell] = chunk.open[k];
      high[cell] = chunk.high[k];
      low[cell] = chunk.low[k];
      close[cell] = chunk.close[k];
      volume[cell] = chunk.volume[k];
    }
  }
  return { dates, nSecurities: nS, open, high, low, close, volume };
}
