/**
 * The periodic tax ledger as columns, and `computeTaxes`: the tax book run over a plain trades ledger
 * on a business-day calendar (what the simulator does inline, usable on any list of fills).
 */
import { isoDate } from "../../panel/types.ts";
import { type DueDate, lastBusinessDayAfter, monthKey } from "../calendar.ts";
import { createTaxBook, type TaxPeriod } from "./book.ts";
import type { TaxModel } from "./models.ts";

/** One column per `TaxPeriod` field, plus when each bill is due and when it was paid (NaN: not paid). */
export type TaxLedger =
  & { readonly [K in keyof TaxPeriod]: Float64Array }
  & { readonly due_date: Float64Array; readonly paid_date: Float64Array };

/** The `TaxPeriod` fields, in ledger column order. */
const PERIOD_FIELDS: readonly (keyof TaxPeriod)[] = [
  "period",
  "swing_sales",
  "swing_sales_other",
  "swing_result",
  "swing_result_other",
  "exempt",
  "swing_base",
  "swing_loss_used",
  "swing_taxable",
  "swing_loss_carry",
  "day_sales",
  "day_result",
  "day_loss_used",
  "day_taxable",
  "day_loss_carry",
  "tax_swing",
  "tax_day",
  "tax",
  "withholding",
  "credit_used",
  "credit_carry",
  "deferred_in",
  "payable",
  "deferred_out",
];

/**
 * Columns of closed periods with their due dates; `paid_date` is the due date when the bill was paid
 * inside the data (`payable > 0` and the due bar exists), else NaN.
 *
 * @example
 * ```ts
 * const ledger = taxLedger(rows, dues);
 * ledger.payable[0]; // the first period's bill
 * ```
 */
export function taxLedger(rows: readonly TaxPeriod[], dues: readonly DueDate[]): TaxLedger {
  const out: Record<string, Float64Array> = {};
  for (const key of PERIOD_FIELDS) out[key] = Float64Array.from(rows, (r) => r[key]);
  out.due_date = Float64Array.from(dues, (d) => d.date);
  out.paid_date = Float64Array.from(dues, (d, k) => (rows[k].payable > 0 && d.index >= 0 ? d.date : NaN));
  return out as unknown as TaxLedger;
}

/**
 * Whether bar `t` closes a tax period of the model (the last bar of its month, or of its year), given
 * the calendar.
 */
export function closesPeriod(dates: ArrayLike<number>, t: number, period: TaxModel["period"]): boolean {
  if (t === dates.length - 1) return true;
  const [a, b] = [monthKey(dates[t]), monthKey(dates[t + 1])];
  return period === "month" ? a !== b : Math.floor(a / 12) !== Math.floor(b / 12);
}

/** First day (epoch ms) of the period containing `ms`. */
export function periodStart(ms: number, period: TaxModel["period"]): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), period === "month" ? d.getUTCMonth() : 0, 1);
}

/**
 * When the period closed by bar `t` is due: the model's `monthsAfter` counted from the period's last
 * month (the bar's month, or December for a yearly period), on the calendar.
 */
export function periodDue(dates: ArrayLike<number>, t: number, model: TaxModel): DueDate {
  const year = new Date(dates[t]).getUTCFullYear();
  const last = model.period === "month" ? dates[t] : Date.UTC(year, 11, 1);
  return lastBusinessDayAfter(dates, last, model.due.monthsAfter);
}

/** A trades ledger as `computeTaxes` reads it: one row per fill, ascending by date. */
export interface TaxTrades {
  /** Epoch ms; every date must be a bar of the calendar. */
  readonly date: ArrayLike<number>;
  readonly security_id: readonly string[];
  /** Signed: > 0 buy, < 0 sell. */
  readonly qty: ArrayLike<number>;
  /** Fill price per share. */
  readonly price: ArrayLike<number>;
  readonly commission: ArrayLike<number>;
}

/** What `computeTaxes` returns. */
export interface TaxComputation {
  readonly ledger: TaxLedger;
  /** Realised P&L per trade row: each security-day's result on its last fill of the day, else 0. */
  readonly realized: Float64Array;
}

/**
 * Runs the tax book over a trades ledger: fills grouped by day (day trades matched per security),
 * periods closed on the calendar from the first trade's period to the last bar, each bill due per
 * the model's rule on the calendar. `classes` maps security ids to tax classes (default "common").
 *
 * @example
 * ```ts
 * const { ledger } = computeTaxes(
 *   { date: [d1, d2], security_id: ["PETR4", "PETR4"], qty: [1000, -1000], price: [30, 33], commission: [0, 0] },
 *   { model: BRAZIL, dates: calendar },
 * );
 * ledger.tax[0]; // => 450 (R$33,000 of sales > R$20,000: 15% of the R$3,000 gain)
 * ```
 */
export function computeTaxes(
  trades: TaxTrades,
  options: { model: TaxModel; dates: ArrayLike<number>; classes?: Readonly<Record<string, string>> },
): TaxComputation {
  const { model, dates } = options;
  const n = trades.qty.length;
  for (const [name, column] of Object.entries(trades)) {
    if ((column as ArrayLike<unknown>).length !== n) {
      throw new RangeError(
        `trades: column "${name}" has ${(column as ArrayLike<unknown>).length} rows, expected ${n}`,
      );
    }
  }
  const ids = [...new Set(trades.security_id)];
  const index = new Map(ids.map((id, i) => [id, i]));
  const book = createTaxBook(model, ids.length, ids.map((id) => options.classes?.[id] ?? "common"));
  const realized = new Float64Array(n);
  const lastRow = new Int32Array(ids.length);
  const rows: TaxPeriod[] = [];
  const dues: DueDate[] = [];
  let r = 0;
  let t = 0;
  if (n > 0) {
    while (t < dates.length && dates[t] < trades.date[0]) t++;
    while (t > 0 && !closesPeriod(dates, t - 1, model.period)) t--; // start at the first trade's period
  }
  for (; n > 0 && t < dates.length; t++) {
    for (; r < n && trades.date[r] === dates[t]; r++) {
      const i = index.get(trades.security_id[r])!;
      book.trade(i, trades.qty[r], trades.price[r], trades.commission[r]);
      lastRow[i] = r;
    }
    if (r < n && trades.date[r] < dates[t]) {
      throw new RangeError(
        `trades row ${r + 1}: date ${isoDate(trades.date[r])} is ${
          r > 0 && trades.date[r] < trades.date[r - 1]
            ? "before the previous row's (sort by date)"
            : "not a calendar bar"
        }`,
      );
    }
    book.endDay((i, pnl) => (realized[lastRow[i]] = pnl));
    if (closesPeriod(dates, t, model.period)) {
      rows.push(book.closePeriod(periodStart(dates[t], model.period)));
      dues.push(periodDue(dates, t, model));
    }
  }
  if (r < n) {
    throw new RangeError(`trades row ${r + 1}: date ${isoDate(trades.date[r])} is after the calendar`);
  }
  return { ledger: taxLedger(rows, dues), realized };
}
