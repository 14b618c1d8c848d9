/**
 * `deno task run STRATEGY --snapshot ID …`: a strategy simulated as a portfolio, recorded as a run with
 * its tear sheet.
 */
import { type Progress, progress } from "../nb/progress.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { parseInstrument } from "../strategy/instruments.ts";
import { parseParamAssignments } from "../strategy/params.ts";
import { runStrategy, type StrategyRunOptions, tearsheetPath } from "../pipeline/strategy_run.ts";
import { readPreset } from "../preset/preset.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";
import { SIMULATION_ARGS, SIMULATION_HELP, simulationOptions } from "./simulation_args.ts";
import { intervalOption } from "./backtest.ts";

const HELP = `deno task run STRATEGY --snapshot ID [options]
       deno task run --preset FILE [--param K=V …]

Runs a registered strategy (deno task strategies list) on a snapshot as a portfolio: target weights →
orders at the next open (or close) in lots, costs, cash rate, dividends and splits, taxes → NAV,
positions, trades and a monthly tax ledger. Records the run in runs/ (kind "strategy") with an HTML
tear sheet; an identical run (same snapshot, strategy source, parameters and settings) is reused.

Strategy:
  --preset FILE            rerun a strategy preset (deno task optimize --strategy … --write-preset FILE):
                           its strategy, parameters, snapshot, benchmark and simulator settings (--param
                           overrides a parameter; simulator options are not allowed with it)
  --param K=V              a strategy parameter (repeatable; see deno task strategies show STRATEGY)
  --instrument SPEC        trade a synthetic instrument: spread:A:B[:beta] or ratio:A:B (repeatable)
  --securities A,B,…       restrict the strategy's universe (kept beside the instruments)
  --benchmark ID           an index of the snapshot (SPX) or an index-level series (IBOV): comparison, trend filters
  --interval I             bars: 1d (default) | 1h | 5m | 1m (the snapshot's intraday bars): lookbacks and
                           --schedule N count bars, daily = each session's last bar; cash, borrow, dividends
                           and the tax day once per session; annualised over 252 × bars per session

${SIMULATION_HELP}

Run:
  --start D, --end D       simulate from / to YYYY-MM-DD (default: first decision → last bar)
  --runs DIR               run registry (default runs/)
  --author NAME            recorded author
  --force                  record a new run even when an identical one exists
  --json                   print the result as JSON
${COMMON_HELP}

Example: deno task run momentum_12_1 --snapshot demo --param top_n=30 --lot 100 --commission-bps 5 \\
  --slippage-bps 10 --tax brazil --cash-rate cdi --benchmark SPX
         deno task run short_term_reversal --snapshot intraday --interval 1h --schedule daily --lot 100`;

/** The options of one strategy run (also a batch job's, see `lib/jobs`), as `parseTaskArgs` takes them. */
export const RUN_OPTIONS = {
  snapshot: { type: "string" },
  param: { type: "string", multiple: true },
  instrument: { type: "string", multiple: true },
  securities: { type: "string" },
  benchmark: { type: "string" },
  interval: { type: "string" },
  ...SIMULATION_ARGS,
  start: { type: "string" },
  end: { type: "string" },
} as const;

/** A strategy run's settings as `runStrategy` takes them. */
export type StrategyRunSettings = Pick<
  StrategyRunOptions,
  "params" | "simulation" | "benchmark" | "instruments" | "securities" | "interval"
>;

/**
 * The settings of a strategy run from `RUN_OPTIONS` values (also a batch job's), checked before
 * anything is read: a bad value is a usage error naming its option.
 */
export function strategyRunSettings(
  values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>,
): StrategyRunSettings {
  const v = values as Record<string, string | undefined>;
  let instruments;
  try {
    instruments = ((values.instrument ?? []) as readonly string[]).map(parseInstrument);
  } catch (error) {
    throw new UsageError(`--instrument: ${(error as Error).message}`);
  }
  let params;
  try {
    params = parseParamAssignments((values.param ?? []) as readonly string[]);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    params,
    simulation: simulationOptions(values, { start: v.start, end: v.end }),
    benchmark: v.benchmark ?? null,
    instruments,
    securities: v.securities?.split(",").map((s) => s.trim()).filter(Boolean),
    ...(v.interval !== undefined ? { interval: intervalOption(values) } : {}),
  };
}

