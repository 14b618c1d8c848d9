import { deepStrictEqual as assertEquals, ok as assert, rejects } from "node:assert/strict";
import { main } from "../lib/cli/jobs.ts";
import { jobPaths, listJobs, readJob } from "../lib/jobs/control/job_record.ts";
import { cancelJob, JobCancelled, runJob } from "../lib/jobs/control/run_job.ts";
import { progress } from "../lib/nb/progress.ts";
import { capture } from "./fixtures/capture.ts";
import { jobsWorld } from "./fixtures/jobs/world.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (or fails after `ms`). */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

Deno.test("runJob() records status, progress and log, and one job of a kind runs at a time", async (t) => {
  const jobsDir = await Deno.makeTempDir({ prefix: "quantnb-jobs-" });

  await t.step(
    "a job goes pending → running → completed, with its progress and console in the log",
    async () => {
      const { record, result } = await runJob(
        { kind: "suite", title: "t1", jobsDir, captureConsole: true },
        async () => {
          const bar = progress(4, { label: "units", mode: "lines", write: () => {} });
          for (let k = 0; k < 4; k++) bar.tick();
          await bar.done();
          console.log("hello from the job");
          return 42;
        },
      );
      assertEquals(result, 42);
      assertEquals(record.status, "completed");
      const stored = await readJob(jobsDir, record.job_id);
      assertEquals(stored.status, "completed");
      assertEquals([stored.progress?.label, stored.progress?.done, stored.progress?.total], ["units", 4, 4]);
      const log = await Deno.readTextFile(jobPaths(jobsDir, record.job_id).log);
      assert(log.includes("hello from the job") && log.includes("job completed"), log);
    },
  );

  await t.step("a failing job is failed with its error", async () => {
    await rejects(runJob({ kind: "suite", jobsDir }, () => Promise.reject(new Error("boom"))), /boom/);
    const [last] = await listJobs(jobsDir);
    assertEquals([last.status, last.error], ["failed", "boom"]);
  });

  await t.step("a second job of the kind waits, pending, for the first; another kind does not", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const first = runJob({ kind: "ingest", title: "A", jobsDir }, async () => {
      order.push("A start");
      await gate;
      order.push("A end");
    });
    await until(() => order.includes("A start"), "A to start");
    let waitedFor: string | undefined;
    const second = runJob({ kind: "ingest", title: "B", jobsDir, onWait: (h) => (waitedFor = h) }, () => {
      order.push("B start");
      return Promise.resolve();
    });
    const other = await runJob({ kind: "suite", title: "C", jobsDir }, () => Promise.resolve("C ran"));
    assertEquals(other.result, "C ran");
    await until(
      async () => (await listJobs(jobsDir)).some((j) => j.title === "B" && j.waiting_for),
      "B to wait",
    );
    const b = (await listJobs(jobsDir)).find((j) => j.title === "B")!;
    const a = (await listJobs(jobsDir)).find((j) => j.title === "A")!;
    assertEquals([b.status, b.waiting_for, waitedFor], ["pending", a.job_id, a.job_id]);
    release();
    await Promise.all([first, second]);
    assertEquals(order, ["A start", "A end", "B start"]);
  });

  await t.step(
    "cancelling a pending job takes it out of the queue; a running one sees its signal",
    async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started = false;
      const running = runJob({ kind: "batch", title: "R", jobsDir }, async (job) => {
        started = true;
        await Promise.race([gate, new Promise((resolve) => job.signal.addEventListener("abort", resolve))]);
        if (job.signal.aborted) throw new Error("stopped");
      });
      await until(() => started, "R to start");
      const pending = runJob({ kind: "batch", title: "P", jobsDir }, () => Promise.resolve());
      await until(
        async () => (await listJobs(jobsDir)).some((j) => j.title === "P" && j.waiting_for),
        "P to wait",
      );
      const p = (await listJobs(jobsDir)).find((j) => j.title === "P")!;
      await cancelJob(jobsDir, p.job_id);
      await rejects(pending, JobCancelled);
      assertEquals((await readJob(jobsDir, p.job_id)).status, "cancelled");
      const r = (await listJobs(jobsDir)).find((j) => j.title === "R")!;
      await cancelJob(jobsDir, r.job_id);
      await rejects(running, JobCancelled);
      assertEquals((await readJob(jobsDir, r.job_id)).status, "cancelled");
      release();
    },
  );
});

