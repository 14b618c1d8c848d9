import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { main } from "../lib/cli/batch.ts";
import { researchJob, studyJob } from "../lib/ml/job.ts";
import { getRun } from "../lib/track/get_run.ts";
import { capture } from "./fixtures/capture.ts";
import { jobsWorld } from "./fixtures/jobs/world.ts";

Deno.test("batch jobs of kind research and ml_study record the runs the library calls record", async () => {
  const w = await jobsWorld();
  const config = await w.file(
    "cfg.json",
    JSON.stringify({ split: { window: 150, test: 150 }, importance: { repeats: 1, maxRows: 200 } }),
  );
  const batch = await w.file(
    "ml.yaml",
    `defaults: { snapshot: s }
jobs:
  - kind: research
    job: research-logistic
    config: ${config}
    models: logistic
    labels: B1:5
  - kind: ml_study
    job: study-logistic
    model: logistic
    label: B1:5
    trials: 3
`,
  );
  const { code, out } = await capture(() =>
    main([
      batch,
      ...[
        "--snapshots",
        w.snapshotsDir,
        "--runs",
        w.runsDir,
        "--out",
        `${w.dir}/out`,
        "--jobs",
        `${w.dir}/jobs`,
      ],
      ...["--workers", "2", "--min-free-gb", "0", "--json"],
    ])
  );
  assertEquals(code, 0, out);
  const [research, study] = JSON.parse(out).jobs as { status: string; run_id: string; config_hash: string }[];
  assertEquals([research.status, study.status], ["completed", "completed"]);
  // the same calls straight from the library, into another registry: same identity, same numbers
  const direct = await researchJob({
    snapshot: "s",
    snapshotsDir: w.snapshotsDir,
    runsDir: `${w.dir}/direct`,
    workers: 0,
    config: {
      split: { window: 150, test: 150 },
      importance: { repeats: 1, maxRows: 200 },
      models: [{ type: "logistic" }],
      labels: [{ type: "B1", horizon: 5 }],
    },
  });
  const batched = await getRun(research.run_id, { runsDir: w.runsDir });
  assertEquals([batched.kind, batched.config_hash], ["research", direct.run.config_hash]);
  assertEquals(batched.metrics, direct.run.metrics);
  const directStudy = await studyJob({
    snapshot: "s",
    snapshotsDir: w.snapshotsDir,
    runsDir: `${w.dir}/direct`,
    workers: 0,
    model: "logistic",
    label: { type: "B1", horizon: 5 },
    trials: 3,
  });
  const batchedStudy = await getRun(study.run_id, { runsDir: w.runsDir });
  assertEquals([batchedStudy.kind, batchedStudy.config_hash], ["ml_study", directStudy.run.config_hash]);
  assertEquals(batchedStudy.metrics, directStudy.run.metrics);
});
