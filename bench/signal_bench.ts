/**
 * Signal start-up benchmarks (issue 17 item 4): reading AND validating the demo's 1.13 M-row vendor
 * signal (500 names × 10 years, Parquet) against the 500 × 2520 panel — parse, every row check,
 * duplicates, calendar, and the lookahead check at lags 0–2. Target < 0.5 s together.
 *
 *   deno bench -A bench/signal_bench.ts                       # Deno.bench cases
 *   deno run -A bench/signal_bench.ts [--rounds N] [--baseline DIR]
 *
 * The runner alternates, in each round, quantnb's read + validate with DuckDB's own read of the same
 * file into a table (`CREATE TABLE … AS SELECT * FROM read_parquet(…)`, default threads), and
 * reports each one's median and the median of the per-round ratios, plus the process CPU time of
 * quantnb's path (less sensitive to other processes on a busy machine than wall time). `--baseline DIR` (a checkout of
 * an older `lib/`, e.g. `git archive main lib | tar -x -C DIR`) adds that version's read + validate
 * to each round, for a before/after in the same run.
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { openStore } from "../lib/store/db.ts";
import { DEFAULT_SYNTHETIC, loadUniverse, sentimentSignal, simulateUniverse } from "../lib/ingest/mod.ts";
import { readPanel } from "../lib/panel/load.ts";
import type { Panel } from "../lib/panel/types.ts";
import { readSignal, validate, writeSignal } from "../lib/signal/mod.ts";

const root = await Deno.makeTempDir({ prefix: "quantnb-signal-bench-" });
const file = `${root}/demo_signal.parquet`;
const universe = simulateUniverse(DEFAULT_SYNTHETIC);
const store = await openStore(":memory:");
await loadUniverse(store, universe, DEFAULT_SYNTHETIC);
const panel: Panel = await readPanel(store.conn, { fields: ["ret"] });
store.close();
await writeSignal(file, sentimentSignal(universe));

/** quantnb's start-up path: read the file, validate it against the panel at the standard lags. */
async function readAndValidate(
  read: typeof readSignal = readSignal,
  check: typeof validate = validate,
): Promise<number> {
  const parsed = await read(file);
  const result = check(parsed, { panel });
  if (!result.ok) throw new Error("the demo signal should validate");
  return parsed.signal.signal.length;
}

/** DuckDB reading the same Parquet file into a table (the reference). */
async function duckdbRead(): Promise<number> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    await conn.run(`CREATE TABLE s AS SELECT * FROM read_parquet('${file}')`);
    return Number((await conn.runAndReadAll("SELECT count(*) FROM s")).getRowsJS()[0][0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

Deno.bench({
  name: "readSignal + validate, 1.13 M rows (Parquet) vs 500 × 2520, lags 0–2 (target < 0.5 s)",
  n: 7,
  warmup: 1,
  async fn() {
    await readAndValidate();
  },
});

Deno.bench({
  name: "readSignal alone, 1.13 M rows (Parquet)",
  n: 7,
  warmup: 1,
  async fn() {
    await readSignal(file);
  },
});

Deno.bench({
  name: "reference: DuckDB reads the same Parquet into a table",
  n: 7,
  warmup: 1,
  async fn() {
    await duckdbRead();
  },
});

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { rounds: { type: "string", default: "7" }, baseline: { type: "string" } },
  });
  const rounds = Number(values.rounds);
  const baseline = values.baseline
    ? {
      read:
        (await import(`file://${Deno.realPathSync(values.baseline)}/lib/signal/read_signal.ts`)).readSignal,
      check: (await import(`file://${Deno.realPathSync(values.baseline)}/lib/signal/validate.ts`)).validate,
    }
    : undefined;
  const cpu: number[] = [];
  const time = async (fn: () => Promise<unknown>, cpuTimes?: number[]) => {
    const t0 = performance.now(), c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    cpuTimes?.push((c.user + c.system) / 1000);
    return performance.now() - t0;
  };
  const ours: number[] = [], ref: number[] = [], before: number[] = [];
  await readAndValidate(); // warm-up
  await duckdbRead();
  if (baseline) await readAndValidate(baseline.read, baseline.check);
  for (let r = 0; r < rounds; r++) {
    ours.push(await time(() => readAndValidate(), cpu));
    ref.push(await time(duckdbRead));
    if (baseline) before.push(await time(() => readAndValidate(baseline.read, baseline.check)));
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(`rows: ${await readAndValidate()} · rounds: ${rounds}`);
  console.log(`quantnb read + validate: median ${ms(median(ours))} (${ours.map(ms).join(", ")})`);
  console.log(`  its process CPU time (user + system, all threads): median ${ms(median(cpu))}`);
  console.log(`DuckDB read_parquet → table: median ${ms(median(ref))} (${ref.map(ms).join(", ")})`);
  console.log(
    `ratio quantnb / DuckDB (median of per-round ratios): ${
      median(ours.map((o, k) => o / ref[k])).toFixed(2)
    }`,
  );
  if (baseline) {
    console.log(`baseline read + validate: median ${ms(median(before))} (${before.map(ms).join(", ")})`);
    console.log(`ratio quantnb / baseline: ${median(ours.map((o, k) => o / before[k])).toFixed(2)}`);
  }
  await Deno.remove(root, { recursive: true });
} else {
  globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
}
