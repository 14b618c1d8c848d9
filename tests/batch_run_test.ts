import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { main } from "../lib/cli/batch.ts";
import { backtest } from "../lib/engine/backtest.ts";
import { analyzeFactor } from "../lib/factor/analyze.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { readSignal } from "../lib/signal/read_signal.ts";
import { expandPreset, PRESETS } from "../lib/suite/preset.ts";
import { writeSignal } from "../lib/signal/write_signal.ts";
import { getRun } from "../lib/track/get_run.ts";
import { listJobs } from "../lib/jobs/control/job_record.ts";
import { capture } from "./fixtures/capture.ts";
import { batchArgs, jobsWorld, runFolders } from "./fixtures/jobs/world.ts";

const BATCH_CLI = fileURLToPath(new URL("../lib/cli/batch.ts", import.meta.url));

/** The CSV as records (no quoted commas in these files' fields but the error column, which is last). */
function readCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split("\n");
  const columns = header.split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(
      columns.map((c, k) => [c, k === columns.length - 1 ? cells.slice(k).join(",") : cells[k]]),
    );
  });
}

Deno.test("deno task batch runs a matrix on 2 workers, records each run once, survives a failing job and retries it", async (t) => {
  const w = await jobsWorld();
  // the sentiment signal as CSV with its first row repeated (a duplicate: invalid); the fix removes it
  const bad = `${w.dir}/broken.csv`;
  await writeSignal(bad, (await readSignal(w.signal)).signal);
  const good = await Deno.readTextFile(bad);
  const firstRow = good.split("\n")[1];
  await Deno.writeTextFile(bad, `${good}${firstRow}\n`);
  const batch = await w.file(
    "nightly.yaml",
    `name: nightly
defaults:
  snapshot: s
jobs:
  - kind: backtest
    job: sent-lag{lag}-{residualize}
    signal: ${w.signal}
    matrix:
      lag: [0, 1, 2]
      residualize: [off, industry]
  - kind: factor
    job: factor-1-5
    signal: ${w.signal}
    periods: [1, 5]
  - kind: suite
    job: suite-quick
    signal: ${w.signal}
    preset: quick
  - kind: backtest
    job: broken
    signal: ${bad}
`,
  );
  const out = `${w.dir}/batch`;
  const args = batchArgs(w, batch, out);

  await t.step("--dry-run lists 9 jobs to run and runs nothing", async () => {
    const { code, out: text } = await capture(() => main([...args, "--dry-run", "--json"]));
    assertEquals(code, 0);
    const jobs = JSON.parse(text).jobs;
    assertEquals(jobs.map((j: { job: string }) => j.job), [
      "sent-lag0-off",
      "sent-lag0-industry",
      "sent-lag1-off",
      "sent-lag1-industry",
      "sent-lag2-off",
      "sent-lag2-industry",
      "factor-1-5",
      "suite-quick",
      "broken",
    ]);
    assert(jobs.every((j: { status: string; run: string }) => j.status === "pending" && j.run === "yes"));
    assertEquals(runFolders(w.runsDir), []);
  });

  let summary: Record<string, string>[] = [];
  await t.step(
    "one failing job is recorded as failed with its error; the eight others complete",
    async () => {
      const { code, out: text, err } = await capture(() => main([...args, "--workers", "2"]));
      assertEquals(code, 1, err);
      assert(text.includes("8 completed, 0 already done, 1 failed"), text);
      assert(err.includes("failed: broken:") && err.includes("duplicate"), err);
      summary = readCsv(await Deno.readTextFile(`${out}/summary.csv`));
      assertEquals(summary.map((r) => [r.job, r.status]), [
        ["sent-lag0-off", "completed"],
        ["sent-lag0-industry", "completed"],
        ["sent-lag1-off", "completed"],
        ["sent-lag1-industry", "completed"],
        ["sent-lag2-off", "completed"],
        ["sent-lag2-industry", "completed"],
        ["factor-1-5", "completed"],
        ["suite-quick", "completed"],
        ["broken", "failed"],
      ]);
      assertEquals(runFolders(w.runsDir).length, 8);
      const log = await Deno.readTextFile(`${out}/logs/broken-${summary[8].config_hash}.log`);
      assert(log.includes("signal INVALID") && log.includes("=== failed after"), log);
    },
  );

  await t.step("each run holds the engine's own numbers for its config (lag, residualize)", async () => {
    const panel = await loadPanel({
      snapshot: "s",
      snapshotsDir: w.snapshotsDir,
      fields: ["ret", "mcap", "value", "beta"],
    });
    const { signal } = await readSignal(w.signal);
    for (const row of summary.slice(0, 6)) {
      const run = await getRun(row.run_id, { runsDir: w.runsDir });
      const direct = backtest(panel, signal, { lag: Number(row.lag), residualize: row.residualize as "off" });
      assertEquals(run.kind, "backtest");
      assertEquals(run.config_hash, row.config_hash);
      assertEquals(run.metrics.sharpe, direct.summary.overall.sharpe, row.job);
      assertEquals(Number(row.sharpe), direct.summary.overall.sharpe, row.job);
      assertEquals(run.metrics.ic_mean, direct.ic.mean);
    }
    const factorRun = await getRun(summary[6].run_id, { runsDir: w.runsDir });
    const factorPanel = await loadPanel({
      snapshot: "s",
      snapshotsDir: w.snapshotsDir,
      fields: ["adj_close", "ret"],
    });
    const fa = analyzeFactor(factorPanel, signal, { periods: [1, 5] });
    assertEquals(factorRun.kind, "factor");
    assertEquals(factorRun.metrics.ic_mean, fa.information[0].summary.mean);
    assertEquals(factorRun.metrics.ic_mean_5d, fa.information[1].summary.mean);
    assertEquals(factorRun.metrics.spread_mean, fa.returns[0].spread.mean);
    const suiteRun = await getRun(summary[7].run_id, { runsDir: w.runsDir });
    assertEquals([suiteRun.kind, suiteRun.params.preset], ["suite", PRESETS.quick]);
    assert(["green", "yellow", "red"].includes(suiteRun.tags.verdict));
    const best = expandPreset(PRESETS.quick).find((v) => v.label === suiteRun.tags.best_variant)!;
    assertEquals(suiteRun.metrics.sharpe, backtest(panel, signal, best.options).summary.overall.sharpe);
  });

  await t.step("the index links each run's tear sheet and each log", async () => {
    const html = await Deno.readTextFile(`${out}/index.html`);
    for (const row of summary.slice(0, 8)) {
      assert(html.includes(`href="../runs/${row.run_id}/tearsheet.html"`), row.run_id);
      assert(html.includes(`href="logs/${row.job}-${row.config_hash}.log"`), row.job);
    }
    assert(html.includes("signal INVALID"));
  });

  await t.step("a rerun skips the eight completed jobs; --retry-failed runs the fixed one only", async () => {
    await Deno.writeTextFile(bad, good);
    const dry = await capture(() => main([...args, "--dry-run", "--json", "--retry-failed"]));
    const jobs = JSON.parse(dry.out).jobs as { job: string; status: string; run: string }[];
    assertEquals(jobs.filter((j) => j.run === "yes").map((j) => j.job), ["broken"]);
    assertEquals(jobs.filter((j) => j.status === "done").length, 8);
    // the fixed file hashes differently (a new run identity) and is still the job that failed
    assertEquals(jobs.find((j) => j.job === "broken")?.status, "failed");
    const { code, out: text } = await capture(() => main([...args, "--workers", "1", "--retry-failed"]));
    assertEquals(code, 0, text);
    assert(text.includes("1 completed, 8 already done, 0 failed"), text);
    assertEquals(runFolders(w.runsDir).length, 9);
  });
});

