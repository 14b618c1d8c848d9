import { deepStrictEqual as assertEquals, ok as assert, throws } from "node:assert/strict";
import { main as batchMain } from "../lib/cli/batch.ts";
import { clean } from "../lib/jobs/clean.ts";
import { writeJob } from "../lib/jobs/control/job_record.ts";
import { checkFreeSpace, freeBytes } from "../lib/jobs/disk.ts";
import { capture } from "./fixtures/capture.ts";
import { jobsWorld, runFolders } from "./fixtures/jobs/world.ts";

const DAY = 86_400_000;

Deno.test("clean() removes old runs, reports and job records and crashed writes' temp folders", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-clean-" });
  const now = new Date("2024-06-30T12:00:00Z");
  const places = {
    runsDir: `${dir}/runs`,
    reportsDir: `${dir}/reports`,
    snapshotsDir: `${dir}/snapshots`,
    jobsDir: `${dir}/runs/.jobs`,
    now,
  };
  const runs = [
    "20240101-000000-old-aaaaaaaaaaaa", // 181 days old
    "20240601-000000-mid-bbbbbbbbbbbb", // 29.5 days
    "20240629-000000-new-cccccccccccc", // 1.5 days
  ];
  for (const id of runs) {
    await Deno.mkdir(`${places.runsDir}/${id}`, { recursive: true });
    await Deno.writeTextFile(`${places.runsDir}/${id}/run.json`, "{}");
  }
  await Deno.mkdir(`${places.reportsDir}/batch/old`, { recursive: true });
  await Deno.writeTextFile(`${places.reportsDir}/batch/old/index.html`, "x".repeat(1000));
  await Deno.writeTextFile(`${places.reportsDir}/fresh.html`, "y");
  const old = new Date(now.getTime() - 40 * DAY);
  await Deno.utime(`${places.reportsDir}/batch/old/index.html`, old, old);
  await Deno.utime(`${places.reportsDir}/batch/old`, old, old);
  await Deno.utime(`${places.reportsDir}/batch`, old, old);
  await Deno.utime(`${places.reportsDir}/fresh.html`, now, now);
  // a crashed snapshot write: its temp folder and a lock file nobody holds
  await Deno.mkdir(`${places.snapshotsDir}/.s1.tmp-0123456789ab`, { recursive: true });
  await Deno.writeTextFile(`${places.snapshotsDir}/.s1.tmp-0123456789ab/prices.parquet`, "z".repeat(500));
  await Deno.writeTextFile(`${places.snapshotsDir}/.s1.tmp-0123456789ab.lock`, "");
  await Deno.mkdir(`${places.jobsDir}/20240501-000000-suite-abcd`, { recursive: true });
  await writeJob(places.jobsDir, {
    job_id: "20240501-000000-suite-abcd",
    kind: "suite",
    title: "suite",
    command: [],
    status: "completed",
    pid: 1,
    hostname: "elsewhere",
    dedicated: false,
    created_at: "2024-05-01T00:00:00.000Z",
    finished_at: "2024-05-01T00:10:00.000Z",
  });

  await t.step("--dry-run lists, by rule, and removes nothing", async () => {
    const items = await clean({
      ...places,
      runsOlderThanDays: 90,
      keepRuns: 2,
      reportsOlderThanDays: 30,
      dryRun: true,
    });
    assertEquals(items.map((i) => [i.kind, i.path.slice(dir.length + 1)]), [
      ["run", "runs/20240101-000000-old-aaaaaaaaaaaa"],
      ["report", "reports/batch"],
      ["job", "runs/.jobs/20240501-000000-suite-abcd"],
      ["temp", "snapshots/.s1.tmp-0123456789ab"],
      ["temp", "snapshots/.s1.tmp-0123456789ab.lock"],
    ]);
    assertEquals(items[1].bytes, 1000);
    await Deno.stat(`${places.runsDir}/${runs[0]}`);
  });

  await t.step("keep the newest 2 runs; reports untouched for 30 days; the orphan temp folder", async () => {
    const items = await clean({ ...places, keepRuns: 2, reportsOlderThanDays: 30 });
    assertEquals(items.map((i) => i.kind).sort(), ["job", "report", "run", "temp"]);
    const left = [...Deno.readDirSync(places.runsDir)].map((e) => e.name).filter((n) => !n.startsWith("."))
      .sort();
    assertEquals(left, runs.slice(1));
    assertEquals([...Deno.readDirSync(places.reportsDir)].map((e) => e.name), ["fresh.html"]);
    assertEquals([...Deno.readDirSync(places.snapshotsDir)].map((e) => e.name), []);
    assertEquals(
      [...Deno.readDirSync(places.jobsDir)].map((e) => e.name).filter((n) => !n.startsWith(".")),
      [],
    );
  });
});

Deno.test("the disk guard refuses a batch when free space is below the threshold", async () => {
  const free = freeBytes(".");
  assert(free > 0);
  throws(
    () => checkFreeSpace(["runs"], free * 4),
    /not enough free disk space for runs: .* GiB free, the batch needs at least/,
  );
  checkFreeSpace(["a/folder/not/made/yet"], 1); // measured on its nearest existing parent
  const w = await jobsWorld();
  const batch = await w.file("b.yaml", `jobs:\n  - { kind: backtest, snapshot: s, signal: ${w.signal} }\n`);
  const { code, err } = await capture(() =>
    batchMain([
      batch,
      ...[
        "--snapshots",
        w.snapshotsDir,
        "--runs",
        w.runsDir,
        "--jobs",
        `${w.dir}/jobs`,
        "--out",
        `${w.dir}/out`,
      ],
      ...["--min-free-gb", String((4 * free) / 2 ** 30)],
    ])
  );
  assertEquals(code, 1);
  assert(err.includes("not enough free disk space") && err.includes("deno task clean"), err);
  assertEquals(runFolders(w.runsDir), []);
});
