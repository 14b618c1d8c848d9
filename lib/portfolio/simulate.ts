/**
 * The target-weight portfolio simulator: one pass over the bars on typed arrays, trading raw prices.
 *
 * Bars belong to sessions (trading days: `MarketData.sessions`; on daily bars each bar is its own
 * session). Daily processes run per session, whatever the bar size: cash accrues and the borrow fee is
 * charged once per session, on its first bar; corporate actions land on the first bar of their
 * ex-date's session (as `corporateEvents` puts them given the sessions); the tax book closes the day
 * (day-trade matching, withholding) on the session's last bar; tax periods are calendar months of the
 * sessions. Orders, fills, lots and costs are per bar.
 *
 * Per bar t, in this order:
 * 1. Overnight (first bar of a session): cash × `g[t]` (the cash rate, see `sessionCashGrowth`;
 *    negative cash pays it), short borrow fee `borrowRate / sessionsPerYear × |short value at the
 *    previous close|`.
 * 2. Corporate actions with ex-date t: cash dividends credited (`shares × amount`, shorts pay), then
 *    splits (`shares × ratio`, average cost ÷ ratio, the carried price ÷ ratio): NAV is unchanged by a
 *    split, so totals reconcile with adjusted-price returns.
 * 3. Taxes due at t are paid from cash.
 * 4. If bar t − 1 was a decision bar of the schedule, its target (the latest weight row at or before
 *    t − 1 with any finite weight) becomes orders (the first decision always does, whatever the
 *    schedule, so the portfolio is invested from the start): NAV at the execution prices × weight / price, scaled
 *    to the leverage cap, rounded toward zero to the lot; NaN weight = hold (no order); orders smaller
 *    than the no-trade band are skipped (full exits always trade). `on_change` acts only when the
 *    target row differs from the last one acted on. A decision never fills on its own bar.
 * 5. Open orders fill at the execution price of bar t (open or close) ± slippage, capped per session
 *    by the participation model (a share of the daily ADV over the session's bars, the ADV known at
 *    the session's open; the rest waits for later bars and sessions); commissions charged; each fill goes to
 *    the tax book. A security's last priced bar before the end of the data is its delisting: the
 *    position is closed at that close, without costs.
 * 6. On a session's last bar the tax book resolves the day (withholding leaves cash); positions are
 *    marked at the close (the last close carried over missing bars): NAV = cash + Σ shares × price,
 *    exactly, at every bar.
 * 7. On a tax period's last bar the period is closed and its bill scheduled on its due bar (the last
 *    bar of the due session).
 */
import { field, type Panel } from "../panel/types.ts";
import type { Series } from "../panel/series.ts";
import { decisionBars } from "./calendar.ts";
import { sessionCashGrowth } from "./cash.ts";
import {
  type CommissionModel,
  resolveSimulation,
  type SimulationConfig,
  type SimulationOptions,
  type SlippageModel,
} from "./config.ts";
import { commission, fillCap, slippageFraction } from "./costs.ts";
import { type CorporateEvents, NO_EVENTS } from "./actions.ts";
import { finishTrades, pushTrade, type TradeLedger, tradeLedger, type TradeRecords } from "./records.ts";
import {
  bookClosePeriod,
  bookEndDay,
  bookSplit,
  bookTrade,
  type TaxBookState,
  taxBookState,
  type TaxPeriod,
} from "./tax/book.ts";
import { closesPeriod, periodDue, periodStart, type TaxLedger, taxLedger } from "./tax/ledger.ts";
import { type TaxModel, taxModel } from "./tax/models.ts";
import type { DueDate } from "./calendar.ts";
import { lowerBound } from "../util/bisect.ts";
import { SESSIONS_PER_YEAR } from "../bars/session.ts";
import { parseIsoDate } from "../panel/types.ts";

