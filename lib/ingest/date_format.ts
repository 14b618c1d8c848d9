/** Date formats recognised in input files, as DuckDB `strptime` patterns, most common first. */
export const DATE_FORMATS = [
  "%Y-%m-%d",
  "%Y%m%d",
  "%m/%d/%Y",
  "%d/%m/%Y",
  "%d.%m.%Y",
  "%Y/%m/%d",
  "%d-%m-%Y",
] as const;

const PATTERNS: Record<string, RegExp> = {
  "%Y-%m-%d": /^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$/,
  "%Y%m%d": /^(\d{4})(\d{2})(\d{2})$/,
  "%m/%d/%Y": /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/,
  "%d/%m/%Y": /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/,
  "%d.%m.%Y": /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/,
  "%Y/%m/%d": /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  "%d-%m-%Y": /^(\d{1,2})-(\d{1,2})-(\d{4})$/,
};

function parts(format: string, m: RegExpExecArray): [number, number, number] {
  const f = format.replace(/[^Ymd]/g, "");
  const y = +m[1 + f.indexOf("Y")], mo = +m[1 + f.indexOf("m")], d = +m[1 + f.indexOf("d")];
  return [y, mo, d];
}

function valid(format: string, text: string): boolean {
  const m = PATTERNS[format].exec(text.trim());
  if (!m) return false;
  const [y, mo, d] = parts(format, m);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Detects the date format of sample values: the one of `DATE_FORMATS` that parses the most non-empty
 * samples as real calendar dates, the first listed on a tie (so `03/14/2020` picks `%m/%d/%Y` and
 * `14/03/2020` picks `%d/%m/%Y`). A few unparsable cells do not defeat detection: the caller reports
 * them row by row. Returns `undefined` when no format parses any sample. `ingestFile` refuses a tie
 * (see `dateFormatCandidates`).
 *
 * @example
 * ```ts
 * detectDateFormat(["2020-01-31", "2020-02-03"]); // => "%Y-%m-%d"
 * detectDateFormat(["31/01/2020"]);               // => "%d/%m/%Y"
 * detectDateFormat(["2020-01-31", "2020-02-xx"]); // => "%Y-%m-%d" (the bad cell is the caller's to report)
 * ```
 */
export function detectDateFormat(samples: readonly string[]): string | undefined {
  return dateFormatCandidates(samples)[0];
}

/**
 * Every format of `DATE_FORMATS` that parses the most non-empty samples (in `DATE_FORMATS` order):
 * one format normally, two when the samples cannot tell day-first from month-first (every day and
 * month ≤ 12, e.g. only `02/03/2020`), none when no format parses any sample.
 *
 * @example
 * ```ts
 * dateFormatCandidates(["02/03/2020", "11/12/2020"]); // => ["%m/%d/%Y", "%d/%m/%Y"]
 * dateFormatCandidates(["02/03/2020", "14/03/2020"]); // => ["%d/%m/%Y"]
 * ```
 */
export function dateFormatCandidates(samples: readonly string[]): string[] {
  const counts = DATE_FORMATS.map((format) => {
    let count = 0;
    for (const sample of samples) if (sample.trim() !== "" && valid(format, sample)) count++;
    return count;
  });
  const best = Math.max(...counts);
  return best === 0 ? [] : DATE_FORMATS.filter((_, k) => counts[k] === best);
}
