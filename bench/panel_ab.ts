/**
 * `loadPanel` of this tree against another tree's (A/B in one process, issue 17 item 2): builds the
 * default synthetic store (500 × 10 years) and its snapshot once in a temp folder, checks that both
 * trees give bit-identical matrices, then alternates the two loads round by round (the 5-field panel:
 * close, ret, mcap, adv, value) and prints the median of the per-round ratios (this / base).
 *
 *   git archive main lib | tar -x -C /tmp/quantnb-main
 *   deno run -A bench/panel_ab.ts --base /tmp/quantnb-main [--rounds 15]
 */
import { join } from "node:path";
import { DEFAULT_SYNTHETIC, generateUniverse } from "../lib/ingest/mod.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { openStore } from "../lib/store/db.ts";
import { writeTables } from "../lib/store/write.ts";
import { baseTree, sideBySide, summaryLine } from "./_side_by_side.ts";

const { base, rounds } = await baseTree<{ loadPanel: typeof loadPanel }>(
  "bench/panel_ab.ts",
  "lib/panel/load.ts",
);

const root = await Deno.makeTempDir({ prefix: "quantnb-panel-ab-" });
const snapshotsDir = join(root, "snapshots");
const store = await openStore(join(root, "store.duckdb"));
await writeTables(store, generateUniverse(), { source: "synthetic", params: { ...DEFAULT_SYNTHETIC } });
await createSnapshot(store, "panel", { snapshotsDir });
store.close();
const query = { snapshot: "panel", snapshotsDir, fields: ["close", "ret", "mcap", "adv", "value"] };

const ours = await loadPanel(query), theirs = await base.loadPanel(query);
for (const name of query.fields) {
  const a = ours.fields[name], b = theirs.fields[name];
  const k = a.findIndex((v, c) => !Object.is(v, b[c]));
  if (a.length !== b.length || k >= 0) throw new Error(`${name} differs at cell ${k}: ${a[k]} vs ${b[k]}`);
}
console.error("matrices bit-identical");

const timed = (load: typeof loadPanel) => async () => {
  const started = performance.now();
  await load(query);
  return (performance.now() - started) / 1000;
};
const result = await sideBySide(rounds, timed(loadPanel), timed(base.loadPanel), (r, a, b) => {
  console.error(
    `round ${r + 1}: this ${a.toFixed(3)} s, base ${b.toFixed(3)} s, ratio ${(a / b).toFixed(2)}`,
  );
});
await Deno.remove(root, { recursive: true });
console.log("| case | this tree | base | ratio (min … max) | rounds |\n| --- | --- | --- | --- | --- |");
console.log(summaryLine("loadPanel 5 fields 500 × 2,520", result));
