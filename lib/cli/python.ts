/**
 * `deno task python …` — external strategy plugins, Python environments and analysis scripts:
 *
 *   python strategy create NAME [--mode stream|batch]   a new plugin from the template
 *   python strategy test NAME                            protocol conformance checks
 *   python strategy list                                 the plugins in strategies/external/
 *   python strategy run NAME [--sample | --snapshot ID [--security S]] [--param k=v …]   backtest, recorded as a run
 *   python venv create NAME [--system-site-packages]     python -m venv venvs/NAME
 *   python venv install NAME (--plugin P | REQ…)         pip install into the venv
 *   python venv list                                     venvs with their Python versions
 *   python analyze RUN_ID --script S [--with RUN_ID…]    run an analysis script, store its answer with the run
 *   python visualize RUN_ID [--with RUN_ID…]             write the run's figures into runs/RUN_ID/figures/
 */
import { parseArgs } from "node:util";
import type { Interval } from "../bars/session.ts";
import { resolveBars } from "../engine/timeseries/bars.ts";
import { tradeRows } from "../engine/timeseries/trades.ts";
import { progress } from "../nb/progress.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { type PluginBacktestOptions, runPluginBacktest } from "../pipeline/plugin_backtest.ts";
import { planStreamPluginRun, runStreamPluginRun } from "../pipeline/plugin_run.ts";
import { conformance } from "../plugin/conformance.ts";
import { DEFAULT_PLUGINS_DIR, listPlugins, loadManifest } from "../plugin/manifest.ts";
import { createPluginFromTemplate } from "../plugin/template.ts";
import { ANALYSIS_SCRIPTS, analyzeRun, registryJson, visualizeRun } from "../python/analysis.ts";
import { createVenv, installRequirements, listVenvs, venvsDir } from "../python/venv.ts";
import { DEFAULT_RUNS_DIR } from "../track/types.ts";
import { parseParamAssignments } from "../strategy/params.ts";
import { COMMON_OPTIONS, joinNegativeValues, numberOption, runTask, UsageError } from "./args.ts";
import { intervalOption } from "./backtest.ts";

const HELP = `deno task python <command> …

External strategy plugins (strategies/external/NAME/manifest.json), Python venvs and analysis scripts.

  strategy create NAME [--mode stream|batch]     new plugin folder from the template (default stream)
  strategy test NAME                             protocol conformance checks (exit 1 if one fails)
  strategy list                                  plugins with mode and description
  strategy run NAME [--sample | --snapshot ID [--security S]] [--param k=v …]
                    [--fees-bps X] [--slippage-bps X] [--fill nextOpen|nextClose] [--interval I] [--json]
                                                 stream: fromSignals backtest, recorded as a timeseries run
                                                 batch: its signal through the cross-sectional backtest,
                                                 recorded as a backtest run with its tear sheet
                                                 (an identical rerun is reused without running the plugin)
  venv create NAME [--system-site-packages] [--without-pip]
                                                 create venvs/NAME (QUANTNB_VENVS overrides the folder)
  venv install NAME (--plugin P | REQ …)         pip install a plugin's requirements (or REQs) into it
  venv list [--json]                             venvs with their Python versions
  analyze RUN_ID --script S [--with RUN_ID …]    S: ${ANALYSIS_SCRIPTS.join(", ")} or FILE.py;
                                                 stored as runs/RUN_ID/analysis/S.json (queryable in DuckDB)
  visualize RUN_ID [--with RUN_ID …]             PNG/SVG/HTML figures into runs/RUN_ID/figures/

Options:
  --plugins DIR    plugin folder (default ${DEFAULT_PLUGINS_DIR}/)
  --runs DIR       run registry (default ${DEFAULT_RUNS_DIR}/)
  --db, --snapshots, -h/--help as every task.
Python: QUANTNB_PYTHON, else /usr/bin/python3, else python3 on the PATH.`;

/** The options of `strategy run` (the batch's `timeseries` job kind takes them too). */
export const PLUGIN_RUN_OPTIONS = {
  sample: { type: "boolean", default: false },
  snapshot: { type: "string" },
  security: { type: "string" },
  param: { type: "string", multiple: true },
  "fees-bps": { type: "string" },
  "slippage-bps": { type: "string" },
  fill: { type: "string" },
  interval: { type: "string" },
} as const;

const OPTIONS = {
  ...COMMON_OPTIONS,
  plugins: { type: "string", default: DEFAULT_PLUGINS_DIR },
  runs: { type: "string", default: DEFAULT_RUNS_DIR },
  mode: { type: "string" },
  ...PLUGIN_RUN_OPTIONS,
  plugin: { type: "string" },
  script: { type: "string" },
  with: { type: "string", multiple: true },
  "system-site-packages": { type: "boolean", default: false },
  "without-pip": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
} as const;

