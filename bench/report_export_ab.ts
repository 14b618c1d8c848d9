/**
 * A/B of one notebook's export: this tree's `exportNotebook` (nbclient and nbconvert's HTMLExporter
 * called from one small script) against a base tree's (`jupyter nbconvert --execute`, then
 * `jupyter nbconvert --to html`), alternating round by round; the notebook and the kernel's library
 * are this tree's, so only the export machinery differs. The two pages are checked to show the same
 * cells and outputs (same text with tags dropped, the run-dependent progress times aside).
 * The base tree's page also keeps the untrusted-output boxes (it predates `trustedPage`); those are
 * stripped before the comparison.
 *
 * Run: git archive main | tar -x -C /tmp/quantnb-main-r3 (a tree of main before this change), then
 *   deno run -A bench/report_export_ab.ts --base /tmp/quantnb-main-r3 [--rounds 7]
 */
import { exportNotebook } from "../lib/report/export.ts";
import { trustedPage } from "../lib/report/untrusted.ts";
import { baseTree, median, sideBySide, summaryLine } from "./_side_by_side.ts";

type ExportModule = { exportNotebook: typeof exportNotebook };
const { base, rounds } = await baseTree<ExportModule>("bench/report_export_ab.ts", "lib/report/export.ts");
const notebook = "tests/fixtures/notebooks/smoke.ipynb";
const outDir = await Deno.makeTempDir({ prefix: "quantnb-export-ab-" });

// the base tree's export predates trustedPage, so its page keeps the untrusted boxes the kernel's
// library adds: removed here before comparing
const text = async (path: string) =>
  trustedPage(await Deno.readTextFile(path)).replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]*>/g, " ").replace(/\d+(\.\d+)? ?(ms|s)\b/g, "T").replace(/\s+/g, " ");
const last: Record<string, string> = {};
const timed = (exporter: ExportModule, side: string) => async () => {
  const t0 = performance.now();
  last[side] = (await exporter.exportNotebook(notebook, { outDir: `${outDir}/${side}` })).html;
  return (performance.now() - t0) / 1000;
};
try {
  const result = await sideBySide(
    rounds,
    timed({ exportNotebook }, "ours"),
    timed(base, "base"),
    (r, a, b) => console.log(`round ${r + 1}: ours ${a.toFixed(2)} s, base ${b.toFixed(2)} s`),
  );
  const [a, b] = [await text(last.ours), await text(last.base)];
  if (a !== b) {
    const k = [...a].findIndex((c, i) => c !== b[i]);
    throw new Error(
      `the two exports differ in their visible text at ${k}:\n  ours: …${a.slice(k - 80, k + 80)}\n  base: …${
        b.slice(k - 80, k + 80)
      }`,
    );
  }
  console.log(`load ${(await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ")}`);
  console.log("| export of smoke.ipynb | ours | base | ours / base | rounds |");
  console.log(summaryLine("wall time", result));
  console.log(`saved per export: ${(median(result.reference) - median(result.ours)).toFixed(2)} s (medians)`);
} finally {
  await Deno.remove(outDir, { recursive: true });
}
