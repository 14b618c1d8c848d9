/**
 * Streaming COTAHIST parser: bytes in (from a `.TXT` or a ZIP entry, see `source.ts`), one decoded
 * `CotahistQuote` per kept `01` record out, with the header, the trailer's record count checked and
 * every malformed line reported (file, line, field, what was expected, the text found). Memory stays
 * flat: only the current chunk and one partial line are held.
 */
import { fieldSpec, QUOTE_FIELDS, RECORD_LENGTH, TRAILER_FIELDS } from "./layout.ts";

/**
 * One `01` record, every field of the layout, decoded: implied decimals applied (prices and VOLTOT
 * /100, PTOEXE /10⁶) and prices divided by FATCOT (so they are per share even when quoted per 1,000).
 * Text fields are Latin-1, right-trimmed. Dates are epoch ms at UTC midnight.
 */
export interface CotahistQuote {
  /** Line number in the file (1-based; the header is line 1). */
  line: number;
  tipreg: number;
  /** DATA, the trading day. */
  date: number;
  codbdi: string;
  codneg: string;
  tpmerc: number;
  nomres: string;
  especi: string;
  prazot: string;
  modref: string;
  preabe: number;
  premax: number;
  premin: number;
  premed: number;
  preult: number;
  preofc: number;
  preofv: number;
  totneg: number;
  quatot: number;
  /** Traded value in the record's currency (not divided by FATCOT). */
  voltot: number;
  /** Strike (options) or contract value (secondary term), per share. */
  preexe: number;
  indopc: number;
  /** Expiry (options, term); null when the layout's "no expiry" 99991231 or zeros. */
  datven: number | null;
  fatcot: number;
  ptoexe: number;
  codisi: string;
  dismes: number;
}

/** The `00` record. */
export interface CotahistHeader {
  file_name: string;
  origin: string;
  generated: number;
}

/** The `99` record. */
export interface CotahistTrailer extends CotahistHeader {
  /** TOTAL DE REGISTROS: records in the file, header and trailer included. */
  records: number;
}

/** A malformed line: where, which field, what was expected and what was found. */
export interface LineProblem {
  file: string;
  line: number;
  field: string;
  expected: string;
  found: string;
}

/** Formats a problem as one line of text. */
export function describeProblem(p: LineProblem): string {
  return `${p.file}: line ${p.line}, ${p.field}: expected ${p.expected}, found ${p.found}`;
}

/** A malformed line in `--strict` mode (or an unreadable file): the first problem, nothing kept. */
export class CotahistError extends Error {
  constructor(readonly problem: LineProblem) {
    super(describeProblem(problem));
    this.name = "CotahistError";
  }
}

/** Options of `parseCotahist`. */
export interface ParseOptions {
  /** The file's name in messages. */
  file: string;
  /** Throw a `CotahistError` at the first malformed line instead of reporting it and going on. */
  strict?: boolean;
  /**
   * Decide from TPMERC and CODBDI (as integers; CODBDI −1 when not two digits) and, if need be, the
   * record's bytes (`line[start + k]` is position k + 1 of the layout) whether to decode a record at
   * all (default: every record). `"isin"` skips the record but passes its CODISI to `onIsin`. Records
   * not decoded are checked for length, record type, date and market only.
   */
  prefilter?: (tpmerc: number, codbdi: number, line: Uint8Array, start: number) => boolean | "isin";
  /** Receives CODISI and TPMERC of the records the prefilter answers `"isin"` for. */
  onIsin?: (codisi: string, tpmerc: number) => void;
  /** Called with each decoded, well-formed `01` record the prefilter keeps. */
  onQuote: (quote: CotahistQuote) => void;
  /** Called after each chunk with the bytes read so far. */
  onProgress?: (bytes: number) => void;
  /** Problems kept in the report (the count goes on); default 100. */
  maxProblems?: number;
}

/** What a parse found. */
export interface ParseReport {
  file: string;
  header: CotahistHeader | null;
  trailer: CotahistTrailer | null;
  /** Records (lines) read, header, trailer and malformed lines included. */
  records: number;
  /** `01` records read. */
  quotes: number;
  /** `01` records decoded and passed to `onQuote`. */
  kept: number;
  /** The first `maxProblems` malformed lines. */
  problems: LineProblem[];
  problemCount: number;
  /** File-level findings: trailer count mismatch, missing header or trailer. */
  warnings: string[];
  bytes: number;
  /** Trading days (DATA of the `01` records, kept or not), ascending epoch ms. */
  days: number[];
}

