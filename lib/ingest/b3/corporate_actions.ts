/**
 * B3's published corporate actions ("proventos": stock events and cash distributions, as B3's listed
 * companies pages publish them) from a CSV into `corporate_actions`.
 *
 * ## The CSV (comma or semicolon separated, UTF-8 or Latin-1, one header row)
 *
 * | column            | meaning                                                                        |
 * | ----------------- | ------------------------------------------------------------------------------ |
 * | `isin`            | the instrument's ISIN (B3's `isinCode`), or leave empty and give `ticker`      |
 * | `ticker`          | a ticker, resolved through `ticker_history` on the event's date                 |
 * | `label`           | B3's label (below) or its English alias                                        |
 * | `last_date_prior` | B3's "data com", the last day with the right; the ex-date is the next session  |
 * | `ex_date`         | the ex-date itself (instead of `last_date_prior`)                              |
 * | `factor`          | stock events, as B3 publishes it (below)                                       |
 * | `rate`            | cash events: BRL per share (gross)                                             |
 *
 * Dates as `YYYY-MM-DD` or `DD/MM/YYYY`; numbers as `100,0` or `100.0`.
 *
 * | label                               | alias           | stored as                               |
 * | ----------------------------------- | --------------- | --------------------------------------- |
 * | DESDOBRAMENTO (split)               | `split`         | split, value = 1 + factor/100           |
 * | BONIFICACAO (bonus shares)          | `bonus`         | split, value = 1 + factor/100           |
 * | GRUPAMENTO (reverse split)          | `reverse_split` | split, value = factor (new per old)     |
 * | DIVIDENDO, JRS CAP PROPRIO (JCP), RENDIMENTO (fund income) | `dividend`, `jcp`, `income` | dividend, value = rate |
 *
 * B3's factor is a percentage of new shares for DESDOBRAMENTO and BONIFICACAO (100 = one new share
 * per share, a 2-for-1) and the new-per-old ratio for GRUPAMENTO (0.1 = ten shares become one). The
 * aliases `split` and `reverse_split` take the ratio (shares after per share before) directly.
 * Events of one instrument on one ex-date are combined (stock factors multiplied, cash summed), and
 * they apply to the instrument's spot and fractional-lot securities alike.
 */
import { queryRows, type Store } from "../../store/db.ts";
import { writeTables } from "../../store/write.ts";
import { InputError, type InputProblem } from "../errors.ts";
import { parseDay, parseDecimal, readTextCsv } from "../text_csv.ts";
import { b3Calendar, nextTradingDay } from "../../calendar/b3.ts";

const DAY_MS = 86_400_000;

type EventKind = "split" | "dividend";

/** How each label is stored: the action kind and the value from the row's factor or rate. */
const LABELS: Record<string, { kind: EventKind; value: (factor: number, rate: number) => number }> = {
  DESDOBRAMENTO: { kind: "split", value: (f) => 1 + f / 100 },
  BONIFICACAO: { kind: "split", value: (f) => 1 + f / 100 },
  GRUPAMENTO: { kind: "split", value: (f) => f },
  DIVIDENDO: { kind: "dividend", value: (_f, r) => r },
  "JRS CAP PROPRIO": { kind: "dividend", value: (_f, r) => r },
  RENDIMENTO: { kind: "dividend", value: (_f, r) => r },
  SPLIT: { kind: "split", value: (f) => f },
  REVERSE_SPLIT: { kind: "split", value: (f) => f },
  BONUS: { kind: "split", value: (f) => 1 + f / 100 },
  DIVIDEND: { kind: "dividend", value: (_f, r) => r },
  JCP: { kind: "dividend", value: (_f, r) => r },
  INCOME: { kind: "dividend", value: (_f, r) => r },
};

/** What `importCorporateActions` stored. */
export interface CorporateActionImport {
  file: string;
  /** CSV rows read. */
  events: number;
  /** `corporate_actions` rows upserted (per security and ex-date and kind). */
  rows: number;
  splits: number;
  dividends: number;
}

/** Labels without accents, upper case, single spaces ("Bonificação" → "BONIFICACAO"). */
function normalizeLabel(label: string): string {
  return label.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase().replace(/\s+/g, " ").trim();
}

/**
 * Imports a CSV of B3 corporate-action events (format above) into `corporate_actions` in one
 * transaction. Every row is checked first — unknown label, unparsable date or number, a factor ≤ 0,
 * an ISIN or ticker the store does not know — and any problem throws an `InputError` naming row and
 * column; nothing is written then. Re-importing the same file changes nothing.
 *
 * @example
 * ```ts
 * const r = await importCorporateActions(store, "data/raw/b3/proventos.csv");
 * r.splits; // split rows stored
 * ```
 */
