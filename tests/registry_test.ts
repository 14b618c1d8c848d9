/**
 * The run registry under stress (issue 8 items 5, 6, 14): a malformed run.json is skipped and
 * reported, never fatal; identical runs started together in real processes record ONE run and
 * compute once; labels (name, author) are not identity but are never silently swapped; `force`
 * records anew; identity is checked before anything is computed.
 */
import { deepStrictEqual as deepEqual, equal, match, notEqual, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import {
  findRuns,
  listRuns,
  readRunResult,
  recordOnce,
  recordRun,
  type RunIdentity,
  type RunInput,
  type SkippedRun,
  withRunLock,
} from "../lib/track/mod.ts";
import { main as runsCli } from "../lib/cli/runs.ts";
import { capture } from "./fixtures/capture.ts";

const TRACK = new URL("../lib/track/mod.ts", import.meta.url).href;

const identity = (over: Partial<RunIdentity> = {}): RunIdentity => ({
  kind: "suite",
  tags: { signal_name: "mom", author: "ana", snapshot_id: "s", snapshot_hash: "h-s" },
  params: { preset: "standard", lags: [0, 1, 2] },
  inputHash: "h-signal",
  ...over,
});
const input = (id: RunIdentity, sharpe = 1.5): RunInput => ({ ...id, metrics: { sharpe } });
/** A result with what plain JSON would lose: NaN, ±Infinity, typed arrays. */
const result = () => ({
  sharpe: NaN,
  worst: -Infinity,
  net: Float64Array.of(0.01, NaN, -0.02),
  n: Int32Array.of(3, 4),
});

Deno.test("listRuns() skips and reports malformed run.json files; nothing else breaks", async (t) => {
  const runsDir = await Deno.makeTempDir();
  const good = await recordRun(input(identity()), { runsDir });
  const bad: Record<string, string> = {
    "20240101-000000-broken-aaaaaaaaaaaa": '{"run_id": "20240101-000000-broken-aaaaaaaaaaaa", ',
    "20240101-000000-empty-bbbbbbbbbbbb": "",
    "20240101-000000-array-cccccccccccc": "[1, 2]",
    "20240101-000000-noid-dddddddddddd":
      '{"created_at": "2024-01-01T00:00:00Z", "config_hash": "d", "tags": {}}',
    "20240101-000000-moved-eeeeeeeeeeee":
      '{"run_id": "elsewhere", "created_at": "2024-01-01T00:00:00Z", "config_hash": "e", "tags": {}}',
  };
  for (const [folder, text] of Object.entries(bad)) {
    await Deno.mkdir(join(runsDir, folder));
    await Deno.writeTextFile(join(runsDir, folder, "run.json"), text);
  }
  await t.step("listRuns lists the good run and reports each bad file with its reason", async () => {
    const skipped: SkippedRun[] = [];
    const runs = await listRuns({ runsDir, onSkipped: (s) => skipped.push(s) });
    deepEqual(runs.map((r) => r.run_id), [good.run_id]);
    const reasons = Object.fromEntries(skipped.map((s) => [s.path.split("/").at(-2), s.reason]));
    deepEqual(reasons, {
      "20240101-000000-broken-aaaaaaaaaaaa": "not valid JSON",
      "20240101-000000-empty-bbbbbbbbbbbb": "not valid JSON",
      "20240101-000000-array-cccccccccccc": "not a JSON object",
      "20240101-000000-noid-dddddddddddd": 'no "run_id" string',
      "20240101-000000-moved-eeeeeeeeeeee": `its run_id "elsewhere" is not its folder's name`,
    });
  });
  await t.step("runs list exits 0, prints the good run and one line per skipped file", async () => {
    const r = await capture(() => runsCli(["list", "--runs", runsDir]));
    equal(r.code, 0, r.err);
    ok(r.out.includes(good.run_id), r.out);
    equal(r.err.split("\n").filter((l) => l.startsWith("runs list: skipped ")).length, 5, r.err);
  });
  await t.step("recording another run after the bad files still works (no failure at the end)", async () => {
    const next = await recordRun(input(identity({ params: { preset: "quick" } })), { runsDir });
    equal(next.reused, false);
    equal((await listRuns({ runsDir, onSkipped: () => {} })).length, 2);
  });
  await Deno.remove(runsDir, { recursive: true });
});

Deno.test("labels are not identity, but a new name or author is never answered with the old run", async (t) => {
  const runsDir = await Deno.makeTempDir();
  const first = await recordRun(input(identity()), { runsDir, now: new Date("2024-03-01T10:00:00Z") });
  await t.step("same config and labels ⇒ the same run, reused", async () => {
    const again = await recordRun(input(identity(), 9), { runsDir });
    equal(again.reused, true);
    equal(again.run_id, first.run_id);
  });
  await t.step("same config under a new name ⇒ a new run under that name, linked to the first", async () => {
    const renamed = await recordRun(input(identity({ experiment: "mom v2" })), { runsDir });
    equal(renamed.reused, false);
    equal(renamed.config_hash, first.config_hash);
    equal(renamed.experiment, "mom v2");
    match(renamed.run_id, /-mom-v2-[0-9a-f]{12}$/);
    equal(renamed.tags.same_config_as, first.run_id);
    const byBo = await recordRun(input(identity({ tags: { ...identity().tags, author: "bo" } })), {
      runsDir,
    });
    equal(byBo.reused, false);
    equal(byBo.tags.author, "bo");
  });
  await t.step("force records anew, even within the same second (the id moves on)", async () => {
    const now = new Date("2024-03-01T10:00:00Z");
    const forced = await recordRun(input(identity()), { runsDir, force: true, now });
    equal(forced.reused, false);
    notEqual(forced.run_id, first.run_id);
    ok(forced.run_id.startsWith("20240301-100001-mom-"), forced.run_id);
    equal((await findRuns(first.config_hash, { runsDir })).length, 4);
  });
  await t.step("empty labels are refused before anything is written", async () => {
    await rejects(
      () => recordRun(input(identity({ experiment: "" })), { runsDir }),
      /experiment \(or tags\.signal_name\) must be a non-empty/,
    );
    await rejects(
      () => recordRun(input(identity({ tags: { ...identity().tags, author: " " } })), { runsDir }),
      /author must not be empty/,
    );
  });
  await Deno.remove(runsDir, { recursive: true });
});

Deno.test("recordOnce() checks before computing and returns the stored result exactly", async (t) => {
  const runsDir = await Deno.makeTempDir();
  let computed = 0;
  const compute = (previous: unknown) => {
    computed++;
    return Promise.resolve({
      input: input(identity()),
      result: previous ? (previous as { result: ReturnType<typeof result> }).result : result(),
    });
  };
  const first = await recordOnce(identity(), compute, { runsDir });
  await t.step("the first call computes and stores result.bin", async () => {
    equal(computed, 1);
    equal(first.run.reused, false);
    deepEqual(await readRunResult(first.run), result());
  });
  await t.step("an identical call returns the stored result without computing", async () => {
    const again = await recordOnce(identity(), compute, { runsDir });
    equal(computed, 1);
    equal(again.run.reused, true);
    equal(again.run.run_id, first.run.run_id);
    deepEqual(again.result, result()); // NaN, -Infinity and typed arrays survive
    ok(again.result.net instanceof Float64Array && Number.isNaN(again.result.net[1]));
  });
  await t.step("another name gets the earlier result as `previous` and records a new run", async () => {
    let seen: unknown;
    const other = await recordOnce(identity({ experiment: "renamed" }), (previous) => {
      seen = previous;
      return Promise.resolve({ input: input(identity({ experiment: "renamed" })), result: previous!.result });
    }, { runsDir });
    equal((seen as { run: { run_id: string } }).run.run_id, first.run.run_id);
    equal(other.run.experiment, "renamed");
    equal(other.run.tags.same_config_as, first.run.run_id);
  });
  await t.step("an identity that cannot be recorded fails before computing", async () => {
    await rejects(() => recordOnce(identity({ experiment: "" }), compute, { runsDir }), /non-empty/);
    equal(computed, 1);
  });
  await t.step("a computation that records another config is refused", async () => {
    await rejects(
      () =>
        recordOnce(
          identity({ params: { preset: "quick" } }),
          () => Promise.resolve({ input: input(identity()), result: 1 }),
          { runsDir },
        ),
      /config hash [0-9a-f]{12} differs from its identity's/,
    );
  });
  await Deno.remove(runsDir, { recursive: true });
});

/** Runs a child script and returns its stdout lines (it must exit 0). */
function child(source: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), { args: ["eval", source], stdout: "piped", stderr: "piped" })
    .spawn();
}

