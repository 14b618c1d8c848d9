import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { main } from "../lib/cli/batch.ts";
import { main as portfolioMain } from "../lib/cli/portfolio.ts";
import { main as pythonMain } from "../lib/cli/python.ts";
import { BatchFileError, parseBatchText } from "../lib/jobs/batch_file.ts";
import { expandBatch } from "../lib/jobs/batch_spec.ts";
import { JOB_KINDS } from "../lib/jobs/kinds/mod.ts";
import { SESSIONS } from "../lib/bars/session.ts";
import { getRun } from "../lib/track/get_run.ts";
import { readDaily } from "../lib/track/read_daily.ts";
import { capture } from "./fixtures/capture.ts";
import { startRedis, startWorker } from "./fixtures/jobs/redis.ts";
import { batchArgs, type JobsWorld, jobsWorld, runFolders } from "./fixtures/jobs/world.ts";
import { intradaySnapshot } from "./fixtures/synthetic_snapshot.ts";

/** The `line:col: message` lines of the error a batch text raises. */
function problems(text: string): string[] {
  try {
    expandBatch(parseBatchText(text, "b.yaml"), JOB_KINDS);
  } catch (error) {
    if (error instanceof BatchFileError) return error.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
    throw error;
  }
  throw new Error("expected a BatchFileError");
}

interface JobRow {
  job: string;
  status: string;
  run_id: string | null;
  config_hash: string | null;
  error: string | null;
}

