import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { main } from "../lib/cli/batch.ts";
import { queueExecutor } from "../lib/jobs/queue/producer.ts";
import { getRun } from "../lib/track/get_run.ts";
import { capture } from "./fixtures/capture.ts";
import { startRedis, startWorker } from "./fixtures/jobs/redis.ts";
import { jobsWorld, runFolders } from "./fixtures/jobs/world.ts";

/** Every run of a registry by config hash: kind, params and metrics (what must not depend on where it ran). */
async function runsByHash(runsDir: string) {
  const out = new Map<string, unknown>();
  for (const name of runFolders(runsDir)) {
    const run = await getRun(name, { runsDir });
    out.set(run.config_hash, { kind: run.kind, params: run.params, metrics: run.metrics });
  }
  return out;
}

Deno.test("a batch through Redis with two workers records the local run's results, once each, even when a worker is killed mid-job", async (t) => {
  const w = await jobsWorld();
  const redis = await startRedis();
  const batch = await w.file(
    "q.yaml",
    `name: scale
defaults: { snapshot: s, signal: ${w.signal} }
jobs:
  - kind: backtest
    job: lag{lag}-{residualize}
    matrix: { lag: [0, 1, 2], residualize: [off, industry] }
  - kind: factor
    job: factor
    periods: [1, 5]
`,
  );
  const run = (runs: string, extra: string[]) =>
    capture(() =>
      main([
        batch,
        ...[
          "--snapshots",
          w.snapshotsDir,
          "--runs",
          runs,
          "--out",
          `${runs}-batch`,
          "--jobs",
          `${w.dir}/jobs`,
        ],
        ...["--min-free-gb", "0", "--json", ...extra],
      ])
    );
  try {
    let local = new Map<string, unknown>();
    await t.step("the local run (2 worker processes)", async () => {
      const { code, out } = await run(`${w.dir}/local`, ["--workers", "2"]);
      assertEquals(code, 0, out);
      local = await runsByHash(`${w.dir}/local`);
      assertEquals(local.size, 7);
    });

    await t.step("through the queue with two workers: the same runs, the same numbers", async () => {
      const workers = [startWorker(redis.url), startWorker(redis.url)];
      try {
        const { code, out } = await run(`${w.dir}/queued`, ["--queue", redis.url]);
        assertEquals(code, 0, out);
        const result = JSON.parse(out);
        assertEquals(result.counts.completed, 7);
        assertEquals(await runsByHash(`${w.dir}/queued`), local);
        const started = workers.map((wk) => wk.lines.filter((l) => l.includes(" start ")).length);
        assertEquals(started[0] + started[1], 7);
        // the batch folder has each job's log, fetched from Redis
        const job = result.jobs[0];
        const log = await Deno.readTextFile(`${w.dir}/queued-batch/logs/${job.job}-${job.config_hash}.log`);
        assert(log.includes(`config ${job.config_hash}`) && log.includes("=== recorded run"), log);
      } finally {
        await Promise.all(workers.map((wk) => wk.stop()));
      }
    });

    await t.step(
      "a worker killed mid-job: BullMQ hands the job to the other; every run exactly once",
      async () => {
        const doomed = startWorker(redis.url);
        const survivor = startWorker(redis.url);
        try {
          const batchRun = run(`${w.dir}/killed`, ["--queue", redis.url, "--queue-name", "quantnb-jobs"]);
          const deadline = Date.now() + 60_000;
          while (!doomed.lines.some((l) => l.includes(" start ")) && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 20));
          }
          const taken = doomed.lines.find((l) => l.includes(" start "))!;
          doomed.child.kill("SIGKILL"); // its job processes notice their parent is gone and exit
          await doomed.stop();
          const { code, out } = await batchRun;
          assertEquals(code, 0, out);
          const name = / start (\S+) /.exec(taken)![1];
          assert(survivor.lines.some((l) => l.includes(` start ${name} `)), `the survivor took over ${name}`);
          const folders = runFolders(`${w.dir}/killed`);
          assertEquals(folders.length, 7);
          assertEquals(new Set(folders.map((f) => f.slice(-12))).size, 7, "one run per config hash");
          assertEquals(await runsByHash(`${w.dir}/killed`), local);
        } finally {
          await Promise.all([doomed.stop(), survivor.stop()]);
        }
      },
    );

    await t.step("enqueueing the same batch again adds nothing: every job is done", async () => {
      const { code, out } = await run(`${w.dir}/killed`, ["--queue", redis.url]);
      assertEquals(code, 0, out);
      assertEquals(JSON.parse(out).counts.done, 7);
      assertEquals(runFolders(`${w.dir}/killed`).length, 7);
    });
  } finally {
    await redis.stop();
  }
});

Deno.test("a queue nobody answers on fails each job with the reason instead of waiting, and closes", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // a port with nothing behind it
  const url = `redis://127.0.0.1:${port}`;
  const executor = queueExecutor(url, { connectMs: 300 });
  const started = performance.now();
  const message = {
    name: "j",
    kind: "backtest",
    values: {},
    configHash: "abc123",
    snapshotsDir: "s",
    runsDir: "r",
  };
  const replies = await Promise.all(
    [0, 1].map(() => executor.run(message, { log: () => {}, progress: () => {} })),
  );
  await executor.close();
  assertEquals(
    replies.map((r) => [r.status, r.error]),
    Array(2).fill([
      "failed",
      `could not reach Redis at ${url} within 0.3 s: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]),
  );
  assert(performance.now() - started < 5_000, `took ${performance.now() - started} ms`);
});
