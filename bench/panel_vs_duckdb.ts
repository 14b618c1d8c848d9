/**
 * Panel load next to DuckDB's own scan of the same Parquet columns (issue 17: ≤ 0.40 s for the
 * 5-field 500 × 2,520 panel). Builds the default synthetic store (500 × 10 years) and its snapshot
 * once in a temp folder, then alternates, round by round:
 * - quantnb: `loadPanel({ fields: close, ret, mcap, adv, value })` — open the snapshot, place every
 *   row in the dense matrices, derive the adjusted returns;
 * - DuckDB: a fresh in-memory instance materializing the columns that load reads
 *   (`prices`: security_id, date, open, close; `descriptors`: security_id, date, mcap, adv, value)
 *   from the same files into tables, without handing anything to JavaScript.
 * Prints each round and the medians with the median of the per-round ratios.
 *
 *   deno run -A bench/panel_vs_duckdb.ts [--rounds 9]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { loadPanel } from "../lib/panel/load.ts";
import { sideBySide, summaryLine } from "./_side_by_side.ts";
import { PANEL_BENCH_FIELDS, panelSnapshot } from "./_cases.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "9" }, help: { type: "boolean", default: false } },
});
if (values.help) {
  console.log("Usage: deno run -A bench/panel_vs_duckdb.ts [--rounds R]");
  Deno.exit(0);
}

const { root, snapshotsDir } = await panelSnapshot("quantnb-panel-bench-");
const dir = join(snapshotsDir, "panel");

async function ours(): Promise<number> {
  const started = performance.now();
  const panel = await loadPanel({ snapshot: "panel", snapshotsDir, fields: PANEL_BENCH_FIELDS });
  const seconds = (performance.now() - started) / 1000;
  if (panel.dates.length * panel.securityIds.length !== 2520 * 500) throw new Error("unexpected panel shape");
  return seconds;
}

async function duckdb(): Promise<number> {
  const started = performance.now();
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  await conn.run(
    `CREATE TABLE p AS SELECT security_id, date, open, close FROM read_parquet('${
      join(dir, "prices.parquet")
    }')`,
  );
  await conn.run(
    `CREATE TABLE d AS SELECT security_id, date, mcap, adv, value FROM read_parquet('${
      join(dir, "descriptors.parquet")
    }')`,
  );
  conn.closeSync();
  instance.closeSync();
  return (performance.now() - started) / 1000;
}

const result = await sideBySide(Number(values.rounds), ours, duckdb, (r, a, b) => {
  console.error(
    `round ${r + 1}: loadPanel ${a.toFixed(3)} s, DuckDB scan ${b.toFixed(3)} s, ratio ${(a / b).toFixed(2)}`,
  );
});
await Deno.remove(root, { recursive: true });
console.log("| case | quantnb | DuckDB | ratio (min … max) | rounds |\n| --- | --- | --- | --- | --- |");
console.log(summaryLine("5-field panel 500 × 2,520 vs DuckDB scan of its columns", result));
