/**
 * Batch runner and intraday panel figures (BENCHMARKS.md, "Batch runs, queue and intraday bars"):
 *
 * - `batch`: 200 small backtest jobs (80 securities × 2 years, lag 0–4 × tc-bps 0–39) through the
 *   local runner with 2 worker processes, and the same batch through Redis (Debian's redis-server on
 *   loopback) with two `deno task worker` processes started beforehand; rounds alternate the two, each
 *   into a fresh run registry. Worker time per job = wall × 2 workers / 200; the overhead is reported
 *   beyond two baselines timed in this process: the backtest engine alone on the loaded panel (the
 *   same 200 configs), and the job alone as a worker runs it (`executeJob`: parse, identity, the
 *   backtest, its run folder and tear sheet — what `deno task backtest` does), so the second overhead
 *   is what the batch adds (worker processes, dispatch, logs, events, summary). The batch in this
 *   process (`--workers 0`) is timed once too.
 * - `panel`: a 1-minute panel of 100 NYSE securities × 252 sessions (9.8 M bars) in a snapshot, loaded
 *   at 1m, and loaded at 1h (read and aggregated on load). (No pandas side by side: Debian's pandas
 *   here has no Parquet engine, and reading 9.8 M rows of CSV would measure the CSV reader.)
 *
 * deno run -A bench/batch_runner.ts [batch|panel] [--rounds 3] [--jobs 200]
 */
import { parseArgs } from "node:util";
import { ingestIntraday } from "../lib/bars/ingest.ts";
import { SESSIONS } from "../lib/bars/session.ts";
import { backtest } from "../lib/engine/backtest.ts";
import { loadBatch, runBatchFile } from "../lib/jobs/batch.ts";
import { createJobCache } from "../lib/jobs/cache.ts";
import { executeJob } from "../lib/jobs/execute.ts";
import { jobMessage } from "../lib/jobs/run_batch.ts";
import { readLines } from "../lib/jobs/lines.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { readSignal } from "../lib/signal/read_signal.ts";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { openStore } from "../lib/store/db.ts";
import { writeStore } from "../lib/store/write_store.ts";
import { startRedis } from "../tests/fixtures/jobs/redis.ts";
import { jobsWorld, runFolders } from "../tests/fixtures/jobs/world.ts";
import { median } from "./_side_by_side.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "3" }, jobs: { type: "string", default: "200" } },
  allowPositionals: true,
});
const parts = positionals.length ? positionals : ["batch", "panel"];
const rounds = Number(values.rounds);
const nJobs = Number(values.jobs);
const WORKER_CLI = new URL("../lib/cli/worker.ts", import.meta.url).pathname;
const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;

/** A `deno task worker` process, resolved once it says it is ready. */
async function startWorker(url: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER_CLI, "--queue", url, "--concurrency", "1"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines = readLines(child.stderr)[Symbol.asyncIterator]();
  for (;;) {
    const { value, done } = await lines.next();
    if (done) throw new Error("worker exited before it was ready");
    if (value.startsWith("worker ")) break;
  }
  const draining = (async () => {
    for (;;) if ((await lines.next()).done) break;
  })();
  return {
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await draining;
    },
  };
}

