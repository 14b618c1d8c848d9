/**
 * The event-driven backtest loop: `runEvents(bars, strategy, options)` with a strategy of `init(ctx)`,
 * `onBar(bar, ctx)` and `onExit(ctx)` that places market, limit and stop orders; fills from the next bar
 * with `fromSignals`'s cost model; a portfolio with cash and a position per instrument.
 *
 * @example
 * ```ts
 * import { runEvents } from "./mod.ts";
 * const result = runEvents(close, { onBar(bar, ctx) { if (bar.t === 10) ctx.buy(); } });
 * result.trades; result.summary.sharpe;
 * ```
 *
 * @module
 */
export { runEvents } from "./run_events.ts";
export type {
  EventBar,
  EventContext,
  EventStrategy,
  OrderRequest,
  OrderRow,
  OrderSize,
  RunEventsOptions,
  RunEventsResult,
} from "./types.ts";
