/**
 * The tax book: average cost, realised results and the periodic tax of one portfolio, interpreting a
 * `TaxModel`. It runs inside the simulator (one call per fill, one per day, one per period) and over a
 * plain trades ledger (`computeTaxes`), on typed arrays.
 *
 * Conventions (Brazil's, and the only basis implemented):
 * - Average cost (preço médio): a buy's cost includes its commission (`qty·price + commission`), a
 *   sale's proceeds are net of it (`qty·price − commission`); the slippage is in the fill price.
 *   Shorts are symmetric: the average short-sale price, and the gain is realised when the short is
 *   covered.
 * - Day trades: each day, per security, the matched quantity `m = min(bought, sold)` is a day trade
 *   with result `m·(avg sell net − avg buy gross-up)`; the rest, `bought − sold`, is an ordinary
 *   ("swing") trade against the average cost at the day's average price. Split ratio × shares,
 *   average cost ÷ ratio.
 * - Sales for the exemption and the 0.005% withholding: the gross value (`qty·price`) of the swing
 *   part of each day's sales, long or short.
 * - Realised P&L of a security-day (day trade + swing) is what `endDay` reports.
 */
import type { TaxModel } from "./models.ts";

/** One closed period of the tax ledger (amounts in currency; `period` = epoch ms of its first day). */
export interface TaxPeriod {
  period: number;
  /** Gross swing sales of the exemption's classes, and of every other class. */
  swing_sales: number;
  swing_sales_other: number;
  /** Net swing result (gains − losses) of the exemption's classes, and of the others. */
  swing_result: number;
  swing_result_other: number;
  /** 1 when the exemption classes had swing sales within the limit (their swing gains untaxed), else 0. */
  exempt: number;
  swing_base: number;
  swing_loss_used: number;
  swing_taxable: number;
  /** Swing losses left to carry after this period. */
  swing_loss_carry: number;
  day_sales: number;
  day_result: number;
  day_loss_used: number;
  day_taxable: number;
  day_loss_carry: number;
  tax_swing: number;
  tax_day: number;
  tax: number;
  /** Withheld at source during the period, credit used against `tax`, credit left to carry. */
  withholding: number;
  credit_used: number;
  credit_carry: number;
  /** Bill rolled over from earlier periods (below the minimum), bill paid, bill rolled forward. */
  deferred_in: number;
  payable: number;
  deferred_out: number;
}

/** The running tax book of one portfolio. */
export interface TaxBook {
  /** Records a fill of security `i`: `qty` > 0 buys, < 0 sells, at `price` per share, with `commission`. */
  trade(i: number, qty: number, price: number, commission: number): void;
  /**
   * Resolves the day's fills (day-trade matching, average cost, realised results) and returns the cash
   * withheld at source today. `onRealized(i, pnl)` is called for every security traded today.
   */
  endDay(onRealized?: (i: number, pnl: number) => void): number;
  /** Applies a split of `ratio` (shares after / before) to security `i`'s position and average cost. */
  split(i: number, ratio: number): void;
  /** Closes the period that started at `period` (epoch ms) and returns its ledger row. */
  closePeriod(period: number): TaxPeriod;
  /** Signed position of `i` as the book sees it. */
  position(i: number): number;
  /** Average cost of `i` (average short-sale price for a short); 0 when flat. */
  averageCost(i: number): number;
}

/**
 * The tax book's state as a record of typed arrays, driven by the module-level functions below
 * (`bookTrade`, `bookEndDay`, `bookSplit`, `bookClosePeriod`): one function instance each, so the
 * simulator's hot loop calls them with stable targets the JIT can inline.
 */
export interface TaxBookState {
  readonly model: TaxModel;
  /** 1 where the security's class is eligible for the exemption. */
  readonly eligible: Uint8Array;
  readonly pos: Float64Array;
  readonly avg: Float64Array;
  readonly buyQty: Float64Array;
  readonly buyCost: Float64Array;
  readonly sellQty: Float64Array;
  readonly sellNet: Float64Array;
  readonly sellGross: Float64Array;
  /** Securities traded today (the first `nTouched`); after `bookEndDay`, the first `nResolved`. */
  readonly touched: Int32Array;
  /** 0: not traded today, 1: one fill (resolved at once), 2: several fills (resolved at the day's end). */
  readonly isTouched: Uint8Array;
  nTouched: number;
  nResolved: number;
  /** Securities with several fills today (the first `nMixed`); after `bookEndDay`, the first `nMixedResolved`. */
  readonly mixed: Int32Array;
  nMixed: number;
  nMixedResolved: number;
  /** Position, average cost and first fill of each security at the start of its day (to undo). */
  readonly pos0: Float64Array;
  readonly avg0: Float64Array;
  readonly firstQty: Float64Array;
  readonly firstPrice: Float64Array;
  readonly firstFee: Float64Array;
  /** Swing sales booked by each security's first fill today. */
  readonly daySales: Float64Array;
  /** Realised P&L of each security resolved by the last `bookEndDay`. */
  readonly dayPnl: Float64Array;
  /** The period's sums and the carried balances (slots below). */
  readonly acc: Float64Array;
}