/** What the simulator trades on: raw prices on a bar axis, plus everything per security. */
export interface MarketData {
  readonly dates: Float64Array;
  readonly securityIds: readonly string[];
  /** Raw (unadjusted) open and close, `T × N` date-major, NaN = no price. */
  readonly open: Float64Array;
  readonly close: Float64Array;
  /**
   * Average daily traded value (currency), for the participation model: on daily bars as of each
   * close (a fill at bar t sees bar t − 1's); with `sessions`, the one known at each bar's session open
   * (as of the previous session's close, as intraday panels carry it), which the bar's fills see.
   */
  readonly adv?: Float64Array;
  readonly events?: CorporateEvents;
  /** Rate series by id (their own dates), for `cashRate: { kind: "series" }`. */
  readonly series?: Readonly<Record<string, Series>>;
  /** Lot size per security (overrides `config.lot`; NaN or missing: `config.lot`). */
  readonly lots?: ArrayLike<number>;
  /** Tax class per security (`common`, `etf`, `unit`, …; default `common`). */
  readonly taxClasses?: readonly string[];
  /** Bars per year, the annualisation basis (default 252). */
  readonly periodsPerYear?: number;
  /**
   * The session (trading day) of each bar, epoch ms of its local date (`sessionDays`), non-decreasing;
   * default: the bar dates (daily bars, one bar a session).
   */
  readonly sessions?: Float64Array;
  /**
   * Sessions per year: the day-count basis of the cash rate and the borrow fee (default
   * `periodsPerYear` without `sessions`, else 252).
   */
  readonly sessionsPerYear?: number;
}

/**
 * The market data of a panel with raw `open` and `close` (and `adv` when present), plus what the
 * panel does not carry (corporate actions, rate series, lots, tax classes).
 *
 * @example
 * ```ts
 * const market = marketFromPanel(panel, { events: await readCorporateEvents(conn, panel.dates, panel.securityIds) });
 * ```
 */
export function marketFromPanel(
  panel: Panel,
  extra: Pick<MarketData, "events" | "series" | "lots" | "taxClasses" | "sessions" | "sessionsPerYear"> = {},
): MarketData {
  return {
    dates: panel.dates,
    securityIds: panel.securityIds,
    open: field(panel, "open"),
    close: field(panel, "close"),
    adv: panel.fields.adv,
    periodsPerYear: panel.periodsPerYear,
    ...extra,
  };
}

/** Per-bar series of a simulation (each as long as the result's dates). */
export interface PortfolioDaily {
  readonly date: Float64Array;
  /** Net asset value at the close: cash + Σ shares × price. */
  readonly nav: Float64Array;
  /** `nav[t] / nav[t − 1] − 1` (NaN on the first bar): the portfolio's net return. */
  readonly ret: Float64Array;
  readonly cash: Float64Array;
  /** Market value of the long positions (≥ 0) and of the short positions (≤ 0). */
  readonly long: Float64Array;
  readonly short: Float64Array;
  /** (long − short) / nav and (long + short) / nav. */
  readonly gross_exposure: Float64Array;
  readonly net_exposure: Float64Array;
  /** Σ |traded value| / NAV before the bar's trades: Σ|Δweight| of the bar. */
  readonly turnover: Float64Array;
  /** Σ |qty| × fill price of the bar's fills. */
  readonly traded: Float64Array;
  readonly commission: Float64Array;
  readonly slippage: Float64Array;
  readonly borrow: Float64Array;
  /** Cash-rate interest credited (negative when cash was borrowed). */
  readonly interest: Float64Array;
  readonly dividends: Float64Array;
  readonly tax_paid: Float64Array;
  readonly withholding: Float64Array;
  /** The cash rate of the bar, `g[t] − 1` (see `cashGrowth`): what a bar of cash earned. */
  readonly cash_rate: Float64Array;
}

/** Totals over the simulation. */
export interface PortfolioTotals {
  readonly final_nav: number;
  readonly traded: number;
  readonly commission: number;
  readonly slippage: number;
  readonly borrow: number;
  readonly interest: number;
  readonly dividends: number;
  /** Taxes paid on their due dates inside the data (withholding excluded). */
  readonly tax_paid: number;
  readonly withholding: number;
  /** Bills due after the data ends plus bills rolled over below the minimum: owed but not yet paid. */
  readonly tax_outstanding: number;
  readonly n_trades: number;
  readonly n_rebalances: number;
}

