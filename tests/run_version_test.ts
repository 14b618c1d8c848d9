// A run recorded by another quantnb version (tags.quantnb_version ≠ deno.json's version) is not reused:
// the same config is computed again and recorded anew under the same config hash, naming the old run in
// tags.same_config_as. The config hash itself is unchanged (track_test pins its formula by hand).

import { deepEqual, equal, notEqual } from "node:assert/strict";
import { join } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import { recordOnce, recordRun } from "../lib/track/record_run.ts";
import type { RunInput } from "../lib/track/types.ts";

const input: RunInput = {
  experiment: "versions",
  kind: "backtest",
  tags: { signal_name: "mom", author: "ana", snapshot_id: "s", snapshot_hash: "h-snap" },
  params: { lag: 1 },
  metrics: { sharpe: 1.5 },
  inputHash: "h-signal",
};

/** Rewrites a recorded run's quantnb_version, as if an older library had recorded it. */
async function recordedBy(dir: string, version: string): Promise<void> {
  const path = join(dir, "run.json");
  const json = JSON.parse(await Deno.readTextFile(path));
  json.tags.quantnb_version = version;
  await Deno.writeTextFile(path, JSON.stringify(json, null, 2) + "\n");
}

Deno.test("recordRun() reuses only runs of this quantnb version", async () => {
  const runsDir = await Deno.makeTempDir();
  const old = await recordRun(input, { runsDir, now: new Date("2024-01-02T00:00:00Z") });
  equal((await recordRun(input, { runsDir })).reused, true); // this version: reused
  await recordedBy(old.dir, "0.0.1");
  const fresh = await recordRun(input, { runsDir, now: new Date("2024-01-03T00:00:00Z") });
  equal(fresh.reused, false);
  notEqual(fresh.run_id, old.run_id);
  equal(fresh.config_hash, old.config_hash);
  equal(fresh.tags.same_config_as, old.run_id);
  equal(fresh.tags.quantnb_version, denoJson.version);
  const again = await recordRun(input, { runsDir });
  deepEqual([again.reused, again.run_id], [true, fresh.run_id]);
  await Deno.remove(runsDir, { recursive: true });
});

Deno.test("recordOnce() computes again over a run of another version, without its stored result", async () => {
  const runsDir = await Deno.makeTempDir();
  let computed = 0;
  const compute = (previous: unknown) => {
    computed++;
    equal(previous, undefined); // an old version's result is not handed over either
    return Promise.resolve({ input, result: { sharpe: 1.5 } });
  };
  const first = await recordOnce(input, compute, { runsDir, now: new Date("2024-01-02T00:00:00Z") });
  await recordOnce(input, compute, { runsDir });
  equal(computed, 1);
  await recordedBy(first.run.dir, "0.0.1");
  const second = await recordOnce(input, compute, { runsDir, now: new Date("2024-01-03T00:00:00Z") });
  equal(computed, 2);
  equal(second.run.reused, false);
  equal(second.run.tags.same_config_as, first.run.run_id);
  await Deno.remove(runsDir, { recursive: true });
});