// Slots of the accumulator array: the period's sums (reset at each close), then carried balances.
const SWING_SALES = 0, SWING_SALES_OTHER = 1, SWING_RESULT = 2, SWING_RESULT_OTHER = 3;
const DAY_SALES = 4, DAY_RESULT = 5, WITHHELD = 6, PERIOD_SLOTS = 7;
const SWING_POOL = 7, DAY_POOL = 8, CREDIT = 9, DEFERRED = 10, TODAY = 11, ACC_SIZE = 12;

/**
 * A new tax book state over `nSecurities` securities with the given tax class of each (default
 * `"common"`); see `createTaxBook` for the object interface.
 *
 * @example
 * ```ts
 * const state = taxBookState(BRAZIL, 500);
 * ```
 */
export function taxBookState(
  model: TaxModel,
  nSecurities: number,
  classes?: readonly string[],
): TaxBookState {
  if (classes && classes.length !== nSecurities) {
    throw new RangeError(`tax classes: ${classes.length} given, expected one per security (${nSecurities})`);
  }
  const column = () => new Float64Array(nSecurities);
  return {
    model,
    eligible: Uint8Array.from(
      { length: nSecurities },
      (_, i) => (model.exemption?.classes.includes(classes?.[i] ?? "common") ? 1 : 0),
    ),
    pos: column(),
    avg: column(),
    buyQty: column(),
    buyCost: column(),
    sellQty: column(),
    sellNet: column(),
    sellGross: column(),
    touched: new Int32Array(nSecurities),
    isTouched: new Uint8Array(nSecurities),
    nTouched: 0,
    nResolved: 0,
    mixed: new Int32Array(nSecurities),
    nMixed: 0,
    nMixedResolved: 0,
    pos0: column(),
    avg0: column(),
    firstQty: column(),
    firstPrice: column(),
    firstFee: column(),
    daySales: column(),
    dayPnl: column(),
    acc: new Float64Array(ACC_SIZE),
  };
}

/** Adds a buy of q > 0 at unit cost p to security i; returns a covered short's realised result. */
function buy(s: TaxBookState, i: number, q: number, p: number): number {
  const { pos, avg } = s;
  const held = pos[i];
  if (held >= 0) {
    avg[i] = (held * avg[i] + q * p) / (held + q);
    pos[i] = held + q;
    return 0;
  }
  const covered = q < -held ? q : -held;
  const pnl = covered * (avg[i] - p);
  if (q > covered) {
    pos[i] = q - covered;
    avg[i] = p;
  } else {
    pos[i] = held + covered;
    if (pos[i] === 0) avg[i] = 0;
  }
  return pnl;
}

/** Adds a sale of q > 0 at unit proceeds p to security i; returns a closed long's realised result. */
function sell(s: TaxBookState, i: number, q: number, p: number): number {
  const { pos, avg } = s;
  const held = pos[i];
  if (held <= 0) {
    avg[i] = (-held * avg[i] + q * p) / (-held + q);
    pos[i] = held - q;
    return 0;
  }
  const closed = q < held ? q : held;
  const pnl = closed * (p - avg[i]);
  if (q > closed) {
    pos[i] = -(q - closed);
    avg[i] = p;
  } else {
    pos[i] = held - closed;
    if (pos[i] === 0) avg[i] = 0;
  }
  return pnl;
}

/** Aggregates one fill into security i's day totals (the general, several-fills-a-day path). */
function aggregate(s: TaxBookState, i: number, qty: number, price: number, commission: number): void {
  if (qty > 0) {
    s.buyQty[i] += qty;
    s.buyCost[i] += qty * price + commission;
  } else {
    s.sellQty[i] -= qty;
    s.sellGross[i] -= qty * price;
    s.sellNet[i] -= qty * price + commission;
  }
}

