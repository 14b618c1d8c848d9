/**
 * Job kind `backtest`: one cross-sectional fractile backtest of a signal file on a snapshot, with
 * `deno task backtest`'s options, recorded as a run of kind `backtest` (summary per slice, the daily
 * series, and a tear sheet page).
 */
import { BACKTEST_OPTIONS, backtestOptions, intervalOption } from "../../cli/backtest.ts";
import type { Interval } from "../../bars/session.ts";
import { backtest } from "../../engine/backtest.ts";
import { resolveConfig } from "../../engine/config.ts";
import type { BacktestConfig, BacktestResult, SliceSummary } from "../../engine/types.ts";
import { htmlPage } from "../../report/html.ts";
import { backtestView } from "../../report/views.ts";
import { recordRun } from "../../track/record_run.ts";
import { defineKind, type JobContext, type JobIdentity } from "../kind.ts";
import { loadValidSignal, signalIdentity, type SignalJob } from "./signal_input.ts";

/** A backtest job: where, what signal, under which name, with which engine config. */
export interface BacktestJob extends SignalJob {
  readonly config: BacktestConfig;
  /** Bar size (default daily). */
  readonly interval?: Interval;
}

/** The engine's config field behind each option, so a config error names the option. */
const OPTION_OF: Record<string, string> = {
  lag: "lag",
  residualize: "residualize",
  tcBps: "tc-bps",
  weight: "weight",
  fractile: "fractile",
  fromOpen: "from-open",
  mincos: "mincos",
};

/** The run's summary rows: one per slice (overall, each year, each mcap tercile). */
function sliceRows(result: BacktestResult): Record<string, string | number>[] {
  const rows: [string, SliceSummary][] = [
    ["overall", result.summary.overall],
    ...Object.entries(result.summary.year),
    ...Object.entries(result.summary.cap ?? {}).map(([k, s]) => [`cap ${k}`, s] as [string, SliceSummary]),
  ];
  return rows.map(([slice, s]) => ({ slice, ...s }));
}

/** The panel fields a backtest reads. */
function fieldsFor(config: BacktestConfig): string[] {
  return ["ret", "mcap", "value", "beta", ...(config.fromOpen ? ["ret_oc"] : [])];
}

async function run(job: BacktestJob, id: JobIdentity, context: JobContext) {
  const { cache, snapshotsDir } = context;
  const panel = await cache.panel(job.snapshot, snapshotsDir, fieldsFor(job.config), job.interval);
  const signal = await loadValidSignal(job.signal, panel, [job.config.lag], context);
  const result = backtest(panel, { known: signal.known }, job.config);
  if (result.summary.overall.n_days === 0) {
    throw new Error(`the backtest of ${job.signal} traded 0 days on snapshot "${job.snapshot}"`);
  }
  const o = result.summary.overall;
  const { date, net, gross, long, short, cumulative, drawdown, turnover } = result.daily;
  const title = `Backtest: ${id.tags.signal_name}`;
  return await recordRun({
    ...id,
    tags: {
      ...id.tags,
      command: `deno task backtest --snapshot ${job.snapshot} --signal ${job.signal}${
        job.interval ? ` --interval ${job.interval}` : ""
      }`,
    },
    metrics: {
      ...Object.fromEntries(Object.entries(o)),
      ic_mean: result.ic.mean,
      ic_ir: result.ic.ir,
      ic_t_stat: result.ic.t_stat,
      monotonicity: result.fractiles.monotonicity,
    },
    daily: { date, net, gross, long, short, cumulative, drawdown, turnover },
    summaryRows: sliceRows(result),
    // rendered by recordRun while the run's other files are being fsynced
    artifacts: { "tearsheet.html": () => htmlPage({ title, body: backtestView(result, title) }) },
  }, { runsDir: context.runsDir });
}

/** The `backtest` job kind (see the module doc). */
export const backtestKind = defineKind<BacktestJob>({
  kind: "backtest",
  runKind: "backtest",
  description: "a cross-sectional fractile backtest of a signal file (deno task backtest)",
  options: { ...BACKTEST_OPTIONS, name: { type: "string" } },
  required: ["snapshot", "signal"],
  files: ["signal"],
  page: "tearsheet.html",
  parse(values) {
    let config: BacktestConfig;
    try {
      config = resolveConfig(backtestOptions({ ...values }));
    } catch (error) {
      const message = (error as Error).message;
      const field = /config "(\w+)"/.exec(message)?.[1];
      throw new RangeError(field && OPTION_OF[field] ? `--${OPTION_OF[field]}: ${message}` : message);
    }
    return {
      snapshot: values.snapshot as string,
      signal: values.signal as string,
      name: values.name as string | undefined,
      config,
      interval: intervalOption(values),
    };
  },
  identity: (job, places, cache) =>
    signalIdentity(
      "backtest",
      job,
      { config: job.config, ...(job.interval ? { interval: job.interval } : {}) },
      places,
      cache,
    ),
  run,
});
