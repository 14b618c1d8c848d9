/**
 * The B3 pipeline: COTAHIST files to an adjusted, research-ready store, in the nine steps users know —
 *
 * 1. download — B3's yearly/monthly/daily ZIPs (and the CDI/Ibovespa answers) into the raw cache;
 * 2. parse — stream each file, filter the markets, report malformed lines;
 * 3. upsert — one transaction per file, idempotent by (security_id, date); then listing spans and ADV;
 * 4. corporate actions — import B3's published events (CSV);
 * 5. split detection — from the prices, where no published event explains a jump;
 * 6. adjustment factors — per security, with the existing back-adjustment;
 * 7. adjusted prices — and the moves the adjustment leaves unexplained;
 * 8. summary stats — records, tickers, date range, every table;
 * 9. snapshot — an immutable snapshot of the store (reused when the store has not changed).
 *
 * Each step is logged with its counts and time; parsing and downloads show a progress bar.
 */
import { basename, join } from "node:path";
import type { Store } from "../../store/db.ts";
import { SECURITY_TABLES } from "../../store/schema.ts";
import { queryRows } from "../../store/db.ts";
import { writeTables } from "../../store/write.ts";
import { progress, type ProgressMode } from "../../nb/progress.ts";
import { type TableStats, tableStats } from "../../demo/build.ts";
import { createSnapshot, readManifest, storeFingerprint } from "../../snapshot/mod.ts";
import type { Manifest } from "../../snapshot/manifest.ts";
import { DEFAULT_SNAPSHOTS } from "../../snapshot/paths.ts";
import { describeProblem, type LineProblem } from "./cotahist.ts";
import {
  B3_COTAHIST_BASE_URL,
  cotahistFileName,
  DEFAULT_RAW_DIR,
  DownloadError,
  downloadFile,
  type DownloadResult,
} from "./download.ts";
import { type FileLoad, loadCotahistFile } from "./load.ts";
import { DEFAULT_KEEP, type KeepKind } from "./market.ts";
import { refreshListingAndLiquidity, type RefreshResult } from "./refresh.ts";
import { type CorporateActionImport, importCorporateActions } from "./corporate_actions.ts";
import { detectAndApplySplits, type SplitDetection } from "./splits.ts";
import {
  type AdjustedCheck,
  adjustedCheck,
  type FactorStats,
  factorStats,
  readAdjustmentInput,
} from "./adjustments.ts";
import { type B3Summary, b3Summary } from "./summary.ts";
import { type CotahistPeriod, cotahistPeriod } from "./source.ts";
import { fetchSeries, loadSeriesCsv, type SeriesLoad } from "../series/load.ts";
import { B3_INDEX_BASE_URL, BCB_SGS_BASE_URL, indexHistoryUrl, SGS_CDI, sgsUrl } from "../series/sources.ts";

/** The steps, in order. */
export const B3_STEPS = [
  "download",
  "parse",
  "upsert",
  "corporate actions",
  "split detection",
  "adjustment factors",
  "adjusted prices",
  "summary stats",
  "snapshot",
] as const;

/** A COTAHIST period to load: a year, a month or a day. */
export type B3Period = Pick<CotahistPeriod, "kind" | "year" | "month" | "day">;

