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

/** A growing trades ledger: the columns with room for `cap` rows, `n` of them used. */
export interface TradeLedger {
  n: number;
  cap: number;
  t: Int32Array;
  i: Int32Array;
  qty: Float64Array;
  price: Float64Array;
  reference: Float64Array;
  commission: Float64Array;
  realized: Float64Array;
  kind: Uint8Array;
}

/**
 * An empty trades ledger with room for `capacity` rows before it grows (append with `pushTrade`,
 * close with `finishTrades`).
 *
 * @example
 * ```ts
 * const ledger = tradeLedger();
 * pushTrade(ledger, 3, 0, 100, 10.01, 10, 5, 0);
 * finishTrades(ledger).slippage[0]; // => 1 (100 × 0.01)
 * ```
 */
export function tradeLedger(capacity = 1024): TradeLedger {
  const cap = Math.max(16, capacity);
  return {
    n: 0,
    cap,
    t: new Int32Array(cap),
    i: new Int32Array(cap),
    qty: new Float64Array(cap),
    price: new Float64Array(cap),
    reference: new Float64Array(cap),
    commission: new Float64Array(cap),
    realized: new Float64Array(cap),
    kind: new Uint8Array(cap),
  };
}

function grown<A extends Int32Array | Uint8Array | Float64Array>(a: A, cap: number): A {
  const b = new (a.constructor as new (n: number) => A)(cap);
  b.set(a);
  return b;
}

/** Appends a fill (bar, security, signed qty, fill price, reference price, commission, kind) and returns its row. */
export function pushTrade(
  l: TradeLedger,
  t: number,
  i: number,
  qty: number,
  price: number,
  reference: number,
  commission: number,
  kind: number,
): number {
  if (l.n === l.cap) {
    l.cap *= 2;
    l.t = grown(l.t, l.cap);
    l.i = grown(l.i, l.cap);
    l.qty = grown(l.qty, l.cap);
    l.price = grown(l.price, l.cap);
    l.reference = grown(l.reference, l.cap);
    l.commission = grown(l.commission, l.cap);
    l.realized = grown(l.realized, l.cap);
    l.kind = grown(l.kind, l.cap);
  }
  const r = l.n++;
  l.t[r] = t;
  l.i[r] = i;
  l.qty[r] = qty;
  l.price[r] = price;
  l.reference[r] = reference;
  l.commission[r] = commission;
  l.kind[r] = kind;
  return r;
}

/**
 * The ledger's rows as `TradeRecords` with the slippage column computed: views of the buffers when
 * they are at least half full (no copy of a large ledger), compact copies otherwise.
 */
export function finishTrades(l: TradeLedger): TradeRecords {
  const n = l.n;
  const slippage = new Float64Array(n);
  for (let r = 0; r < n; r++) slippage[r] = Math.abs(l.qty[r]) * Math.abs(l.price[r] - l.reference[r]);
  const cut = <A extends Int32Array | Uint8Array | Float64Array>(a: A): A =>
    (2 * n >= l.cap ? a.subarray(0, n) : a.slice(0, n)) as A;
  return {
    length: n,
    t: cut(l.t),
    i: cut(l.i),
    qty: cut(l.qty),
    price: cut(l.price),
    reference: cut(l.reference),
    commission: cut(l.commission),
    slippage,
    realized: cut(l.realized),
    kind: cut(l.kind),
  };
}