const LF = 10, CR = 13, ZERO = 48, NINE = 57, SPACE = 32, SUB = 26;
/** Longest partial line carried between chunks; longer lines are reported, not buffered. */
const MAX_LINE = 4096;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const at = (name: string) => fieldSpec(QUOTE_FIELDS, name).start - 1;
const O = {
  date: at("DATA"),
  codbdi: at("CODBDI"),
  codneg: at("CODNEG"),
  tpmerc: at("TPMERC"),
  nomres: at("NOMRES"),
  especi: at("ESPECI"),
  prazot: at("PRAZOT"),
  modref: at("MODREF"),
  preabe: at("PREABE"),
  premax: at("PREMAX"),
  premin: at("PREMIN"),
  premed: at("PREMED"),
  preult: at("PREULT"),
  preofc: at("PREOFC"),
  preofv: at("PREOFV"),
  totneg: at("TOTNEG"),
  quatot: at("QUATOT"),
  voltot: at("VOLTOT"),
  preexe: at("PREEXE"),
  indopc: at("INDOPC"),
  datven: at("DATVEN"),
  fatcot: at("FATCOT"),
  ptoexe: at("PTOEXE"),
  codisi: at("CODISI"),
  dismes: at("DISMES"),
};
const TOTAL_AT = fieldSpec(TRAILER_FIELDS, "TOTAL DE REGISTROS").start - 1;

/**
 * Parses a COTAHIST byte stream (CRLF or LF line ends, Latin-1), calling `onQuote` for every
 * well-formed `01` record the prefilter keeps. Malformed lines — wrong length, unknown record type,
 * a non-digit in a numeric field, an impossible date — are reported (file, line, field, expected,
 * found) and skipped, or thrown in `strict` mode. The trailer's record count is checked against the
 * records read; a mismatch is a warning naming both counts.
 *
 * @example
 * ```ts
 * const quotes: CotahistQuote[] = [];
 * const report = await parseCotahist(cotahistChunks("COTAHIST_A2024.ZIP"), {
 *   file: "COTAHIST_A2024.ZIP",
 *   prefilter: (tpmerc) => tpmerc === 10,
 *   onQuote: (q) => quotes.push(q),
 * });
 * report.warnings; // => [] when the trailer's count matches
 * ```
 */