Deno.test("a job killed with kill -9 is shown as failed and its kind's lock is free again", async () => {
  const jobsDir = await Deno.makeTempDir({ prefix: "quantnb-jobs-" });
  const runJobModule = new URL("../lib/jobs/control/run_job.ts", import.meta.url).href;
  const script = `import { runJob } from "${runJobModule}";
await runJob({ kind: "suite", title: "doomed", jobsDir: ${
    JSON.stringify(jobsDir)
  } }, () => new Promise(() => setInterval(() => {}, 1000)));`;
  const child = new Deno.Command(Deno.execPath(), { args: ["eval", script], stdout: "null", stderr: "null" })
    .spawn();
  await until(
    async () => (await listJobs(jobsDir)).some((j) => j.status === "running"),
    "the doomed job to run",
  );
  const [doomed] = await listJobs(jobsDir);
  assertEquals(doomed.status, "running");
  child.kill("SIGKILL");
  await child.status;
  const after = await readJob(jobsDir, doomed.job_id);
  assertEquals(after.status, "failed");
  assert(
    after.error?.includes(`pid ${doomed.pid}`) && after.error.includes("crashed or killed"),
    after.error,
  );
  // the kernel released the kind lock with the process: a new suite job starts at once, never pending
  let waited = false;
  const { record } = await runJob(
    { kind: "suite", jobsDir, onWait: () => (waited = true) },
    () => Promise.resolve(),
  );
  assertEquals([record.status, waited], ["completed", false]);
});

Deno.test("deno task jobs start runs a task in the background; log --follow streams it; cancel stops it", async (t) => {
  const w = await jobsWorld();
  const jobsDir = `${w.dir}/jobs`;
  const common = ["--snapshots", w.snapshotsDir];

  await t.step("start prints the id; log --follow prints the task's output until it completes", async () => {
    const started = await capture(() =>
      main([
        "start",
        "--jobs",
        jobsDir,
        "backtest",
        "--",
        "--snapshot",
        "s",
        "--signal",
        w.signal,
        "--lag",
        "1",
        ...common,
      ])
    );
    assertEquals(started.code, 0, started.err);
    const id = started.out.trim();
    assert(/^\d{8}-\d{6}-backtest-[0-9a-f]{4}$/.test(id), id);
    const followed = await capture(() => main(["log", "--jobs", jobsDir, id.slice(-4), "--follow"]));
    assertEquals(followed.code, 0);
    assert(followed.out.includes("rank IC") && followed.out.includes("job completed"), followed.out);
    const shown = await capture(() => main(["show", "--jobs", jobsDir, id, "--json"]));
    const record = JSON.parse(shown.out);
    assertEquals([record.kind, record.status, record.dedicated], ["backtest", "completed", true]);
    assertEquals(record.command.slice(0, 4), ["deno", "task", "backtest", "--snapshot"]);
  });

  await t.step("cancel ends a running job as cancelled", async () => {
    const batch = await w.file(
      "slow.yaml",
      `jobs:\n  - kind: backtest\n    snapshot: s\n    signal: ${w.signal}\n    matrix: { lag: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }\n`,
    );
    const args = [
      batch,
      ...common,
      "--runs",
      w.runsDir,
      "--out",
      `${w.dir}/out`,
      "--workers",
      "1",
      "--min-free-gb",
      "0",
    ];
    const started = await capture(() => main(["start", "--jobs", jobsDir, "batch", "--", ...args]));
    const id = started.out.trim();
    await until(async () => (await readJob(jobsDir, id)).status === "running", "the batch to run");
    await until(
      async () =>
        (await Deno.readTextFile(`${w.dir}/out/events.jsonl`).catch(() => "")).includes('"running"'),
      "a first job to start",
    );
    const cancelled = await capture(() => main(["cancel", "--jobs", jobsDir, id]));
    assertEquals(cancelled.code, 0, cancelled.out + cancelled.err);
    assert(cancelled.out.includes("cancelled"), cancelled.out);
    const listed = await capture(() => main(["list", "--jobs", jobsDir, "--json"]));
    assertEquals(JSON.parse(listed.out).map((j: { kind: string; status: string }) => [j.kind, j.status]), [
      ["batch", "cancelled"],
      ["backtest", "completed"],
    ]);
    const summary = await Deno.readTextFile(`${w.dir}/out/summary.csv`);
    assert(summary.includes("pending"), summary); // the batch wrote its summary before stopping
  });
});
