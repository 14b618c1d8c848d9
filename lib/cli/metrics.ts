/**
 * `deno task metrics FILE` — every performance metric of a `date,ret` CSV, as a readable table or JSON.
 */

import { renderTextTable } from "../nb/text_table.ts";
import { COMMON_OPTIONS } from "./args.ts";
import {
  loadReturns,
  parseReturnsArgs,
  RETURNS_HELP,
  RETURNS_OPTIONS,
  returnsUsage,
} from "./returns_files.ts";
import { isoDate } from "../panel/types.ts";
import { stringifyJson } from "../util/json.ts";
import {
  allMetrics,
  type DrawdownPeriod,
  drawdownTable,
  monthlyReturns,
  yearlyReturns,
} from "../metrics/mod.ts";

const HELP = `Usage: deno task metrics FILE [options]

Every performance metric of a return series (empyrical's conventions), its 5 deepest drawdowns and
its yearly returns.

FILE is a CSV with a header naming a "date" column (YYYY-MM-DD) and a "ret" column (simple return per
period; empty or NaN = missing). Other columns are ignored. Dates must be strictly ascending.

Options:
${RETURNS_HELP}
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

const OPTIONS = {
  ...RETURNS_OPTIONS,
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
  db: COMMON_OPTIONS.db,
  snapshots: COMMON_OPTIONS.snapshots,
} as const;

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
  const parsed = parseReturnsArgs(args, OPTIONS, HELP);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const usage = returnsUsage(values, positionals);
  if (usage) {
    console.error(`error: ${usage}\n\n${HELP}`);
    return 2;
  }
  try {
    const { file, series, benchmark, riskFree, periods, rfText, warnings } = await loadReturns(
      positionals[0],
      values,
    );
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
      console.log(`${file}: ${range}, ${periods} periods/year, ${rfText}\n`);
      console.log(renderTextTable({ ...metrics }, { maxRows: Infinity }));
      console.log(`\nTop ${drawdowns.length} drawdowns\n${drawdownText(drawdowns)}`);
      console.log(`\nYearly returns\n${renderTextTable(yearly.map((y) => ({ year: y.year, ret: y.ret })))}`);
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

function drawdownText(rows: ReturnType<typeof datedDrawdown>[]): string {
  return renderTextTable(
    rows.map((d, k) => ({
      "#": k + 1,
      peak: d.peak_date ?? "start",
      valley: d.valley_date ?? "",
      recovery: d.recovery_date ?? "ongoing",
      depth: d.depth,
      duration: d.duration,
      recovery_time: d.recovery_time,
    })),
    { formats: { depth: "percent" } },
  );
}

if (import.meta.main) Deno.exit(await main(Deno.args));
