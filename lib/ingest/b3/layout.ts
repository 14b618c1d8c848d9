/**
 * B3's COTAHIST file layout ("Layout do Arquivo – Cotações Históricas COTAHIST.AAAA.TXT", B3/Bovespa,
 * revision of 22/09/2005): fixed-width 245-byte records, Latin-1, one per line.
 * - Record `00` (header): file name `COTAHIST.AAAA`, origin `BOVESPA`, generation date.
 * - Record `01`: one paper-market's quotes for one trading day (26 fields, below).
 * - Record `99` (trailer): as the header, plus the total record count, header and trailer included.
 *
 * Positions are the layout's, 1-based and inclusive. `N(11)V99` fields carry 2 implied decimals,
 * `N(07)V06` (PTOEXE) 6.
 */

/** Bytes per record, line terminator excluded. */
export const RECORD_LENGTH = 245;

/** One field of a record: name, 1-based inclusive positions, type (N numeric, X text), implied decimals. */
export interface FieldSpec {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly type: "N" | "X";
  readonly decimals?: number;
}

/** The `01` record, field by field, as the official layout lists it. */
export const QUOTE_FIELDS: readonly FieldSpec[] = [
  { name: "TIPREG", start: 1, end: 2, type: "N" },
  { name: "DATA", start: 3, end: 10, type: "N" },
  { name: "CODBDI", start: 11, end: 12, type: "X" },
  { name: "CODNEG", start: 13, end: 24, type: "X" },
  { name: "TPMERC", start: 25, end: 27, type: "N" },
  { name: "NOMRES", start: 28, end: 39, type: "X" },
  { name: "ESPECI", start: 40, end: 49, type: "X" },
  { name: "PRAZOT", start: 50, end: 52, type: "X" },
  { name: "MODREF", start: 53, end: 56, type: "X" },
  { name: "PREABE", start: 57, end: 69, type: "N", decimals: 2 },
  { name: "PREMAX", start: 70, end: 82, type: "N", decimals: 2 },
  { name: "PREMIN", start: 83, end: 95, type: "N", decimals: 2 },
  { name: "PREMED", start: 96, end: 108, type: "N", decimals: 2 },
  { name: "PREULT", start: 109, end: 121, type: "N", decimals: 2 },
  { name: "PREOFC", start: 122, end: 134, type: "N", decimals: 2 },
  { name: "PREOFV", start: 135, end: 147, type: "N", decimals: 2 },
  { name: "TOTNEG", start: 148, end: 152, type: "N" },
  { name: "QUATOT", start: 153, end: 170, type: "N" },
  { name: "VOLTOT", start: 171, end: 188, type: "N", decimals: 2 },
  { name: "PREEXE", start: 189, end: 201, type: "N", decimals: 2 },
  { name: "INDOPC", start: 202, end: 202, type: "N" },
  { name: "DATVEN", start: 203, end: 210, type: "N" },
  { name: "FATCOT", start: 211, end: 217, type: "N" },
  { name: "PTOEXE", start: 218, end: 230, type: "N", decimals: 6 },
  { name: "CODISI", start: 231, end: 242, type: "X" },
  { name: "DISMES", start: 243, end: 245, type: "N" },
];

/** The `00` header record. */
export const HEADER_FIELDS: readonly FieldSpec[] = [
  { name: "TIPREG", start: 1, end: 2, type: "N" },
  { name: "NOME DO ARQUIVO", start: 3, end: 15, type: "X" },
  { name: "CODIGO DA ORIGEM", start: 16, end: 23, type: "X" },
  { name: "DATA DA GERACAO", start: 24, end: 31, type: "N" },
  { name: "RESERVA", start: 32, end: 245, type: "X" },
];

/** The `99` trailer record (TOTAL DE REGISTROS counts every record, header and trailer included). */
export const TRAILER_FIELDS: readonly FieldSpec[] = [
  { name: "TIPREG", start: 1, end: 2, type: "N" },
  { name: "NOME DO ARQUIVO", start: 3, end: 15, type: "X" },
  { name: "CODIGO DA ORIGEM", start: 16, end: 23, type: "X" },
  { name: "DATA DA GERACAO", start: 24, end: 31, type: "N" },
  { name: "TOTAL DE REGISTROS", start: 32, end: 42, type: "N" },
  { name: "RESERVA", start: 43, end: 245, type: "X" },
];

/** TPMERC, the market code (layout's "Tabela de TPMERC"). */
export const TPMERC = {
  spot: 10,
  callExercise: 12,
  putExercise: 13,
  auction: 17,
  fractional: 20,
  term: 30,
  futureRetention: 50,
  futureContinuous: 60,
  call: 70,
  put: 80,
} as const;

/** The field spec named `name` in `fields` (throws on an unknown name). */
export function fieldSpec(fields: readonly FieldSpec[], name: string): FieldSpec {
  const spec = fields.find((f) => f.name === name);
  if (!spec) throw new RangeError(`no COTAHIST field "${name}"`);
  return spec;
}
