/**
 * Brazil's currencies since 1986 and their value in reais (BRL), so COTAHIST prices quoted in the
 * currency of their day (field MODREF) become one continuous BRL series. Each reform cut zeros or
 * renamed the unit (Banco Central do Brasil, "Padrões monetários brasileiros"):
 *
 * | from       | currency            | MODREF | = previous unit × |
 * | ---------- | ------------------- | ------ | ----------------- |
 * | (1970)     | Cruzeiro            | CR$    |                   |
 * | 1986-02-28 | Cruzado             | CZ$    | 1,000 Cr$         |
 * | 1989-01-16 | Cruzado Novo        | NCZ$   | 1,000 Cz$         |
 * | 1990-03-16 | Cruzeiro            | CR$    | 1 NCz$            |
 * | 1993-08-01 | Cruzeiro Real       | CR$    | 1,000 Cr$         |
 * | 1994-07-01 | Real                | R$     | 2,750 CR$         |
 *
 * "CR$" names three currencies; the trading date says which.
 */

/** One currency period: first day, name, and how many of its units make one real. */
export interface CurrencyPeriod {
  from: number;
  name: string;
  modref: string;
  perBrl: number;
}

/** The periods, oldest first. */
export const BRL_CURRENCIES: readonly CurrencyPeriod[] = [
  { from: -Infinity, name: "Cruzeiro (1970)", modref: "CR$", perBrl: 2750 * 1e9 },
  { from: Date.UTC(1986, 1, 28), name: "Cruzado", modref: "CZ$", perBrl: 2750 * 1e6 },
  { from: Date.UTC(1989, 0, 16), name: "Cruzado Novo", modref: "NCZ$", perBrl: 2750 * 1e3 },
  { from: Date.UTC(1990, 2, 16), name: "Cruzeiro (1990)", modref: "CR$", perBrl: 2750 * 1e3 },
  { from: Date.UTC(1993, 7, 1), name: "Cruzeiro Real", modref: "CR$", perBrl: 2750 },
  { from: Date.UTC(1994, 6, 1), name: "Real", modref: "R$", perBrl: 1 },
];

/** The currency in force on `date` (epoch ms). */
export function currencyOn(date: number): CurrencyPeriod {
  let k = BRL_CURRENCIES.length - 1;
  while (k > 0 && BRL_CURRENCIES[k].from > date) k--;
  return BRL_CURRENCIES[k];
}

/**
 * Units of the record's currency per real: 1 for "R$"; for an older MODREF, the units per real of
 * the latest period with that MODREF on or before `date` (so a record still quoted in the old unit
 * just after a reform converts right). Blank MODREF means the currency in force on `date`. Returns
 * NaN for a MODREF that is not a Brazilian currency (e.g. "US$"): such prices are kept as they are.
 *
 * @example
 * ```ts
 * unitsPerBrl("CR$", Date.UTC(1994, 0, 3)); // => 2750 (Cruzeiro Real)
 * unitsPerBrl("CZ$", Date.UTC(1987, 5, 1)); // => 2.75e9
 * ```
 */
export function unitsPerBrl(modref: string, date: number): number {
  const code = modref.trim().toUpperCase();
  if (code === "R$") return 1;
  if (code === "") return currencyOn(date).perBrl;
  let match: CurrencyPeriod | undefined;
  for (const period of BRL_CURRENCIES) {
    if (period.modref === code && period.from <= date) match = period;
  }
  return match?.perBrl ?? NaN;
}
