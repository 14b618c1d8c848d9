/**
 * The intraday `loadPanel` of this tree against another tree's (A/B in one process, issue 16's
 * panel target): builds the bench's minute snapshot (100 NYSE securities × 252 sessions, seed 7, as
 * `bench/batch_runner.ts panel`) once in `--dir` (kept for the next run), checks that both trees give
 * bit-identical OHLCV matrices at 1m and 1h, then alternates the two loads round by round and prints
 * the median of the per-round ratios (this / base) for each interval.
 *
 *   git archive main lib | tar -x -C /tmp/quantnb-main
 *   deno run -A bench/bars_panel_ab.ts --base /tmp/quantnb-main [--rounds 5] [--dir /tmp/quantnb-bars-ab]
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { ingestIntraday } from "../lib/bars/ingest.ts";
import { SESSIONS } from "../lib/bars/session.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { openStore } from "../lib/store/db.ts";
import { writeStore } from "../lib/store/write_store.ts";
import { baseTree, sideBySide, summaryLine } from "./_side_by_side.ts";

const { base, rounds } = await baseTree<{ loadPanel: typeof loadPanel }>(
  "bench/bars_panel_ab.ts",
  "lib/panel/load.ts",
);
const dir = parseArgs({ args: Deno.args, options: { dir: { type: "string" } }, strict: false }).values.dir as
  | string
  | undefined ?? "/tmp/quantnb-bars-ab";
const snapshotsDir = join(dir, "snap");
if (!existsSync(join(snapshotsDir, "m"))) {
  await Deno.mkdir(dir, { recursive: true });
  console.error("building the minute snapshot (100 × 252 × 390 bars, ~1 min)…");
  await writeStore(
    join(dir, "q.duckdb"),
    (store) => ingestIntraday(store, SESSIONS.NYSE, { nSecurities: 100, sessions: 252, seed: 7 }),
  );
  const store = await openStore(join(dir, "q.duckdb"));
  await createSnapshot(store, "m", { snapshotsDir });
  store.close();
}
const fields = ["open", "high", "low", "close", "volume"];
const query = (interval: "1m" | "1h") => ({ snapshot: "m", snapshotsDir, interval, fields });

for (const interval of ["1m", "1h"] as const) {
  const ours = await loadPanel(query(interval)), theirs = await base.loadPanel(query(interval));
  if (ours.dates.length !== theirs.dates.length || ours.dates.some((d, t) => d !== theirs.dates[t])) {
    throw new Error(`${interval}: the time axes differ`);
  }
  for (const name of fields) {
    const a = ours.fields[name], b = theirs.fields[name];
    const k = a.findIndex((v, c) => !Object.is(v, b[c]));
    if (a.length !== b.length || k >= 0) throw new Error(`${interval} ${name} differs at cell ${k}`);
  }
}
console.error("matrices bit-identical at 1m and 1h");

/** Wall seconds of one load; its CPU seconds (every thread: DuckDB's too) pushed onto `cpu`. */
const timed = (load: typeof loadPanel, interval: "1m" | "1h", cpu: number[]) => async () => {
  const started = performance.now(), used = process.cpuUsage();
  await load(query(interval));
  const { user, system } = process.cpuUsage(used);
  cpu.push((user + system) / 1e6);
  return (performance.now() - started) / 1000;
};
const lines: string[] = [];
for (const interval of ["1m", "1h"] as const) {
  const ourCpu: number[] = [], baseCpu: number[] = [];
  const result = await sideBySide(
    rounds,
    timed(loadPanel, interval, ourCpu),
    timed(base.loadPanel, interval, baseCpu),
    (r, a, b) =>
      console.error(
        `${interval} round ${r + 1}: this ${a.toFixed(3)} s, base ${b.toFixed(3)} s, ratio ${
          (a / b).toFixed(2)
        }`,
      ),
  );
  lines.push(summaryLine(`loadPanel ${interval} OHLCV, 100 × 252 sessions of 1m bars (wall)`, result));
  // CPU time moves less than wall time on a shared machine (the first entry of each is the warm-up)
  const cpu = { ours: ourCpu.slice(1), reference: baseCpu.slice(1), ratios: [] as number[] };
  cpu.ratios = cpu.ours.map((c, r) => c / cpu.reference[r]);
  lines.push(summaryLine(`loadPanel ${interval} (CPU time, all threads)`, cpu));
}
console.log("| case | this tree | base | ratio (min … max) | rounds |\n| --- | --- | --- | --- | --- |");
console.log(lines.join("\n"));
