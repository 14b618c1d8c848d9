/**
 * Job kind `timeseries`: a strategy plugin's run as `deno task python strategy run NAME` makes it,
 * with the task's options (`param` as a list) and through the same library calls. A stream plugin
 * (Python, TypeScript or any program speaking the JSON protocol, `strategies/external/NAME/`) is
 * called bar by bar and its signals simulated with the vectorized `fromSignals` engine
 * (`planStreamPluginRun` reads the bars and says which run the job records, `runStreamPluginRun`
 * runs the plugin and records it, run kind `timeseries`); a batch plugin's signal is backtested
 * cross-sectionally as the task does (`planPluginBacktest` / `runPluginBacktest`, run kind
 * `backtest`; `fees-bps` is its `tc-bps`).
 *
 * ```yaml
 * - kind: timeseries
 *   job: sma-{param}
 *   plugin: example_sma
 *   snapshot: demo
 *   security: SYN0001
 *   fees-bps: 5
 *   matrix: { param: [[fast=5, slow=20], [fast=10, slow=40]] }
 * ```
 */
import {
  PLUGIN_RUN_OPTIONS,
  pluginBacktestOptions,
  type PluginRunSettings,
  pluginRunSettings,
} from "../../cli/python.ts";
import {
  planPluginBacktest,
  type PluginBacktestOptions,
  type PluginBacktestPlan,
  runPluginBacktest,
} from "../../pipeline/plugin_backtest.ts";
import {
  planStreamPluginRun,
  runStreamPluginRun,
  type StreamPluginPlan,
  type StreamPluginRunOptions,
} from "../../pipeline/plugin_run.ts";
import { DEFAULT_PLUGINS_DIR, loadManifest, type PluginManifest } from "../../plugin/manifest.ts";
import { defineKind, jobList } from "../kind.ts";

/** A time-series job: the plugin, its folder and the run's settings (as the task parses them). */
export interface TimeseriesJob extends PluginRunSettings {
  readonly plugin: string;
  readonly plugins: string;
}

/** A job's plan, made once for its identity and reused by its run (the bars are read once). */
type Planned =
  & { readonly snapshotsDir: string; readonly manifest: PluginManifest }
  & (
    | { readonly mode: "stream"; readonly options: StreamPluginRunOptions; readonly plan: StreamPluginPlan }
    | { readonly mode: "batch"; readonly options: PluginBacktestOptions; readonly plan: PluginBacktestPlan }
  );

const plans = new WeakMap<TimeseriesJob, Promise<Planned>>();

/** The job's manifest and plan in `snapshotsDir`. */
async function makePlan(job: TimeseriesJob, snapshotsDir: string): Promise<Planned> {
  const manifest = await loadManifest(job.plugin, job.plugins);
  const { plugin: _p, plugins: _d, ...settings } = job;
  if (manifest.mode === "batch") {
    const options = pluginBacktestOptions(settings, snapshotsDir);
    return {
      snapshotsDir,
      manifest,
      mode: "batch",
      options,
      plan: await planPluginBacktest(manifest, options),
    };
  }
  const options = { ...settings, snapshotsDir };
  return {
    snapshotsDir,
    manifest,
    mode: "stream",
    options,
    plan: await planStreamPluginRun(manifest, options),
  };
}

/** The job's plan, made at most once per parsed job and folder. */
async function planFor(job: TimeseriesJob, snapshotsDir: string): Promise<Planned> {
  let made = plans.get(job);
  if (!made || (await made).snapshotsDir !== snapshotsDir) {
    made = makePlan(job, snapshotsDir);
    plans.set(job, made);
  }
  return await made;
}

/** The `timeseries` job kind (see the module doc). */
export const timeseriesKind = defineKind<TimeseriesJob>({
  kind: "timeseries",
  runKind: "timeseries",
  description:
    "a strategy plugin run (deno task python strategy run): stream plugins bar by bar through fromSignals, batch ones through the cross-sectional backtest",
  options: {
    plugin: { type: "string" },
    plugins: { type: "string", default: DEFAULT_PLUGINS_DIR },
    ...PLUGIN_RUN_OPTIONS,
  },
  required: ["plugin"],
  files: [],
  parse(values) {
    const settings = pluginRunSettings({ ...values, param: jobList(values.param) });
    if (!settings.sample && !settings.snapshot) {
      throw new RangeError(
        'a timeseries job runs on bars: give "snapshot" (and "security") or "sample: true"',
      );
    }
    return { plugin: values.plugin as string, plugins: values.plugins as string, ...settings };
  },
  identity: async (job, places) => (await planFor(job, places.snapshotsDir)).plan.identity,
  async run(job, _identity, context) {
    const planned = await planFor(job, context.snapshotsDir);
    plans.delete(job);
    const { manifest } = planned;
    if (planned.mode === "batch") {
      const { run } = await runPluginBacktest(manifest, {
        ...planned.options,
        runsDir: context.runsDir,
        onStage: (stage) => context.log(`${manifest.name}: ${stage}`),
      }, planned.plan);
      return run;
    }
    const { options, plan } = planned;
    context.log(`timeseries: ${manifest.name} over ${plan.meta.params.data}`);
    const { run } = await runStreamPluginRun(manifest, {
      ...options,
      runsDir: context.runsDir,
      onProgress: (done, total) => context.progress(done, total),
    }, plan);
    return run;
  },
});
