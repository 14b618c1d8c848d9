/**
 * Taxes as pluggable models: a `TaxModel` is data (rates, exemption, loss carry, withholding, minimum,
 * due rule); `createTaxBook` interprets it inside the simulator and `computeTaxes` over a trades ledger.
 *
 * @example
 * ```ts
 * import { BRAZIL, computeTaxes } from "./mod.ts";
 * const { ledger } = computeTaxes(trades, { model: BRAZIL, dates: calendar });
 * ```
 *
 * @module
 */
export { BRAZIL, NO_TAX, TAX_MODELS, type TaxModel, taxModel } from "./models.ts";
export {
  bookClosePeriod,
  bookEndDay,
  bookSplit,
  bookTrade,
  createTaxBook,
  type TaxBook,
  type TaxBookState,
  taxBookState,
  type TaxPeriod,
} from "./book.ts";
export {
  closesPeriod,
  computeTaxes,
  periodDue,
  periodStart,
  type TaxComputation,
  type TaxLedger,
  taxLedger,
  type TaxTrades,
} from "./ledger.ts";