Deno.test("timeseries and portfolio jobs: the task's runs, dependencies first, resumed exactly", async (t) => {
  const w = await jobsWorld();
  const batch = await w.file(
    "book.yaml",
    `defaults: { snapshot: s }
jobs:
  - kind: portfolio
    job: book
    streams: ["sma-*", bt]
    methods: [equal_weight, inverse_vol]
    lookback: 126
  - kind: timeseries
    job: sma-{param}
    plugin: example_sma
    fees-bps: 5
    matrix: { param: [[fast=5, slow=20], [fast=10, slow=40]] }
  - kind: backtest
    job: bt
    signal: ${w.signal}
`,
  );
  const order = ["sma-fast=5,slow=20", "sma-fast=10,slow=40", "bt", "book"];
  await t.step("--dry-run lists the dependencies first, the portfolio after them, unplanned", async () => {
    const { code, out } = await capture(() => main([...batchArgs(w, batch), "--dry-run", "--json"]));
    assertEquals(code, 0, out);
    const rows = JSON.parse(out).jobs as { job: string; after: string; config_hash: string }[];
    assertEquals(rows.map((r) => r.job), order);
    assertEquals(rows[3].after, "sma-fast=5,slow=20, sma-fast=10,slow=40, bt");
    assertEquals(rows[3].config_hash, "(after its dependencies)");
  });
  await t.step(
    "--only the portfolio also runs the streams it reads, first; --only a stream runs it alone",
    async () => {
      const toRun = async (pattern: string) => {
        const { code, out } = await capture(() =>
          main([...batchArgs(w, batch), "--dry-run", "--only", pattern, "--json"])
        );
        assertEquals(code, 0, out);
        return (JSON.parse(out).jobs as { job: string; run: string }[]).filter((r) => r.run === "yes").map((
          r,
        ) => r.job);
      };
      assertEquals(await toRun("book"), order);
      assertEquals(await toRun("bt"), ["bt"]);
    },
  );
  let jobs: JobRow[] = [];
  await t.step("the batch runs the streams, then the portfolio over their runs", async () => {
    const { code, out } = await capture(() => main([...batchArgs(w, batch), "--workers", "2", "--json"]));
    assertEquals(code, 0, out);
    jobs = JSON.parse(out).jobs;
    assertEquals(jobs.map((j) => [j.job, j.status]), order.map((j) => [j, "completed"]));
    // the portfolio started only after each of its three streams completed (events.jsonl order)
    const events = (await Deno.readTextFile(`${w.dir}/out/events.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l) as { name: string; status: string }
    );
    const at = (name: string, status: string) =>
      events.findIndex((e) => e.name === name && e.status === status);
    for (const dep of order.slice(0, 3)) assert(at(dep, "completed") < at("book", "running"), dep);
  });
  await t.step("a timeseries job records the run deno task python strategy run records", async () => {
    const { code, out } = await capture(() =>
      pythonMain([
        ...["strategy", "run", "example_sma", "--snapshot", "s", "--snapshots", w.snapshotsDir],
        ...["--runs", `${w.dir}/direct`, "--param", "fast=5", "--param", "slow=20", "--fees-bps", "5"],
        "--json",
      ])
    );
    assertEquals(code, 0, out);
    const direct = await getRun(JSON.parse(out).run_id, { runsDir: `${w.dir}/direct` });
    const batched = await getRun(jobs[0].run_id!, { runsDir: w.runsDir });
    assertEquals([batched.kind, batched.config_hash], ["timeseries", direct.config_hash]);
    assertEquals(batched.metrics, direct.metrics);
    assertEquals((batched.params as { fast: number; slow: number }).fast, 5);
    const slower = await getRun(jobs[1].run_id!, { runsDir: w.runsDir });
    assert(slower.metrics.n_trades < batched.metrics.n_trades, "a 10/40 crossover trades less than 5/20");
  });
  await t.step("the portfolio job records the run deno task portfolio records over those runs", async () => {
    const book = await getRun(jobs[3].run_id!, { runsDir: w.runsDir });
    const ids = jobs.slice(0, 3).map((j) => j.run_id!).join(",");
    const { code, out } = await capture(() =>
      portfolioMain([
        ...["--run-ids", ids, "--methods", "equal_weight,inverse_vol", "--lookback", "126"],
        ...["--runs", w.runsDir, "--force", "--json"],
      ])
    );
    assertEquals(code, 0, out);
    const direct = await getRun(JSON.parse(out).run_id, { runsDir: w.runsDir });
    assert(direct.run_id !== book.run_id);
    assertEquals([book.kind, book.config_hash], ["portfolio", direct.config_hash]);
    assertEquals(book.metrics, direct.metrics);
    assertEquals((book.params as { streams: string[] }).streams.length, 3);
  });
  await t.step("a rerun finds every run, the portfolio's too, and runs nothing", async () => {
    const before = runFolders(w.runsDir);
    const { code, out } = await capture(() => main([...batchArgs(w, batch), "--workers", "2", "--json"]));
    assertEquals(code, 0, out);
    const again = JSON.parse(out).jobs as JobRow[];
    assertEquals(again.map((j) => j.status), ["done", "done", "done", "done"]);
    assertEquals(again[3].config_hash, jobs[3].config_hash);
    assertEquals(runFolders(w.runsDir), before);
  });
});

Deno.test("a failed dependency fails its portfolio without running it; the other jobs go on", async () => {
  const w = await jobsWorld();
  const batch = await w.file(
    "fail.yaml",
    `defaults: { snapshot: s }
jobs:
  - kind: timeseries
    job: crash
    plugin: misbehaving
    plugins: tests/fixtures/plugins
    param: [mode=crash, at=3]
  - kind: timeseries
    job: sma
    plugin: example_sma
  - kind: portfolio
    job: book
    streams: [crash, sma]
`,
  );
  const { code, out } = await capture(() => main([...batchArgs(w, batch), "--workers", "2", "--json"]));
  assertEquals(code, 1, out);
  const jobs = JSON.parse(out).jobs as JobRow[];
  assertEquals(jobs.map((j) => [j.job, j.status]), [["crash", "failed"], ["sma", "completed"], [
    "book",
    "failed",
  ]]);
  assert(jobs[2].error!.startsWith('dependency "crash" failed'), jobs[2].error!);
  assertEquals(jobs[2].run_id, null);
  const kinds = await Promise.all(runFolders(w.runsDir).map(async (id) => (await getRun(id, w)).kind));
  assertEquals(kinds, ["timeseries"]); // sma's run only: no portfolio run
});

Deno.test("batch validation: a portfolio's unknown stream job, an empty pattern and a cycle, at line:col", () => {
  assertEquals(
    problems(`jobs:
  - kind: timeseries
    job: sma
    plugin: example_sma
    sample: true
  - kind: portfolio
    job: a
    streams: [sma, smaa]
  - kind: portfolio
    job: b
    streams: ["x*"]
`),
    [
      `8:20: "streams": no job named "smaa" in this batch (jobs: sma, b)`,
      `11:15: "streams": no job of this batch matches "x*" (jobs: sma, a)`,
    ],
  );
  assertEquals(
    problems(`jobs:
  - kind: portfolio
    job: a
    streams: [b]
  - kind: portfolio
    job: b
    streams: [c]
  - kind: portfolio
    job: c
    streams: [a]
`),
    [`10:14: "streams": dependency cycle a → b → c → a`],
  );
  assertEquals(
    problems(`jobs:
  - kind: portfolio
    run-ids: [x, y]
    returns: r.csv
`),
    [
      `2:5: a portfolio job takes its streams from one of "run-ids", "returns" or "streams" (jobs of this batch); found run-ids and returns`,
    ],
  );
});

Deno.test("README's time-series and portfolio batch example expands to its 4 jobs, the portfolio last", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const text = /```yaml\n(name: book\n[\s\S]*?)```/.exec(readme)![1];
  const spec = expandBatch(parseBatchText(text, "README.md"), JOB_KINDS);
  assertEquals(spec.jobs.map((j) => [j.name, j.dependencies]), [
    ["sma-fast=5,slow=20", []],
    ["sma-fast=10,slow=40", []],
    ["lowvol", []],
    ["book", ["sma-fast=5,slow=20", "sma-fast=10,slow=40", "lowvol"]],
  ]);
});

Deno.test("through the Redis queue, a portfolio is enqueued only after its streams completed", async () => {
  const w = await jobsWorld();
  const redis = await startRedis();
  const worker = startWorker(redis.url, ["--concurrency", "2"]);
  try {
    const batch = await w.file(
      "q.yaml",
      `jobs:
  - kind: portfolio
    job: book
    streams: ["sma-*"]
    methods: [equal_weight, inverse_vol]
    lookback: 126
  - kind: timeseries
    job: sma-{param}
    plugin: example_sma
    snapshot: s
    matrix: { param: [[fast=5, slow=20], [fast=10, slow=40]] }
`,
    );
    const { code, out } = await capture(() => main([...batchArgs(w, batch), "--queue", redis.url, "--json"]));
    assertEquals(code, 0, out);
    const jobs = JSON.parse(out).jobs as JobRow[];
    assertEquals(jobs.map((j) => [j.job, j.status]), [
      ["sma-fast=5,slow=20", "completed"],
      ["sma-fast=10,slow=40", "completed"],
      ["book", "completed"],
    ]);
    // the worker's own lines: it started the portfolio after it had finished both streams
    const at = (what: string) => worker.lines.findIndex((l) => l.includes(what));
    const [start, fast, slow] = [
      " start book ",
      " completed sma-fast=5,slow=20",
      " completed sma-fast=10,slow=40",
    ]
      .map(at);
    assert(fast >= 0 && slow >= 0 && start > fast && start > slow, worker.lines.join("\n"));
    const book = await getRun(jobs[2].run_id!, { runsDir: w.runsDir });
    assertEquals(book.kind, "portfolio");
  } finally {
    await worker.stop();
    await redis.stop();
  }
});

Deno.test("a portfolio job over a returns file records the run deno task portfolio --returns records", async (t) => {
  // streams: the first 4 columns of tests/fixtures/portfolio/construct_reference.json on weekdays
  // from 2021-01-04 (as tests/portfolio_cli_test.ts writes them)
  const ref = JSON.parse(
    await Deno.readTextFile(new URL("./fixtures/portfolio/construct_reference.json", import.meta.url)),
  ) as { returns: number[][] };
  const w = await jobsWorld();
  const dates: string[] = [];
  for (let d = Date.UTC(2021, 0, 4); dates.length < ref.returns.length; d += 86_400_000) {
    if (![0, 6].includes(new Date(d).getUTCDay())) dates.push(new Date(d).toISOString().slice(0, 10));
  }
  const csv = await w.file(
    "streams.csv",
    ["date,a,b,c,d", ...ref.returns.map((r, k) => [dates[k], ...r.slice(0, 4)].join(","))].join("\n") + "\n",
  );
  const batch = await w.file(
    "r.yaml",
    `jobs:
  - kind: portfolio
    job: book-{lookback}
    returns: ${csv}
    methods: [inverse_vol, erc, hrp]
    matrix: { lookback: [40, 60] }
`,
  );
  await t.step("each lookback's run has the config hash and metrics of the direct call", async () => {
    const { code, out } = await capture(() => main([...batchArgs(w, batch), "--workers", "0", "--json"]));
    assertEquals(code, 0, out);
    const jobs = JSON.parse(out).jobs as JobRow[];
    assertEquals(jobs.map((j) => [j.job, j.status]), [["book-40", "completed"], ["book-60", "completed"]]);
    assert(jobs[0].config_hash !== jobs[1].config_hash);
    const direct = await capture(() =>
      portfolioMain([
        ...["--returns", csv, "--methods", "inverse_vol,erc,hrp", "--lookback", "60"],
        ...["--runs", `${w.dir}/direct`, "--json"],
      ])
    );
    assertEquals(direct.code, 0, direct.out);
    const want = await getRun(JSON.parse(direct.out).run_id, { runsDir: `${w.dir}/direct` });
    const got = await getRun(jobs[1].run_id!, { runsDir: w.runsDir });
    assertEquals([got.kind, got.config_hash], ["portfolio", want.config_hash]);
    assertEquals(got.metrics, want.metrics);
    assertEquals((got.params as { streams: string[] }).streams, ["a", "b", "c", "d"]);
  });
  await t.step("a missing returns file is reported at its line:col before anything runs", async () => {
    const bad = await w.file(
      "bad.yaml",
      `jobs:
  - kind: portfolio
    job: book
    returns: ${w.dir}/nope.csv
`,
    );
    const { code, err } = await capture(() => main([...batchArgs(w, bad, `${w.dir}/out2`)]));
    assertEquals(code, 2, err); // a batch file error is a usage error
    assert(err.includes(`bad.yaml:4:14: "returns": no such file ${w.dir}/nope.csv`), err);
  });
});

Deno.test("a timeseries job at interval 1h records the run strategy run --interval 1h records", async () => {
  // 2 securities × 6 B3 sessions of synthetic minute bars (seed 3), read as hourly bars: a 420-minute
  // session (10:00–17:00) is 7 bars, so 42 bars and 252 × 7 = 1764 bars a year
  const dir = await Deno.makeTempDir({ prefix: "quantnb-batch-ts-1h-" });
  const snapshotsDir = await intradaySnapshot(dir, "b3intra", SESSIONS.B3, {
    nSecurities: 2,
    sessions: 6,
    seed: 3,
  });
  const w = { dir, snapshotsDir, runsDir: `${dir}/runs` } as JobsWorld;
  const batch = `${dir}/h.yaml`;
  await Deno.writeTextFile(
    batch,
    `jobs:
  - kind: timeseries
    job: sma-1h
    plugin: example_sma
    snapshot: b3intra
    interval: 1h
    param: [fast=2, slow=4]
    fees-bps: 5
`,
  );
  const { code, out } = await capture(() => main([...batchArgs(w, batch), "--workers", "0", "--json"]));
  assertEquals(code, 0, out);
  const [job] = JSON.parse(out).jobs as JobRow[];
  assertEquals(job.status, "completed");
  const direct = await capture(() =>
    pythonMain([
      ...["strategy", "run", "example_sma", "--snapshot", "b3intra", "--snapshots", snapshotsDir],
      ...["--interval", "1h", "--param", "fast=2", "--param", "slow=4", "--fees-bps", "5"],
      ...["--runs", `${dir}/direct`, "--json"],
    ])
  );
  assertEquals(direct.code, 0, direct.out);
  const want = await getRun(JSON.parse(direct.out).run_id, { runsDir: `${dir}/direct` });
  const got = await getRun(job.run_id!, { runsDir: w.runsDir });
  assertEquals([got.kind, got.config_hash], ["timeseries", want.config_hash]);
  assertEquals(got.metrics, want.metrics);
  const params = got.params as { periods_per_year: number; data: string };
  assertEquals(params.periods_per_year, 1764);
  assert(params.data.endsWith(":1h"), params.data);
  const daily = await readDaily(got.run_id, { runsDir: w.runsDir });
  assertEquals(daily.date.length, 42);
});

Deno.test("batch validation: a timeseries job's bad interval at line:col", () => {
  const [bad] = problems(`jobs:
  - kind: timeseries
    plugin: example_sma
    snapshot: s
    interval: 2h
`);
  assert(bad.startsWith("5:15: ") && bad.includes("--interval"), bad);
});

Deno.test("a timeseries job of a batch plugin records the backtest run strategy run records", async () => {
  const w = await jobsWorld();
  const batch = await w.file(
    "p.yaml",
    `jobs:
  - kind: timeseries
    job: mom
    plugin: example_pandas
    snapshot: s
    param: [lookback=60, skip=5]
    fees-bps: 5
`,
  );
  const { code, out } = await capture(() => main([...batchArgs(w, batch), "--workers", "0", "--json"]));
  assertEquals(code, 0, out);
  const [job] = JSON.parse(out).jobs as JobRow[];
  assertEquals(job.status, "completed", job.error ?? "");
  const direct = await capture(() =>
    pythonMain([
      ...["strategy", "run", "example_pandas", "--snapshot", "s", "--snapshots", w.snapshotsDir],
      ...[
        "--param",
        "lookback=60",
        "--param",
        "skip=5",
        "--fees-bps",
        "5",
        "--runs",
        `${w.dir}/direct`,
        "--json",
      ],
    ])
  );
  assertEquals(direct.code, 0, direct.out);
  const want = await getRun(JSON.parse(direct.out).run_id, { runsDir: `${w.dir}/direct` });
  const got = await getRun(job.run_id!, { runsDir: w.runsDir });
  assertEquals([got.kind, got.config_hash], ["backtest", want.config_hash]);
  assertEquals(got.metrics, want.metrics);
  // the task's --fees-bps is the cross-sectional backtest's tc: 5 bps
  assertEquals((got.params as { config: { tcBps: number } }).config.tcBps, 5);
});
