/**
 * Brazil's cash rate and benchmark into the store's `series` table: the CDI as series "CDI" (percent
 * per day, as BCB series 12 publishes it: 0.043739 means 0.043739% for the day) and the Ibovespa as
 * "IBOV" (index points), from their public sources (cached in the raw folder like COTAHIST files)
 * or from a local CSV.
 */
import { join } from "node:path";
import type { Store } from "../../store/db.ts";
import type { SeriesInfoRow } from "../../store/tables.ts";
import { writeTables } from "../../store/write.ts";
import { downloadFile, type DownloadOptions } from "../b3/download.ts";
import { InputError, type InputProblem } from "../errors.ts";
import { parseDay, parseDecimal, readTextCsv } from "../text_csv.ts";
import {
  B3_INDEX_BASE_URL,
  BCB_SGS_BASE_URL,
  type DatedValues,
  indexHistoryUrl,
  parseIndexHistoryJson,
  parseSgsJson,
  SGS_CDI,
  sgsUrl,
} from "./sources.ts";

/** The two series and what they are. */
export const B3_SERIES: Readonly<Record<"CDI" | "IBOV", Omit<SeriesInfoRow, "source">>> = {
  CDI: { series_id: "CDI", name: "CDI (Taxa DI, BCB SGS 12)", kind: "rate", unit: "percent_per_day" },
  IBOV: { series_id: "IBOV", name: "Ibovespa", kind: "index", unit: "level" },
};

/** Options of `fetchSeries`. */
export interface FetchSeriesOptions extends DownloadOptions {
  /** Where the yearly answers are cached (`CDI_2024.json`, `IBOV_2024.json`). */
  rawDir: string;
  /** Override the sources' roots (tests serve fixtures from 127.0.0.1). */
  bcbBaseUrl?: string;
  b3IndexBaseUrl?: string;
}

/** What one series load stored. */
export interface SeriesLoad {
  series_id: string;
  rows: number;
  start: string | null;
  end: string | null;
  source: string;
}

/**
 * Downloads (or reads from the cache) series `id` for every year of `[from, to]` — the CDI from the
 * central bank's SGS API, the Ibovespa from B3's index history — and stores it, one transaction.
 *
 * @example
 * ```ts
 * await fetchSeries(store, "CDI", 2020, 2024, { rawDir: "data/raw/b3" });
 * ```
 */
export async function fetchSeries(
  store: Store,
  id: "CDI" | "IBOV",
  from: number,
  to: number,
  options: FetchSeriesOptions,
): Promise<SeriesLoad> {
  const parts: DatedValues[] = [];
  let source = "";
  for (let year = from; year <= to; year++) {
    const start = Date.UTC(year, 0, 1), end = Date.UTC(year, 11, 31);
    const url = id === "CDI"
      ? sgsUrl(SGS_CDI, start, end, options.bcbBaseUrl ?? BCB_SGS_BASE_URL)
      : indexHistoryUrl("IBOV", year, options.b3IndexBaseUrl ?? B3_INDEX_BASE_URL);
    source ||= url;
    const path = join(options.rawDir, `${id}_${year}.json`);
    await downloadFile(url, path, { ...options, periodEnd: end });
    const text = await Deno.readTextFile(path);
    parts.push(id === "CDI" ? parseSgsJson(text, path) : parseIndexHistoryJson(text, year, path));
  }
  const dates = Float64Array.from(parts.flatMap((p) => Array.from(p.dates)));
  const values = Float64Array.from(parts.flatMap((p) => Array.from(p.values)));
  return await storeSeries(
    store,
    id,
    { dates, values },
    id === "CDI" ? "BCB SGS 12 (api.bcb.gov.br)" : "B3 index history (IBOV)",
  );
}

/**
 * Stores series `id` from a local CSV: a date column (`date` or `data`; `YYYY-MM-DD` or `DD/MM/YYYY`)
 * and a value column (`value` or `valor`; decimal point or comma) — the central bank's own CSV export
 * (`"data";"valor"`) reads as it is. Throws an `InputError` naming row and column for a bad date or
 * value or a repeated date; nothing is written then.
 *
 * @example
 * ```ts
 * await loadSeriesCsv(store, "CDI", "cdi.csv");
 * ```
 */
export async function loadSeriesCsv(store: Store, id: "CDI" | "IBOV", file: string): Promise<SeriesLoad> {
  const { columns, rows } = await readTextCsv(store, file);
  const dateCol = columns.findIndex((c) => c === "date" || c === "data");
  const valueCol = columns.findIndex((c) => c === "value" || c === "valor");
  if (dateCol < 0 || valueCol < 0) {
    throw new InputError(file, [{
      column: dateCol < 0 ? "date" : "value",
      expected: 'columns "date" (or "data") and "value" (or "valor")',
      found: `columns ${columns.join(", ")}`,
    }]);
  }
  const problems: InputProblem[] = [];
  const points: [number, number][] = [];
  const seen = new Map<number, number>();
  rows.forEach((row, k) => {
    const date = parseDay(row[dateCol]), value = parseDecimal(row[valueCol]);
    if (Number.isNaN(date)) {
      problems.push({
        row: k + 1,
        column: columns[dateCol],
        expected: "a date YYYY-MM-DD or DD/MM/YYYY",
        found: JSON.stringify(row[dateCol] ?? ""),
      });
    } else if (Number.isNaN(value)) {
      problems.push({
        row: k + 1,
        column: columns[valueCol],
        expected: "a number",
        found: JSON.stringify(row[valueCol] ?? ""),
      });
    } else if (seen.has(date)) {
      problems.push({
        row: k + 1,
        column: columns[dateCol],
        expected: "one row per date",
        found: `a repeat of row ${seen.get(date)}`,
      });
    } else {
      seen.set(date, k + 1);
      points.push([date, value]);
    }
  });
  if (problems.length) throw new InputError(file, problems.slice(0, 20), Math.max(0, problems.length - 20));
  points.sort((a, b) => a[0] - b[0]);
  return await storeSeries(store, id, {
    dates: Float64Array.from(points, (p) => p[0]),
    values: Float64Array.from(points, (p) => p[1]),
  }, file);
}

async function storeSeries(
  store: Store,
  id: "CDI" | "IBOV",
  data: DatedValues,
  source: string,
): Promise<SeriesLoad> {
  await writeTables(store, {
    series: { series_id: Array.from(data.dates, () => id), date: data.dates, value: data.values },
    series_info: [{ ...B3_SERIES[id], source }],
  }, { source: `series:${id}`, params: { source, rows: data.dates.length } });
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const n = data.dates.length;
  return {
    series_id: id,
    rows: n,
    start: n ? iso(data.dates[0]) : null,
    end: n ? iso(data.dates[n - 1]) : null,
    source,
  };
}