Deno.test("6 identical runs started together in 6 processes record one run and compute once", async () => {
  const runsDir = await Deno.makeTempDir();
  const script = `import { recordOnce } from "${TRACK}";
const id = ${JSON.stringify(identity())};
const out = await recordOnce(id, async () => {
  console.log("computing");
  await new Promise((r) => setTimeout(r, 400));
  return { input: { ...id, metrics: { sharpe: 1 } }, result: { n: Float64Array.of(${"1, 2"}) } };
}, { runsDir: ${JSON.stringify(runsDir)}, onWait: (h) => console.log("waiting for " + h?.pid) });
console.log("run " + out.run.run_id + " reused=" + out.run.reused);`;
  const children = Array.from({ length: 6 }, () => child(script));
  const outputs = await Promise.all(children.map(async (c) => {
    const { code, stdout, stderr } = await c.output();
    equal(code, 0, new TextDecoder().decode(stderr));
    return new TextDecoder().decode(stdout);
  }));
  const all = outputs.join("");
  equal(all.split("\n").filter((l) => l === "computing").length, 1, all);
  const ids = new Set(outputs.map((o) => /run (\S+)/.exec(o)![1]));
  equal(ids.size, 1, all);
  equal(outputs.filter((o) => o.includes("reused=false")).length, 1, all);
  const folders = [...Deno.readDirSync(runsDir)].map((e) => e.name).filter((n) => !n.startsWith("."));
  deepEqual(folders, [...ids]);
  await Deno.remove(runsDir, { recursive: true });
});