/** What `strategy run` makes of its options (`planStreamPluginRun`'s options, less the folders). */
export interface PluginRunSettings {
  readonly sample: boolean;
  readonly snapshot?: string;
  readonly security?: string;
  readonly interval?: Interval;
  /** `--param k=v …` as strings (the plugin's schema parses and checks them: `validateParams`). */
  readonly params: Record<string, string>;
  readonly feesBps?: number;
  readonly slippageBps?: number;
  readonly fill?: "nextOpen" | "nextClose";
}

/**
 * `strategy run`'s options checked (a `UsageError` naming the option at fault).
 *
 * @example
 * ```ts
 * pluginRunSettings({ sample: true, param: ["fast=5"], "fees-bps": "10" }).feesBps; // => 10
 * ```
 */
export function pluginRunSettings(values: Readonly<Record<string, unknown>>): PluginRunSettings {
  let params: Record<string, string>;
  try {
    params = parseParamAssignments((values.param as readonly string[] | undefined) ?? []);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const fill = values.fill as string | undefined;
  if (fill !== undefined && fill !== "nextOpen" && fill !== "nextClose") {
    throw new UsageError(`--fill expects nextOpen or nextClose, found "${fill}"`);
  }
  if (values.sample === true && values.snapshot !== undefined) {
    throw new UsageError("give --sample or --snapshot ID, not both");
  }
  return {
    sample: values.sample === true,
    snapshot: values.snapshot as string | undefined,
    security: values.security as string | undefined,
    interval: intervalOption(values as { interval?: string }),
    params,
    feesBps: numberOption(values, "fees-bps"),
    slippageBps: numberOption(values, "slippage-bps"),
    fill,
  };
}

/**
 * What `strategy run` backtests a batch plugin with (its signal through the cross-sectional
 * backtest): the snapshot (required), the parameters, `--fees-bps` as the backtest's `tcBps` and
 * `--interval` as the panel's bar size.
 *
 * @example
 * ```ts
 * pluginBacktestOptions(pluginRunSettings({ snapshot: "demo", "fees-bps": "5" })).backtest; // => { tcBps: 5 }
 * ```
 */
export function pluginBacktestOptions(
  settings: PluginRunSettings,
  snapshotsDir?: string,
): PluginBacktestOptions {
  if (!settings.snapshot) throw new UsageError("a batch plugin runs on a panel: pass --snapshot ID");
  return {
    snapshot: settings.snapshot,
    snapshotsDir,
    params: settings.params,
    backtest: settings.feesBps === undefined ? {} : { tcBps: settings.feesBps },
    ...(settings.interval ? { panel: { interval: settings.interval } } : {}),
  };
}

/** `deno task python`: see `--help`. Returns the exit code (0 ok, 1 failure, 2 usage). */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    let parsed;
    try {
      parsed = parseArgs({
        args: joinNegativeValues(args, OPTIONS),
        options: OPTIONS,
        allowPositionals: true,
        strict: true,
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    const [group, command, ...rest] = positionals;
    if (values.help || !group) {
      console.log(HELP);
      return values.help ? 0 : 2;
    }
    const runsDir = values.runs;
    if (group === "strategy") {
      const name = rest[0];
      if (command === "list") {
        const plugins = await listPlugins(values.plugins);
        if (values.json) console.log(JSON.stringify(plugins, null, 2));
        else {
          console.log(renderTextTable(plugins.map((p) => ({
            name: p.name,
            mode: p.mode,
            venv: p.venv ?? "",
            description: p.description,
          }))));
        }
        return 0;
      }
      if (!name) throw new UsageError(`strategy ${command ?? ""}: missing the plugin NAME`);
      if (command === "create") {
        const mode = (values.mode ?? "stream") as "stream" | "batch";
        const dir = await createPluginFromTemplate(name, { mode, pluginsDir: values.plugins });
        console.log(
          `created ${dir}/ (manifest.json, strategy.py); check it with: deno task python strategy test ${name}`,
        );
        return 0;
      }
      if (command === "test") {
        const checks = await conformance(name, values.plugins);
        if (values.json) console.log(JSON.stringify(checks, null, 2));
        else {
          for (const c of checks) {
            console.log(
              `${c.ok ? "✓" : "✗"} ${c.check} (${(c.ms / 1000).toFixed(2)} s)\n    ${
                c.detail.split("\n").join("\n    ")
              }`,
            );
          }
          const failed = checks.filter((c) => !c.ok).length;
          console.log(
            failed ? `${name}: ${failed} check(s) failed` : `${name}: all ${checks.length} checks passed`,
          );
        }
        return checks.every((c) => c.ok) ? 0 : 1;
      }
      if (command === "run") return await strategyRun(name, values, runsDir);
      throw new UsageError(`unknown strategy command "${command}" (create, test, list, run)`);
    }
    if (group === "venv") {
      if (command === "list") {
        const venvs = await listVenvs();
        if (values.json) console.log(JSON.stringify(venvs, null, 2));
        else if (!venvs.length) {
          console.log(`no venvs in ${venvsDir()}/ (create one: deno task python venv create NAME)`);
        } else {
          console.log(renderTextTable(venvs.map((v) => ({
            name: v.name,
            python: v.version,
            system_site_packages: v.systemSitePackages ? "yes" : "no",
            path: v.path,
          }))));
        }
        return 0;
      }
      const name = rest[0];
      if (!name) throw new UsageError(`venv ${command ?? ""}: missing the venv NAME`);
      const echo = (t: string) => Deno.stderr.writeSync(new TextEncoder().encode(t));
      if (command === "create") {
        const v = await createVenv(name, {
          systemSitePackages: values["system-site-packages"],
          onOutput: echo,
        });
        console.log(`created venv ${v.name} (${v.version}) at ${v.path}`);
        return 0;
      }
      if (command === "install") {
        const requirements = values.plugin
          ? (await loadManifest(values.plugin, values.plugins)).requirements
          : rest.slice(1);
        if (!requirements.length) {
          console.log(
            values.plugin ? `plugin ${values.plugin} declares no requirements` : "nothing to install",
          );
          return 0;
        }
        console.error(`pip install ${requirements.join(" ")} into ${name} …`);
        await installRequirements(name, requirements, { onOutput: echo });
        console.log(`installed ${requirements.join(" ")} into venv ${name}`);
        return 0;
      }
      throw new UsageError(`unknown venv command "${command}" (create, install, list)`);
    }
    if (group === "analyze") {
      if (!command) throw new UsageError("analyze: missing the RUN_ID");
      if (!values.script) {
        throw new UsageError(`analyze: --script is required (${ANALYSIS_SCRIPTS.join(", ")} or FILE.py)`);
      }
      const { path, result } = await analyzeRun(command, values.script, { runsDir, others: values.with });
      console.log(
        values.json ? registryJson(result) : `stored ${path}\n${registryJson(result)}`,
      );
      return 0;
    }
    if (group === "visualize") {
      if (!command) throw new UsageError("visualize: missing the RUN_ID");
      const { dir, figures } = await visualizeRun(command, { runsDir, others: values.with });
      console.log(`wrote ${figures.length} files to ${dir}/: ${figures.join(", ")}`);
      return 0;
    }
    throw new UsageError(`unknown command "${group}" (strategy, venv, analyze, visualize)`);
  }, HELP);
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

/** `strategy run NAME`: stream plugins backtest through fromSignals, batch ones through the cross-sectional backtest; both recorded. */
async function strategyRun(name: string, values: Values, runsDir: string): Promise<number> {
  const manifest = await loadManifest(name, values.plugins);
  const settings = pluginRunSettings(values);
  if (manifest.mode === "batch") {
    const { run, result } = await runPluginBacktest(manifest, {
      ...pluginBacktestOptions(settings, values.snapshots),
      runsDir,
      onStage: (stage) => console.error(`${name}: ${stage}…`),
    });
    const o = result.summary.overall;
    if (values.json) {
      console.log(JSON.stringify({ run_id: run.run_id, reused: run.reused, ...result }, null, 2));
    } else {
      console.log(renderTextTable([{
        run_id: run.run_id,
        sharpe: o.sharpe,
        annual_return: o.annual_return,
        max_drawdown: o.max_drawdown,
        turnover: o.turnover,
      }]));
      console.log(run.reused ? "(same config as an earlier run: reused)" : `recorded in ${run.dir}/`);
    }
    return 0;
  }
  if (!settings.snapshot && !settings.sample) {
    throw new UsageError("pass --sample (the bundled S&P 500) or --snapshot ID [--security S]");
  }
  const options = { ...settings, snapshotsDir: values.snapshots, runsDir };
  const plan = await planStreamPluginRun(manifest, options);
  const bar = progress(resolveBars(plan.bars).nDates, { label: `${name} on_candle` });
  let done = 0;
  const { run, result } = await runStreamPluginRun(manifest, {
    ...options,
    onProgress: (n) => {
      bar.tick(n - done);
      done = n;
    },
  }, plan);
  await bar.done();
  const s = result.stats;
  if (values.json) {
    console.log(JSON.stringify({ run_id: run.run_id, reused: run.reused, metrics: run.metrics }, null, 2));
  } else {
    console.log(renderTextTable([{
      run_id: run.run_id,
      trades: tradeRows(result.trades!).length,
      total_return: s.total_return[0],
      sharpe: s.sharpe[0],
      max_drawdown: s.max_drawdown[0],
    }]));
    console.log(run.reused ? "(same config as an earlier run: reused)" : `recorded in ${run.dir}/`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