/**
 * Records a fill of security i: `qty` > 0 buys, < 0 sells, at `price` per share, with `commission`.
 * The first fill of a security on a day is resolved at once (average cost, realised P&L, swing sales,
 * withholding) and its realised P&L returned; a second fill the same day undoes that and the day is
 * resolved as a whole (day-trade matching) by `bookEndDay`, so this returns NaN (the day's P&L is then
 * in `dayPnl` after `bookEndDay`, for the securities listed in `mixed`).
 */
export function bookTrade(
  s: TaxBookState,
  i: number,
  qty: number,
  price: number,
  commission: number,
): number {
  if (qty === 0) return 0;
  const state = s.isTouched[i];
  if (state === 0) {
    s.isTouched[i] = 1;
    s.touched[s.nTouched++] = i;
    s.pos0[i] = s.pos[i];
    s.avg0[i] = s.avg[i];
    s.firstQty[i] = qty;
    s.firstPrice[i] = price;
    s.firstFee[i] = commission;
    let pnl: number, sales = 0;
    if (qty > 0) pnl = buy(s, i, qty, (qty * price + commission) / qty);
    else {
      pnl = sell(s, i, -qty, (-qty * price - commission) / -qty);
      sales = -qty * price;
      s.acc[s.eligible[i] ? SWING_SALES : SWING_SALES_OTHER] += sales;
      s.acc[TODAY] += sales * s.model.swing.withholdingOnSales;
    }
    s.acc[s.eligible[i] ? SWING_RESULT : SWING_RESULT_OTHER] += pnl;
    s.dayPnl[i] = pnl;
    s.daySales[i] = sales;
    return pnl;
  }
  if (state === 1) {
    // A second fill today: undo the first one's resolution and aggregate the day instead.
    s.isTouched[i] = 2;
    s.mixed[s.nMixed++] = i;
    s.pos[i] = s.pos0[i];
    s.avg[i] = s.avg0[i];
    s.acc[s.eligible[i] ? SWING_RESULT : SWING_RESULT_OTHER] -= s.dayPnl[i];
    s.acc[s.eligible[i] ? SWING_SALES : SWING_SALES_OTHER] -= s.daySales[i];
    s.acc[TODAY] -= s.daySales[i] * s.model.swing.withholdingOnSales;
    aggregate(s, i, s.firstQty[i], s.firstPrice[i], s.firstFee[i]);
  }
  aggregate(s, i, qty, price, commission);
  return NaN;
}

/**
 * Closes the day: resolves every security with several fills today as a whole (day-trade matching,
 * average cost, realised results; see the module doc), leaving each traded security's realised P&L in
 * `dayPnl` for `touched[0 .. nResolved)`; returns the cash withheld at source today.
 */
export function bookEndDay(s: TaxBookState): number {
  const { model, eligible, acc, buyQty, buyCost, sellQty, sellNet, sellGross } = s;
  const swingRate = model.swing.withholdingOnSales;
  let dayNet = 0, today = acc[TODAY];
  for (let k = 0; k < s.nMixed; k++) {
    const i = s.mixed[k];
    const b = buyQty[i], q = sellQty[i];
    const m = b < q ? b : q;
    let dayGain = 0, pnl = 0;
    if (m > 0) {
      // Matched quantity: a day trade at the day's average buy cost and average sale proceeds.
      dayGain = m * (sellNet[i] / q - buyCost[i] / b);
      dayNet += dayGain;
      acc[DAY_RESULT] += dayGain;
      acc[DAY_SALES] += (m * sellGross[i]) / q;
    }
    if (b > q) pnl = buy(s, i, b - q, buyCost[i] / b);
    else if (q > b) {
      pnl = sell(s, i, q - b, sellNet[i] / q);
      const sales = ((q - b) * sellGross[i]) / q;
      acc[eligible[i] ? SWING_SALES : SWING_SALES_OTHER] += sales;
      today += sales * swingRate;
    }
    acc[eligible[i] ? SWING_RESULT : SWING_RESULT_OTHER] += pnl;
    s.dayPnl[i] = pnl + dayGain;
    buyQty[i] = 0;
    buyCost[i] = 0;
    sellQty[i] = 0;
    sellNet[i] = 0;
    sellGross[i] = 0;
  }
  for (let k = 0; k < s.nTouched; k++) s.isTouched[s.touched[k]] = 0;
  s.nResolved = s.nTouched;
  s.nTouched = 0;
  s.nMixedResolved = s.nMixed;
  s.nMixed = 0;
  if (dayNet > 0) today += dayNet * model.dayTrade.withholdingOnGains;
  acc[TODAY] = 0;
  acc[WITHHELD] += today;
  return today;
}

