/**
 * The inputs `deno task metrics` and `deno task tearsheet` share: a `date,ret` CSV, an optional
 * benchmark and risk-free series aligned on its dates, periods per year and an annual risk-free rate
 * — one set of options, one help text, one set of checks.
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { joinNegativeValues } from "./args.ts";
import { alignByDate, checkReturns, parseReturnsCsv, periodRate, type ReturnSeries } from "../metrics/mod.ts";
import type { RiskFree } from "../metrics/_utils.ts";
import { barsPerYear, checkInterval, sessionOf } from "../bars/session.ts";

/** `parseArgs` options of a returns file's companions. */
export const RETURNS_OPTIONS = {
  periods: { type: "string" },
  interval: { type: "string" },
  session: { type: "string", default: "NYSE" },
  rf: { type: "string", default: "0" },
  "rf-series": { type: "string" },
  benchmark: { type: "string" },
} as const;

/** Help lines of `RETURNS_OPTIONS`. */
export const RETURNS_HELP = `  --periods N        periods per year for annualisation (default 252, daily bars)
  --interval I       bars of 1m | 5m | 1h | 1d instead: periods = 252 × bars per --session
  --session S        NYSE (09:30–16:00, default) | B3 (10:00–17:00): 1h = 1764 / 1764, 5m = 19656 / 21168
                     a year; dates may then be bar timestamps (2024-01-02T14:30:00Z)
  --rf R             ANNUAL risk-free rate as a fraction or a percentage (default 0; 0.03 or 3% =
                     3%/year; above 1 = 100% is refused as a likely unit mistake). Converted to a
                     per-period rate as (1 + R)^(1 / periods) - 1, used for Sharpe, Sortino (required
                     return), Omega (threshold) and alpha.
  --rf-series FILE   a per-period risk-free rate instead (a date,ret CSV, e.g. the daily CDI),
                     aligned on FILE's dates (a missing date makes that period missing)
  --benchmark FILE   a second date,ret CSV; aligned on FILE's dates (missing dates = missing), adds
                     alpha, beta, correlation, information ratio, tracking error, captures`;

/**
 * Parses a returns task's arguments strictly, a negative number as a value (`--rf -0.01` reads as
 * `--rf=-0.01`): the values and positionals, or the exit code after printing the help (`--help`: 0)
 * or the error and the help (a usage error: 2).
 *
 * @example
 * ```ts ignore
 * const parsed = parseReturnsArgs(args, OPTIONS, HELP);
 * if (typeof parsed === "number") return parsed;
 * ```
 */
export function parseReturnsArgs<O extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: O,
  help: string,
): ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>> | number {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(args, options),
      allowPositionals: true,
      strict: true,
      options,
    });
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${help}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return 0;
  }
  return parsed;
}

/** The parsed `RETURNS_OPTIONS` values. */
export interface ReturnsValues {
  periods?: string;
  interval?: string;
  session?: string;
  rf: string;
  "rf-series"?: string;
  benchmark?: string;
}

/**
 * Periods per year: `--periods` (default 252), or `--interval` on `--session` (252 × bars per session,
 * `barsPerYear`); a `RangeError` for both, an unknown interval or session.
 *
 * @example
 * ```ts
 * periodsPerYear({ rf: "0", interval: "1h", session: "NYSE" }); // => 1764
 * ```
 */
export function periodsPerYear(values: ReturnsValues): number {
  if (values.interval === undefined) return Number(values.periods ?? "252");
  if (values.periods !== undefined) throw new RangeError("give either --periods or --interval, not both");
  return barsPerYear(checkInterval(values.interval), sessionOf(values.session ?? "NYSE"));
}

/** An annual rate from `--rf`: a fraction (`0.05`) or a percentage (`5%`); NaN when unparsable. */
export function annualRate(text: string): number {
  const percent = /^\s*(-?[\d.]+(?:e-?\d+)?)\s*%\s*$/i.exec(text);
  if (percent) return Number(percent[1]) / 100;
  return text.trim() === "" ? NaN : Number(text);
}

/**
 * The usage error of a returns command's arguments ("" when fine): exactly one FILE, periods > 0, an
 * annual `--rf` in (-1, 1] (5 for 5% is refused with the likely intent), not both `--rf` and
 * `--rf-series`.
 *
 * @example
 * ```ts
 * returnsUsage({ periods: "252", rf: "5" }, ["r.csv"]); // => "--rf 5 would be 500% a year: …"
 * ```
 */
export function returnsUsage(values: ReturnsValues, positionals: readonly string[]): string {
  let periods: number;
  try {
    periods = periodsPerYear(values);
  } catch (error) {
    return (error as Error).message;
  }
  const rf = annualRate(values.rf);
  return positionals.length !== 1
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
}

/** Reads a date,ret CSV, refusing a directory or a missing file with a message naming the path. */
export async function readReturnsFile(path: string): Promise<ReturnSeries> {
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

/** A returns file with its companions, aligned on its dates and checked. */
export interface LoadedReturns {
  readonly file: string;
  readonly series: ReturnSeries;
  readonly benchmark?: Float64Array;
  readonly riskFree: RiskFree;
  readonly periods: number;
  /** The annual rate of `--rf` (0 with `--rf-series`). */
  readonly rf: number;
  /** "rf 3.00%/year" or "rf series FILE". */
  readonly rfText: string;
  readonly warnings: string[];
}

/**
 * Reads FILE and its benchmark and risk-free series (aligned on FILE's dates: a date they lack is
 * missing), checks them (`checkReturns`: refused errors name the file and row; warnings returned).
 *
 * @example
 * ```ts
 * const { series, benchmark, riskFree } = await loadReturns("r.csv", { periods: "252", rf: "0", benchmark: "spx.csv" });
 * ```
 */
export async function loadReturns(file: string, values: ReturnsValues): Promise<LoadedReturns> {
  const periods = periodsPerYear(values);
  const rf = annualRate(values.rf);
  const series = await readReturnsFile(file);
  const warnings = checked(file, series, periods);
  const benchmark = values.benchmark
    ? alignByDate(series.dates, await readReturnsFile(values.benchmark))
    : undefined;
  if (values.benchmark) {
    warnings.push(...checked(values.benchmark, { dates: series.dates, ret: benchmark! }, periods));
  }
  const riskFree = values["rf-series"]
    ? alignByDate(series.dates, await readReturnsFile(values["rf-series"]))
    : periodRate(rf, periods);
  const rfText = values["rf-series"]
    ? `rf series ${values["rf-series"]}`
    : `rf ${(rf * 100).toFixed(2)}%/year`;
  return { file, series, benchmark, riskFree, periods, rf, rfText, warnings };
}
