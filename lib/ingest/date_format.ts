/** Date formats recognised in input files, as DuckDB `strptime` patterns, most common first. */
export const DATE_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y"] as const;

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
 * Detects the date format of sample values: the first of `DATE_FORMATS` that parses every
 * non-empty sample as a real calendar date (so `03/14/2020` picks `%m/%d/%Y` and `14/03/2020`
 * picks `%d/%m/%Y`). Returns `undefined` when none fits.
 *
 * @example
 * ```ts
 * detectDateFormat(["2020-01-31", "2020-02-03"]); // => "%Y-%m-%d"
 * detectDateFormat(["31/01/2020"]);               // => "%d/%m/%Y"
 * ```
 */
export function detectDateFormat(samples: readonly string[]): string | undefined {
  const values = samples.filter((s) => s.trim() !== "");
  if (values.length === 0) return undefined;
  return DATE_FORMATS.find((format) => values.every((v) => valid(format, v)));
}
