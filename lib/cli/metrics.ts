/**
 * `deno task metrics FILE` — every performance metric of a `date,ret` CSV, as a readable table or JSON.
 */

import { parseArgs } from "node:util";
import { COMMON_OPTIONS } from "./args.ts";
import { isoDate } from "../panel/types.ts";
import { stringifyJson } from "../util/json.ts";
import {
  alignByDate,
  allMetrics,
  checkReturns,
  type DrawdownPeriod,
  drawdownTable,
  type Metrics,
  monthlyReturns,
  parseReturnsCsv,
  periodRate,
  type ReturnSeries,
  yearlyReturns,
} from "../metrics/mod.ts";

const HELP = `Usage: deno run -A lib/cli/metrics.ts FILE [options]

Every performance metric of a return series (empyrical's conventions), its 5 deepest drawdowns and
its yearly returns.

FILE is a CSV with a header naming a "date" column (YYYY-MM-DD) and a "ret" column (simple return per
period; empty or NaN = missing). Other columns are ignored. Dates must be strictly ascending.

Options:
  --periods N        periods per year for annualisation (default 252, daily bars)
  --rf R             ANNUAL risk-free rate as a fraction or a percentage (default 0; 0.03 or 3% =
                     3%/year; above 1 = 100% is refused as a likely unit mistake). Converted to a
                     per-period rate as (1 + R)^(1 / periods) - 1, used for Sharpe, Sortino (required
                     return), Omega (threshold) and alpha.
  --rf-series FILE   a per-period risk-free rate instead (a date,ret CSV, e.g. the daily CDI),
                     aligned on FILE's dates (a missing date makes that period missing)
  --benchmark FILE   a second date,ret CSV; aligned on FILE's dates (missing dates = missing), adds
                     alpha, beta, information_ratio and tracking_error
  --json             print {metrics, drawdowns, yearly, monthly, warnings} as JSON instead of tables;
                     NaN is written as null and ±Infinity as the strings "Infinity" / "-Infinity"
  --db, --snapshots  accepted like every task's; metrics reads no store
  --help             show this help

Drawdown durations and recovery times are in periods; a drawdown whose peak is "start" began with
the first return (from the starting wealth of 1).

Refused (exit 1, naming the row and date): a return of ±Infinity or below -1, and a series that
looks like prices (every value ≥ 0, median ≥ 1). Warned about (stderr): an annualised volatility
above 300% (percent units?), no deviation, fewer periods than one year.

Exit codes: 0 ok, 1 bad input data, 2 bad usage.`;

const PERCENT_KEYS = new Set([
  "cumulative_return",
  "annual_return",
  "annual_volatility",
  "max_drawdown",
  "avg_drawdown",
  "downside_risk",
  "var_95",
  "cvar_95",
  "var_95_gaussian",
  "cvar_95_gaussian",
  "hit_rate",
  "best_period",
  "worst_period",
  "alpha",
  "tracking_error",
  "var_99_gpd",
  "es_99_gpd",
  "win_rate",
  "avg_win",
  "avg_loss",
  "kelly_criterion",
  "expected_return",
  "expected_monthly_return",
  "expected_yearly_return",
  "probabilistic_sharpe",
  "probabilistic_sortino",
  "batting_average",
]);
const COUNT_KEYS = new Set(["max_drawdown_duration", "n_periods", "consecutive_wins", "consecutive_losses"]);

/**
 * Runs the CLI with `args` (without the program name); returns the exit code: 0 ok, 1 bad input
 * data, 2 bad usage.
 *
 * @example
 * ```ts ignore
 * await main(["returns.csv", "--rf", "0.03", "--json"]); // prints JSON, returns 0
 * ```
 */
