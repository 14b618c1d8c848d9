/**
 * The demo's intraday mode: a seeded synthetic B3 market of minute bars (regular session 10:00–17:00
 * São Paulo, see `lib/bars/session.ts`) in its own store, snapshot "intraday", an hourly reversal
 * signal, and a batch file of hourly backtests (a lag matrix) and an hourly strategy portfolio that
 * `runBatchFile` runs and resumes.
 * Idempotent: an existing store is not loaded again, the snapshot is reused while the store is
 * unchanged, and the batch skips the runs already recorded.
 */
import { dirname } from "node:path";
import { ingestIntraday } from "../bars/ingest.ts";
import { SESSIONS } from "../bars/session.ts";
import { loadPanel } from "../panel/load.ts";
import type { Panel } from "../panel/types.ts";
import type { Manifest } from "../snapshot/manifest.ts";
import { openStore } from "../store/db.ts";
import { writeStore } from "../store/write_store.ts";
import { statOrUndefined, writeFileAtomic } from "../util/atomic.ts";
import { demoSnapshot, type TableStats, tableStats } from "./build.ts";

/** The synthetic intraday market of the demo: 30 B3 securities × 40 sessions of minute bars, seed 42. */
export const INTRADAY_DEMO = { nSecurities: 30, sessions: 40, seed: 42 } as const;

/** Where the intraday demo goes. */
export interface IntradayDemoPaths {
  /** Its store (default data/intraday.duckdb, apart from the daily demo's). */
  readonly db?: string;
  readonly snapshotsDir?: string;
  /** The hourly signal (default data/intraday_signal.csv); the batch file goes beside it. */
  readonly signalFile?: string;
  readonly log?: (line: string) => void;
}

/** What `buildIntradayDemo` made. */
export interface IntradayDemo {
  readonly manifest: Manifest;
  readonly tables: TableStats[];
  readonly signalFile: string;
  readonly batchFile: string;
}

/**
 * Hourly reversal: each bar's return, negated, known at its close and so dated at the next bar's
 * start (an ISO timestamp in `date_sig`); a CSV of `security_id,date_sig,signal`.
 *
 * @example
 * ```ts
 * reversalSignalCsv(await loadPanel({ snapshot: "intraday", interval: "1h", fields: ["ret"] }));
 * ```
 */
export function reversalSignalCsv(panel: Panel): string {
  const nS = panel.securityIds.length, ret = panel.fields.ret;
  const lines = ["security_id,date_sig,signal"];
  for (let t = 1; t + 1 < panel.dates.length; t++) {
    const known = new Date(panel.dates[t + 1]).toISOString();
    for (let i = 0; i < nS; i++) {
      const r = ret[t * nS + i];
      if (Number.isFinite(r)) lines.push(`${panel.securityIds[i]},${known},${-r}`);
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * The demo's batch: hourly backtests of the reversal signal at lags 0 and 1 bar, without costs and
 * at 10 bps (the random-walk market has no reversal to find; the costs of hourly turnover show), and
 * the short-term reversal strategy as an hourly portfolio (3-bar lookback, rebalanced at each
 * session's last bar, B3 lots, costs and taxes, cash at 10.75% a year accrued once per session).
 */
function batchText(snapshotsDir: string, signalFile: string): string {
  return `name: intraday
description: hourly reversal on the synthetic B3 minute bars (deno task demo --intraday)
snapshots: ${snapshotsDir}
defaults:
  snapshot: intraday
  interval: 1h
jobs:
  - kind: backtest
    job: reversal-1h-lag{lag}-tc{tc-bps}
    signal: ${signalFile}
    mincos: 5
    fractile: [30, 70]
    matrix:
      lag: [0, 1]
      tc-bps: [0, 10]
  - kind: strategy
    job: reversal-portfolio-1h
    strategy: short_term_reversal
    param: [lookback=3, top_n=5]
    schedule: daily
    lot: 100
    commission-bps: 5
    cash-rate: 0.1075
    tax: brazil
`;
}

/**
 * Builds the intraday demo (see the module doc) and writes its signal and batch file.
 *
 * @example
 * ```ts
 * const { batchFile } = await buildIntradayDemo();
 * await runBatchFile(batchFile, { workers: 0 });
 * ```
 */
export async function buildIntradayDemo(paths: IntradayDemoPaths = {}): Promise<IntradayDemo> {
  const {
    db = "data/intraday.duckdb",
    snapshotsDir = "snapshots",
    signalFile = "data/intraday_signal.csv",
    log = () => {},
  } = paths;
  if (await statOrUndefined(db)) log(`intraday store ${db} exists; not loading it again`);
  else {
    log(
      `generating ${INTRADAY_DEMO.nSecurities} B3 securities × ${INTRADAY_DEMO.sessions} sessions of minute bars…`,
    );
    await writeStore(db, (store) => ingestIntraday(store, SESSIONS.B3, INTRADAY_DEMO), { log });
  }
  const store = await openStore(db, { readOnly: true });
  let manifest: Manifest, tables: TableStats[];
  try {
    tables = await tableStats(store);
    manifest = await demoSnapshot(store, snapshotsDir, log, "intraday");
  } finally {
    store.close();
  }
  const hourly = await loadPanel({ snapshot: "intraday", snapshotsDir, interval: "1h", fields: ["ret"] });
  await Deno.mkdir(dirname(signalFile), { recursive: true });
  await writeFileAtomic(signalFile, reversalSignalCsv(hourly));
  const batchFile = `${dirname(signalFile)}/intraday_batch.yaml`;
  await writeFileAtomic(batchFile, batchText(snapshotsDir, signalFile));
  return { manifest, tables, signalFile, batchFile };
}