Deno.test("withRunLock(): a holder killed mid-run releases the lock to the waiter", async () => {
  const runsDir = await Deno.makeTempDir();
  const holder = child(`import { withRunLock } from "${TRACK}";
await withRunLock(${JSON.stringify(runsDir)}, "abcdef012345", async () => {
  console.log("holding");
  await new Promise(() => setInterval(() => {}, 1000));
});`);
  const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
  for (let said = ""; !said.includes("holding");) said += (await reader.read()).value ?? "";
  let waitedFor: number | undefined;
  const waiter = withRunLock(
    runsDir,
    "abcdef012345",
    () => Promise.resolve("got it"),
    (h) => (waitedFor = h?.pid),
  );
  await new Promise((r) => setTimeout(r, 200));
  equal(waitedFor, holder.pid); // it said whom it waits for
  holder.kill("SIGKILL");
  await holder.status;
  await reader.cancel();
  await holder.stderr.cancel();
  equal(await waiter, "got it");
  deepEqual([...Deno.readDirSync(runsDir)], []); // lock file and folder removed
  await Deno.remove(runsDir, { recursive: true });
});

Deno.test("recordOnce() recomputes (and says so) when a stored result.bin is damaged", async () => {
  const runsDir = await Deno.makeTempDir();
  const first = await recordOnce(
    identity(),
    () => Promise.resolve({ input: input(identity()), result: result() }),
    {
      runsDir,
    },
  );
  await Deno.writeFile(join(first.run.dir, "result.bin"), new Uint8Array([1, 2, 3]));
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...parts: unknown[]) => warnings.push(parts.join(" "));
  let computed = 0;
  try {
    const again = await recordOnce(identity(), () => {
      computed++;
      return Promise.resolve({ input: input(identity()), result: result() });
    }, { runsDir });
    equal(computed, 1);
    equal(again.run.run_id, first.run.run_id); // the same run, not recorded twice
    equal(again.run.reused, true);
  } finally {
    console.warn = warn;
  }
  ok(warnings.some((w) => w.includes("result.bin: not a result bundle")), warnings.join("\n"));
  equal((await findRuns(first.run.config_hash, { runsDir })).length, 1);
  await Deno.remove(runsDir, { recursive: true });
});