export async function parseCotahist(
  chunks: AsyncIterable<Uint8Array>,
  options: ParseOptions,
): Promise<ParseReport> {
  const { file, strict = false, prefilter, onQuote, onIsin, onProgress, maxProblems = 100 } = options;
  const report: ParseReport = {
    file,
    header: null,
    trailer: null,
    records: 0,
    quotes: 0,
    kept: 0,
    problems: [],
    problemCount: 0,
    warnings: [],
    bytes: 0,
    days: [],
  };
  const days = new Set<number>();
  let lineNo = 0;
  let dateCacheKey = -1, dateCacheMs = NaN;

  const problem = (field: string, expected: string, found: string) => {
    const p: LineProblem = { file, line: lineNo, field, expected, found };
    if (strict) throw new CotahistError(p);
    report.problemCount++;
    if (report.problems.length < maxProblems) report.problems.push(p);
  };

  /** yyyymmdd at `o` as epoch ms; NaN (and a problem) when not a real date. */
  const dateAt = (b: Uint8Array, o: number, field: string, allowNone: boolean): number => {
    const ymd = digits(b, o, 8);
    if (ymd < 0) {
      problem(field, "a date as 8 digits AAAAMMDD", quoted(b, o, 8));
      return NaN;
    }
    if (ymd === dateCacheKey) return dateCacheMs;
    if (allowNone && (ymd === 99991231 || ymd === 0)) return -1;
    const y = Math.floor(ymd / 10000), m = Math.floor(ymd / 100) % 100, d = ymd % 100;
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    if (
      y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > (m === 2 && !leap ? 28 : DAYS_IN_MONTH[m - 1])
    ) {
      problem(field, "a real date AAAAMMDD between 1900 and 2100", quoted(b, o, 8));
      return NaN;
    }
    const ms = Date.UTC(y, m - 1, d);
    if (!allowNone) {
      dateCacheKey = ymd;
      dateCacheMs = ms;
      if (field === "DATA") days.add(ms);
    }
    return ms;
  };

  /** A numeric field, or −1 (and a problem) when it has a non-digit. */
  const numberAt = (b: Uint8Array, o: number, n: number, field: string): number => {
    const v = digits(b, o, n);
    if (v < 0) problem(field, `${n} digits`, quoted(b, o, n));
    return v;
  };

  const decode = (b: Uint8Array, s: number): CotahistQuote | null => {
    const before = report.problemCount;
    const date = dateAt(b, s + O.date, "DATA", false);
    const tpmerc = numberAt(b, s + O.tpmerc, 3, "TPMERC");
    const preabe = numberAt(b, s + O.preabe, 13, "PREABE");
    const premax = numberAt(b, s + O.premax, 13, "PREMAX");
    const premin = numberAt(b, s + O.premin, 13, "PREMIN");
    const premed = numberAt(b, s + O.premed, 13, "PREMED");
    const preult = numberAt(b, s + O.preult, 13, "PREULT");
    const preofc = numberAt(b, s + O.preofc, 13, "PREOFC");
    const preofv = numberAt(b, s + O.preofv, 13, "PREOFV");
    const totneg = numberAt(b, s + O.totneg, 5, "TOTNEG");
    const quatot = numberAt(b, s + O.quatot, 18, "QUATOT");
    const voltot = numberAt(b, s + O.voltot, 18, "VOLTOT");
    const preexe = numberAt(b, s + O.preexe, 13, "PREEXE");
    const indopc = numberAt(b, s + O.indopc, 1, "INDOPC");
    const datven = dateAt(b, s + O.datven, "DATVEN", true);
    const fatcot = numberAt(b, s + O.fatcot, 7, "FATCOT");
    const ptoexe = numberAt(b, s + O.ptoexe, 13, "PTOEXE");
    const dismes = numberAt(b, s + O.dismes, 3, "DISMES");
    if (report.problemCount === before && fatcot === 0) {
      problem("FATCOT", "a quotation factor ≥ 1", '"0000000"');
    }
    if (report.problemCount !== before) return null;
    const perShare = 100 * fatcot;
    return {
      line: lineNo,
      tipreg: 1,
      date,
      codbdi: text(b, s + O.codbdi, 2),
      codneg: text(b, s + O.codneg, 12),
      tpmerc,
      nomres: text(b, s + O.nomres, 12),
      especi: text(b, s + O.especi, 10),
      prazot: text(b, s + O.prazot, 3),
      modref: text(b, s + O.modref, 4),
      preabe: preabe / perShare,
      premax: premax / perShare,
      premin: premin / perShare,
      premed: premed / perShare,
      preult: preult / perShare,
      preofc: preofc / perShare,
      preofv: preofv / perShare,
      totneg,
      quatot,
      voltot: voltot / 100,
      preexe: preexe / perShare,
      indopc,
      datven: datven < 0 ? null : datven,
      fatcot,
      ptoexe: ptoexe / 1e6,
      codisi: text(b, s + O.codisi, 12),
      dismes,
    };
  };

  const headerOf = (b: Uint8Array, s: number): CotahistHeader => ({
    file_name: text(b, s + 2, 13),
    origin: text(b, s + 15, 8),
    generated: dateAt(b, s + 23, "DATA DA GERACAO", false),
  });

  const processLine = (b: Uint8Array, s: number, e: number, overflow: number) => {
    if (e > s && b[e - 1] === CR) e--;
    const length = e - s + overflow;
    if (length === 0 || (length === 1 && b[s] === SUB)) return; // blank line, DOS end-of-file mark
    lineNo++;
    report.records++;
    if (length !== RECORD_LENGTH) {
      problem("record length", `${RECORD_LENGTH} bytes`, `${length} bytes`);
      return;
    }
    const t0 = b[s], t1 = b[s + 1];
    if (t0 === ZERO && t1 === ZERO + 1) {
      report.quotes++;
      const tpmerc = digits(b, s + O.tpmerc, 3);
      const codbdi = digits(b, s + O.codbdi, 2);
      const wanted = prefilter && tpmerc >= 0 ? prefilter(tpmerc, codbdi, b, s) : true;
      if (wanted !== true) {
        dateAt(b, s + O.date, "DATA", false);
        if (wanted === "isin") onIsin?.(text(b, s + O.codisi, 12), tpmerc);
        return;
      }
      const quote = decode(b, s);
      if (quote) {
        report.kept++;
        onQuote(quote);
      }
    } else if (t0 === ZERO && t1 === ZERO) {
      if (report.header) report.warnings.push(`${file}: a second header record at line ${lineNo}`);
      else report.header = headerOf(b, s);
    } else if (t0 === NINE && t1 === NINE) {
      const records = numberAt(b, s + TOTAL_AT, 11, "TOTAL DE REGISTROS");
      report.trailer = { ...headerOf(b, s), records };
    } else {
      problem("TIPREG", 'a record type "00", "01" or "99"', quoted(b, s, 2));
    }
  };

  let carry = new Uint8Array(MAX_LINE);
  let carryLength = 0, carryOverflow = 0;
  const keep = (chunk: Uint8Array, from: number, to: number) => {
    const n = to - from;
    const room = MAX_LINE - carryLength;
    if (n <= room) {
      carry.set(chunk.subarray(from, to), carryLength);
      carryLength += n;
    } else {
      carry.set(chunk.subarray(from, from + room), carryLength);
      carryLength = MAX_LINE;
      carryOverflow += n - room;
    }
  };
  for await (const chunk of chunks) {
    report.bytes += chunk.length;
    let pos = 0;
    if (carryLength > 0 || carryOverflow > 0) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        keep(chunk, 0, chunk.length);
        onProgress?.(report.bytes);
        continue;
      }
      keep(chunk, 0, nl);
      processLine(carry, 0, carryLength, carryOverflow);
      carryLength = carryOverflow = 0;
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(LF, pos);
      if (nl < 0) break;
      if (nl - pos > MAX_LINE) processLine(chunk, pos, pos + MAX_LINE, nl - pos - MAX_LINE);
      else processLine(chunk, pos, nl, 0);
      pos = nl + 1;
    }
    if (pos < chunk.length) keep(chunk, pos, chunk.length);
    onProgress?.(report.bytes);
  }
  if (carryLength > 0 || carryOverflow > 0) processLine(carry, 0, carryLength, carryOverflow);
  carry = new Uint8Array(0);
  report.days = [...days].sort((a, b) => a - b);

  if (!report.header) report.warnings.push(`${file}: no header record (00)`);
  if (!report.trailer) report.warnings.push(`${file}: no trailer record (99)`);
  else if (report.trailer.records !== report.records) {
    report.warnings.push(
      `${file}: the trailer counts ${report.trailer.records} records, the file has ${report.records} (header and trailer included)`,
    );
  }
  return report;
}