export async function importCorporateActions(store: Store, file: string): Promise<CorporateActionImport> {
  const { columns, rows } = await readTextCsv(store, file);
  const col = (name: string) => columns.indexOf(name);
  const problems: InputProblem[] = [];
  if (col("label") < 0) {
    problems.push({ column: "label", expected: 'a column "label"', found: columns.join(", ") });
  }
  if (col("isin") < 0 && col("ticker") < 0) {
    problems.push({ column: "isin", expected: 'a column "isin" or "ticker"', found: columns.join(", ") });
  }
  if (col("ex_date") < 0 && col("last_date_prior") < 0) {
    problems.push({
      column: "ex_date",
      expected: 'a column "ex_date" or "last_date_prior"',
      found: columns.join(", "),
    });
  }
  if (problems.length) throw new InputError(file, problems);

  const master = await queryRows(
    store.conn,
    "SELECT security_id, isin, market FROM security_master WHERE market IN ('spot', 'fractional')",
  );
  const byIsin = new Map<string, string[]>();
  for (const m of master) {
    byIsin.set(m.isin as string, [...(byIsin.get(m.isin as string) ?? []), m.security_id as string]);
  }
  const tickers = await queryRows(
    store.conn,
    `SELECT t.ticker, m.isin, (t.first_date - DATE '1970-01-01')::INTEGER AS f,
            (t.last_date - DATE '1970-01-01')::INTEGER AS l
     FROM ticker_history t JOIN security_master m USING (security_id) WHERE m.market = 'spot'`,
  );
  const observed = (await queryRows(
    store.conn,
    "SELECT (date - DATE '1970-01-01')::INTEGER AS d FROM calendar ORDER BY date",
  )).map((r) => (r.d as number) * DAY_MS);

  const cell = (row: (string | null)[], name: string) => (col(name) >= 0 ? row[col(name)] : null) || null;
  const combined = new Map<
    string,
    { security_id: string; ex_date: number; kind: EventKind; value: number }
  >();
  let lastDay = observed.length ? observed[observed.length - 1] : 0;
  const parsed: { isin: string; exDate: number; kind: EventKind; value: number }[] = [];
  const pendingPrior: { index: number; prior: number }[] = [];
  rows.forEach((row, k) => {
    const at = k + 1;
    const labelText = cell(row, "label") ?? "";
    const label = LABELS[normalizeLabel(labelText)];
    if (!label) {
      problems.push({
        row: at,
        column: "label",
        expected:
          "DESDOBRAMENTO, GRUPAMENTO, BONIFICACAO, DIVIDENDO, JRS CAP PROPRIO, RENDIMENTO (or split, " +
          "reverse_split, bonus, dividend, jcp, income)",
        found: JSON.stringify(labelText),
      });
      return;
    }
    const exText = cell(row, "ex_date"), priorText = cell(row, "last_date_prior");
    const exDate = parseDay(exText), prior = parseDay(priorText);
    if (Number.isNaN(exDate) && Number.isNaN(prior)) {
      problems.push({
        row: at,
        column: exText ? "ex_date" : "last_date_prior",
        expected: "a date as YYYY-MM-DD or DD/MM/YYYY",
        found: JSON.stringify(exText ?? priorText ?? ""),
      });
      return;
    }
    const numberColumn = label.kind === "split" ? "factor" : "rate";
    const number = parseDecimal(cell(row, numberColumn));
    const value = label.kind === "split" ? label.value(number, NaN) : label.value(NaN, number);
    if (!(value > 0) || (label.kind === "split" && value === 1)) {
      problems.push({
        row: at,
        column: numberColumn,
        expected: label.kind === "split"
          ? "a factor giving a ratio > 0 and ≠ 1"
          : "a cash amount per share > 0",
        found: JSON.stringify(cell(row, numberColumn) ?? ""),
      });
      return;
    }
    const date = Number.isNaN(exDate) ? prior : exDate;
    const isin = cell(row, "isin") ?? tickerIsin(tickers, cell(row, "ticker") ?? "", date);
    if (!isin || !byIsin.has(isin)) {
      problems.push({
        row: at,
        column: cell(row, "isin") ? "isin" : "ticker",
        expected: "an instrument in the store's security_master (load its COTAHIST years first)",
        found: JSON.stringify(cell(row, "isin") ?? cell(row, "ticker") ?? ""),
      });
      return;
    }
    if (Number.isNaN(exDate)) pendingPrior.push({ index: parsed.length, prior });
    lastDay = Math.max(lastDay, date);
    parsed.push({ isin, exDate, kind: label.kind, value });
  });
  if (problems.length) throw new InputError(file, problems.slice(0, 20), Math.max(0, problems.length - 20));

  // Data com → ex-date: the next B3 session after it (the data's days, the holiday rules beyond).
  if (pendingPrior.length) {
    const earliest = Math.min(...pendingPrior.map((p) => p.prior));
    const calendar = b3Calendar(observed, { from: earliest, through: lastDay + 30 * DAY_MS });
    for (const { index, prior } of pendingPrior) parsed[index].exDate = nextTradingDay(calendar, prior);
  }
  for (const e of parsed) {
    for (const id of byIsin.get(e.isin)!) {
      const key = `${id}\u0000${e.exDate}\u0000${e.kind}`;
      const had = combined.get(key);
      if (!had) combined.set(key, { security_id: id, ex_date: e.exDate, kind: e.kind, value: e.value });
      else had.value = e.kind === "split" ? had.value * e.value : had.value + e.value;
    }
  }
  const actions = [...combined.values()].sort((a, b) =>
    a.security_id < b.security_id ? -1 : a.security_id > b.security_id ? 1 : a.ex_date - b.ex_date
  );
  await writeTables(store, {
    corporate_actions: {
      security_id: actions.map((a) => a.security_id),
      ex_date: Float64Array.from(actions, (a) => a.ex_date),
      kind: actions.map((a) => a.kind),
      value: Float64Array.from(actions, (a) => a.value),
    },
  }, { source: "b3:corporate_actions", params: { file } });
  return {
    file,
    events: rows.length,
    rows: actions.length,
    splits: actions.filter((a) => a.kind === "split").length,
    dividends: actions.filter((a) => a.kind === "dividend").length,
  };
}

/** The ISIN a ticker belonged to on `date` (ticker history), or undefined. */
function tickerIsin(tickers: Record<string, unknown>[], ticker: string, date: number): string | undefined {
  const day = date / DAY_MS;
  const spans = tickers.filter((t) => t.ticker === ticker.toUpperCase());
  const within = spans.find((t) => (t.f as number) <= day && day <= (t.l as number) + 10);
  return (within ?? spans.at(-1))?.isin as string | undefined;
}