/** A simulated portfolio. */
export interface PortfolioResult {
  readonly config: SimulationConfig;
  readonly taxModel: TaxModel;
  readonly dates: Float64Array;
  readonly securityIds: readonly string[];
  /** Bars per year of the data (the annualisation basis). */
  readonly periodsPerYear: number;
  /** The session of each of `dates` (equal to `dates` on daily bars). */
  readonly sessions: Float64Array;
  readonly daily: PortfolioDaily;
  /** Shares held at each close, `T × N` date-major over the result's dates. */
  readonly shares: Float64Array;
  /** Weights at each close, shares × price / NAV (computed on first access). */
  readonly weights: Float64Array;
  readonly trades: TradeRecords;
  /** One row per tax period (month) of the simulation. */
  readonly taxes: TaxLedger;
  /** Bars (indices into `dates`) on which a decision turned into orders. */
  readonly rebalances: Int32Array;
  /** For each rebalance, the bar whose weight row it acted on (always before the rebalance bar). */
  readonly decisions: Int32Array;
  readonly totals: PortfolioTotals;
}

/** Bars of the input where the simulation starts and ends (inclusive): `start`/`end` are sessions. */
function simulationRange(
  dates: Float64Array,
  latest: Int32Array,
  config: SimulationConfig,
): [number, number] {
  let first = 0;
  while (first < latest.length && latest[first] < 0) first++;
  if (first === latest.length) {
    throw new RangeError("the target weights have no finite value: nothing to simulate");
  }
  const start = config.start ? Math.max(first, lowerBound(dates, parseIsoDate(config.start))) : first;
  const end = config.end ? lowerBound(dates, parseIsoDate(config.end) + 1) - 1 : dates.length - 1;
  if (!(start < end)) {
    throw new RangeError(
      `nothing to simulate between the first decision and the end (start ${start}, end ${end})`,
    );
  }
  return [start, end];
}

/** Whether two weight rows differ (NaN equals NaN). */
function rowsDiffer(w: Float64Array, a: number, b: number, nS: number): boolean {
  const [pa, pb] = [a * nS, b * nS];
  for (let i = 0; i < nS; i++) {
    const [x, y] = [w[pa + i], w[pb + i]];
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return true;
  }
  return false;
}

/** The mutable state of one simulation, shared by the per-bar steps below (typed arrays, monomorphic). */
interface Book {
  readonly N: number;
  readonly shares: Float64Array;
  /** Last close of each security (carried over missing bars), divided by split ratios. */
  readonly mark: Float64Array;
  /** Target shares of the open orders. */
  readonly target: Float64Array;
  readonly pending: Uint8Array;
  /** Row in the trades ledger of each security's last fill. */
  readonly lastFill: Int32Array;
  /** Lot per security (0: fractional). */
  readonly lots: Float64Array;
  /** Shares filled this session per security (the participation cap is per session). */
  readonly filled: Float64Array;
  readonly lastPriced: Int32Array;
  cash: number;
  nPending: number;
  longValue: number;
  shortValue: number;
}

/** The settings the order and fill steps read. */
interface Rules {
  readonly allowShort: boolean;
  readonly maxLeverage: number | null;
  readonly band: number;
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
}

/**
 * The rules as one fixed-shape record (the same hidden class whatever options were given, and one
 * slippage shape for both models), so the per-bar steps stay monomorphic.
 */
function flatRules(config: SimulationConfig): Rules {
  const sl = config.slippage;
  const participation = sl.model === "participation";
  return {
    allowShort: config.allowShort,
    maxLeverage: config.maxLeverage,
    band: config.band,
    commission: {
      bps: config.commission.bps,
      perShare: config.commission.perShare,
      perOrder: config.commission.perOrder,
      minimum: config.commission.minimum,
    },
    slippage: {
      model: sl.model,
      bps: sl.bps,
      impactBps: participation ? sl.impactBps : 0,
      exponent: participation ? sl.exponent : 1,
      maxParticipation: participation ? sl.maxParticipation : 1,
    } as SlippageModel,
  };
}

function cancel(b: Book, i: number): void {
  if (b.pending[i]) (b.pending[i] = 0, b.nPending--);
}

/** NAV at the execution prices of bar row `row` (the carried close where a security has none). */
function navAt(b: Book, exec: Float64Array, row: number): number {
  let nav = b.cash;
  for (let i = 0; i < b.N; i++) {
    const sh = b.shares[i];
    if (sh === 0) continue;
    const px = exec[row + i];
    nav += sh * (px === px ? px : b.mark[i]);
  }
  return nav;
}

/**
 * Turns weight row `r` into open orders at bar `t` (row offset `row`): target shares = weight × scale ×
 * NAV / price, truncated to the lot; NaN weight = hold; band and leverage cap. Returns the NAV used.
 */
