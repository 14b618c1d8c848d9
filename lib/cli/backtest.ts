/**
 * `deno task backtest --snapshot ID --signal FILE [options]` — validate a signal file, then run the
 * cross-sectional fractile backtest on a snapshot and print the summary (or JSON).
 */
import { backtest } from "../engine/backtest.ts";
import type {
  BacktestOptions,
  BacktestResult,
  ResidualizeMode,
  SliceSummary,
  WeightMode,
} from "../engine/types.ts";
import { resolveConfig } from "../engine/config.ts";
import { loadPanel } from "../panel/load.ts";
import { presetBacktestOptions, readPreset } from "../preset/preset.ts";
import { sha256File } from "../util/hash.ts";
import { formatReport } from "../signal/problem.ts";
import { readSignal } from "../signal/read_signal.ts";
import { validate } from "../signal/validate.ts";
import { COMMON_HELP, numberOption, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task backtest --snapshot ID --signal FILE [options]

Validates a signal file (CSV or Parquet: security_id, date_sig, signal [, date_avail, signal_name,
region, universe, version]) against the snapshot's panel, then backtests it: each day, long the top
fractile and short the bottom ($1 / $1), equal-weighted by default, rebalanced daily, costs on
turnover. A value known at the close of day k (first trading day on/after date_avail) earns the
return of day k + 1 + lag. An invalid signal prints the validation report and exits 2; a backtest
that trades no day is an error (exit 1) with the reason.

Options:
  --snapshot ID        snapshot to load (required)
  --signal FILE        signal file (required)
  --lag N              extra days between knowing and holding (default 0)
  --residualize M      off | industry | factor | all (default off)
  --tc-bps X           cost in bps per unit of turnover (default 10)
  --weight W           equal | signal | cap (default equal)
  --fractile F         "10,90" percentiles (long ≥ 90, short < 10; default) or Q buckets (e.g. 5)
  --from-open          trade at the next open (open-to-close on entry, overnight on exit)
  --mincos N           skip dates with fewer valid names (default 10)
  --preset FILE        run a preset (e.g. written by deno task optimize): its snapshot, signal, universe,
                       dates and parameters; other options given here override it
  --json               print {summary, fractiles, ic, diagnostics, config} as JSON
${COMMON_HELP}

Validation rows are data rows: row 1 is the first line under the header.`;

/** `deno task backtest`: see `--help`. Returns the exit code (0 ok, 1 failure, 2 usage or invalid signal). */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values } = parseTaskArgs(args, {
      snapshot: { type: "string" },
      signal: { type: "string" },
      lag: { type: "string" },
      residualize: { type: "string" },
      "tc-bps": { type: "string" },
      weight: { type: "string" },
      fractile: { type: "string" },
      "from-open": { type: "boolean" },
      mincos: { type: "string" },
      preset: { type: "string" },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const preset = values.preset ? await readPreset(values.preset) : undefined;
    values.snapshot ??= preset?.universe.snapshot;
    values.signal ??= preset?.signal?.path;
    if (!values.snapshot) throw new UsageError("--snapshot ID is required");
    if (!values.signal) throw new UsageError("--signal FILE is required");
    const options = { ...(preset ? presetBacktestOptions(preset) : {}), ...backtestOptions(values) };
    if (preset?.signal && preset.signal.sha256 !== await sha256File(values.signal)) {
      console.error(`warning: ${values.signal} changed since preset ${values.preset} was written`);
    }
    const parsed = await readSignal(values.signal);
    if (parsed.problems.some((p) => p.severity === "error")) {
      console.error(`${values.signal}: ${formatReport(validate(parsed))}`);
      return 2;
    }
    const fields = ["ret", "mcap", "value", "beta", ...(options.fromOpen ? ["ret_oc"] : [])];
    const panel = await loadPanel({
      snapshot: values.snapshot,
      snapshotsDir: values.snapshots,
      fields,
      ...(preset ? { securities: preset.universe.securities } : {}),
      ...(preset?.dates.start ? { start: preset.dates.start } : {}),
      ...(preset?.dates.end ? { end: preset.dates.end } : {}),
    });
    const result = validate(parsed, { panel, lags: [options.lag ?? 0] });
    if (!result.ok) {
      console.error(`${values.signal}: ${formatReport(result)}`);
      return 2;
    }
    if (result.problems.length) console.error(`${values.signal}: ${formatReport(result)}`);
    const run = backtest(panel, parsed.signal, options);
    if (run.summary.overall.n_days === 0) throw new Error(noTradedDays(run, values.signal));
    console.log(
      values.json ? JSON.stringify(toJson(run), null, 2) : formatResult(run, values.signal, values.snapshot),
    );
    return 0;
  }, HELP);
}

/** The backtest options from the command line, checked before anything is read (bad ones are usage errors). */
function backtestOptions(values: Record<string, string | boolean | undefined>): BacktestOptions {
  const fractileText = values.fractile as string | undefined;
  let fractile: BacktestOptions["fractile"];
  if (fractileText !== undefined) {
    const parts = fractileText.split(",").map((x) => Number(x.trim()));
    if (parts.some((x) => !Number.isFinite(x)) || parts.length > 2) {
      throw new UsageError(
        `--fractile expects "LO,HI" percentiles or a bucket count, found "${fractileText}"`,
      );
    }
    fractile = parts.length === 2 ? [parts[0], parts[1]] : parts[0];
  }
  const options: BacktestOptions = {
    lag: numberOption(values, "lag", { integer: true, min: 0 }),
    residualize: values.residualize as ResidualizeMode | undefined,
    tcBps: numberOption(values, "tc-bps", { min: 0 }),
    weight: values.weight as WeightMode | undefined,
    fractile,
    fromOpen: values["from-open"] as boolean | undefined,
    mincos: numberOption(values, "mincos", { integer: true, min: 2 }),
  };
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  try {
    resolveConfig(given);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return given;
}

/** Why a backtest traded nothing, in one message. */
function noTradedDays(run: BacktestResult, signal: string): string {
  const { skipped_dates } = run.diagnostics;
  const { mincos, fractile } = run.config;
  return `the backtest of ${signal} traded 0 days: ${
    skipped_dates > 0
      ? `on all ${skipped_dates} dates the signal spans, fewer than --mincos ${mincos} names had a value and a ` +
        `return, or the long or short leg was empty (--fractile ${fractile} needs more names)`
      : "no signal value is held on a day with a return (check the signal's dates, date_avail and --lag)"
  }; nothing to report`;
}

/** The JSON view: scalars and plain arrays only (typed arrays converted, NaN → null). */
function toJson(run: BacktestResult) {
  const { fractiles, ic, diagnostics } = run;
  return {
    summary: run.summary,
    fractiles: {
      buckets: fractiles.buckets,
      mean_return: [...fractiles.mean_return],
      mean_return_pooled: [...fractiles.mean_return_pooled],
      count: [...fractiles.count],
      monotonicity: fractiles.monotonicity,
    },
    ic: { mean: ic.mean, std: ic.std, ir: ic.ir, t_stat: ic.t_stat },
    diagnostics: {
      missing_share: diagnostics.missing_share,
      rank_autocorrelation: diagnostics.rank_autocorrelation,
      skipped_dates: diagnostics.skipped_dates,
      tied_dates: diagnostics.tied_dates,
    },
    warnings: run.warnings,
    config: run.config,
  };
}

const COLUMNS: [string, keyof SliceSummary, (x: number) => string][] = [
  ["ann.ret", "annual_return", pct],
  ["ann.vol", "annual_volatility", pct],
  ["sharpe", "sharpe", (x) => fixed(x, 2)],
  ["sharpe_g", "sharpe_gross", (x) => fixed(x, 2)],
  ["max_dd", "max_drawdown", pct],
  ["hit", "hit_rate", pct],
  ["turnover", "turnover", (x) => fixed(x, 3)],
  ["n_long", "n_long", (x) => fixed(x, 1)],
  ["n_short", "n_short", (x) => fixed(x, 1)],
  ["coverage", "coverage", pct],
  ["days", "n_days", (x) => String(x)],
];

function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "—";
}

function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "—";
}

/** The summary table (overall, per year, per mcap tercile) and the IC / fractile / diagnostic lines. */
function formatResult(run: BacktestResult, signal: string, snapshot: string): string {
  const c = run.config;
  const fractile = typeof c.fractile === "number"
    ? `${c.fractile} buckets`
    : `${c.fractile[0]}/${c.fractile[1]}`;
  const rows: [string, SliceSummary][] = [
    ["overall", run.summary.overall],
    ...Object.entries(run.summary.year),
    ...Object.entries(run.summary.cap ?? {}).map(([k, s]) => [`cap ${k}`, s] as [string, SliceSummary]),
  ];
  const table = [
    ["slice", ...COLUMNS.map(([h]) => h)],
    ...rows.map(([name, s]) => [name, ...COLUMNS.map(([, k, f]) => f(s[k]))]),
  ];
  const widths = table[0].map((_, j) => Math.max(...table.map((r) => r[j].length)));
  const lines = [
    `backtest ${signal} on snapshot ${snapshot}`,
    `lag ${c.lag} · residualize ${c.residualize} · tc ${c.tcBps} bps · weight ${c.weight} · fractile ${fractile} · ${
      c.fromOpen ? "from open" : "close to close"
    } · mincos ${c.mincos}`,
    "",
    ...table.map((r) =>
      r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join("  ")
    ),
    "",
    `rank IC  mean ${fixed(run.ic.mean, 4)}  std ${fixed(run.ic.std, 4)}  IR ${fixed(run.ic.ir, 3)}  t ${
      fixed(run.ic.t_stat, 2)
    }`,
    `fractile mean return (bps/day, per-date mean, low → high): ${
      [...run.fractiles.mean_return].map((x) => fixed(x * 1e4, 2)).join("  ")
    }  · monotonicity ${fixed(run.fractiles.monotonicity, 2)}`,
    `diagnostics  missing ${pct(run.diagnostics.missing_share)} · rank autocorrelation ${
      fixed(run.diagnostics.rank_autocorrelation, 3)
    } · skipped ${run.diagnostics.skipped_dates} dates (< mincos or an empty leg)`,
    ...run.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join("\n");
}

if (import.meta.main) Deno.exit(await main(Deno.args));
