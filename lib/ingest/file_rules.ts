/**
 * What a user's file may load into each store table: its columns, how each is parsed and which
 * values are refused (errors) or reported (warnings). One rule per column; `ingestFile` turns them
 * into the typed read and the checks.
 */

/** The store tables a file can load. */
export type FileTable = "prices" | "descriptors" | "corporate_actions" | "securities";

/** The tables a file can load, in the order `--table` lists them. */
export const FILE_TABLES: readonly FileTable[] = ["prices", "descriptors", "corporate_actions", "securities"];

/** How one target column is parsed and checked. */
export interface ColumnRule {
  /** id: trimmed text key; date: a date in the file's format; number: a finite DOUBLE; kind: an
   * action kind; class: an asset class word; text: trimmed free text. */
  kind: "id" | "date" | "number" | "kind" | "class" | "text";
  /** The file must have the column and every row a value. */
  required: boolean;
  /** number: > 0. */
  positive?: boolean;
  /** number: ≥ 0. */
  nonNegative?: boolean;
  /** text: when the column is given, a cell may not be empty (the store column is NOT NULL). */
  nonEmpty?: boolean;
  /** date: check it is a plausible trading day (warn on weekends). */
  tradingDay?: boolean;
}

/** Every table's rules, in the table's column order. */
export const RULES: Readonly<Record<FileTable, Readonly<Record<string, ColumnRule>>>> = {
  prices: {
    security_id: { kind: "id", required: true },
    date: { kind: "date", required: true, tradingDay: true },
    open: { kind: "number", required: false, positive: true },
    high: { kind: "number", required: false, positive: true },
    low: { kind: "number", required: false, positive: true },
    close: { kind: "number", required: true, positive: true },
    volume: { kind: "number", required: false, nonNegative: true },
  },
  descriptors: {
    security_id: { kind: "id", required: true },
    date: { kind: "date", required: true, tradingDay: true },
    mcap: { kind: "number", required: false, positive: true },
    adv: { kind: "number", required: false, nonNegative: true },
    value: { kind: "number", required: false },
    beta: { kind: "number", required: false },
  },
  corporate_actions: {
    security_id: { kind: "id", required: true },
    ex_date: { kind: "date", required: true, tradingDay: true },
    kind: { kind: "kind", required: true },
    value: { kind: "number", required: true, positive: true },
  },
  securities: {
    security_id: { kind: "id", required: true },
    name: { kind: "text", required: false, nonEmpty: true },
    industry: { kind: "text", required: false },
    asset_class: { kind: "class", required: false },
    listed: { kind: "date", required: false },
    delisted: { kind: "date", required: false },
  },
};

/** SQL for a new security's name when a securities file has no name column: its id. */
export const NEW_ROW_DEFAULTS: Readonly<Partial<Record<FileTable, Record<string, string>>>> = {
  securities: { name: "s.security_id" },
};
