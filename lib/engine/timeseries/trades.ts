/**
 * Trade records: one typed column per field (struct of arrays, vectorbt's records), never one object per
 * trade. A trade is one round trip in one column: entry fill → exit fill (or still open at the end).
 */

/** Why a trade closed; `open` = still held at the last bar (marked at the last close, no exit fee). */
export const EXIT_REASONS = ["signal", "stop_loss", "take_profit", "trailing_stop", "open"] as const;

/** One of `EXIT_REASONS`. */
export type ExitReason = typeof EXIT_REASONS[number];

/** Codes of `EXIT_REASONS` as stored in `TradeRecords.exitReason`. */
export const EXIT = { signal: 0, stop_loss: 1, take_profit: 2, trailing_stop: 3, open: 4 } as const;

/**
 * Trades as columns, sorted by column then entry. Prices are fill prices (slippage included); `pnl`
 * is net of both fees; `ret = pnl / (size · entryPrice)` (vectorbt's trade return); `duration` is
 * `exitIndex − entryIndex` in bars.
 */
export interface TradeRecords {
  readonly length: number;
  /** Signal column of the trade. */
  readonly column: Int32Array;
  /** +1 long, −1 short. */
  readonly direction: Int8Array;
  readonly entryIndex: Int32Array;
  readonly exitIndex: Int32Array;
  /** Epoch ms of the entry / exit bar (NaN when the bars have no dates). */
  readonly entryDate: Float64Array;
  readonly exitDate: Float64Array;
  readonly entryPrice: Float64Array;
  readonly exitPrice: Float64Array;
  /** Quantity (units of the instrument, > 0). */
  readonly size: Float64Array;
  readonly entryFees: Float64Array;
  readonly exitFees: Float64Array;
  readonly pnl: Float64Array;
  readonly ret: Float64Array;
  readonly duration: Int32Array;
  /** Index into `EXIT_REASONS`. */
  readonly exitReason: Uint8Array;
}

/**
 * Logs a position still open at the last bar as an `open` trade: exit at the last mark, no exit fee,
 * pnl = the unrealised gain less the entry fees.
 */
export function pushOpenTrade(
  log: TradeLog,
  column: number,
  quantity: number,
  entryIndex: number,
  lastIndex: number,
  entryPrice: number,
  mark: number,
  entryFees: number,
): void {
  const size = Math.abs(quantity);
  const pnl = (quantity > 0 ? mark - entryPrice : entryPrice - mark) * size - entryFees;
  log.push(
    column,
    quantity > 0 ? 1 : -1,
    entryIndex,
    lastIndex,
    entryPrice,
    mark,
    size,
    entryFees,
    0,
    pnl,
    EXIT.open,
  );
}

/** One trade as a plain row, for tables and JSON. */
export interface TradeRow {
  column: number;
  direction: "long" | "short";
  entry_index: number;
  exit_index: number;
  entry_date: string | null;
  exit_date: string | null;
  entry_price: number;
  exit_price: number;
  size: number;
  entry_fees: number;
  exit_fees: number;
  pnl: number;
  ret: number;
  duration: number;
  exit_reason: ExitReason;
}

/** A growable trade log the kernels append to (capacity doubles), frozen by `finish`. */
export interface TradeLog {
  push(
    column: number,
    direction: number,
    entryIndex: number,
    exitIndex: number,
    entryPrice: number,
    exitPrice: number,
    size: number,
    entryFees: number,
    exitFees: number,
    pnl: number,
    exitReason: number,
  ): void;
  /** The records sorted by column (stable, so each column stays in time order), with dates filled in. */
  finish(nColumns: number, dates?: ArrayLike<number>): TradeRecords;
}

/**
 * Creates an empty trade log.
 *
 * @example
 * ```ts
 * const log = tradeLog();
 * log.push(0, 1, 3, 9, 100, 110, 10, 1, 1.1, 97.9, EXIT.signal);
 * log.finish(1).pnl; // => Float64Array [97.9]
 * ```
 */