export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        periods: { type: "string", default: "252" },
        rf: { type: "string", default: "0" },
        "rf-series": { type: "string" },
        benchmark: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
        db: COMMON_OPTIONS.db,
        snapshots: COMMON_OPTIONS.snapshots,
      },
    });
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const periods = Number(values.periods);
  const rf = annualRate(values.rf);
  const usage = positionals.length !== 1
    ? `expected exactly one FILE, found ${positionals.length}`
    : !(periods > 0)
    ? `--periods must be a number > 0, found "${values.periods}"`
    : !(rf > -1)
    ? `--rf must be an annual rate > -1 (0.03 or 3% for 3%), found "${values.rf}"`
    : rf > 1
    ? `--rf ${values.rf} would be ${rf * 100}% a year: --rf is an annual rate as a fraction, ` +
      `did you mean ${rf / 100} (${values.rf}%)?`
    : values["rf-series"] && values.rf !== "0"
    ? "give either --rf or --rf-series, not both"
    : "";
  if (usage) {
    console.error(`error: ${usage}\n\n${HELP}`);
    return 2;
  }
  try {
    const file = positionals[0];
    const series = await readSeries(file);
    const warnings = checked(file, series, periods);
    const benchmark = values.benchmark
      ? alignByDate(series.dates, await readSeries(values.benchmark))
      : undefined;
    if (values.benchmark) {
      warnings.push(...checked(values.benchmark, { dates: series.dates, ret: benchmark! }, periods));
    }
    const riskFree = values["rf-series"]
      ? alignByDate(series.dates, await readSeries(values["rf-series"]))
      : periodRate(rf, periods);
    for (const warning of warnings) console.error(`warning: ${warning}`);
    const metrics = allMetrics(series.ret, {
      periodsPerYear: periods,
      riskFree,
      benchmark,
      dates: series.dates,
    });
    const drawdowns = drawdownTable(series.ret, 5).map((d) => datedDrawdown(d, series.dates));
    const yearly = yearlyReturns(series.ret, series.dates);
    if (values.json) {
      const monthly = monthlyReturns(series.ret, series.dates);
      console.log(stringifyJson({ metrics, drawdowns, yearly, monthly, warnings }, 2));
    } else {
      const range = series.dates.length
        ? `${isoDate(series.dates[0])} to ${isoDate(series.dates[series.dates.length - 1])}`
        : "no rows";
      const rfText = values["rf-series"]
        ? `rf series ${values["rf-series"]}`
        : `rf ${formatPercent(rf)}/year`;
      console.log(`${file}: ${range}, ${periods} periods/year, ${rfText}\n`);
      console.log(metricsTable(metrics));
      console.log(`\nTop ${drawdowns.length} drawdowns\n${drawdownText(drawdowns)}`);
      console.log(
        `\nYearly returns\n${
          table([["year", "ret"], ...yearly.map((y) => [`${y.year}`, formatPercent(y.ret)])])
        }`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError || error instanceof Deno.errors.NotFound) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** An annual rate from `--rf`: a fraction (`0.05`) or a percentage (`5%`); NaN when unparsable. */
function annualRate(text: string): number {
  const percent = /^\s*(-?[\d.]+(?:e-?\d+)?)\s*%\s*$/i.exec(text);
  if (percent) return Number(percent[1]) / 100;
  return text.trim() === "" ? NaN : Number(text);
}

/** Reads a date,ret CSV, refusing a directory or a missing file with a message naming the path. */
async function readSeries(path: string): Promise<ReturnSeries> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new RangeError(`${path}: no such file`);
    throw error;
  }
  if (!info.isFile) {
    throw new RangeError(
      `${path} is a ${info.isDirectory ? "directory" : "special file"}: expected a date,ret CSV file`,
    );
  }
  return parseReturnsCsv(await Deno.readTextFile(path), path);
}

/** `checkReturns` of a file's series: throws its errors (naming the file), returns its warnings. */
function checked(file: string, series: ReturnSeries, periods: number): string[] {
  const { errors, warnings } = checkReturns(series.ret, {
    periodsPerYear: periods,
    dates: series.dates,
    firstRow: 1,
    rowLabel: "row",
  });
  if (errors.length) throw new RangeError(errors.map((e) => `${file}: ${e}`).join("\n"));
  return warnings.map((w) => `${file}: ${w}`);
}

/** A drawdown row with ISO dates (`peak_date` null when the peak is the starting wealth). */
function datedDrawdown(d: DrawdownPeriod, dates: Float64Array) {
  const dateAt = (k: number) => (k >= 0 ? isoDate(dates[k]) : null);
  return {
    ...d,
    peak_date: dateAt(d.peak),
    valley_date: dateAt(d.valley),
    recovery_date: dateAt(d.recovery),
  };
}

function metricsTable(metrics: Metrics): string {
  const rows = Object.entries(metrics).map(([key, value]) => [
    key,
    PERCENT_KEYS.has(key) ? formatPercent(value) : COUNT_KEYS.has(key) ? `${value}` : formatNumber(value),
  ]);
  return table([["metric", "value"], ...rows]);
}

function drawdownText(rows: ReturnType<typeof datedDrawdown>[]): string {
  return table([
    ["#", "peak", "valley", "recovery", "depth", "duration", "recovery_time"],
    ...rows.map((d, k) => [
      `${k + 1}`,
      d.peak_date ?? "start",
      d.valley_date ?? "",
      d.recovery_date ?? "ongoing",
      formatPercent(d.depth),
      `${d.duration}`,
      Number.isNaN(d.recovery_time) ? "-" : `${d.recovery_time}`,
    ]),
  ]);
}

/** Left-aligned first column, right-aligned others, two spaces apart. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
  ).join("\n");
}

function formatPercent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(2)}%` : `${value}`;
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : `${value}`;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
