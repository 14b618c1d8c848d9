import { parseArgs, type ParseArgsConfig } from "node:util";
import { DEFAULT_DB } from "../store/db.ts";
import { DEFAULT_SNAPSHOTS } from "../snapshot/paths.ts";

/** Options every task accepts: where the store and the snapshots live, and help. */
export const COMMON_OPTIONS = {
  db: { type: "string", default: DEFAULT_DB },
  snapshots: { type: "string", default: DEFAULT_SNAPSHOTS },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Help text lines for the common options. */
export const COMMON_HELP = `  --db PATH          DuckDB store (default data/quant.duckdb)
  --snapshots DIR    snapshot folder (default snapshots/)
  -h, --help         show this help`;

/** A usage error: printed with the task's help and exit code 2. */
export class UsageError extends Error {}

/** A negative number written as an option value (`-1`, `-0.5`, `-.5`, `-1e-3`). */
const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Joins `--name -1` into `--name=-1` when `--name` takes a value, so negative numbers read as
 * values: node's `parseArgs` would take `-1` for a flag and refuse the option as ambiguous.
 *
 * @example
 * ```ts
 * joinNegativeValues(["--rf", "-0.01", "x"], { rf: { type: "string" } }); // => ["--rf=-0.01", "x"]
 * ```
 */
export function joinNegativeValues(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): string[] {
  const out: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const arg = args[k];
    if (arg === "--") {
      out.push(...args.slice(k));
      break;
    }
    const name = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : undefined;
    const next = args[k + 1];
    if (name && options[name]?.type === "string" && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      k++;
    } else out.push(arg);
  }
  return out;
}

/**
 * Parses task arguments strictly (unknown flags are a `UsageError` naming the flag). Values may be
 * negative numbers written either way: `--x -1` or `--x=-1`.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseTaskArgs(["--db", "x.duckdb", "synthetic"], {});
 * ```
 */
export function parseTaskArgs<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  const all = { ...COMMON_OPTIONS, ...options };
  try {
    return parseArgs({
      args: joinNegativeValues(args, all),
      options: all,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** What a numeric option must be: an integer, and at least / at most a bound. */
export interface NumberRule {
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/**
 * Reads option `--name` as a number: `undefined` when absent, else a finite number obeying `rule`,
 * or a `UsageError` naming the option, what was expected and what was found.
 *
 * @example
 * ```ts
 * numberOption({ lag: "2" }, "lag", { integer: true, min: 0 }); // => 2
 * numberOption({ lag: "-1" }, "lag", { integer: true, min: 0 }); // throws UsageError
 * ```
 */
export function numberOption(
  values: Readonly<Record<string, unknown>>,
  name: string,
  rule: NumberRule = {},
): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const x = typeof text === "string" && text.trim() !== "" ? Number(text) : NaN;
  const { integer = false, min, max } = rule;
  const ok = Number.isFinite(x) && (!integer || Number.isInteger(x)) && (min === undefined || x >= min) &&
    (max === undefined || x <= max);
  if (!ok) {
    const expected = [
      integer ? "an integer" : "a number",
      min !== undefined ? `≥ ${min}` : "",
      max !== undefined ? `≤ ${max}` : "",
    ].filter(Boolean).join(" ");
    throw new UsageError(`--${name} expects ${expected}, found "${text}"`);
  }
  return x;
}

/**
 * Runs a task's `main`, turning `UsageError`s and input errors into a message and an exit code
 * (2 for usage, 1 for failures) instead of a stack trace.
 */
export async function runTask(main: () => Promise<number>, help: string): Promise<number> {
  try {
    return await main();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${help}`);
      return 2;
    }
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
}

/**
 * Passes the chosen store and snapshot folder to notebooks run from this process (the Jupyter
 * kernels inherit the environment; the library's defaults read `QUANTNB_DB` / `QUANTNB_SNAPSHOTS`).
 */
export function shareStoreWithNotebooks(values: { db: string; snapshots: string }): void {
  Deno.env.set("QUANTNB_DB", values.db);
  Deno.env.set("QUANTNB_SNAPSHOTS", values.snapshots);
}
