/**
 * The search benchmarks' case: the default synthetic universe (500 × 2,520) with its sentiment signal
 * as a backtest objective source, and the grids (issue 13: lag × fractile × weights × costs).
 */
import { DEFAULT_SYNTHETIC, loadUniverse, sentimentSignal, simulateUniverse } from "../lib/ingest/mod.ts";
import type { ObjectiveSource } from "../lib/optimize/objective.ts";
import { backtestSource } from "../lib/optimize/objectives/backtest.ts";
import { readPanel } from "../lib/panel/load.ts";
import { knownMatrix } from "../lib/signal/align.ts";
import { openStore } from "../lib/store/db.ts";

/** The backtest of the demo-sized universe's sentiment signal, in shared memory. */
export async function searchCase(): Promise<ObjectiveSource> {
  const universe = simulateUniverse(DEFAULT_SYNTHETIC);
  const store = await openStore(":memory:");
  await loadUniverse(store, universe, DEFAULT_SYNTHETIC);
  const panel = await readPanel(store.conn, { fields: ["ret", "mcap", "value", "beta"] });
  store.close();
  return backtestSource(panel, knownMatrix(panel, sentimentSignal(universe)), "vendor_sentiment");
}

/** 5 lags × 5 fractiles × 2 weights × 8 cost levels = 400 trials. */
export const GRID_400 = {
  lag: [0, 1, 2, 3, 4],
  fractile: [3, 5, 10, "10/90", "20/80"],
  weight: ["equal", "signal"],
  tcBps: [0, 2, 5, 10, 15, 20, 30, 50],
};

/** 5 lags × 5 fractiles × 2 weights × 2 cost levels = 100 trials. */
export const GRID_100 = { ...GRID_400, tcBps: [0, 10] };
