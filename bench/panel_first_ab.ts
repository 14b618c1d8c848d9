/**
 * The first `loadPanel` of a process (as `deno task backtest` and every other one-load job does it:
 * nothing kept from an earlier load), this tree against another tree's, A/B round by round: each
 * round runs one fresh process per tree, alternating which goes first, and each process times its
 * one load (wall and CPU) after importing its tree. Same case as `bench/panel_ab.ts` (the 5-field
 * 500 × 2,520 synthetic panel, built once in a temp folder, checked bit-identical there).
 *
 *   git archive main lib | tar -x -C /tmp/quantnb-main
 *   deno run -A bench/panel_first_ab.ts --base /tmp/quantnb-main [--rounds 15]
 */
import { join, resolve } from "node:path";
import { cpuUsage } from "node:process";
import { pathToFileURL } from "node:url";
import type { loadPanel } from "../lib/panel/load.ts";
import { baseTree, median, type SideBySide, sideBySide, summaryLine } from "./_side_by_side.ts";
import { PANEL_BENCH_FIELDS, panelSnapshot } from "./_cases.ts";

if (Deno.args[0] === "--once") {
  // A child: `--once TREE SNAPSHOTS_DIR` loads once and prints `wall cpu` seconds.
  const [, tree, snapshotsDir] = Deno.args;
  const mod: { loadPanel: typeof loadPanel } = await import(
    pathToFileURL(join(resolve(tree), "lib/panel/load.ts")).href
  );
  const started = performance.now(), before = cpuUsage();
  await mod.loadPanel({ snapshot: "panel", snapshotsDir, fields: PANEL_BENCH_FIELDS });
  const { user, system } = cpuUsage(before);
  console.log(`${(performance.now() - started) / 1000} ${(user + system) / 1e6}`);
  Deno.exit(0);
}

const { rounds } = await baseTree<unknown>("bench/panel_first_ab.ts", "lib/panel/load.ts");
const baseDir = resolve(Deno.args[Deno.args.indexOf("--base") + 1]);
const { root, snapshotsDir } = await panelSnapshot("quantnb-panel-first-");

const script = new URL(import.meta.url).pathname;
const thisTree = resolve(join(script, "../.."));
/** One fresh process's first load from `tree`: wall seconds returned, CPU seconds pushed to `cpu`. */
const once = (tree: string, cpu: number[]) => async () => {
  const { stdout, success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, "--once", tree, snapshotsDir],
    cwd: thisTree,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(`child on ${tree} failed: ${new TextDecoder().decode(stderr)}`);
  const [wall, seconds] = new TextDecoder().decode(stdout).trim().split(" ").map(Number);
  cpu.push(seconds);
  return wall;
};
const cpuOurs: number[] = [], cpuBase: number[] = [];
const wall = await sideBySide(rounds, once(thisTree, cpuOurs), once(baseDir, cpuBase), (r, a, b) => {
  console.error(
    `round ${r + 1}: this ${a.toFixed(3)} s, base ${b.toFixed(3)} s, ratio ${(a / b).toFixed(2)}`,
  );
});
await Deno.remove(root, { recursive: true });
// The first entry of each CPU list is its warm-up process, which sideBySide does not count.
const cpu: SideBySide = {
  ours: cpuOurs.slice(1),
  reference: cpuBase.slice(1),
  ratios: cpuOurs.slice(1).map((c, k) => c / cpuBase[k + 1]),
};
console.log("| case | this tree | base | ratio (min … max) | rounds |\n| --- | --- | --- | --- | --- |");
console.log(summaryLine("first loadPanel of a process, 5 fields 500 × 2,520, wall", wall));
console.log(summaryLine("first loadPanel of a process, 5 fields 500 × 2,520, CPU", cpu));
console.error(
  `median CPU: this ${median(cpu.ours).toFixed(3)} s, base ${median(cpu.reference).toFixed(3)} s`,
);
