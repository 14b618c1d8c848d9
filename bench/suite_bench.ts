/**
 * Suite benchmarks: the standard suite (6 variants × (signal + 3 baselines) = 24 backtests, plus
 * baselines and correlations) on the default synthetic universe, 500 × 2520, with 1 and 2 workers.
 *
 *   deno bench -A bench/suite_bench.ts
 */
import { openStore } from "../lib/store/db.ts";
import { DEFAULT_SYNTHETIC, loadUniverse, sentimentSignal, simulateUniverse } from "../lib/ingest/mod.ts";
import { readPanel } from "../lib/panel/load.ts";
import { knownMatrix } from "../lib/signal/align.ts";
import { runSuite } from "../lib/suite/mod.ts";

const universe = simulateUniverse(DEFAULT_SYNTHETIC);
const store = await openStore(":memory:");
await loadUniverse(store, universe, DEFAULT_SYNTHETIC);
const panel = await readPanel(store.conn, { fields: ["ret", "mcap", "value", "beta"] });
store.close();
const known = knownMatrix(panel, sentimentSignal(universe));

for (const workers of [1, 2]) {
  Deno.bench({
    name: `standard suite, 500 × 2520, ${workers} worker${workers > 1 ? "s" : ""}`,
    group: "suite",
    baseline: workers === 1,
    n: 5,
    warmup: 1,
    async fn() {
      await runSuite(panel, { name: "vendor_sentiment", signal: { known } }, "standard", { workers });
    },
  });
}