export function tradeLog(capacity = 64): TradeLog {
  let n = 0;
  let cap = capacity;
  let ints = new Int32Array(cap * 3); // column, entryIndex, exitIndex
  let dir = new Int8Array(cap);
  let reason = new Uint8Array(cap);
  let nums = new Float64Array(cap * 6); // entryPrice, exitPrice, size, entryFees, exitFees, pnl
  const grow = () => {
    cap *= 2;
    const i2 = new Int32Array(cap * 3);
    i2.set(ints);
    ints = i2;
    const d2 = new Int8Array(cap);
    d2.set(dir);
    dir = d2;
    const r2 = new Uint8Array(cap);
    r2.set(reason);
    reason = r2;
    const n2 = new Float64Array(cap * 6);
    n2.set(nums);
    nums = n2;
  };
  return {
    push(
      column,
      direction,
      entryIndex,
      exitIndex,
      entryPrice,
      exitPrice,
      size,
      entryFees,
      exitFees,
      pnl,
      why,
    ) {
      if (n === cap) grow();
      ints[n * 3] = column;
      ints[n * 3 + 1] = entryIndex;
      ints[n * 3 + 2] = exitIndex;
      dir[n] = direction;
      reason[n] = why;
      const k = n * 6;
      nums[k] = entryPrice;
      nums[k + 1] = exitPrice;
      nums[k + 2] = size;
      nums[k + 3] = entryFees;
      nums[k + 4] = exitFees;
      nums[k + 5] = pnl;
      n++;
    },
    finish(nColumns, dates) {
      // stable counting sort by column
      const start = new Int32Array(nColumns + 1);
      for (let k = 0; k < n; k++) start[ints[k * 3] + 1]++;
      for (let c = 0; c < nColumns; c++) start[c + 1] += start[c];
      const order = new Int32Array(n);
      for (let k = 0; k < n; k++) order[start[ints[k * 3]]++] = k;
      const out = emptyRecords(n);
      for (let j = 0; j < n; j++) {
        const k = order[j];
        out.column[j] = ints[k * 3];
        out.entryIndex[j] = ints[k * 3 + 1];
        out.exitIndex[j] = ints[k * 3 + 2];
        out.direction[j] = dir[k];
        out.exitReason[j] = reason[k];
        out.entryPrice[j] = nums[k * 6];
        out.exitPrice[j] = nums[k * 6 + 1];
        out.size[j] = nums[k * 6 + 2];
        out.entryFees[j] = nums[k * 6 + 3];
        out.exitFees[j] = nums[k * 6 + 4];
        out.pnl[j] = nums[k * 6 + 5];
        out.ret[j] = out.pnl[j] / (out.size[j] * out.entryPrice[j]);
        out.duration[j] = out.exitIndex[j] - out.entryIndex[j];
        out.entryDate[j] = dates ? dates[out.entryIndex[j]] : NaN;
        out.exitDate[j] = dates ? dates[out.exitIndex[j]] : NaN;
      }
      return out;
    },
  };
}

function emptyRecords(n: number): TradeRecords {
  return {
    length: n,
    column: new Int32Array(n),
    direction: new Int8Array(n),
    entryIndex: new Int32Array(n),
    exitIndex: new Int32Array(n),
    entryDate: new Float64Array(n),
    exitDate: new Float64Array(n),
    entryPrice: new Float64Array(n),
    exitPrice: new Float64Array(n),
    size: new Float64Array(n),
    entryFees: new Float64Array(n),
    exitFees: new Float64Array(n),
    pnl: new Float64Array(n),
    ret: new Float64Array(n),
    duration: new Int32Array(n),
    exitReason: new Uint8Array(n),
  };
}

/**
 * The trades as plain rows (optionally only those of one column), dates as `YYYY-MM-DD` (UTC) or ISO
 * timestamps for intraday bars.
 *
 * @example
 * ```ts
 * tradeRows(result.trades, 0)[0]; // => { column: 0, direction: "long", entry_date: "2020-01-03", … }
 * ```
 */
export function tradeRows(records: TradeRecords, column?: number): TradeRow[] {
  const rows: TradeRow[] = [];
  for (let k = 0; k < records.length; k++) {
    if (column !== undefined && records.column[k] !== column) continue;
    rows.push({
      column: records.column[k],
      direction: records.direction[k] > 0 ? "long" : "short",
      entry_index: records.entryIndex[k],
      exit_index: records.exitIndex[k],
      entry_date: formatDate(records.entryDate[k]),
      exit_date: formatDate(records.exitDate[k]),
      entry_price: records.entryPrice[k],
      exit_price: records.exitPrice[k],
      size: records.size[k],
      entry_fees: records.entryFees[k],
      exit_fees: records.exitFees[k],
      pnl: records.pnl[k],
      ret: records.ret[k],
      duration: records.duration[k],
      exit_reason: EXIT_REASONS[records.exitReason[k]],
    });
  }
  return rows;
}

/** `YYYY-MM-DD` for a UTC midnight, the full ISO timestamp otherwise, null for NaN. */
export function formatDate(ms: number): string | null {
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms).toISOString();
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso;
}
