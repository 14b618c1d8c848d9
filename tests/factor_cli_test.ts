// deno task factor end to end on a small synthetic snapshot: tables, JSON, the tear sheet's sections
// and charts, and usage errors. The numbers themselves are pinned in factor_test.ts; here the JSON
// must agree with analyzeFactor() on the same panel.

import { deepEqual, equal, match, ok } from "node:assert/strict";
import { main } from "../lib/cli/factor.ts";
import { analyzeFactor } from "../lib/factor/mod.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { readSignal } from "../lib/signal/mod.ts";
import { capture } from "./fixtures/capture.ts";
import { syntheticSnapshot } from "./fixtures/synthetic_snapshot.ts";
import { assertNear } from "./fixtures/metrics/near.ts";

Deno.test("deno task factor prints Alphalens' tables, writes the tear sheet and checks its usage", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await syntheticSnapshot(dir, { nSecurities: 60, years: 1, seed: 5, sentiment: 0.05 });
    const args = ["--snapshot", "s", "--snapshots", `${dir}/snap`, "--signal", `${dir}/sig.parquet`];

    await t.step("--json agrees with analyzeFactor() on the same panel", async () => {
      const { code, out } = await capture(() =>
        main([...args, "--by", "industry", "--out", `${dir}/fa.html`, "--json"])
      );
      equal(code, 0);
      const json = JSON.parse(out);
      deepEqual(Object.keys(json), [
        "signal",
        "loss",
        "warnings",
        "quantileStats",
        "returns",
        "information",
        "turnover",
        "tearsheet",
      ]);
      equal(json.signal, "vendor_sentiment");
      deepEqual(json.information.map((r: { metric: string }) => r.metric), [
        "IC Mean",
        "IC Std.",
        "Risk-Adjusted IC",
        "t-stat(IC)",
        "p-value(IC)",
        "IC Skew",
        "IC Kurtosis",
      ]);
      const panel = await loadPanel({
        snapshot: "s",
        snapshotsDir: `${dir}/snap`,
        fields: ["adj_close", "ret"],
      });
      const { signal } = await readSignal(`${dir}/sig.parquet`);
      const fa = analyzeFactor(panel, signal, { groupBy: "industry" });
      for (const [k, label] of ["1D", "5D", "10D"].entries()) {
        assertNear(json.information[0][label], fa.information[k].summary.mean, 1e-15, `IC mean ${label}`);
        assertNear(json.returns[4][label], fa.returns[k].spread.mean * 1e4, 1e-12, `spread ${label}`);
      }
      ok(fa.information[1].summary.mean > 0, "the sentiment signal predicts 5-day returns");
      equal(json.tearsheet, `${dir}/fa.html`);
    });

    await t.step("the tear sheet has every section and one <svg> per chart", async () => {
      const html = await Deno.readTextFile(`${dir}/fa.html`);
      for (
        const id of ["fa-returns", "fa-information", "fa-turnover", "fa-groups", "fa-events", "fa-quantiles"]
      ) {
        match(html, new RegExp(`<section id="${id}">`));
      }
      // returns: bars, 2 cumulative, 3 spreads; information: 3 × (IC, histogram, Q-Q) + heatmap;
      // turnover: 3 + autocorrelation; groups: 2; events: 1 ⇒ 6 + 10 + 4 + 2 + 1 = 23
      equal((html.match(/<svg\b/g) ?? []).length, 23);
      equal(/src="http|href="http/.test(html), false, "self-contained");
    });

    await t.step("tables on the terminal", async () => {
      const { code, out } = await capture(() =>
        main([...args, "--periods", "1,5", "--quantiles", "4", "--out", "none"])
      );
      equal(code, 0);
      match(out, /Returns analysis\nmetric\s+1D\s+5D\n/);
      match(out, /Quantile 4 Mean Turnover/);
      match(out, /Mean Factor Rank Autocorrelation/);
    });

    await t.step("usage errors exit 2 with the reason", async () => {
      const both = await capture(() => main([...args, "--quantiles", "5", "--bins", "3"]));
      equal(both.code, 2);
      match(both.err, /either --quantiles or --bins/);
      const noGroup = await capture(() => main([...args, "--group-neutral"]));
      equal(noGroup.code, 2);
      match(noGroup.err, /need --by industry/);
      equal((await capture(() => main(["--signal", `${dir}/sig.parquet`]))).code, 2);
      equal((await capture(() => main(["--help"]))).code, 0);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
