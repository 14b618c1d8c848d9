/**
 * Portfolio-construction jobs end to end: read the return streams (recorded runs or a returns file)
 * and an optional benchmark, construct the portfolio with every method asked, compare them, measure
 * their stability across lookbacks, and record one run (daily combined returns per method, weights,
 * comparison and stability tables as Parquet, a report page). An identical earlier run is found
 * BEFORE computing and returned as it is.
 */
import { alignByDate, parseReturnsCsv } from "../metrics/series_csv.ts";
import { cumulativeReturns } from "../metrics/returns.ts";
import { isoDate } from "../panel/types.ts";
import {
  comparePortfolios,
  type ComparisonRow,
  type ConstructionMethod,
  type ConstructOptions,
  defaultMethods,
  lookbackStability,
  type PortfolioResult,
  readReturnsFile,
  type ReturnStreams,
  type StabilityRow,
  streamsFromRuns,
} from "../portfolio/construct/mod.ts";
import { htmlPage } from "../report/html.ts";
import { portfolioView } from "../report/optimize_views.ts";
import { columnTable } from "../report/tearsheet_parts.ts";
import { subheading } from "../report/tearsheet_parts.ts";
import { getRun } from "../track/get_run.ts";
import { listRuns } from "../track/list_runs.ts";
import { recordRun, runConfigHash, type RunIdentity } from "../track/record_run.ts";
import type { Daily, RunRecord, RunTable } from "../track/types.ts";
import { sha256File, sha256Hex } from "../util/hash.ts";

/** What a portfolio job runs. */
export interface PortfolioJobOptions extends Omit<ConstructOptions, "method"> {
  /** Run ids (or unique prefixes) whose daily returns are the streams… */
  readonly runIds?: readonly string[];
  /** …or a wide returns file (`date` + one column per stream). */
  readonly returnsFile?: string;
  /** Methods to construct (default: all, `regime` only with a benchmark). */
  readonly methods?: readonly ConstructionMethod[];
  /** A `date,ret` CSV of the benchmark (for regime weights; compounded into a level). */
  readonly benchmarkFile?: string;
  /** Lookbacks of the stability analysis (default: half, the lookback itself, double). */
  readonly lookbacks?: readonly number[];
  readonly experiment?: string;
  readonly runsDir?: string;
  readonly author?: string;
  readonly force?: boolean;
  readonly command?: string;
  readonly log?: (line: string) => void;
}

/** What a portfolio job gives (null results when an identical run was reused). */
export interface PortfolioJobResult {
  readonly portfolios: readonly PortfolioResult[] | null;
  readonly rows: readonly ComparisonRow[] | null;
  readonly stability: readonly StabilityRow[] | null;
  readonly streams: ReturnStreams | null;
  readonly run: RunRecord;
  readonly reused: boolean;
}

/** The streams and what identifies them (run config hashes or the file's hash). */
async function loadStreams(
  options: PortfolioJobOptions,
): Promise<{ streams: ReturnStreams; inputHash: string }> {
  if ((options.runIds?.length ?? 0) > 0 === Boolean(options.returnsFile)) {
    throw new RangeError("give the return streams as run ids or as a returns file (one of the two)");
  }
  let streams: ReturnStreams, inputHash: string;
  if (options.returnsFile) {
    streams = await readReturnsFile(options.returnsFile);
    inputHash = await sha256File(options.returnsFile);
  } else {
    const runs = await Promise.all(options.runIds!.map((id) => getRun(id, { runsDir: options.runsDir })));
    streams = await streamsFromRuns(runs.map((r) => r.run_id), {
      runsDir: options.runsDir,
      names: runs.map((r) =>
        r.experiment === "portfolio" ? r.run_id : `${r.experiment}·${r.config_hash.slice(0, 6)}`
      ),
    });
    inputHash = await sha256Hex(runs.map((r) => r.config_hash).join(","));
  }
  if (options.benchmarkFile) {
    const bench = parseReturnsCsv(await Deno.readTextFile(options.benchmarkFile), options.benchmarkFile);
    const aligned = alignByDate(streams.dates, bench).map((r) => (Number.isNaN(r) ? 0 : r));
    const level = cumulativeReturns(aligned, 1);
    streams = { ...streams, benchmark: { name: options.benchmarkFile, level } };
    inputHash = await sha256Hex(inputHash + (await sha256File(options.benchmarkFile)));
  }
  return { streams, inputHash };
}

/** A planned portfolio job: its streams, settings and the identity of the run it records. */
export interface PortfolioPlan {
  readonly streams: ReturnStreams;
  readonly settings: Omit<ConstructOptions, "method">;
  readonly methods: readonly ConstructionMethod[];
  readonly lookback: number;
  readonly lookbacks: readonly number[];
  /** The run's identity (`runConfigHash` of it is the run's config hash). */
  readonly identity: RunIdentity;
}

/**
 * Plans a portfolio job without constructing anything: reads its streams (and benchmark) and
 * computes the identity of the run `runPortfolioJob` records — the input hash is the streams' run
 * config hashes (or the returns file's content), the params every setting, method, lookback and stream.
 *
 * @example
 * ```ts
 * const plan = await planPortfolioJob({ runIds: ["20240102-101500-mom-3fa94c0e12d7", "…"] });
 * await runConfigHash(plan.identity);
 * ```
 */