/** Applies a split of `ratio` (shares after / before) to security i's position and average cost. */
export function bookSplit(s: TaxBookState, i: number, ratio: number): void {
  s.pos[i] *= ratio;
  s.avg[i] /= ratio;
}

/** Taxable part of a period's base after the loss pool: [taxable, used, pool after]. */
function carry(model: TaxModel, base: number, pool: number): [number, number, number] {
  if (model.lossCarry === "none") return [Math.max(0, base), 0, 0];
  if (base <= 0) return [0, 0, pool - base];
  const used = Math.min(pool, base);
  return [base - used, used, pool - used];
}

/** Closes the period that started at `period` (epoch ms) and returns its ledger row. */
export function bookClosePeriod(s: TaxBookState, period: number): TaxPeriod {
  const { model, acc } = s;
  const ex = model.exemption;
  const [swingSales, swingResult] = [acc[SWING_SALES], acc[SWING_RESULT]];
  const exempt = ex !== null && swingSales <= ex.salesLimit;
  const eligiblePart = exempt ? (swingResult < 0 && ex!.lossesCarry ? swingResult : 0) : swingResult;
  const swingBase = acc[SWING_RESULT_OTHER] + eligiblePart;
  const [swingTaxable, swingUsed, swingPool] = carry(model, swingBase, acc[SWING_POOL]);
  const [dayTaxable, dayUsed, dayPool] = carry(model, acc[DAY_RESULT], acc[DAY_POOL]);
  const taxSwing = model.swing.rate * swingTaxable, taxDay = model.dayTrade.rate * dayTaxable;
  const tax = taxSwing + taxDay;
  const available = acc[CREDIT] + acc[WITHHELD];
  const creditUsed = Math.min(tax, available);
  const deferredIn = acc[DEFERRED];
  const bill = tax - creditUsed + deferredIn;
  const pay = bill > 0 && bill >= model.minimumPayment;
  const row: TaxPeriod = {
    period,
    swing_sales: swingSales,
    swing_sales_other: acc[SWING_SALES_OTHER],
    swing_result: swingResult,
    swing_result_other: acc[SWING_RESULT_OTHER],
    exempt: exempt && swingSales > 0 ? 1 : 0,
    swing_base: swingBase,
    swing_loss_used: swingUsed,
    swing_taxable: swingTaxable,
    swing_loss_carry: swingPool,
    day_sales: acc[DAY_SALES],
    day_result: acc[DAY_RESULT],
    day_loss_used: dayUsed,
    day_taxable: dayTaxable,
    day_loss_carry: dayPool,
    tax_swing: taxSwing,
    tax_day: taxDay,
    tax,
    withholding: acc[WITHHELD],
    credit_used: creditUsed,
    credit_carry: available - creditUsed,
    deferred_in: deferredIn,
    payable: pay ? bill : 0,
    deferred_out: pay ? 0 : bill,
  };
  acc.fill(0, 0, PERIOD_SLOTS);
  acc[SWING_POOL] = swingPool;
  acc[DAY_POOL] = dayPool;
  acc[CREDIT] = row.credit_carry;
  acc[DEFERRED] = row.deferred_out;
  return row;
}

/**
 * A new tax book over `nSecurities` securities with the given tax class of each (default `"common"`),
 * as an object (the same functions over a `taxBookState`).
 *
 * @example
 * ```ts
 * const book = createTaxBook(BRAZIL, 1);
 * book.trade(0, 100, 10, 0); book.endDay();   // buy 100 @ 10
 * book.trade(0, -100, 12, 0); book.endDay();  // sell 100 @ 12: swing gain 200
 * book.closePeriod(Date.UTC(2024, 0, 1)).swing_result; // => 200 (R$1,200 of sales: exempt)
 * ```
 */
export function createTaxBook(model: TaxModel, nSecurities: number, classes?: readonly string[]): TaxBook {
  const s = taxBookState(model, nSecurities, classes);
  return {
    trade: (i, qty, price, commission) => bookTrade(s, i, qty, price, commission),
    endDay(onRealized) {
      const withheld = bookEndDay(s);
      if (onRealized) {
        for (let k = 0; k < s.nResolved; k++) {
          onRealized(s.touched[k], s.dayPnl[s.touched[k]]);
        }
      }
      return withheld;
    },
    split: (i, ratio) => bookSplit(s, i, ratio),
    closePeriod: (period) => bookClosePeriod(s, period),
    position: (i) => s.pos[i],
    averageCost: (i) => s.avg[i],
  };
}