function placeOrders(
  b: Book,
  w: Float64Array,
  r: number,
  exec: Float64Array,
  row: number,
  t: number,
  rules: Rules,
): number {
  const N = b.N, wr = r * N;
  // One pass: NAV at the execution prices, gross of the finite targets, gross held where there is none.
  let navRef = b.cash, gross = 0, held = 0;
  for (let i = 0; i < N; i++) {
    const x = w[wr + i];
    const sh = b.shares[i];
    if (x === x) gross += rules.allowShort ? Math.abs(x) : Math.max(0, x);
    if (sh === 0) continue;
    const px = exec[row + i];
    const value = sh * (px === px ? px : b.mark[i]);
    navRef += value;
    if (x !== x) held += Math.abs(value);
  }
  const cap = rules.maxLeverage === null ? Infinity : Math.max(0, rules.maxLeverage - held / navRef);
  const scale = navRef > 0 ? (gross > cap ? cap / gross : 1) : 0;
  for (let i = 0; i < N; i++) {
    let x = w[wr + i];
    if (x !== x) {
      cancel(b, i);
      continue;
    }
    if (!rules.allowShort && x < 0) x = 0;
    const px0 = exec[row + i];
    const px = px0 === px0 ? px0 : b.mark[i];
    let goal = 0;
    if (x !== 0 && px > 0) {
      const raw = (x * scale * navRef) / px;
      const lot = b.lots[i];
      goal = lot > 0 ? Math.trunc(raw / lot + (raw > 0 ? 1e-9 : -1e-9)) * lot : raw;
    }
    const delta = goal - b.shares[i];
    if (
      delta === 0 || !(px > 0) || b.lastPriced[i] < t ||
      (rules.band > 0 && goal !== 0 && Math.abs(delta) * px < rules.band * navRef)
    ) {
      cancel(b, i);
      continue;
    }
    b.target[i] = goal;
    if (!b.pending[i]) (b.pending[i] = 1, b.nPending++);
  }
  return navRef;
}

/** Per-bar cost outputs the fill step adds to. */
interface BarCosts {
  readonly traded: Float64Array;
  readonly fees: Float64Array;
  readonly slip: Float64Array;
}

/**
 * Fills the open orders at bar `t`'s execution prices ± slippage (capped by the participation model,
 * with the ADV of row `advAt`: the previous close's on daily bars, the session's on intraday bars),
 * charging commissions, recording fills in the ledger and the tax book. Costs go to index `k` of `out`.
 */
function fillOrders(
  b: Book,
  exec: Float64Array,
  row: number,
  advRow: Float64Array | undefined,
  advAt: number,
  k: number,
  rules: Rules,
  out: BarCosts,
  trades: TradeLedger,
  tax: TaxBookState,
): void {
  const { N, pending, target, shares, lots, lastFill } = b;
  const { slippage, commission: fees } = rules;
  const participation = slippage.model === "participation";
  let cash = b.cash, traded = 0, paid = 0, slipped = 0, open = b.nPending;
  for (let i = 0; i < N; i++) {
    if (!pending[i]) continue;
    const px = exec[row + i];
    if (!(px > 0)) continue;
    let q = target[i] - shares[i];
    const a = participation ? advRow![advAt + i] : NaN;
    const capQty = participation ? fillCap(px, a, lots[i], slippage) - b.filled[i] : Infinity;
    if (capQty <= 0) continue;
    const partial = Math.abs(q) > capQty;
    if (partial) q = Math.sign(q) * capQty;
    const s = slippageFraction(q, px, a, slippage);
    const fill = q > 0 ? px * (1 + s) : px * (1 - s);
    const fee = commission(q, fill, fees);
    cash -= q * fill + fee;
    shares[i] = partial ? shares[i] + q : target[i];
    const size = Math.abs(q);
    b.filled[i] += size;
    traded += size * fill;
    paid += fee;
    slipped += size * px * s;
    const at = pushTrade(trades, k, i, q, fill, px, fee, 0);
    const pnl = bookTrade(tax, i, q, fill, fee);
    if (pnl === pnl) trades.realized[at] = pnl;
    else if (lastFill[i] >= 0) trades.realized[lastFill[i]] = 0; // the day's P&L goes on its last fill
    lastFill[i] = at;
    if (!partial) (pending[i] = 0, open--);
  }
  b.cash = cash;
  b.nPending = open;
  out.traded[k] += traded;
  out.fees[k] += paid;
  out.slip[k] += slipped;
}