export async function planPortfolioJob(options: PortfolioJobOptions): Promise<PortfolioPlan> {
  const { streams, inputHash } = await loadStreams(options);
  const lookback = options.lookback ?? 252;
  const settings = {
    lookback,
    rebalance: options.rebalance ?? "monthly",
    shrinkage: options.shrinkage ?? "none",
    tcBps: options.tcBps ?? 0,
    ...(options.regime ? { regime: options.regime } : {}),
  } as const;
  const lookbacks = options.lookbacks ??
    [...new Set([Math.max(2, Math.round(lookback / 2)), lookback, lookback * 2])].filter((l) =>
      l < streams.dates.length
    );
  const methods = options.methods ?? defaultMethods(streams);
  const params = { ...settings, methods, lookbacks, streams: streams.names };
  const experiment = options.experiment ?? "portfolio";
  const identity = { experiment, kind: "portfolio", tags: {}, inputHash, params } as const;
  return { streams, settings, methods, lookback, lookbacks, identity };
}

/**
 * Runs a portfolio job (see the module doc), planned by `planPortfolioJob` (or by the caller: `plan`).
 *
 * @example
 * ```ts
 * const job = await runPortfolioJob({ returnsFile: "streams.csv", methods: ["inverse_vol", "erc", "hrp"] });
 * job.rows; job.run.dir;
 * ```
 */
export async function runPortfolioJob(
  options: PortfolioJobOptions,
  plan?: PortfolioPlan,
): Promise<PortfolioJobResult> {
  const log = options.log ?? (() => {});
  const { streams, settings, methods, lookback, lookbacks, identity } = plan ??
    await planPortfolioJob(options);
  const { experiment, params, inputHash } = identity;
  const configHash = await runConfigHash(identity);
  if (!options.force) {
    const [existing] = await listRuns({ runsDir: options.runsDir, configHash });
    if (existing) {
      log(`identical run already recorded: ${existing.run_id}`);
      const run = { ...(await getRun(existing.run_id, { runsDir: options.runsDir })), reused: true };
      return { portfolios: null, rows: null, stability: null, streams: null, run, reused: true };
    }
  }
  log(
    `constructing ${methods.join(", ")} over ${streams.names.length} streams × ${streams.dates.length} bars…`,
  );
  const { portfolios, rows } = comparePortfolios(streams, { ...settings, methods });
  log(`stability over lookbacks ${lookbacks.join(", ")}…`);
  const stability = lookbackStability(streams, {
    ...settings,
    methods,
    lookbacks,
    ...(lookbacks.includes(lookback) ? { base: lookback } : {}),
  });
  const first = portfolios[0];
  const daily: Daily = {
    date: streams.dates,
    ...Object.fromEntries(portfolios.map((p) => [p.method, p.returns])),
  };
  const metrics: Record<string, number> = { ...(first.metrics as unknown as Record<string, number>) };
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (typeof value === "number") metrics[`${row.method}_${key}`] = value;
    }
  }
  const body = portfolioView({ portfolios, rows }, `Portfolio construction: ${streams.names.join(", ")}`) +
    subheading("Stability across lookbacks") +
    columnTable(stability, [
      { label: "Method", value: (r) => r.method, format: "text" },
      { label: "Lookback", value: (r) => r.lookback, format: "int" },
      { label: "Sharpe", value: (r) => r.sharpe, format: "f2" },
      { label: "Volatility", value: (r) => r.annual_volatility, format: "pct" },
      { label: "Max drawdown", value: (r) => r.max_drawdown, format: "pct" },
      { label: "Turnover / year", value: (r) => r.turnover_annual, format: "f2" },
      { label: "Weight distance", value: (r) => r.weight_distance, format: "f3" },
      { label: "Correlation to base", value: (r) => r.correlation_to_base, format: "f3" },
    ]);
  log("recording the run…");
  const run = await recordRun({
    experiment,
    kind: "portfolio",
    tags: {
      author: options.author,
      methods: methods.join(","),
      ...(options.command ? { command: options.command } : {}),
    },
    params,
    inputHash,
    metrics,
    daily,
    tables: {
      comparison: rowsTable(rows),
      stability: rowsTable(stability),
      weights: weightsTable(portfolios),
    },
    artifacts: { "report.html": htmlPage({ title: `Portfolio construction: ${experiment}`, body }) },
  }, { runsDir: options.runsDir, force: options.force });
  return { portfolios, rows, stability, streams, run, reused: false };
}

/** Rows of plain records as columns (numbers as DOUBLE, the rest as text). */
function rowsTable(rows: readonly object[]): RunTable {
  const keys = Object.keys(rows[0] ?? {});
  return Object.fromEntries(keys.map((key) => {
    const values = rows.map((r) => (r as Record<string, unknown>)[key]);
    return [
      key,
      values.every((v) => typeof v === "number") ? Float64Array.from(values as number[]) : values.map(String),
    ];
  }));
}

/** One row per method × rebalance × stream: target weight, risk contribution, and the rebalance's turnover. */
function weightsTable(portfolios: readonly PortfolioResult[]): RunTable {
  const date: string[] = [], method: string[] = [], stream: string[] = [];
  const weight: number[] = [], risk: number[] = [], turnover: number[] = [];
  for (const p of portfolios) {
    const k = p.names.length;
    p.rebalances.forEach((t, r) => {
      for (let i = 0; i < k; i++) {
        date.push(isoDate(p.dates[t]));
        method.push(p.method);
        stream.push(p.names[i]);
        weight.push(p.weights[r * k + i]);
        risk.push(p.riskContributions[r * k + i]);
        turnover.push(p.turnover[r]);
      }
    });
  }
  return {
    date,
    method,
    stream,
    weight: Float64Array.from(weight),
    risk_contribution: Float64Array.from(risk),
    turnover: Float64Array.from(turnover),
  };
}
