/**
 * The trades ledger as records (struct of typed columns, vectorbt style): one row per fill, grown by
 * doubling, trimmed to length at the end.
 */

/** Why a fill happened. */
export const TRADE_KINDS = ["rebalance", "delist"] as const;

/** The trades ledger: one row per fill, by bar order. */
export interface TradeRecords {
  readonly length: number;
  /** Bar index into the result's dates. */
  readonly t: Int32Array;
  /** Security index into the result's security ids. */
  readonly i: Int32Array;
  /** Signed shares: > 0 bought, < 0 sold. */
  readonly qty: Float64Array;
  /** Fill price per share (the reference price ± slippage). */
  readonly price: Float64Array;
  /** Reference price before slippage (the bar's open or close). */
  readonly reference: Float64Array;
  readonly commission: Float64Array;
  /** Slippage cost, `|qty| · |price − reference|`. */
  readonly slippage: Float64Array;
  /** Realised P&L at average cost (net of costs), on the security-day's last fill. */
  readonly realized: Float64Array;
  /** Index into `TRADE_KINDS`. */
  readonly kind: Uint8Array;
}

/** A growing trades ledger. */
export interface TradeRecorder {
  /** Appends a fill and returns its row. */
  push(
    t: number,
    i: number,
    qty: number,
    price: number,
    reference: number,
    commission: number,
    kind: number,
  ): number;
  /** Sets the realised P&L of a row. */
  setRealized(row: number, pnl: number): void;
  /** The rows so far, trimmed (views of the buffers when they are at least half full, else copies). */
  finish(): TradeRecords;
}

/**
 * An empty trades ledger with room for `capacity` rows before it grows.
 *
 * @example
 * ```ts
 * const rec = tradeRecorder();
 * rec.push(3, 0, 100, 10.01, 10, 5, 0);
 * rec.finish().slippage[0]; // => 1 (100 × 0.01)
 * ```
 */
export function tradeRecorder(capacity = 1024): TradeRecorder {
  let n = 0;
  let cap = Math.max(16, capacity);
  let t = new Int32Array(cap), i = new Int32Array(cap), kind = new Uint8Array(cap);
  let qty = new Float64Array(cap), price = new Float64Array(cap), reference = new Float64Array(cap);
  let fee = new Float64Array(cap), realized = new Float64Array(cap);
  const grow = <A extends Int32Array | Uint8Array | Float64Array>(a: A): A => {
    const b = new (a.constructor as new (n: number) => A)(cap);
    b.set(a);
    return b;
  };
  return {
    push(bar, security, q, fill, ref, c, k) {
      if (n === cap) {
        cap *= 2;
        [t, i, kind] = [grow(t), grow(i), grow(kind)];
        [qty, price, reference, fee, realized] = [
          grow(qty),
          grow(price),
          grow(reference),
          grow(fee),
          grow(realized),
        ];
      }
      t[n] = bar;
      i[n] = security;
      qty[n] = q;
      price[n] = fill;
      reference[n] = ref;
      fee[n] = c;
      kind[n] = k;
      return n++;
    },
    setRealized(row, pnl) {
      realized[row] = pnl;
    },
    finish() {
      const slippage = new Float64Array(n);
      for (let r = 0; r < n; r++) slippage[r] = Math.abs(qty[r]) * Math.abs(price[r] - reference[r]);
      // Views when most of the room is used (no copy of a large ledger), compact copies otherwise.
      const cut = <A extends Int32Array | Uint8Array | Float64Array>(a: A): A =>
        (2 * n >= cap ? a.subarray(0, n) : a.slice(0, n)) as A;
      return {
        length: n,
        t: cut(t),
        i: cut(i),
        qty: cut(qty),
        price: cut(price),
        reference: cut(reference),
        commission: cut(fee),
        slippage,
        realized: cut(realized),
        kind: cut(kind),
      };
    },
  };
}