/** Marks positions at bar row `row`'s closes (carrying the last close), writes the shares, returns the NAV. */
function markToMarket(b: Book, close: Float64Array, row: number, k: number, sharesOut: Float64Array): number {
  const N = b.N, out = k * N;
  let longValue = 0, shortValue = 0;
  for (let i = 0; i < N; i++) {
    const c = close[row + i];
    if (c === c) b.mark[i] = c;
    const sh = b.shares[i];
    if (sh === 0) continue;
    const v = sh * b.mark[i];
    if (v > 0) longValue += v;
    else shortValue += v;
    sharesOut[out + i] = sh;
  }
  b.longValue = longValue;
  b.shortValue = shortValue;
  return b.cash + longValue + shortValue;
}

/**
 * Weights at each close, `shares × price / NAV`, replaying the simulator's marks (the last close,
 * divided by split ratios on ex-dates): computed when first asked for, not in the hot loop.
 */
function closeWeights(
  market: MarketData,
  s0: number,
  shares: Float64Array,
  nav: Float64Array,
  events: CorporateEvents,
): Float64Array {
  const N = market.securityIds.length, T = nav.length;
  const weights = new Float64Array(T * N);
  const mark = new Float64Array(N).fill(NaN);
  let ev = lowerBound(events.t, s0 + 1);
  for (let k = 0; k < T; k++) {
    const t = s0 + k;
    for (; ev < events.t.length && events.t[ev] <= t; ev++) mark[events.i[ev]] /= events.split[ev];
    for (let i = 0; i < N; i++) {
      const c = market.close[t * N + i];
      if (c === c) mark[i] = c;
      const sh = shares[k * N + i];
      if (sh !== 0) weights[k * N + i] = (sh * mark[i]) / nav[k];
    }
  }
  return weights;
}

/**
 * Simulates a portfolio that follows target weights (`T × N` on the market's grid, row t decided at
 * the close of bar t; see `StrategyOutput`) under `options` (see `SimulationConfig`; defaults from
 * `DEFAULT_SIMULATION`). The simulation starts on the first bar with a decision (or `start`).
 *
 * @example
 * ```ts
 * const result = simulatePortfolio(marketFromPanel(panel), weights, { schedule: "monthly", lot: 100, commission: { bps: 5 } });
 * result.daily.nav; // NAV at each close
 * ```
 */