Deno.test("a batch killed with kill -9 mid-run loses no completed run, leaves none half-written, and resumes without duplicates", async (t) => {
  const w = await jobsWorld();
  const lags = [0, 1, 2, 3, 4, 5, 6, 7];
  const batch = await w.file(
    "resume.yaml",
    `jobs:
  - kind: backtest
    job: lag{lag}
    snapshot: s
    signal: ${w.signal}
    matrix: { lag: [${lags.join(", ")}] }
`,
  );
  const out = `${w.dir}/batch`;
  const args = batchArgs(w, batch, out);
  const completed = async () => {
    const text = await Deno.readTextFile(`${out}/events.jsonl`).catch(() => "");
    return text.split("\n").filter((l) => l.includes('"completed"')).length;
  };

  let before: string[] = [];
  await t.step("kill -9 after two jobs completed", async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", BATCH_CLI, ...args, "--workers", "1"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const deadline = Date.now() + 60_000;
    while ((await completed()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    child.kill("SIGKILL");
    const status = await child.status;
    assertEquals(status.signal, "SIGKILL");
    await new Promise((r) => setTimeout(r, 1500)); // the orphaned worker notices and exits
    before = runFolders(w.runsDir);
    assert(before.length >= 2 && before.length < lags.length, `runs after the kill: ${before.length}`);
    for (const name of before) await Deno.stat(`${w.runsDir}/${name}/run.json`); // complete, never partial
    await new Promise((r) => setTimeout(r, 1000));
    assertEquals(runFolders(w.runsDir), before, "no worker kept recording after the batch died");
    const [job] = await listJobs(`${w.dir}/jobs`);
    assertEquals([job.kind, job.status], ["batch", "failed"]);
    assert(job.error?.includes("ended without finishing"), job.error);
  });

  await t.step("the rerun skips the recorded jobs and completes the rest, one run per job", async () => {
    const { code, out: text } = await capture(() => main([...args, "--workers", "2", "--json"]));
    assertEquals(code, 0);
    const result = JSON.parse(text);
    assertEquals(result.counts.done, before.length);
    assertEquals(result.counts.completed, lags.length - before.length);
    const after = runFolders(w.runsDir);
    assertEquals(after.length, lags.length);
    for (const name of before) assert(after.includes(name), `${name} kept`);
    const hashes = after.map((name) => name.slice(-12));
    assertEquals(new Set(hashes).size, lags.length, "one run per config hash");
    assertEquals(
      new Set(result.jobs.map((j: { config_hash: string }) => j.config_hash)),
      new Set(hashes),
    );
    const [job] = await listJobs(`${w.dir}/jobs`); // the killed batch's lock did not block this one
    assertEquals([job.kind, job.status], ["batch", "completed"]);
  });
});
