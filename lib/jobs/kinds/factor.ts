/**
 * Job kind `factor`: an Alphalens-style factor analysis of a signal file on a snapshot, with
 * `deno task factor`'s options, recorded as a run of kind `factor`: headline metrics of the shortest
 * horizon (IC mean, risk-adjusted IC, t-stat, top-minus-bottom spread, factor portfolio alpha and
 * beta, rank autocorrelation) plus the IC mean per horizon, the returns / information / turnover
 * tables as `summary.csv`, the daily factor-portfolio return and IC, and the factor tear sheet.
 */
import { analysisOptions, FACTOR_OPTIONS } from "../../cli/factor.ts";
import { analyzeFactor, type FactorAnalysisOptions } from "../../factor/analyze.ts";
import { factorTables, factorTearsheet, periodLabel } from "../../report/factor_tearsheet.ts";
import { recordRun } from "../../track/record_run.ts";
import { gitSha } from "../../util/git.ts";
import { defineKind } from "../kind.ts";
import { loadValidSignal, signalIdentity, type SignalJob } from "./signal_input.ts";

/** A factor job: where, what signal, under which name, with which analysis options. */
export interface FactorJob extends SignalJob {
  /** The options given (the analysis' defaults apply to the rest). */
  readonly options: FactorAnalysisOptions;
}

/** The `factor` job kind (see the module doc). */
export const factorKind = defineKind<FactorJob>({
  kind: "factor",
  runKind: "factor",
  description: "an Alphalens-style factor analysis of a signal file (deno task factor)",
  options: { ...FACTOR_OPTIONS, name: { type: "string" } },
  required: ["snapshot", "signal"],
  files: ["signal"],
  page: "tearsheet.html",
  parse(values) {
    return {
      snapshot: values.snapshot as string,
      signal: values.signal as string,
      name: values.name as string | undefined,
      options: analysisOptions({ ...values }),
    };
  },
  identity: (job, places, cache) => signalIdentity("factor", job, { options: job.options }, places, cache),
  async run(job, id, context) {
    const panel = await context.cache.panel(job.snapshot, context.snapshotsDir, ["adj_close", "ret"]);
    const { known } = await loadValidSignal(job.signal, panel, [job.options.lag ?? 0], context);
    const fa = analyzeFactor(panel, { known }, {
      ...job.options,
      onStep: (_stage, k, total) => context.progress(k, total),
    });
    for (const w of fa.warnings) context.log(`warning: ${w}`);
    const tables = factorTables(fa);
    const labels = fa.data.periods.map((p) => periodLabel(p, fa.data.periodsPerYear));
    const [info, returns, turnover] = [fa.information[0], fa.returns[0], fa.turnover[0]];
    const metrics: Record<string, number> = {
      ic_mean: info.summary.mean,
      ic_ir: info.summary.risk_adjusted,
      ic_t_stat: info.summary.t_stat,
      spread_mean: returns.spread.mean,
      ann_alpha: returns.alphaBeta.ann_alpha,
      beta: returns.alphaBeta.beta,
      rank_autocorrelation: turnover.meanAutocorrelation,
      loss: fa.data.loss.total,
      ...Object.fromEntries(
        fa.information.map((p, k) => [`ic_mean_${labels[k].toLowerCase()}`, p.summary.mean]),
      ),
    };
    const now = new Date();
    const html = factorTearsheet(fa, {
      signal_name: id.tags.signal_name!,
      snapshot_id: job.snapshot,
      snapshot_hash: id.tags.snapshot_hash,
      git_sha: await gitSha(),
      created_at: now.toISOString(),
      command: `deno task factor --snapshot ${job.snapshot} --signal ${job.signal}`,
    });
    return await recordRun({
      ...id,
      tags: { ...id.tags, command: `deno task factor --snapshot ${job.snapshot} --signal ${job.signal}` },
      metrics,
      daily: { date: fa.data.dates, factor_return: returns.factorReturns, ic: info.ic },
      summaryRows: [...tables.returns, ...tables.information, ...tables.turnover] as Record<
        string,
        string | number
      >[],
      artifacts: { "tearsheet.html": html },
    }, { runsDir: context.runsDir, now });
  },
});
