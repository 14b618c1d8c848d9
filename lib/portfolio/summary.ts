/**
 * Summaries of a simulated portfolio: the flat metric record a run records, the cost and tax
 * breakdown by month, the top positions and the trades summary the tear sheet shows.
 */
import { allMetrics, type Metrics } from "../metrics/summary.ts";
import { sharpeRatio } from "../metrics/core.ts";
import { monthKey } from "./calendar.ts";
import type { PortfolioResult } from "./simulate.ts";

/** The metric record of a portfolio run (snake_case, as recorded). */
export type PortfolioMetrics =
  & Metrics
  & {
    /** Sharpe of the excess return over the cash rate, `ret − cash_rate` (present with a cash rate). */
    sharpe_vs_cash?: number;
    final_nav: number;
    /** Mean Σ|Δweight| per rebalance (the vocabulary's turnover). */
    turnover: number;
    /** Σ of the daily turnover per year: how many times the book is traded in a year. */
    turnover_annual: number;
    avg_gross_exposure: number;
    avg_net_exposure: number;
    /** Mean number of names held at the close. */
    avg_positions: number;
    commission: number;
    slippage: number;
    borrow: number;
    interest: number;
    dividends: number;
    tax_paid: number;
    withholding: number;
    tax_outstanding: number;
    /** commission + slippage + borrow + tax paid + withholding. */
    costs_total: number;
    n_trades: number;
    n_rebalances: number;
  };

/**
 * The portfolio's metrics: every `allMetrics` number of its daily net return (empyrical's
 * conventions, risk-free 0; alpha, beta, IR and tracking error against `benchmark`, the benchmark's
 * daily return aligned with `result.dates`), `sharpe_vs_cash` when cash earned a rate, and the
 * turnover, exposure, cost and tax totals. The first bar (the decision bar, all cash) has no return.
 *
 * @example
 * ```ts
 * const m = portfolioMetrics(result, { benchmark: spxReturns });
 * m.sharpe; m.turnover; m.tax_paid;
 * ```
 */
export function portfolioMetrics(
  result: PortfolioResult,
  options: { benchmark?: ArrayLike<number> } = {},
): PortfolioMetrics {
  const { daily, totals, rebalances } = result;
  const T = daily.date.length, ppy = result.periodsPerYear;
  const ret = daily.ret.subarray(1);
  const metrics = allMetrics(ret, {
    periodsPerYear: ppy,
    benchmark: options.benchmark ? Array.prototype.slice.call(options.benchmark, 1) as number[] : undefined,
  });
  const excess = ret.map((r, k) => r - daily.cash_rate[k + 1]);
  const hasCash = daily.cash_rate.some((g) => g !== 0);
  let turnover = 0, positions = 0;
  for (const k of rebalances) turnover += daily.turnover[k];
  for (let c = 0; c < result.shares.length; c++) if (result.shares[c] !== 0) positions++;
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
  const years = (T - 1) / ppy;
  return {
    ...metrics,
    ...(hasCash ? { sharpe_vs_cash: sharpeRatio(excess, 0, ppy) } : {}),
    final_nav: totals.final_nav,
    turnover: rebalances.length ? turnover / rebalances.length : 0,
    turnover_annual: years > 0 ? daily.turnover.reduce((x, y) => x + y, 0) / years : NaN,
    avg_gross_exposure: mean(daily.gross_exposure),
    avg_net_exposure: mean(daily.net_exposure),
    avg_positions: positions / T,
    commission: totals.commission,
    slippage: totals.slippage,
    borrow: totals.borrow,
    interest: totals.interest,
    dividends: totals.dividends,
    tax_paid: totals.tax_paid,
    withholding: totals.withholding,
    tax_outstanding: totals.tax_outstanding,
    costs_total: totals.commission + totals.slippage + totals.borrow + totals.tax_paid + totals.withholding,
    n_trades: totals.n_trades,
    n_rebalances: totals.n_rebalances,
  };
}

/** One month of the cost and tax breakdown (currency amounts; `month` = epoch ms of its first day). */
export interface MonthlyCosts {
  month: number;
  commission: number;
  slippage: number;
  borrow: number;
  tax_paid: number;
  withholding: number;
  interest: number;
  dividends: number;
  turnover: number;
}

