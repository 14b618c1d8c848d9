/**
 * The public sources of Brazil's cash rate and benchmark, and their answers parsed:
 * - the central bank's time-series API (SGS), series 12 = the daily CDI ("Taxa de juros – CDI", % per
 *   day): `https://api.bcb.gov.br/dados/serie/bcdata.sgs.12/dados?formato=json&dataInicial=…`,
 *   answering `[{"data": "02/01/2024", "valor": "0.043739"}, …]`;
 * - B3's index statistics (`indexStatisticsProxy/IndexCall/GetPortfolioDay/<base64 JSON
 *   {"language","index","year"}>`), answering a day × month grid of closing levels
 *   `{"results": [{"day": 1, "rateValue1": "101,005.64", …, "rateValue12": …}, …]}`.
 */
import { InputError, type InputProblem } from "../errors.ts";
import { parseDay, parseDecimal } from "../text_csv.ts";

/** The central bank's SGS API root. */
export const BCB_SGS_BASE_URL = "https://api.bcb.gov.br/dados/serie/";
/** B3's index-history endpoint. */
export const B3_INDEX_BASE_URL =
  "https://sistemaswebb3-listados.b3.com.br/indexStatisticsProxy/IndexCall/GetPortfolioDay/";
/** SGS code of the daily CDI (% per day). */
export const SGS_CDI = 12;

/** Dated values parsed from a source, ascending. */
export interface DatedValues {
  dates: Float64Array;
  values: Float64Array;
}

const ddmmyyyy = (ms: number) => new Date(ms).toISOString().slice(0, 10).split("-").reverse().join("/");

/**
 * The SGS URL of series `code` between two days (epoch ms, inclusive). SGS serves at most ten years
 * of a daily series per request: ask year by year.
 *
 * @example
 * ```ts
 * sgsUrl(12, Date.UTC(2024, 0, 1), Date.UTC(2024, 11, 31));
 * // => "https://api.bcb.gov.br/dados/serie/bcdata.sgs.12/dados?formato=json&dataInicial=01/01/2024&dataFinal=31/12/2024"
 * ```
 */
export function sgsUrl(code: number, start: number, end: number, base = BCB_SGS_BASE_URL): string {
  return `${base}bcdata.sgs.${code}/dados?formato=json&dataInicial=${ddmmyyyy(start)}&dataFinal=${
    ddmmyyyy(end)
  }`;
}

/**
 * B3's index-history URL for `index` (e.g. "IBOV") and `year`.
 *
 * @example
 * ```ts
 * indexHistoryUrl("IBOV", 2022);
 * // => ".../GetPortfolioDay/eyJsYW5ndWFnZSI6ImVuLXVzIiwiaW5kZXgiOiJJQk9WIiwieWVhciI6MjAyMn0="
 * ```
 */
export function indexHistoryUrl(index: string, year: number, base = B3_INDEX_BASE_URL): string {
  return base + btoa(JSON.stringify({ language: "en-us", index, year }));
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(file, [{ expected: "JSON", found: (error as Error).message }]);
  }
}

/**
 * Parses an SGS answer. Throws an `InputError` naming the entry and field for an unparsable date or
 * value, or dates out of order.
 *
 * @example
 * ```ts
 * parseSgsJson('[{"data":"02/01/2024","valor":"0.043739"}]', "CDI_2024.json").values; // => [0.043739]
 * ```
 */
export function parseSgsJson(text: string, file: string): DatedValues {
  const data = parseJson(text, file);
  if (!Array.isArray(data)) {
    throw new InputError(file, [{ expected: 'a JSON array of {"data", "valor"}', found: typeof data }]);
  }
  const problems: InputProblem[] = [];
  const dates: number[] = [], values: number[] = [];
  data.forEach((entry: { data?: string; valor?: string }, k: number) => {
    const d = parseDay(entry?.data ?? null), v = parseDecimal(entry?.valor ?? null);
    if (Number.isNaN(d)) {
      problems.push({
        row: k + 1,
        column: "data",
        expected: "a date DD/MM/YYYY",
        found: JSON.stringify(entry?.data),
      });
    } else if (Number.isNaN(v)) {
      problems.push({
        row: k + 1,
        column: "valor",
        expected: "a number",
        found: JSON.stringify(entry?.valor),
      });
    } else if (dates.length && d <= dates[dates.length - 1]) {
      problems.push({
        row: k + 1,
        column: "data",
        expected: "dates in ascending order",
        found: JSON.stringify(entry.data),
      });
    } else {
      dates.push(d);
      values.push(v);
    }
  });
  if (problems.length) throw new InputError(file, problems.slice(0, 20), Math.max(0, problems.length - 20));
  return { dates: Float64Array.from(dates), values: Float64Array.from(values) };
}

/**
 * Parses B3's index-history answer for `year`: `results[k].rateValueM` is the close of day
 * `results[k].day` of month M (null on non-trading days). Throws an `InputError` for a value that is
 * not a number or a day that does not exist.
 *
 * @example
 * ```ts
 * parseIndexHistoryJson('{"results":[{"day":3,"rateValue1":"103,921.59"}]}', 2022, "IBOV_2022.json");
 * // => { dates: [Date.UTC(2022, 0, 3)], values: [103921.59] }
 * ```
 */
export function parseIndexHistoryJson(text: string, year: number, file: string): DatedValues {
  const data = parseJson(text, file) as { results?: Record<string, unknown>[] };
  if (!Array.isArray(data?.results)) {
    throw new InputError(file, [{ expected: 'an object with a "results" array', found: text.slice(0, 80) }]);
  }
  const problems: InputProblem[] = [];
  const points: [number, number][] = [];
  data.results.forEach((row, k) => {
    const day = Number(row.day);
    for (let month = 1; month <= 12; month++) {
      const cell = row[`rateValue${month}`];
      if (cell === null || cell === undefined || cell === "") continue;
      const date = Date.UTC(year, month - 1, day);
      const value = parseDecimal(String(cell));
      if (!Number.isInteger(day) || new Date(date).getUTCDate() !== day) {
        problems.push({
          row: k + 1,
          column: "day",
          expected: `a day of month ${month}`,
          found: JSON.stringify(row.day),
        });
      } else if (!(value > 0)) {
        problems.push({
          row: k + 1,
          column: `rateValue${month}`,
          expected: "an index level > 0",
          found: JSON.stringify(cell),
        });
      } else points.push([date, value]);
    }
  });
  if (problems.length) throw new InputError(file, problems.slice(0, 20), Math.max(0, problems.length - 20));
  points.sort((a, b) => a[0] - b[0]);
  return { dates: Float64Array.from(points, (p) => p[0]), values: Float64Array.from(points, (p) => p[1]) };
}
