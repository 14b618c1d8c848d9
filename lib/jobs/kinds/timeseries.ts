/**
 * Job kind `timeseries`: a stream strategy plugin (Python, TypeScript or any program speaking the
 * JSON protocol, `strategies/external/NAME/`) called bar by bar and its signals simulated with the
 * vectorized `fromSignals` engine (`deno task python strategy run NAME`), with the task's options
 * (`param` as a list) and through the same library calls: `planStreamPluginRun` reads the bars and
 * says which run the job records, `runStreamPluginRun` runs the plugin and records the run.
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
import { PLUGIN_RUN_OPTIONS, type PluginRunSettings, pluginRunSettings } from "../../cli/python.ts";
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
interface Planned {
  readonly snapshotsDir: string;
  readonly manifest: PluginManifest;
  readonly options: StreamPluginRunOptions;
  readonly plan: StreamPluginPlan;
}

const plans = new WeakMap<TimeseriesJob, Promise<Planned>>();

/** The job's manifest and plan in `snapshotsDir`. */
async function makePlan(job: TimeseriesJob, snapshotsDir: string): Promise<Planned> {
  const manifest = await loadManifest(job.plugin, job.plugins);
  if (manifest.mode !== "stream") {
    throw new RangeError(
      `plugin "${job.plugin}" is a ${manifest.mode} plugin (a cross-sectional signal), not a time-series ` +
        `one: write its signal to a file and backtest it with a backtest job`,
    );
  }
  const { plugin: _p, plugins: _d, ...settings } = job;
  const options = { ...settings, snapshotsDir };
  return { snapshotsDir, manifest, options, plan: await planStreamPluginRun(manifest, options) };
}

/** The job's plan, made at most once per parsed job and folder. */
async function planned(job: TimeseriesJob, snapshotsDir: string): Promise<Planned> {
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
    "a stream strategy plugin backtested bar by bar with fromSignals (deno task python strategy run)",
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
  identity: async (job, places) => (await planned(job, places.snapshotsDir)).plan.identity,
  async run(job, _identity, context) {
    const { manifest, options, plan } = await planned(job, context.snapshotsDir);
    context.log(`timeseries: ${manifest.name} over ${plan.meta.params.data}`);
    const { run } = await runStreamPluginRun(manifest, {
      ...options,
      runsDir: context.runsDir,
      onProgress: (done, total) => context.progress(done, total),
    }, plan);
    plans.delete(job);
    return run;
  },
});
