/**
 * Capital-gains tax models as data: rates, exemption, loss carry, withholding, minimum payment and the
 * due-date rule. The one interpreter is `createTaxBook` (`book.ts`), so another country's rules are a
 * new `TaxModel` value, not a fork of the code.
 */

/** A capital-gains tax regime. Amounts are in the portfolio's currency. */
export interface TaxModel {
  /** Registry name (`--tax NAME`). */
  readonly name: string;
  readonly description: string;
  /** Realised results are netted per calendar month or per calendar year. */
  readonly period: "month" | "year";
  /**
   * Ordinary ("swing") trades: `rate` on the period's net taxable gain; `withholdingOnSales` of each
   * sale's gross value withheld at the sale and credited against the period's tax.
   */
  readonly swing: { readonly rate: number; readonly withholdingOnSales: number };
  /**
   * Day trades (the same security bought and sold on the same day, matched quantity): `rate` on the
   * period's net taxable day-trade gain; `withholdingOnGains` of each day's positive day-trade result.
   */
  readonly dayTrade: { readonly rate: number; readonly withholdingOnGains: number };
  /**
   * Exemption of swing gains in a period whose gross swing sales of the listed tax `classes` total at
   * most `salesLimit`: those classes' swing gains are not taxed that period (other classes' are).
   * `lossesCarry`: whether those classes' swing losses of an exempt period still offset later gains.
   */
  readonly exemption: {
    readonly salesLimit: number;
    readonly classes: readonly string[];
    readonly lossesCarry: boolean;
  } | null;
  /** Loss carry-forward: one pool per kind (swing, day trade), or none (a period's net loss is forfeited). */
  readonly lossCarry: "by_kind" | "none";
  /** A tax bill below this is not paid but added to the next period's (Brazil's DARF minimum). */
  readonly minimumPayment: number;
  /** When a period's tax is paid: the last business day of the month `monthsAfter` after the period. */
  readonly due: { readonly monthsAfter: number; readonly day: "last_business_day" };
}

/** No taxes (realised P&L is still tracked at average cost). */
export const NO_TAX: TaxModel = Object.freeze<TaxModel>({
  name: "none",
  description: "No capital-gains tax.",
  period: "month",
  swing: { rate: 0, withholdingOnSales: 0 },
  dayTrade: { rate: 0, withholdingOnGains: 0 },
  exemption: null,
  lossCarry: "by_kind",
  minimumPayment: 0,
  due: { monthsAfter: 1, day: "last_business_day" },
});

/**
 * Brazil, individual investor, B3 spot market (Lei 11.033/2004 art. 3; Lei 8.981/1995; IN RFB
 * 1.585/2015 arts. 56–60): monthly netting at average cost (preço médio, costs included); swing trades
 * 15%, day trades 20%; swing gains on stocks exempt in a month whose gross swing stock sales are at
 * most R$20,000 (ETFs, units, FIIs and BDRs never are: only tax class "common" is); losses carried
 * forward without limit, swing and day trade separately (losses of exempt months included); IRRF
 * withheld at 0.005% of swing sales and 1% of each day's positive day-trade result, credited against
 * the month's tax (unused credit carries forward); DARF minimum R$10 (smaller bills roll over); due
 * on the last business day of the following month.
 */
export const BRAZIL: TaxModel = Object.freeze<TaxModel>({
  name: "brazil",
  description:
    "B3 spot stocks: 15% swing / 20% day trade on monthly net gains at average cost, R$20k monthly stock-sales exemption (swing, common stocks only), losses carried separately, IRRF 0.005%/1% credited, paid by the last business day of the next month.",
  period: "month",
  swing: { rate: 0.15, withholdingOnSales: 0.00005 },
  dayTrade: { rate: 0.20, withholdingOnGains: 0.01 },
  exemption: { salesLimit: 20_000, classes: ["common"], lossesCarry: true },
  lossCarry: "by_kind",
  minimumPayment: 10,
  due: { monthsAfter: 1, day: "last_business_day" },
});

/** The built-in tax models by name. */
export const TAX_MODELS: Readonly<Record<string, TaxModel>> = Object.freeze({ none: NO_TAX, brazil: BRAZIL });

/**
 * The tax model called `name`, or a `RangeError` listing the known ones.
 *
 * @example
 * ```ts
 * taxModel("brazil").swing.rate; // => 0.15
 * ```
 */
export function taxModel(name: string): TaxModel {
  const model = TAX_MODELS[name];
  if (!model) {
    throw new RangeError(
      `unknown tax model "${name}"; expected one of ${Object.keys(TAX_MODELS).join(", ")}`,
    );
  }
  return model;
}
