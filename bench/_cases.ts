/**
 * Seeded random panels shared by the engine benchmarks and the side-by-side runners, and the synthetic
 * snapshot the panel-load runners read.
 */
import { join } from "node:path";
import { DEFAULT_SYNTHETIC, generateUniverse } from "../lib/ingest/mod.ts";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { openStore } from "../lib/store/db.ts";
import { writeTables } from "../lib/store/write.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import type { Panel } from "../lib/panel/types.ts";
import { createRng } from "../lib/util/rng.ts";

/** A benchmark panel, its known-signal matrix and each security's industry code (0..9). */
export interface RandomCase {
  panel: Panel;
  known: Float64Array;
  groups: Int32Array;
}

/**
 * A random daily panel with ret, mcap, value, beta and 10 industries, and a known-signal matrix
 * weakly predictive of the next day's return, with 5% of cells missing in each.
 */
export function randomCase(nT: number, nS: number, seed: number): RandomCase {
  const rng = createRng(seed);
  const cells = nT * nS;
  const ret = new Float64Array(cells), mcap = new Float64Array(cells);
  const value = new Float64Array(cells), beta = new Float64Array(cells), known = new Float64Array(cells);
  for (let c = 0; c < cells; c++) {
    ret[c] = rng.uniform() < 0.05 ? NaN : 0.02 * rng.normal();
    mcap[c] = Math.exp(22 + 1.5 * rng.normal());
    value[c] = rng.normal();
    beta[c] = 1 + 0.3 * rng.normal();
  }
  for (let c = 0; c < cells; c++) {
    const next = c + nS < cells ? ret[c + nS] : NaN;
    known[c] = rng.uniform() < 0.05 ? NaN : (Number.isFinite(next) ? next / 0.02 : 0) * 0.1 + rng.normal();
  }
  const day = 86_400_000;
  const groups = Int32Array.from({ length: nS }, (_, i) => i % 10);
  const panel = makePanel({
    dates: Array.from({ length: nT }, (_, t) => Date.UTC(2010, 0, 4) + t * day),
    securityIds: Array.from({ length: nS }, (_, i) => `S${String(i).padStart(5, "0")}`),
    industries: Array.from(groups, (g) => `IND${g}`),
    fields: { ret, mcap, value, beta },
  });
  return { panel, known, groups };
}

/** The 5 fields the panel-load runners read: the "5-field panel". */
export const PANEL_BENCH_FIELDS = ["close", "ret", "mcap", "adv", "value"];

/**
 * The default synthetic store (500 × 10 years) and its snapshot `panel`, built in a new temp folder
 * `root` (the caller removes it); `snapshotsDir` holds the snapshot.
 */
export async function panelSnapshot(prefix: string): Promise<{ root: string; snapshotsDir: string }> {
  const root = await Deno.makeTempDir({ prefix });
  const snapshotsDir = join(root, "snapshots");
  const store = await openStore(join(root, "store.duckdb"));
  try {
    await writeTables(store, generateUniverse(), { source: "synthetic", params: { ...DEFAULT_SYNTHETIC } });
    await createSnapshot(store, "panel", { snapshotsDir });
  } finally {
    store.close();
  }
  return { root, snapshotsDir };
}
