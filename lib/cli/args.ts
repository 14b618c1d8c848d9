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

/**
 * Parses task arguments strictly (unknown flags are a `UsageError` naming the flag).
 *
 * @example
 * ```ts
 * const { values, positionals } = parseTaskArgs(["--db", "x.duckdb", "synthetic"], {});
 * ```
 */
export function parseTaskArgs<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
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