/** Options of `runB3Pipeline`. */
export interface B3PipelineOptions {
  /** Periods to download (if missing) and load, e.g. every year from 2015 to 2024. */
  periods?: readonly B3Period[];
  /** Local COTAHIST files (ZIP or TXT) to load as they are (no download). */
  files?: readonly string[];
  /** Raw cache folder (default `data/raw/b3`). */
  rawDir?: string;
  /** Fetch missing files (default true); false = use what is in `rawDir`. */
  download?: boolean;
  /** B3's COTAHIST folder URL (default B3's; tests point it at 127.0.0.1). */
  baseUrl?: string;
  /** Instrument kinds to keep (default shares and units). */
  keep?: readonly KeepKind[];
  /** Stop at the first malformed line. */
  strict?: boolean;
  /** Drop every B3 row first, then load (same store as a first load). */
  rebuild?: boolean;
  /** Published corporate-action events to import (CSV, see `corporate_actions.ts`). */
  corporateActions?: string;
  /** Skip steps 4–5 (import and detection); existing actions are still applied. */
  skipCorporateActions?: boolean;
  /** Load the CDI and the Ibovespa for the periods' years (default true). */
  series?: boolean;
  /** Local CSVs instead of the public sources. */
  cdiCsv?: string;
  ibovCsv?: string;
  bcbBaseUrl?: string;
  b3IndexBaseUrl?: string;
  /** Snapshot id (default `b3-<store fingerprint>`), or false for none. */
  snapshot?: string | false;
  snapshotsDir?: string;
  /** Log lines (default console.log). */
  log?: (line: string) => void;
  /** Progress bars: a mode, or "none" (default: detected). */
  progressMode?: ProgressMode | "none";
  /** Download retries/back-off (tests shorten them). */
  retries?: number;
  backoffMs?: number;
}

/** One step's report. */
export interface StepReport {
  step: number;
  name: typeof B3_STEPS[number];
  seconds: number;
  /** One line of counts. */
  summary: string;
}

/** Everything a run did. */
export interface B3PipelineResult {
  steps: StepReport[];
  downloads: DownloadResult[];
  files: FileLoad[];
  refresh: RefreshResult | null;
  series: SeriesLoad[];
  corporateActions: CorporateActionImport | null;
  splits: SplitDetection | null;
  factors: Omit<FactorStats, "factors">;
  adjusted: AdjustedCheck;
  summary: B3Summary;
  tables: TableStats[];
  snapshot: Manifest | null;
  /** Malformed lines (first 100 over all files) and their total. */
  problems: LineProblem[];
  problemCount: number;
  warnings: string[];
}

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * Runs the nine steps (see the module comment). Throws when a file cannot be had or read; malformed
 * lines are reported and skipped (or thrown with `strict`).
 *
 * @example
 * ```ts
 * const years = [2023, 2024].map((year) => ({ kind: "yearly", year }) as const);
 * const result = await runB3Pipeline(store, { periods: years, corporateActions: "proventos.csv" });
 * result.summary.records; // B3 price rows in the store
 * ```
 */
