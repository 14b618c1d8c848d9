/**
 * Dense bars from rows read (`BarRows`: each row's place on the time axis and its security), the
 * matrices in shared memory so that a panel hands them on without a copy. Rows of a scan come
 * security by security while the cells are date-major, so written in read order each row's cell lands
 * on another cache line, and each line is fetched again for every security in it. The rows are
 * written window by window of bar rows instead (a counting sort of runs of rows by window): each
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
  // Segments: runs of consecutive rows of a chunk in one window (a few per chunk when the rows come
  // security by security in time order, one per row at worst), counted, then sorted by window.
  let nSeg = 0;
  for (const { row } of chunks) {
    for (let k = 0; k < row.length; k++) {
      if (k === 0 || Math.floor(row[k] / window) !== Math.floor(row[k - 1] / window)) nSeg++;
    }
  }
  const segChunk = new Int32Array(nSeg), segFrom = new Int32Array(nSeg), segWindow = new Int32Array(nSeg);
  let g = 0;
  chunks.forEach(({ row }, c) => {
    for (let k = 0; k < row.length; k++) {
      const w = Math.floor(row[k] / window);
      if (k === 0 || w !== Math.floor(row[k - 1] / window)) {
        (segChunk[g] = c, segFrom[g] = k, segWindow[g++] = w);
      }
    }
  });
  const starts = new Int32Array(nW + 1);
  for (let s = 0; s < nSeg; s++) starts[segWindow[s] + 1]++;
  for (let w = 0; w < nW; w++) starts[w + 1] += starts[w];
  const next = starts.slice(0, nW), order = new Int32Array(nSeg);
  for (let s = 0; s < nSeg; s++) order[next[segWindow[s]]++] = s;
  for (let w = 0; w < nW; w++) {
    const from = w * window * nS, to = Math.min(nT, (w + 1) * window) * nS;
    for (const matrix of [open, high, low, close, volume]) matrix.fill(NaN, from, to);
    for (let j = starts[w]; j < starts[w + 1]; j++) {
      const s = order[j], chunk = chunks[segChunk[s]];
      const end = s + 1 < nSeg && segChunk[s + 1] === segChunk[s] ? segFrom[s + 1] : chunk.row.length;
      const { row, sec, open: o, high: h, low: l, close: c, volume: v } = chunk;
      for (let k = segFrom[s]; k < end; k++) {
        const cell = row[k] * nS + sec[k];
        open[cell] = o[k];
        high[cell] = h[k];
        low[cell] = l[k];
        close[cell] = c[k];
        volume[cell] = v[k];
      }
    }
  }
  return { dates, nSecurities: nS, open, high, low, close, volume };
}
