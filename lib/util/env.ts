/**
 * A setting from the environment, or `fallback` when unset or when env access is not permitted.
 * `deno task report` sets `QUANTNB_DB` and `QUANTNB_SNAPSHOTS` so notebooks it executes read the
 * store and snapshots chosen with `--db` and `--snapshots`.
 *
 * @example
 * ```ts
 * envOr("QUANTNB_DB", "data/quant.duckdb"); // => "data/quant.duckdb" unless QUANTNB_DB is set
 * ```
 */
export function envOr(name: string, fallback: string): string {
  try {
    return Deno.env.get(name) || fallback;
  } catch {
    return fallback;
  }
}
