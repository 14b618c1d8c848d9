/**
 * Rich notebook views of time-series results: a `fromSignals` result (key numbers per column, equity
 * chart, first trades), a grid (best rows, the best columns' equity) and a `runEvents` result. Attached
 * by `lib/mod.ts` so these results render themselves as the last expression of a cell.
 */
import type { RunEventsResult } from "../engine/events/types.ts";
import {
  columnEquity,
  type FromSignalsResult,
  type GridResult,
  type TradeRecords,
  tradeRows,
} from "../engine/timeseries/mod.ts";
import { equityChart } from "./charts.ts";
import { renderTable } from "./html.ts";
import { renderSvg } from "./render.ts";
import { formatValue, keyNumbers, viewFrame } from "./tearsheet_parts.ts";

const MAX_LINES = 8;

function tradesTable(trades: TradeRecords, column?: number): string {
  const rows = tradeRows(trades, column).slice(0, 10).map((t) => ({
    direction: t.direction,
    entry: t.entry_date ?? t.entry_index,
    exit: t.exit_date ?? t.exit_index,
    entry_price: t.entry_price,
    exit_price: t.exit_price,
    pnl: t.pnl,
    ret: t.ret,
    bars: t.duration,
    reason: t.exit_reason,
  }));
  return rows.length ? renderTable(rows, { caption: `First ${rows.length} of ${trades.length} trades` }) : "";
}

function cumulative(equity: Float64Array, initial: number): Float64Array {
  return equity.map((e) => e / initial - 1);
}

/**
 * HTML of a `fromSignals` result: per-column key numbers (the first columns), their cumulative returns
 * (full output) and the first trades.
 *
 * @example
 * ```ts
 * const html = signalsView(fromSignals(close, entries, exits));
 * ```
 */
export function signalsView(result: FromSignalsResult): string {
  const s = result.stats;
  const cols = Math.min(result.nColumns, MAX_LINES);
  const numbers = result.nColumns === 1
    ? keyNumbers([
      ["Total return", formatValue(s.total_return[0], "pct")],
      ["CAGR", formatValue(s.annual_return[0], "pct")],
      ["Sharpe", formatValue(s.sharpe[0], "f2")],
      ["Max drawdown", formatValue(s.max_drawdown[0], "pct")],
      ["Trades", String(s.n_trades[0])],
      ["Win rate", formatValue(s.win_rate[0], "pct")],
      ["Exposure", formatValue(s.exposure[0], "pct")],
    ])
    : renderTable(
      Array.from({ length: cols }, (_, c) => ({
        column: c,
        instrument: result.instruments[result.priceColumn[c]],
        total_return: s.total_return[c],
        sharpe: s.sharpe[c],
        max_drawdown: s.max_drawdown[c],
        trades: s.n_trades[c],
      })),
      { caption: `${cols} of ${result.nColumns} columns` },
    );
  const chart = result.equity && result.dates
    ? renderSvg(equityChart({
      dates: result.dates,
      series: Object.fromEntries(
        Array.from(
          { length: cols },
          (_, c) => [`col ${c}`, cumulative(columnEquity(result, c), result.initialCash)],
        ),
      ),
      height: 220,
    }))
    : "";
  const span = result.dates?.length
    ? `${new Date(result.dates[0]).toISOString().slice(0, 10)} → ${
      new Date(result.dates[result.dates.length - 1]).toISOString().slice(0, 10)
    }`
    : `${result.nDates} bars`;
  return viewFrame(
    "fromSignals",
    `${result.nColumns} column(s) · ${span}`,
    numbers + chart +
      (result.trades ? tradesTable(result.trades, result.nColumns === 1 ? 0 : undefined) : ""),
  );
}

/**
 * HTML of a grid: the best rows (by the grid's ranking metric) and the best columns' cumulative returns.
 *
 * @example
 * ```ts
 * const html = gridView(maCrossoverGrid(close, { fast, slow }));
 * ```
 */
export function gridView(grid: GridResult): string {
  const ranked = [...grid.table].sort((a, b) =>
    (b[grid.rankBy] || -Infinity) - (a[grid.rankBy] || -Infinity)
  );
  const chart = grid.best.length && grid.dates
    ? renderSvg(equityChart({
      dates: grid.dates,
      series: Object.fromEntries(grid.best.map((b) => [
        `#${b.rank} ${Object.entries(b.params).map(([k, v]) => `${k}=${v}`).join(" ")}`,
        cumulative(b.equity, b.result.initialCash),
      ])),
      title: "Best combinations: cumulative return",
      height: 220,
    }))
    : "";
  return viewFrame(
    "Grid",
    `${grid.table.length} combinations, ranked by ${grid.rankBy}`,
    renderTable(ranked.slice(0, 10), { caption: "Top 10" }) + chart,
  );
}

/**
 * HTML of a `runEvents` result: key numbers of the metrics summary, the cumulative return and the
 * first trades.
 *
 * @example
 * ```ts
 * const html = eventsView(runEvents(bars, strategy));
 * ```
 */
export function eventsView(result: RunEventsResult): string {
  const m = result.summary;
  const initial = result.equity.length ? result.equity[0] / (1 + result.returns[0]) : 1;
  const chart = result.dates
    ? renderSvg(
      equityChart({
        dates: result.dates,
        series: { Equity: cumulative(result.equity, initial) },
        height: 220,
      }),
    )
    : "";
  return viewFrame(
    "runEvents",
    `${result.nDates} bars · ${result.orders.length} orders`,
    keyNumbers([
      ["Total return", formatValue(m.cumulative_return, "pct")],
      ["Sharpe", formatValue(m.sharpe, "f2")],
      ["Max drawdown", formatValue(m.max_drawdown, "pct")],
      ["Trades", String(result.trades.length)],
    ]) + chart + tradesTable(result.trades),
  );
}
