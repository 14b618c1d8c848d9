/**
 * Job kind `strategy`: a registered strategy simulated as a portfolio (`deno task run STRATEGY`),
 * with the task's options (`param` and `instrument` as lists) and through the same library calls:
 * `planStrategyRun` says which run it records (snapshot hash, strategy sources, every setting),
 * `runStrategy` computes and records it (trades, positions, taxes, tear sheet).
 *
 * ```yaml
 * - kind: strategy
 *   strategy: momentum_12_1
 *   param: [top_n=30, skip=1]
 *   matrix: { schedule: [monthly, quarterly] }
 * - kind: strategy
 *   strategy: short_term_reversal
 *   interval: 1h          # hourly bars: schedule daily = each session's last bar
 *   schedule: daily
 * ```
 */
import { RUN_OPTIONS, type StrategyRunSettings, strategyRunSettings } from "../../cli/run.ts";
import { planStrategyRun, runStrategy } from "../../pipeline/strategy_run.ts";
import { defineKind, jobList } from "../kind.ts";

/** A strategy job: the strategy, the snapshot and the run's settings (as the task parses them). */
export interface StrategyJob extends StrategyRunSettings {
  readonly strategy: string;
  readonly snapshot: string;
  readonly experiment?: string;
}

/** The `strategy` job kind (see the module doc). */
export const strategyKind = defineKind<StrategyJob>({
  kind: "strategy",
  runKind: "strategy",
  description: "a registered strategy simulated as a portfolio, with its tear sheet (deno task run)",
  options: { strategy: { type: "string" }, ...RUN_OPTIONS, experiment: { type: "string" } },
  required: ["strategy", "snapshot"],
  files: [],
  page: "tearsheet.html",
  parse: (values) => ({
    strategy: values.strategy as string,
    snapshot: values.snapshot as string,
    experiment: values.experiment as string | undefined,
    ...strategyRunSettings({
      ...values,
      param: jobList(values.param),
      instrument: jobList(values.instrument),
    }),
  }),
  identity: async (job, places) =>
    (await planStrategyRun({ ...job, snapshotsDir: places.snapshotsDir })).identity,
  async run(job, _identity, context) {
    const out = await runStrategy({
      ...job,
      snapshotsDir: context.snapshotsDir,
      runsDir: context.runsDir,
      onStep: (step, index, total) => {
        context.log(`strategy: ${step}`);
        context.progress(index, total);
      },
    });
    return out.run!;
  },
});