/** \`deno task run\`: see \`--help\`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, {
      ...RUN_OPTIONS,
      preset: { type: "string" },
      runs: { type: "string", default: "runs" },
      author: { type: "string" },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const preset = values.preset ? await readPreset(values.preset) : undefined;
    if (preset && preset.engine !== "strategy") {
      throw new UsageError(
        `--preset ${values.preset} is for the ${preset.engine} engine; deno task run takes a strategy preset`,
      );
    }
    if (positionals.length !== (preset ? 0 : 1)) {
      throw new UsageError(
        preset
          ? `the preset names the strategy (${preset.strategy}); found "${positionals.join(" ")}" as well`
          : "exactly one STRATEGY is required (deno task strategies list)",
      );
    }
    const snapshot = values.snapshot ?? preset?.universe.snapshot;
    if (!snapshot) throw new UsageError("--snapshot ID is required");
    const flags = Object.keys(SIMULATION_ARGS).filter((k) =>
      values[k as keyof typeof values] !== undefined && values[k as keyof typeof values] !== false
    );
    if (preset && (flags.length || values.start || values.end)) {
      throw new UsageError(
        `--${
          flags[0] ?? (values.start ? "start" : "end")
        } cannot change a preset's simulator settings; edit ${values.preset} or run without --preset`,
      );
    }
    const settings = strategyRunSettings(values);
    let bar: Progress | undefined = undefined as Progress | undefined;
    const out = await runStrategy({
      strategy: preset?.strategy ?? positionals[0],
      snapshot,
      snapshotsDir: values.snapshots,
      ...settings,
      params: { ...preset?.params, ...settings.params },
      simulation: preset?.simulation ?? settings.simulation,
      benchmark: values.benchmark ?? preset?.benchmark ?? null,
      runsDir: values.runs,
      author: values.author,
      force: values.force,
      onWait: (holder) =>
        console.error(
          `an identical run is being computed${
            holder ? ` by process ${holder.pid} on ${holder.hostname}` : ""
          }; waiting for it`,
        ),
      onStep: async (step) => {
        if (values.json) return;
        if (bar) (bar.tick(), await bar.done());
        bar = progress(1, { label: step });
      },
    });
    if (bar) (bar.tick(), await bar.done());
    const run = out.run!;
    if (preset && run.tags.snapshot_hash !== preset.universe.snapshot_hash) {
      console.error(`warning: snapshot ${snapshot} changed since preset ${values.preset} was written`);
    }
    const metrics = run.metrics;
    if (values.json) {
      console.log(
        JSON.stringify(
          { run_id: run.run_id, reused: out.reused, dir: run.dir, tearsheet: tearsheetPath(run), metrics },
          null,
          2,
        ),
      );
      return 0;
    }
    const shown = [
      "annual_return",
      "annual_volatility",
      "sharpe",
      "sharpe_vs_cash",
      "max_drawdown",
      "alpha",
      "beta",
      "turnover",
      "avg_gross_exposure",
      "final_nav",
      "commission",
      "slippage",
      "tax_paid",
      "tax_outstanding",
      "interest",
      "n_trades",
    ].filter((m) => m in metrics);
    console.log(renderTextTable(Object.fromEntries(shown.map((m) => [m, metrics[m]])), {
      maxRows: shown.length,
      caption: `${out.strategy.name} on ${snapshot}${
        barsNote(run.params.interval, out.result?.periodsPerYear)
      }`,
    }));
    console.log(`\nrun ${run.run_id}${out.reused ? " (identical run already recorded; reused)" : ""}`);
    console.log(`tear sheet: ${tearsheetPath(run)}`);
    return 0;
  }, HELP);
}

/** The caption's note on intraday bars: the interval, and the annualisation when the run was computed. */
function barsNote(interval: unknown, periodsPerYear: number | undefined): string {
  if (typeof interval !== "string" || interval === "1d") return "";
  return ` · ${interval} bars${periodsPerYear ? `, annualised over ${periodsPerYear} a year` : ""}`;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
