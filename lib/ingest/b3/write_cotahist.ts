/**
 * Writes COTAHIST records in B3's official layout (see `layout.ts`): the synthetic B3 market, the test
 * fixtures and the benchmark's yearly files are written with it, so they are shaped exactly like
 * B3's own files (245 bytes, Latin-1, header `00`, quotes `01`, trailer `99`).
 */
import { type FieldSpec, QUOTE_FIELDS, RECORD_LENGTH } from "./layout.ts";

/**
 * One `01` record to write, in natural units: prices per share in the record's currency (the writer
 * multiplies by 100 × FATCOT), VOLTOT in currency, PTOEXE in points, dates as `YYYYMMDD` numbers.
 * Omitted numeric fields are written as zeros, omitted text as blanks.
 */
export interface QuoteFields {
  date: number;
  codbdi: string;
  codneg: string;
  tpmerc: number;
  nomres?: string;
  especi?: string;
  prazot?: string;
  modref?: string;
  preabe?: number;
  premax?: number;
  premin?: number;
  premed?: number;
  preult?: number;
  preofc?: number;
  preofv?: number;
  totneg?: number;
  quatot?: number;
  voltot?: number;
  preexe?: number;
  indopc?: number;
  /** YYYYMMDD; default 99991231 (the layout's "no expiry"). */
  datven?: number;
  /** Default 1 (quoted per share). */
  fatcot?: number;
  ptoexe?: number;
  codisi?: string;
  dismes?: number;
}

const PRICE_FIELDS = new Set([
  "PREABE",
  "PREMAX",
  "PREMIN",
  "PREMED",
  "PREULT",
  "PREOFC",
  "PREOFV",
  "PREEXE",
]);

/**
 * Formats one `01` record (245 characters, no line end). Throws a `RangeError` naming the field when
 * a value does not fit its width.
 *
 * @example
 * ```ts
 * formatQuote({ date: 20240102, codbdi: "02", codneg: "PETR4", tpmerc: 10, preult: 38.5 }).length; // => 245
 * ```
 */
export function formatQuote(q: QuoteFields): string {
  const fatcot = q.fatcot ?? 1;
  const values: Record<string, string | number> = {
    TIPREG: 1,
    DATA: q.date,
    CODBDI: q.codbdi,
    CODNEG: q.codneg,
    TPMERC: q.tpmerc,
    NOMRES: q.nomres ?? "",
    ESPECI: q.especi ?? "",
    PRAZOT: q.prazot ?? "",
    MODREF: q.modref ?? "R$",
    PREABE: q.preabe ?? 0,
    PREMAX: q.premax ?? 0,
    PREMIN: q.premin ?? 0,
    PREMED: q.premed ?? 0,
    PREULT: q.preult ?? 0,
    PREOFC: q.preofc ?? 0,
    PREOFV: q.preofv ?? 0,
    TOTNEG: q.totneg ?? 0,
    QUATOT: q.quatot ?? 0,
    VOLTOT: q.voltot ?? 0,
    PREEXE: q.preexe ?? 0,
    INDOPC: q.indopc ?? 0,
    DATVEN: q.datven ?? 99991231,
    FATCOT: fatcot,
    PTOEXE: q.ptoexe ?? 0,
    CODISI: q.codisi ?? "",
    DISMES: q.dismes ?? 0,
  };
  return QUOTE_FIELDS.map((f) => {
    const v = values[f.name];
    if (typeof v === "string") return textField(f, v);
    const scale = 10 ** (f.decimals ?? 0) * (PRICE_FIELDS.has(f.name) ? fatcot : 1);
    return numberField(f, v * scale);
  }).join("");
}

/**
 * The `00` header record for file `COTAHIST.AAAA` generated on `generated` (YYYYMMDD).
 *
 * @example
 * ```ts
 * formatHeader(2024, 20240105).slice(0, 31); // => "00COTAHIST.2024BOVESPA 20240105"
 * ```
 */
export function formatHeader(year: number, generated: number): string {
  return `00COTAHIST.${year}BOVESPA ${generated}`.padEnd(RECORD_LENGTH, " ");
}

/** The `99` trailer record; `records` counts every record, header and trailer included. */
export function formatTrailer(year: number, generated: number, records: number): string {
  return `99COTAHIST.${year}BOVESPA ${generated}${String(records).padStart(11, "0")}`.padEnd(
    RECORD_LENGTH,
    " ",
  );
}

/**
 * A whole COTAHIST text: header, the quotes, trailer (with the right count), joined by CRLF like B3's
 * files (or LF), ending with a line end. Encode it with `latin1Bytes`.
 */
export function formatCotahist(
  year: number,
  generated: number,
  quotes: readonly QuoteFields[],
  { eol = "\r\n" }: { eol?: "\r\n" | "\n" } = {},
): string {
  const lines = [formatHeader(year, generated), ...quotes.map(formatQuote)];
  lines.push(formatTrailer(year, generated, lines.length + 1));
  return lines.join(eol) + eol;
}

/** Latin-1 bytes of a string (every character must be U+0000–U+00FF). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c > 255) {
      throw new RangeError(`latin1Bytes: character ${JSON.stringify(text[k])} at ${k} is not Latin-1`);
    }
    out[k] = c;
  }
  return out;
}

function width(f: FieldSpec): number {
  return f.end - f.start + 1;
}

function textField(f: FieldSpec, v: string): string {
  if (v.length > width(f)) throw new RangeError(`${f.name}: "${v}" is longer than ${width(f)} characters`);
  return v.padEnd(width(f), " ");
}

function numberField(f: FieldSpec, scaled: number): string {
  const n = Math.round(scaled);
  if (!(n >= 0)) throw new RangeError(`${f.name}: ${scaled} is not a number ≥ 0`);
  const digits = BigInt(n).toString();
  if (digits.length > width(f)) throw new RangeError(`${f.name}: ${scaled} does not fit ${width(f)} digits`);
  return digits.padStart(width(f), "0");
}
