/**
 * Foundation benchmarks (issue 2): generate + store the default universe, ingest a 1M-row CSV,
 * snapshot the default store, load a 5-field panel of 500 × 2520.
 *
 * Targets: generate+store < 10 s, 1M-row CSV < 3 s, snapshot < 3 s, panel < 0.5 s.
 * Run: `deno bench -A bench/foundation_bench.ts`. Everything is written under a temp folder.
 */
import { DEFAULT_SYNTHETIC, generateUniverse, ingestFile } from "../lib/ingest/mod.ts";
import { openStore, type Store } from "../lib/store/db.ts";
import { writeTables } from "../lib/store/write.ts";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { loadPanel } from "../lib/panel/load.ts";

const root = await Deno.makeTempDir({ prefix: "quantnb-foundation-bench-" });
const snapshotsDir = `${root}/snapshots`;
let runs = 0;
const fresh = (name: string) => `${root}/${name}-${++runs}`;

/** Generates the default universe into a new store at `db` and returns the open store. */
async function buildDefaultStore(db: string): Promise<Store> {
  const store = await openStore(db);
  await writeTables(store, generateUniverse(), { source: "synthetic", params: { ...DEFAULT_SYNTHETIC } });
  return store;
}

// Setup, outside the timed regions: the default store (kept open for the snapshot bench), one
// snapshot of it for the panel bench, and the 1M-row CSV (1,000 securities × 1,000 days) written by DuckDB.
const defaultStore = await buildDefaultStore(`${root}/default.duckdb`);
await createSnapshot(defaultStore, "panel", { snapshotsDir });
const csv = `${root}/prices_1m.csv`;
await defaultStore.conn.run(`COPY (
    SELECT 'S' || lpad(s::VARCHAR, 4, '0') AS security_id, DATE '2020-01-01' + d::INTEGER AS date,
      c * 0.995 AS open, c * 1.01 AS high, c * 0.99 AS low, c AS close, 1000 + s * 10 + d AS volume
    FROM (SELECT s, d, 20 + (s * 7 + d * 13) % 80 + 0.25 AS c FROM range(1000) a(s), range(1000) b(d))
    ORDER BY security_id, date)
  TO '${csv}' (HEADER, DELIMITER ',')`);

Deno.bench({
  name: `generate + store ${DEFAULT_SYNTHETIC.nSecurities} × ${DEFAULT_SYNTHETIC.years}y (target < 10 s)`,
  n: 3,
  warmup: 0,
  async fn() {
    (await buildDefaultStore(fresh("gen.duckdb"))).close();
  },
});

Deno.bench({
  name: "ingest 1M-row CSV into a fresh store (target < 3 s)",
  n: 3,
  warmup: 0,
  async fn(b) {
    const store = await openStore(fresh("csv.duckdb"));
    b.start();
    const r = await ingestFile(store, csv);
    b.end();
    store.close();
    if (r.rows !== 1_000_000) throw new Error(`expected 1,000,000 rows, loaded ${r.rows}`);
  },
});

Deno.bench({
  name: "snapshot the default store (target < 3 s)",
  n: 3,
  warmup: 0,
  async fn() {
    await createSnapshot(defaultStore, `s${++runs}`, { snapshotsDir });
  },
});

Deno.bench({
  name: "load a 5-field panel 500 × 2520 from a snapshot (target < 0.5 s)",
  n: 5,
  warmup: 1,
  async fn() {
    const panel = await loadPanel({
      snapshot: "panel",
      snapshotsDir,
      fields: ["close", "ret", "mcap", "adv", "value"],
    });
    if (panel.securityIds.length * panel.dates.length !== 500 * 2520) {
      throw new Error(`expected 500 × 2520, found ${panel.securityIds.length} × ${panel.dates.length}`);
    }
  },
});

globalThis.addEventListener("unload", () => {
  defaultStore.close();
  Deno.removeSync(root, { recursive: true });
});
