/** Shapes of the event-driven loop: the strategy interface, its context, orders and the result. */
import type { Metrics } from "../../metrics/summary.ts";
import type { CostModel } from "../timeseries/costs.ts";
import type { FillTiming } from "../timeseries/from_signals.ts";
import type { TradeRecords } from "../timeseries/trades.ts";

/** One instrument's bar as `onBar` sees it (values as of the close of bar `t`). */
export interface EventBar {
  /** Bar index. */
  readonly t: number;
  /** Epoch ms (NaN when the bars have no dates). */
  readonly date: number;
  /** Instrument index and name. */
  readonly instrument: number;
  readonly name: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** How an order's quantity is set when it fills (default `{ percent: 1 }` of equity). */
export type OrderSize =
  | { readonly percent: number }
  | { readonly value: number }
  | { readonly quantity: number };

/** What a strategy asks for. Every order fills at the earliest on the next bar. */
export interface OrderRequest {
  readonly side: "buy" | "sell";
  /** `market` (default): next bar's open or close (`fill`); `limit`: at `price` or better; `stop`: once `price` trades. */
  readonly type?: "market" | "limit" | "stop";
  /** Limit or stop price (required for those types). */
  readonly price?: number;
  /** Quantity rule, evaluated at the fill (default `{ percent: 1 }`: all of the equity, fees included). */
  readonly size?: OrderSize;
  /** Instrument index (default: the bar being handled). */
  readonly instrument?: number;
  /** Limit/stop orders lapse after this many bars without a fill (default: good till cancelled). */
  readonly expiresAfter?: number;
}

/** What `init`, `onBar` and `onExit` get: the portfolio, order entry, data access and free state. */
export interface EventContext {
  /** Current bar index (−1 in `init`). */
  readonly t: number;
  /** Current bar's epoch ms. */
  readonly date: number;
  readonly nBars: number;
  readonly nInstruments: number;
  /** Instrument of the bar being handled. */
  readonly instrument: number;
  readonly cash: number;
  /** `cash + Σ position × last close`, at the current close. */
  readonly equity: number;
  /** Signed quantity held (default: the current instrument). */
  position(instrument?: number): number;
  /** Places an order; returns its id. */
  order(request: OrderRequest): number;
  /** `order({ side: "buy", …})`. */
  buy(request?: Omit<OrderRequest, "side">): number;
  /** `order({ side: "sell", …})`. */
  sell(request?: Omit<OrderRequest, "side">): number;
  /** A market order that flattens the position at its fill (no-op id −1 when flat). */
  close(instrument?: number): number;
  /** Cancels a working order (no-op when already filled or gone). */
  cancel(id: number): void;
  /** The last `n` values of a field up to and including the current bar (no look-ahead). */
  history(field: "open" | "high" | "low" | "close", n: number, instrument?: number): Float64Array;
  /**
   * A field's whole series, for computing causal indicators once in `init` (`sma(ctx.series("close"), 20)`);
   * reading beyond the current bar is the strategy's own look-ahead.
   */
  series(field: "open" | "high" | "low" | "close", instrument?: number): Float64Array;
  /** Free storage for the strategy. */
  readonly state: Record<string, unknown>;
}

/** A stateful strategy for `runEvents`. */
export interface EventStrategy {
  init?(ctx: EventContext): void;
  /** Called for every instrument at every bar, after that bar's fills, with equity marked at its close. */
  onBar(bar: EventBar, ctx: EventContext): void;
  onExit?(ctx: EventContext): void;
}

/** Options of `runEvents` (the cost model is `fromSignals`'s). */
export interface RunEventsOptions extends CostModel {
  /** Market orders fill at the next bar's open or close (default `nextClose`). */
  readonly fill?: FillTiming;
  /** Starting cash (default 100,000). */
  readonly initialCash?: number;
  /** Bars per year for annualisation (default: from the dates, else 252). */
  readonly periodsPerYear?: number;
  /** Risk-free rate per bar for the summary (default 0). */
  readonly riskFree?: number;
}

/** One order as the loop saw it. */
export interface OrderRow {
  id: number;
  instrument: number;
  side: "buy" | "sell";
  type: "market" | "limit" | "stop";
  /** Limit/stop price (NaN for market). */
  price: number;
  placed_index: number;
  status: "filled" | "cancelled" | "expired" | "open" | "rejected";
  fill_index: number;
  fill_price: number;
  quantity: number;
  fees: number;
}

/** What `runEvents` returns. */
export interface RunEventsResult {
  readonly nDates: number;
  readonly dates?: Float64Array;
  readonly instruments: readonly string[];
  readonly periodsPerYear: number;
  /** Equity at each close (length T). */
  readonly equity: Float64Array;
  /** Cash at each close. */
  readonly cash: Float64Array;
  /** `T × K` signed quantities at each close. */
  readonly position: Float64Array;
  /** Per-bar returns of the equity (bar 0 against the initial cash). */
  readonly returns: Float64Array;
  readonly trades: TradeRecords;
  readonly orders: OrderRow[];
  /** The metrics library's summary of `returns`. */
  readonly summary: Metrics;
}
