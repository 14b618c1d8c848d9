/**
 * `loadPanel` of this tree against another tree's (A/B in one process, issue 17 item 2): builds the
 * default synthetic store (500 × 10 years) and its snapshot once in a temp folder, checks that both
 * trees give bit-identical matrices, then alternates the two loads round by round (the 5-field panel:
 * close, ret, mcap, adv, value) and prints the median of the per-round ratios (this / base), of wall
 * time and of the process's CPU time (steadier than wall time while others load the machine).
 *
 *   git archive main lib | tar -x -C /tmp/quantnb-main
 *   deno run -A bench/panel_ab.ts --base /tmp/quantnb-main [--rounds 15]
 */
import { cpuUsage } from "node:process";
import { loadPanel } from "../lib/panel/load.ts";
import { baseTree, sideBySide, summaryLine } from "./_side_by_side.ts";
import { PANEL_BENCH_FIELDS, panelSnapshot } from "./_cases.ts";

const { base, rounds } = await baseTree<{ loadPanel: typeof loadPanel }>(
  "bench/panel_ab.ts",
  "lib/panel/load.ts",
);

const { root, snapshotsDir } = await panelSnapshot("quantnb-panel-ab-");
const query = { snapshot: "panel", snapshotsDir, fields: PANEL_BENCH_FIELDS };

const ours = await loadPanel(query), theirs = await base.loadPanel(query);
for (const name of query.fields) {
  const a = ours.fields[name], b = theirs.fields[name];
  const k = a.findIndex((v, c) => !Object.is(v, b[c]));
  if (a.length !== b.length || k >= 0) throw new Error(`${name} differs at cell ${k}: ${a[k]} vs ${b[k]}`);
}
console.error("matrices bit-identical");

/** The process's CPU seconds so far (user + system, every thread: DuckDB's included). */
const cpuSeconds = () => {
  const { user, system } = cpuUsage();
  return (user + system) / 1e6;
};
/** Wall seconds of each load (returned) and its CPU seconds (pushed to `cpu`). */
const timed = (load: typeof loadPanel, cpu: number[]) => async () => {
  const started = performance.now(), cpuStarted = cpuSeconds();
  await load(query);
  cpu.push(cpuSeconds() - cpuStarted);
  return (performance.now() - started) / 1000;
};
const cpuOurs: number[] = [], cpuBase: number[] = [];
const result = await sideBySide(
  rounds,
  timed(loadPanel, cpuOurs),
  timed(base.loadPanel, cpuBase),
  (r, a, b) => {
    console.error(
      `round ${r + 1}: this ${a.toFixed(3)} s, base ${b.toFixed(3)} s, ratio ${(a / b).toFixed(2)}`,
    );
  },
);
// The first entry of each is its warm-up load, which sideBySide does not count.
const cpu = {
  ours: cpuOurs.slice(1),
  reference: cpuBase.slice(1),
  ratios: cpuOurs.slice(1).map((c, k) => c / cpuBase[k + 1]),
};
await Deno.remove(root, { recursive: true });
console.log("| case | this tree | base | ratio (min … max) | rounds |\n| --- | --- | --- | --- | --- |");
console.log(summaryLine("loadPanel 5 fields 500 × 2,520, wall", result));
console.log(summaryLine("loadPanel 5 fields 500 × 2,520, CPU (user + system)", cpu));