/** The decimal value of `n` ASCII digits at `o`, or −1 when one is not a digit. */
function digits(b: Uint8Array, o: number, n: number): number {
  // Up to 9 digits in int32 arithmetic; longer fields as high part × 10⁹ + low 9 digits.
  if (n > 9) {
    const hi = digits(b, o, n - 9);
    const lo = digits(b, o + n - 9, 9);
    return hi < 0 || lo < 0 ? -1 : hi * 1e9 + lo;
  }
  let v = 0;
  for (let k = o, end = o + n; k < end; k++) {
    const c = (b[k] - ZERO) >>> 0;
    if (c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Interned Latin-1 strings by a hash of their bytes: tickers, names and codes repeat on every day of
 * a file, so most fields are a lookup instead of a new string.
 */
const interned = new Map<number, string>();

/** Latin-1 text of `n` bytes at `o`, right-trimmed of spaces (interned). */
function text(b: Uint8Array, o: number, n: number): string {
  let end = o + n;
  while (end > o && b[end - 1] === SPACE) end--;
  let h = 0x811c9dc5 ^ (end - o);
  for (let k = o; k < end; k++) h = Math.imul(h ^ b[k], 0x01000193);
  const hit = interned.get(h);
  if (hit !== undefined && hit.length === end - o) {
    let same = true;
    for (let k = 0; same && k < hit.length; k++) same = hit.charCodeAt(k) === b[o + k];
    if (same) return hit;
  }
  let out = "";
  for (let k = o; k < end; k++) out += String.fromCharCode(b[k]);
  if (interned.size < 1 << 20) interned.set(h, out);
  return out;
}

/** The field's text in quotes, for messages. */
function quoted(b: Uint8Array, o: number, n: number): string {
  return JSON.stringify(String.fromCharCode.apply(null, b.subarray(o, o + n) as unknown as number[]));
}