/**
 * Costs, taxes, interest and dividends summed per calendar month, and the month's turnover (Σ of
 * the daily Σ|Δweight|).
 *
 * @example
 * ```ts
 * monthlyCosts(result)[0]; // => { month, commission, slippage, borrow, tax_paid, withholding, interest, dividends, turnover }
 * ```
 */
export function monthlyCosts(result: PortfolioResult): MonthlyCosts[] {
  const d = result.daily;
  const rows: MonthlyCosts[] = [];
  let key = NaN;
  for (let k = 0; k < d.date.length; k++) {
    const m = monthKey(d.date[k]);
    if (m !== key) {
      key = m;
      rows.push({
        month: Date.UTC(Math.floor(m / 12), m % 12, 1),
        commission: 0,
        slippage: 0,
        borrow: 0,
        tax_paid: 0,
        withholding: 0,
        interest: 0,
        dividends: 0,
        turnover: 0,
      });
    }
    const row = rows[rows.length - 1];
    row.commission += d.commission[k];
    row.slippage += d.slippage[k];
    row.borrow += d.borrow[k];
    row.tax_paid += d.tax_paid[k];
    row.withholding += d.withholding[k];
    row.interest += d.interest[k];
    row.dividends += d.dividends[k];
    row.turnover += d.turnover[k];
  }
  return rows;
}

/** One security's holding over the run. */
export interface PositionSummary {
  security_id: string;
  /** Mean weight over the bars held (signed), and the share of bars held. */
  avg_weight: number;
  held_share: number;
  final_weight: number;
  /** Realised P&L of its trades. */
  realized_pnl: number;
}

/**
 * The `n` securities with the largest mean absolute weight while held, with their final weight and
 * realised P&L.
 *
 * @example
 * ```ts
 * topPositions(result, 10).map((p) => p.security_id);
 * ```
 */
export function topPositions(result: PortfolioResult, n = 10): PositionSummary[] {
  const T = result.dates.length, N = result.securityIds.length;
  const sum = new Float64Array(N), held = new Float64Array(N), pnl = new Float64Array(N);
  for (let c = 0; c < result.weights.length; c++) {
    const w = result.weights[c];
    if (w !== 0) (sum[c % N] += w, held[c % N]++);
  }
  for (let r = 0; r < result.trades.length; r++) pnl[result.trades.i[r]] += result.trades.realized[r];
  return Array.from({ length: N }, (_, i) => i)
    .filter((i) => held[i] > 0)
    .sort((a, b) => Math.abs(sum[b] / held[b]) - Math.abs(sum[a] / held[a]) || a - b)
    .slice(0, n)
    .map((i) => ({
      security_id: result.securityIds[i],
      avg_weight: sum[i] / held[i],
      held_share: held[i] / T,
      final_weight: result.weights[(T - 1) * N + i],
      realized_pnl: pnl[i],
    }));
}

/** Counts and sizes of a run's trades. */
export interface TradesSummary {
  n_trades: number;
  n_buys: number;
  n_sells: number;
  n_delistings: number;
  traded_value: number;
  avg_trade_value: number;
  /** Share of the fills that realised a result (sales of longs, covers of shorts) that made money. */
  win_rate: number;
  realized_pnl: number;
  largest_gain: number;
  largest_loss: number;
}

/**
 * The trades ledger summarised: counts by side, traded value, the realised P&L with its win rate and
 * extremes.
 *
 * @example
 * ```ts
 * tradesSummary(result).win_rate;
 * ```
 */
export function tradesSummary(result: PortfolioResult): TradesSummary {
  const t = result.trades;
  let buys = 0, delistings = 0, value = 0, wins = 0, realizing = 0, pnl = 0, best = 0, worst = 0;
  for (let r = 0; r < t.length; r++) {
    if (t.qty[r] > 0) buys++;
    if (t.kind[r] === 1) delistings++;
    value += Math.abs(t.qty[r]) * t.price[r];
    const x = t.realized[r];
    if (x !== 0) {
      realizing++;
      if (x > 0) wins++;
      pnl += x;
      best = Math.max(best, x);
      worst = Math.min(worst, x);
    }
  }
  return {
    n_trades: t.length,
    n_buys: buys,
    n_sells: t.length - buys,
    n_delistings: delistings,
    traded_value: value,
    avg_trade_value: t.length ? value / t.length : NaN,
    win_rate: realizing ? wins / realizing : NaN,
    realized_pnl: pnl,
    largest_gain: best,
    largest_loss: worst,
  };
}