async function batchPart() {
  const w = await jobsWorld();
  const lags = 5, costs = Math.ceil(nJobs / lags);
  const batch = await w.file(
    "bench.yaml",
    `name: bench
snapshots: ${w.snapshotsDir}
defaults: { snapshot: s, signal: ${w.signal} }
jobs:
  - kind: backtest
    job: lag{lag}-tc{tc-bps}
    matrix:
      lag: [${Array.from({ length: lags }, (_, k) => k).join(", ")}]
      tc-bps: [${Array.from({ length: costs }, (_, k) => k).join(", ")}]
`,
  );
  // the backtest itself: the same configs on the panel and signal loaded once, in this process
  const panel = await loadPanel({
    snapshot: "s",
    snapshotsDir: w.snapshotsDir,
    fields: ["ret", "mcap", "value", "beta"],
  });
  const { signal } = await readSignal(w.signal);
  const configs = Array.from(
    { length: lags * costs },
    (_, k) => ({ lag: Math.floor(k / costs), tcBps: k % costs }),
  );
  for (const c of configs.slice(0, 20)) backtest(panel, signal, c); // warm-up
  const t0 = performance.now();
  for (const c of configs) backtest(panel, signal, c);
  const perBacktest = (performance.now() - t0) / 1000 / configs.length;
  console.log(
    `${configs.length} jobs; the backtest alone: ${ms(perBacktest)} each (in process, panel loaded)`,
  );

  // the job itself as a worker runs it (executeJob: parse, identity, backtest, run folder, tear
  // sheet), one after another in this process with one cache: no batch, no worker process
  const recordedAlone = async (runsDir: string, count: number) => {
    const plan = await loadBatch(batch, { runsDir });
    const cache = createJobCache();
    const t = performance.now();
    for (const job of plan.jobs.slice(0, count)) {
      const reply = await executeJob(jobMessage(plan, job), { cache, log: () => {}, progress: () => {} });
      if (reply.status !== "completed" || reply.reused) {
        throw new Error(`job ${job.spec.name}: ${reply.error}`);
      }
    }
    return (performance.now() - t) / 1000 / count;
  };
  await recordedAlone(`${w.dir}/runs-alone-warm-up`, 20);
  const perJobAlone = await recordedAlone(`${w.dir}/runs-alone`, configs.length);
  console.log(
    `the job alone (executeJob in this process, run recorded with its tear sheet): ${ms(perJobAlone)} each`,
  );

  const redis = await startRedis();
  const workers = [await startWorker(redis.url), await startWorker(redis.url)];
  let registry = 0;
  const run = async (queue: boolean, workers = 2) => {
    const runsDir = `${w.dir}/runs-${registry++}`;
    const t = performance.now();
    const result = await runBatchFile(batch, {
      runsDir,
      batchDir: `${w.dir}/out-${registry}`,
      minFreeBytes: 0,
      ...(queue ? { queue: redis.url } : { workers }),
    });
    const seconds = (performance.now() - t) / 1000;
    if (result.counts.completed !== configs.length || runFolders(runsDir).length !== configs.length) {
      throw new Error(`expected ${configs.length} runs, found ${runFolders(runsDir).length}`);
    }
    return seconds;
  };
  try {
    const local: number[] = [], queued: number[] = [], ratios: number[] = [];
    await run(false); // warm-up (module caches)
    // the job itself, in this process (recording and tear sheet included, no worker processes)
    const alone = (await run(false, 0)) / configs.length;
    console.log(`one job in this process (batch with --workers 0): ${ms(alone)} each`);
    for (let r = 0; r < rounds; r++) {
      let l: number, q: number;
      if (r % 2 === 0) (l = await run(false), q = await run(true));
      else (q = await run(true), l = await run(false));
      local.push(l);
      queued.push(q);
      ratios.push(q / l);
      const perJob = (l * 2) / configs.length;
      console.log(
        `round ${r + 1}: local 2 workers ${l.toFixed(2)} s (${ms(perJob)} worker time per job; the batch's ` +
          `overhead ${ms(perJob - perJobAlone)}, beyond the engine call ${ms(perJob - perBacktest)}) · ` +
          `Redis 2 workers ${q.toFixed(2)} s · ratio ${(q / l).toFixed(2)}`,
      );
    }
    const l = median(local), perJob = (l * 2) / configs.length;
    console.log(
      `median: local ${l.toFixed(2)} s → ${ms(perJob)} per job; the batch's overhead (beyond the job alone) ${
        ms(perJob - perJobAlone)
      }, beyond the engine call ${ms(perJob - perBacktest)}; Redis ${
        median(queued).toFixed(2)
      } s; Redis / local (median of per-round ratios) ${median(ratios).toFixed(2)}`,
    );
  } finally {
    for (const worker of workers) await worker.stop();
    await redis.stop();
    await Deno.remove(w.dir, { recursive: true });
  }
}

async function panelPart() {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-bench-bars-" });
  const t0 = performance.now();
  await writeStore(
    `${dir}/q.duckdb`,
    (store) => ingestIntraday(store, SESSIONS.NYSE, { nSecurities: 100, sessions: 252, seed: 7 }),
  );
  const store = await openStore(`${dir}/q.duckdb`);
  await createSnapshot(store, "m", { snapshotsDir: `${dir}/snap` });
  store.close();
  console.log(
    `ingest + snapshot of 100 × 252 × 390 minute bars: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const fields = ["open", "high", "low", "close", "volume"];
  const time = async (interval: "1m" | "1h") => {
    const t = performance.now();
    const panel = await loadPanel({ snapshot: "m", snapshotsDir: `${dir}/snap`, interval, fields });
    return { seconds: (performance.now() - t) / 1000, bars: panel.dates.length };
  };
  await time("1h"); // warm-up
  const minute: number[] = [], hourly: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const m = await time("1m");
    const h = await time("1h");
    minute.push(m.seconds);
    hourly.push(h.seconds);
    console.log(
      `round ${r + 1}: 1m panel ${m.seconds.toFixed(2)} s (${m.bars} bars) · 1h panel (read + aggregate) ${
        h.seconds.toFixed(2)
      } s (${h.bars} bars)`,
    );
  }
  console.log(
    `median: 1m load ${median(minute).toFixed(2)} s; 1h load+aggregate ${median(hourly).toFixed(2)} s`,
  );
  await Deno.remove(dir, { recursive: true });
}

if (parts.includes("batch")) await batchPart();
if (parts.includes("panel")) await panelPart();