export function simulatePortfolio(
  market: MarketData,
  weights: Float64Array,
  options: SimulationOptions = {},
): PortfolioResult {
  const config = resolveSimulation(options);
  const model = typeof config.tax === "string" ? taxModel(config.tax) : config.tax;
  const { dates, open, close } = market;
  const N = market.securityIds.length, T0 = dates.length;
  for (const [name, m] of [["weights", weights], ["open", open], ["close", close]] as const) {
    if (m.length !== T0 * N) {
      throw new RangeError(`${name} has ${m.length} cells, expected ${T0} × ${N} = ${T0 * N}`);
    }
  }
  const ppy = market.periodsPerYear ?? 252;
  const sessions = market.sessions ?? dates;
  if (sessions.length !== T0) {
    throw new RangeError(`sessions has ${sessions.length} bars, expected one per bar (${T0})`);
  }
  const perYear = market.sessionsPerYear ?? (market.sessions ? SESSIONS_PER_YEAR : ppy);

  // Latest decision row at or before each bar (−1: none yet).
  const latest = new Int32Array(T0).fill(-1);
  for (let t = 0, last = -1; t < T0; t++) {
    for (let i = 0; i < N; i++) {
      if (weights[t * N + i] === weights[t * N + i]) {
        last = t;
        break;
      }
    }
    latest[t] = last;
  }
  const [s0, s1] = simulationRange(sessions, latest, config);
  const T = s1 - s0 + 1;
  const outDates = dates.slice(s0, s1 + 1);
  const outSessions = market.sessions ? sessions.slice(s0, s1 + 1) : outDates;
  const decide = decisionBars(outSessions, config.schedule);
  const growth = sessionCashGrowth(config.cashRate, outSessions, perYear, market.series);
  const borrowPerSession = config.borrowRate / perYear;
  const exec = config.execution === "next_open" ? open : close;
  const participation = config.slippage.model === "participation";
  if (participation && !market.adv) {
    throw new RangeError("the participation slippage model needs ADV (an adv field)");
  }
  if (participation && !market.adv!.some((a) => a > 0)) {
    // an all-missing ADV (data without descriptors) would cap every fill at zero: no trade, silently
    throw new RangeError(
      "the participation slippage model needs ADV, but the adv field has no positive value on any bar " +
        "(the data has no adv descriptors): every fill would be capped at zero",
    );
  }
  const rules = flatRules(config);
  const tax = taxBookState(model, N, market.taxClasses);
  const lots = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const own = market.lots?.[i];
    lots[i] = config.fractional ? 0 : own !== undefined && own >= 1 ? own : config.lot;
  }
  // Last priced bar of each security: a delisting when it is before the last bar.
  const lastPriced = new Int32Array(N).fill(-1);
  for (let t = 0; t <= s1; t++) {
    for (let i = 0; i < N; i++) if (close[t * N + i] === close[t * N + i]) lastPriced[i] = t;
  }
  const delistOrder = Int32Array.from({ length: N }, (_, i) => i)
    .filter((i) => lastPriced[i] >= s0 && sessions[lastPriced[i]] < sessions[s1])
    .sort((a, b) => lastPriced[a] - lastPriced[b]);
  const events = market.events ?? NO_EVENTS;
  let ev = lowerBound(events.t, s0 + 1); // actions on the first bar happened before the portfolio existed

  const b: Book = {
    N,
    shares: new Float64Array(N),
    mark: new Float64Array(N).fill(NaN),
    target: new Float64Array(N),
    pending: new Uint8Array(N),
    lastFill: new Int32Array(N).fill(-1),
    lots,
    filled: new Float64Array(N),
    lastPriced,
    cash: config.capital,
    nPending: 0,
    longValue: 0,
    shortValue: 0,
  };
  let actedRow = -1, delist = 0, outstanding = 0;
  const due = new Float64Array(T);
  const periods: TaxPeriod[] = [];
  const dues: DueDate[] = [];
  const rebalances: number[] = [], decisions: number[] = [];
  // Room for one fill per security per rebalance (+ delistings): the ledger rarely has to grow.
  let nDecisions = 1;
  for (let k = 0; k < T; k++) nDecisions += decide[k];
  const trades = tradeLedger(Math.min(nDecisions, T) * N + N);

  // Outputs.
  const col = () => new Float64Array(T);
  const nav = col(), ret = col(), cashOut = col(), longOut = col(), shortOut = col();
  const grossOut = col(), netOut = col(), turnover = col();
  const costs: BarCosts = { traded: col(), fees: col(), slip: col() };
  const borrowOut = col(), interestOut = col(), dividendsOut = col(), taxOut = col(), withheldOut = col();
  const sharesOut = new Float64Array(T * N);

  for (let k = 0; k < T; k++) {
    const t = s0 + k, row = t * N;
    const opens = k > 0 && outSessions[k] !== outSessions[k - 1];
    const closes = k === T - 1 || outSessions[k + 1] !== outSessions[k];
    // 1. Overnight accrual, once per session.
    if (opens) {
      if (participation) b.filled.fill(0);
      const interest = b.cash * (growth[k] - 1);
      const borrow = -b.shortValue * borrowPerSession;
      b.cash += interest - borrow;
      interestOut[k] = interest;
      borrowOut[k] = borrow;
    }
    // 2. Corporate actions.
    for (; ev < events.t.length && events.t[ev] <= t; ev++) {
      const i = events.i[ev];
      if (events.dividend[ev] !== 0 && b.shares[i] !== 0) {
        const amount = b.shares[i] * events.dividend[ev];
        b.cash += amount;
        dividendsOut[k] += amount;
      }
      const ratio = events.split[ev];
      if (ratio !== 1) {
        b.shares[i] *= ratio;
        b.mark[i] /= ratio;
        if (b.pending[i]) b.target[i] *= ratio;
        bookSplit(tax, i, ratio);
      }
    }
    // 3. Taxes due.
    if (due[k] > 0) {
      b.cash -= due[k];
      taxOut[k] = due[k];
    }
    // 4. The previous bar's decision becomes orders.
    let navRef = NaN;
    const r = k > 0 && (decide[k - 1] || actedRow < 0) ? latest[t - 1] : -1;
    if (
      r >= 0 &&
      (config.schedule !== "on_change" || actedRow < 0 ||
        (r !== actedRow && rowsDiffer(weights, r, actedRow, N)))
    ) {
      actedRow = r;
      rebalances.push(k);
      decisions.push(r - s0);
      navRef = placeOrders(b, weights, r, exec, row, t, rules);
    }
    // 5. Fills, then delistings (closed at the last close, no costs).
    if (b.nPending > 0) {
      if (!(navRef === navRef)) navRef = navAt(b, close, row - N);
      fillOrders(b, exec, row, market.adv, market.sessions ? row : row - N, k, rules, costs, trades, tax);
    }
    for (; delist < delistOrder.length && lastPriced[delistOrder[delist]] <= t; delist++) {
      const i = delistOrder[delist];
      cancel(b, i);
      if (b.shares[i] === 0) continue;
      const px = close[row + i], q = -b.shares[i];
      b.cash -= q * px;
      b.shares[i] = 0;
      costs.traded[k] += Math.abs(q) * px;
      const fill = pushTrade(trades, k, i, q, px, px, 0, 1);
      const pnl = bookTrade(tax, i, q, px, 0);
      if (pnl === pnl) trades.realized[fill] = pnl;
      else if (b.lastFill[i] >= 0) trades.realized[b.lastFill[i]] = 0;
      b.lastFill[i] = fill;
    }
    // 6. Session close (withholding), marks, NAV.
    if (closes) {
      const withheld = bookEndDay(tax);
      for (let j = 0; j < tax.nMixedResolved; j++) {
        const i = tax.mixed[j];
        trades.realized[b.lastFill[i]] = tax.dayPnl[i];
      }
      b.cash -= withheld;
      withheldOut[k] = withheld;
    }
    const value = markToMarket(b, close, row, k, sharesOut);
    nav[k] = value;
    ret[k] = k > 0 ? value / nav[k - 1] - 1 : NaN;
    cashOut[k] = b.cash;
    longOut[k] = b.longValue;
    shortOut[k] = b.shortValue;
    grossOut[k] = (b.longValue - b.shortValue) / value;
    netOut[k] = (b.longValue + b.shortValue) / value;
    const traded = costs.traded[k];
    turnover[k] = traded > 0 ? traded / (navRef === navRef ? navRef : nav[k > 0 ? k - 1 : 0]) : 0;
    // 7. Tax period close.
    if (closesPeriod(outSessions, k, model.period)) {
      const period = bookClosePeriod(tax, periodStart(outSessions[k], model.period));
      const when = periodDue(outSessions, k, model);
      periods.push(period);
      dues.push(when);
      if (period.payable > 0) {
        if (when.index > k) due[when.index] += period.payable;
        else outstanding += period.payable;
      }
      if (k === T - 1) outstanding += period.deferred_out;
    }
  }

  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  const records = finishTrades(trades);
  let weightsCache: Float64Array | undefined;
  return {
    config,
    taxModel: model,
    dates: outDates,
    securityIds: market.securityIds,
    periodsPerYear: ppy,
    sessions: outSessions,
    daily: {
      date: outDates,
      nav,
      ret,
      cash: cashOut,
      long: longOut,
      short: shortOut,
      gross_exposure: grossOut,
      net_exposure: netOut,
      turnover,
      traded: costs.traded,
      commission: costs.fees,
      slippage: costs.slip,
      borrow: borrowOut,
      interest: interestOut,
      dividends: dividendsOut,
      tax_paid: taxOut,
      withholding: withheldOut,
      cash_rate: growth.map((g) => g - 1),
    },
    shares: sharesOut,
    get weights() {
      return weightsCache ??= closeWeights(market, s0, sharesOut, nav, events);
    },
    trades: records,
    taxes: taxLedger(periods, dues),
    rebalances: Int32Array.from(rebalances),
    decisions: Int32Array.from(decisions),
    totals: {
      final_nav: nav[T - 1],
      traded: sum(costs.traded),
      commission: sum(costs.fees),
      slippage: sum(costs.slip),
      borrow: sum(borrowOut),
      interest: sum(interestOut),
      dividends: sum(dividendsOut),
      tax_paid: sum(taxOut),
      withholding: sum(withheldOut),
      tax_outstanding: outstanding,
      n_trades: records.length,
      n_rebalances: rebalances.length,
    },
  };
}