export async function runB3Pipeline(
  store: Store,
  options: B3PipelineOptions = {},
): Promise<B3PipelineResult> {
  const rawDir = options.rawDir ?? DEFAULT_RAW_DIR;
  const log = options.log ?? ((line: string) => console.log(line));
  const steps: StepReport[] = [];
  const warnings: string[] = [];
  const bar = (total: number, label: string) =>
    options.progressMode === "none"
      ? { tick() {}, async done() {} }
      : progress(total, { label, mode: options.progressMode });
  const step = async <T>(k: number, body: () => Promise<{ value: T; summary: string }>): Promise<T> => {
    const started = performance.now();
    const { value, summary } = await body();
    const report: StepReport = {
      step: k + 1,
      name: B3_STEPS[k],
      seconds: (performance.now() - started) / 1000,
      summary,
    };
    steps.push(report);
    log(`[${report.step}/9] ${report.name}: ${summary} · ${report.seconds.toFixed(1)} s`);
    return value;
  };
  const periods = options.periods ?? [];
  const years = [...new Set(periods.map((p) => p.year))].sort((a, b) => a - b);
  const wantSeries = options.series !== false;

  // 1. download
  const downloads = await step(0, async () => {
    const out: DownloadResult[] = [];
    for (const period of periods) {
      const name = cotahistFileName(period);
      const path = join(rawDir, name);
      const periodEnd = cotahistPeriod(name)!.end;
      if (options.download === false) {
        try {
          await Deno.stat(path);
        } catch {
          throw new Error(
            `${path}: not in the raw folder and --offline was given (download it or drop --offline)`,
          );
        }
        out.push({ path, url: "", status: "cached", bytes: (await Deno.stat(path)).size, attempts: 0 });
        continue;
      }
      let shown = 0;
      const b = bar(1, `download ${name}`);
      try {
        out.push(
          await downloadFile(`${options.baseUrl ?? B3_COTAHIST_BASE_URL}${name}`, path, {
            periodEnd,
            retries: options.retries,
            backoffMs: options.backoffMs,
            onProgress: (done, total) => {
              const f = Number.isFinite(total) && total > 0 ? done / total : 0;
              b.tick(f - shown);
              shown = f;
            },
            onRetry: (attempt, wait, reason) => log(`  retry ${attempt} of ${name} in ${wait} ms: ${reason}`),
          }),
        );
      } catch (error) {
        // A copy fetched while its period was open is still usable when B3 cannot be reached.
        const local = await Deno.stat(path).catch(() => null);
        if (!local || error instanceof DownloadError) throw error;
        warnings.push(
          `${name}: could not re-validate (${(error as Error).message.split(" (")[0]}); using the local copy`,
        );
        out.push({ path, url: "", status: "cached", bytes: local.size, attempts: 0 });
      }
      b.tick(1 - shown);
      await b.done();
    }
    if (wantSeries && options.download !== false) {
      for (const year of years) {
        const end = Date.UTC(year, 11, 31);
        const sources: [string, string, boolean][] = [
          [
            "CDI",
            sgsUrl(SGS_CDI, Date.UTC(year, 0, 1), end, options.bcbBaseUrl ?? BCB_SGS_BASE_URL),
            !options.cdiCsv,
          ],
          [
            "IBOV",
            indexHistoryUrl("IBOV", year, options.b3IndexBaseUrl ?? B3_INDEX_BASE_URL),
            !options.ibovCsv,
          ],
        ];
        for (const [id, url, needed] of sources) {
          if (!needed) continue;
          try {
            out.push(
              await downloadFile(url, join(rawDir, `${id}_${year}.json`), {
                periodEnd: end,
                retries: options.retries,
                backoffMs: options.backoffMs,
              }),
            );
          } catch (error) {
            warnings.push(`${id} ${year}: ${(error as Error).message}`);
          }
        }
      }
    }
    const count = (s: DownloadResult["status"]) => out.filter((d) => d.status === s).length;
    return {
      value: out,
      summary: `${out.length} file(s): ${count("downloaded")} downloaded, ${count("resumed")} resumed, ${
        count("cached") + count("not-modified")
      } cached · ${fmt(out.reduce((n, d) => n + d.bytes, 0))} bytes`,
    };
  });

  if (options.rebuild) await dropB3(store, wantSeries);

  // 2–3. parse and upsert, one file at a time (the parse streams into the file's transaction).
  const paths = [...periods.map((p) => join(rawDir, cotahistFileName(p))), ...(options.files ?? [])];
  const files: FileLoad[] = [];
  const parseStarted = performance.now();
  for (const path of paths) {
    let shown = 0;
    const b = bar(100, `parse ${basename(path)}`);
    const load = await loadCotahistFile(store, path, {
      keep: options.keep ?? DEFAULT_KEEP,
      strict: options.strict,
      onBytes: (done, total) => {
        const pct = Math.floor((100 * done) / Math.max(1, total));
        b.tick(pct - shown);
        shown = pct;
      },
    });
    b.tick(100 - shown);
    await b.done();
    for (const r of load.reports) warnings.push(...r.warnings);
    for (const d of load.duplicates) {
      warnings.push(
        `${path}: two records for ${d.security_id} on ${d.date}: kept ${d.kept}, dropped ${d.dropped}`,
      );
    }
    if (load.foreignCurrency) {
      warnings.push(`${path}: ${load.foreignCurrency} record(s) in a non-Brazilian currency kept as quoted`);
    }
    files.push(load);
  }
  const problems = files.flatMap((f) => f.reports.flatMap((r) => r.problems)).slice(0, 100);
  const problemCount = files.reduce((n, f) => n + f.reports.reduce((m, r) => m + r.problemCount, 0), 0);
  const parseSeconds = files.reduce((n, f) => n + f.parseSeconds, 0);
  steps.push({
    step: 2,
    name: "parse",
    seconds: parseSeconds,
    summary: `${files.length} file(s), ${
      fmt(files.reduce((n, f) => n + f.reports.reduce((m, r) => m + r.records, 0), 0))
    } records, ${fmt(files.reduce((n, f) => n + f.reports.reduce((m, r) => m + r.kept, 0), 0))} decoded, ${
      fmt(problemCount)
    } malformed line(s)`,
  });
  log(`[2/9] parse: ${steps.at(-1)!.summary} · ${parseSeconds.toFixed(1)} s`);
  for (const p of problems.slice(0, 10)) log(`  ${describeProblem(p)}`);
  if (problemCount > 10) log(`  … and ${fmt(problemCount - 10)} more malformed line(s)`);

  const afterFiles = performance.now();
  let refresh: RefreshResult | null = null;
  if (files.length) {
    const from = Math.min(...files.map((f) => f.start).filter(Number.isFinite));
    refresh = await refreshListingAndLiquidity(store, Number.isFinite(from) ? from : 0);
  }
  const series: SeriesLoad[] = [];
  if (wantSeries) {
    for (const [id, csv] of [["CDI", options.cdiCsv], ["IBOV", options.ibovCsv]] as const) {
      try {
        if (csv) series.push(await loadSeriesCsv(store, id, csv));
        else if (years.length) {
          series.push(
            await fetchSeries(store, id, years[0], years[years.length - 1], {
              rawDir,
              bcbBaseUrl: options.bcbBaseUrl,
              b3IndexBaseUrl: options.b3IndexBaseUrl,
              retries: 0,
              backoffMs: options.backoffMs,
            }),
          );
        }
      } catch (error) {
        if (csv) throw error;
        warnings.push(`series ${id} not loaded: ${(error as Error).message.split("\n")[0]}`);
      }
    }
  }
  const upsertSeconds = (afterFiles - parseStarted) / 1000 - parseSeconds +
    (performance.now() - afterFiles) / 1000;
  steps.push({
    step: 3,
    name: "upsert",
    seconds: upsertSeconds,
    summary: `${fmt(files.reduce((n, f) => n + f.rows, 0))} price rows, ${
      files.map((f) => fmt(f.securities)).join(" + ")
    } securities in ${files.length} transaction(s); ${refresh ? fmt(refresh.advRows) : 0} ADV rows, ${
      refresh?.delisted ?? 0
    } delisted; series ${series.map((s) => `${s.series_id} ${fmt(s.rows)}`).join(", ") || "none"}`,
  });
  log(`[3/9] upsert: ${steps.at(-1)!.summary} · ${upsertSeconds.toFixed(1)} s`);

  // 4. corporate actions
  const corporateActions = await step(3, async () => {
    if (options.skipCorporateActions) return { value: null, summary: "skipped (--skip-corporate-actions)" };
    if (!options.corporateActions) {
      return { value: null, summary: "no published events file given (--corporate-actions FILE)" };
    }
    const r = await importCorporateActions(store, options.corporateActions);
    return {
      value: r,
      summary:
        `${r.events} event(s) from ${r.file}: ${r.splits} split row(s), ${r.dividends} dividend row(s)`,
    };
  });

  // 5. split detection
  const splits = await step(4, async () => {
    if (options.skipCorporateActions) return { value: null, summary: "skipped (--skip-corporate-actions)" };
    const r = await detectAndApplySplits(store);
    const shown = r.applied.slice(0, 5).map((s) =>
      `${s.ticker || s.security_id} ${s.ratio >= 1 ? `${s.ratio}:1` : `1:${1 / s.ratio}`} on ${
        new Date(s.ex_date).toISOString().slice(0, 10)
      }`
    );
    return {
      value: r,
      summary: `${
        fmt(r.securities)
      } securities scanned, ${r.candidates} candidate(s): ${r.applied.length} applied${
        shown.length ? ` (${shown.join(", ")}${r.applied.length > 5 ? ", …" : ""})` : ""
      }, ${r.published} already published, ${r.rejected} rejected`,
    };
  });

  // 6–7. adjustment factors and adjusted prices
  const input = await readAdjustmentInput(store);
  const stats = await step(5, () => {
    const s = factorStats(input);
    return Promise.resolve({
      value: s,
      summary: `${fmt(s.adjusted)} of ${
        fmt(s.securities)
      } securities adjusted (${s.splits} split(s), ${s.dividends} dividend(s)); factors ${
        s.minFactor.toPrecision(4)
      } … ${s.maxFactor.toPrecision(4)}`,
    });
  });
  const adjusted = await step(6, () => {
    const c = adjustedCheck(input, stats.factors);
    return Promise.resolve({
      value: c,
      summary: `${
        fmt(c.rowsAdjusted)
      } price rows adjusted; ${c.explained} jump(s) > 50% explained, ${c.residualCount} left${
        c.residual.length
          ? ` (largest: ${c.residual[0].ticker} ${c.residual[0].date} ${
            (100 * c.residual[0].ret).toFixed(0)
          }%)`
          : ""
      }`,
    });
  });
  const { factors: _omit, ...factorSummary } = stats;

  // 8. summary
  const [summary, tables] = await step(7, async () => {
    const s = await b3Summary(store);
    const t = await tableStats(store);
    return {
      value: [s, t] as const,
      summary: `${fmt(s.records)} records, ${fmt(s.tickers)} tickers, ${fmt(s.sessions)} sessions ${
        s.start ?? "–"
      } → ${s.end ?? "–"}; ${
        Object.entries(s.byAssetClass).map(([k, v]) => `${v} ${k}`).join(", ") || "no securities"
      }`,
    };
  });

  // 9. snapshot
  const snapshot = await step(8, async () => {
    if (options.snapshot === false) return { value: null, summary: "skipped" };
    const snapshotsDir = options.snapshotsDir ?? DEFAULT_SNAPSHOTS;
    const fingerprint = await storeFingerprint(store);
    const id = options.snapshot ?? `b3-${fingerprint.slice(0, 12)}`;
    const existing = await readManifest(id, snapshotsDir).catch(() => null);
    if (existing) {
      if (existing.source.fingerprint !== fingerprint) {
        throw new Error(
          `snapshot "${id}" exists with other data and snapshots are immutable: choose another --snapshot id`,
        );
      }
      return { value: existing, summary: `${id} is up to date (same store fingerprint), reused` };
    }
    const m = await createSnapshot(store, id, { snapshotsDir });
    return {
      value: m,
      summary: `${id} written (${fmt(m.rows.prices ?? 0)} price rows, hash ${m.hash.slice(0, 12)})`,
    };
  });
  for (const w of warnings) log(`  warning: ${w}`);
  steps.sort((a, b) => a.step - b.step);
  return {
    steps,
    downloads,
    files,
    refresh,
    series,
    corporateActions,
    splits,
    factors: factorSummary,
    adjusted,
    summary,
    tables,
    snapshot,
    problems,
    problemCount,
    warnings,
  };
}

/** `--rebuild`: every B3 row out, in one transaction (and the CDI/IBOV series when they reload). */
async function dropB3(store: Store, series: boolean): Promise<void> {
  const ids = (await queryRows(store.conn, "SELECT security_id FROM security_master")).map((r) =>
    r.security_id as string
  );
  const byId = [{ name: "security_id", type: "VARCHAR" as const, values: ids }];
  const remove: Record<string, typeof byId> = Object.fromEntries(SECURITY_TABLES.map((t) => [t, byId]));
  if (series) {
    const seriesIds = [{ name: "series_id", type: "VARCHAR" as const, values: ["CDI", "IBOV"] }];
    remove.series = seriesIds;
    remove.series_info = seriesIds;
  }
  await writeTables(store, {}, { source: "b3:rebuild", params: { securities: ids.length } }, { remove });
}
