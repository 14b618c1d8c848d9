import { capture } from "./fixtures/capture.ts";
import { deepStrictEqual as deepEqual, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import denoJson from "../deno.json" with { type: "json" };
import {
  compareRuns,
  getRun,
  listRuns,
  readDaily,
  readTableParquet,
  recordRun,
  runConfigHash,
  type RunInput,
} from "../lib/track/mod.ts";
import { main as runsCli } from "../lib/cli/runs.ts";
import { withMemoryDb } from "../lib/track/_db.ts";
import { writeDirAtomic, writeFileAtomic } from "../lib/util/atomic.ts";
import { configHash, sha256Hex, stableJson } from "../lib/util/hash.ts";
import { gitSha } from "../lib/util/git.ts";

const DAY = 86_400_000;
const d = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** A small hand-made run; `over` replaces top-level fields. */
function input(over: Partial<RunInput> = {}): RunInput {
  return {
    experiment: "Momentum US",
    kind: "backtest",
    tags: {
      signal_name: "momentum",
      author: "ana",
      snapshot_id: "snap-1",
      snapshot_hash: "h-snap",
      region: "us",
    },
    params: { lag: 1, costs: { tc_bps: 5 }, fractiles: 5 },
    metrics: { sharpe: 1.25, annual_return: 0.08, max_drawdown: -0.12, turnover: 0.4 },
    daily: {
      date: new Float64Array([d("2024-01-02"), d("2024-01-03"), d("2024-01-04")]),
      net: new Float64Array([0.1, -0.1, 0.05]),
      gross: new Float64Array([0.11, NaN, 0.06]),
    },
    summaryRows: [{ variant: "q5", sharpe: 1.25 }, { variant: 'q10, "wide"', sharpe: 0.9, note: "x" }],
    inputHash: "h-signal",
    ...over,
  };
}

/** Names in a folder, sorted. */
async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

const NOW = new Date("2024-03-05T10:15:30Z");

Deno.test("recordRun() writes run.json, daily.parquet, summary.csv and the artifacts", async (t) => {
  const runsDir = await Deno.makeTempDir();
  const run = await recordRun(
    input({ artifacts: { "tearsheet.html": "<html></html>", "charts/eq.bin": new Uint8Array([1, 2, 3]) } }),
    { runsDir, now: NOW },
  );
  // config hash computed independently: the canonical JSON written out by hand, hashed with Web Crypto.
  const canonical = '{"input_hash":"h-signal","kind":"backtest",' +
    '"params":{"costs":{"tc_bps":5},"fractiles":5,"lag":1},"snapshot_hash":"h-snap"}';
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)));
  const hash12 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 12);

  await t.step("id and folder", async () => {
    deepEqual(run.run_id, `20240305-101530-momentum-us-${hash12}`);
    deepEqual(run.dir, join(runsDir, run.run_id));
    deepEqual(run.reused, false);
    deepEqual(await entries(runsDir), [run.run_id]);
    deepEqual(await entries(run.dir), [
      "charts",
      "daily.parquet",
      "run.json",
      "summary.csv",
      "tearsheet.html",
    ]);
    deepEqual(await entries(join(run.dir, "charts")), ["eq.bin"]);
  });

  await t.step("run.json keys and values", async () => {
    const json = JSON.parse(await Deno.readTextFile(join(run.dir, "run.json")));
    deepEqual(Object.keys(json), [
      "run_id",
      "experiment",
      "kind",
      "created_at",
      "config_hash",
      "tags",
      "params",
      "metrics",
    ]);
    deepEqual(json.run_id, run.run_id);
    deepEqual(json.experiment, "Momentum US");
    deepEqual(json.kind, "backtest");
    deepEqual(json.created_at, "2024-03-05T10:15:30.000Z");
    deepEqual(json.config_hash, hash12);
    const { git_sha, ...tags } = json.tags;
    match(git_sha, /^([0-9a-f]{40}(-dirty)?|unknown)$/);
    deepEqual(tags, {
      signal_name: "momentum",
      author: "ana",
      snapshot_id: "snap-1",
      snapshot_hash: "h-snap",
      region: "us",
      input_hash: "h-signal",
      quantnb_version: denoJson.version,
    });
    deepEqual(json.params, { costs: { tc_bps: 5 }, fractiles: 5, lag: 1 });
    deepEqual(json.metrics, { sharpe: 1.25, annual_return: 0.08, max_drawdown: -0.12, turnover: 0.4 });
  });

  await t.step("summary.csv and artifacts", async () => {
    deepEqual(
      await Deno.readTextFile(join(run.dir, "summary.csv")),
      'variant,sharpe,note\nq5,1.25,\n"q10, ""wide""",0.9,x\n',
    );
    deepEqual(await Deno.readTextFile(join(run.dir, "tearsheet.html")), "<html></html>");
    deepEqual(await Deno.readFile(join(run.dir, "charts", "eq.bin")), new Uint8Array([1, 2, 3]));
  });

  await t.step("daily.parquet round-trips dates (as DATE) and numbers (NaN as NULL)", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    const reader = await conn.runAndReadAll(
      `SELECT strftime(date, '%Y-%m-%d') AS day, typeof(date) AS type, net, gross
       FROM read_parquet('${join(run.dir, "daily.parquet")}') ORDER BY date`,
    );
    deepEqual(reader.getRowObjectsJS(), [
      { day: "2024-01-02", type: "DATE", net: 0.1, gross: 0.11 },
      { day: "2024-01-03", type: "DATE", net: -0.1, gross: null },
      { day: "2024-01-04", type: "DATE", net: 0.05, gross: 0.06 },
    ]);
    conn.closeSync();
    instance.closeSync();
    const daily = await readDaily(run.run_id.slice(0, 12), { runsDir });
    deepEqual(Object.keys(daily), ["date", "net", "gross"]);
    deepEqual(Array.from(daily.date), [d("2024-01-02"), d("2024-01-03"), d("2024-01-04")]);
    deepEqual(Array.from(daily.net), [0.1, -0.1, 0.05]);
    deepEqual(Array.from(daily.gross), [0.11, NaN, 0.06]);
  });
});

Deno.test("recordRun() recognises an identical rerun and gives a new config a new id", async (t) => {
  const runsDir = await Deno.makeTempDir();
  const first = await recordRun(input(), { runsDir, now: NOW });

  await t.step("same config (keys in another order, other metrics) ⇒ reused, nothing written", async () => {
    const again = await recordRun(
      input({ params: { fractiles: 5, costs: { tc_bps: 5 }, lag: 1 }, metrics: { sharpe: 9 } }),
      { runsDir, now: new Date("2024-06-01T00:00:00Z") },
    );
    deepEqual(again.reused, true);
    deepEqual(again.run_id, first.run_id);
    deepEqual(again.metrics.sharpe, 1.25);
    deepEqual(await entries(runsDir), [first.run_id]);
  });

  await t.step("the id is a function of time, experiment and config hash", async () => {
    const other = await Deno.makeTempDir();
    const twin = await recordRun(input(), { runsDir: other, now: NOW });
    deepEqual(twin.run_id, first.run_id);
  });

  await t.step("different params, signal or snapshot ⇒ different id", async () => {
    const byParams = await recordRun(input({ params: { lag: 2, costs: { tc_bps: 5 }, fractiles: 5 } }), {
      runsDir,
      now: NOW,
    });
    const bySignal = await recordRun(input({ inputHash: "h-other" }), { runsDir, now: NOW });
    const bySnapshot = await recordRun(
      input({ tags: { signal_name: "momentum", snapshot_id: "snap-1", snapshot_hash: "h-snap-2" } }),
      { runsDir, now: NOW },
    );
    const ids = new Set([first.run_id, byParams.run_id, bySignal.run_id, bySnapshot.run_id]);
    deepEqual(ids.size, 4);
    for (const r of [byParams, bySignal, bySnapshot]) {
      deepEqual(r.reused, false);
      match(r.run_id, /^20240305-101530-momentum-us-[0-9a-f]{12}$/);
    }
  });

  await t.step("force ⇒ a new run with the same config hash", async () => {
    const forced = await recordRun(input(), { runsDir, now: new Date("2024-03-06T00:00:00Z"), force: true });
    deepEqual(forced.reused, false);
    deepEqual(forced.config_hash, first.config_hash);
    deepEqual(forced.run_id, `20240306-000000-momentum-us-${first.config_hash}`);
  });
});

Deno.test("recordRun() records any kind: no snapshot, no daily series, table artifacts as Parquet", async (t) => {
  const runsDir = await Deno.makeTempDir();
  const trial = Float64Array.of(0, 1, 2);
  const run = await recordRun({
    experiment: "grid over lag",
    kind: "optimize",
    tags: {},
    params: { space: { lag: [0, 1, 2] } },
    metrics: { best_sharpe: 1.5 },
    inputHash: "",
    tables: { trials: { trial, method: ["grid", "grid", null], sharpe: Float64Array.of(1, NaN, 1.5) } },
  }, { runsDir, now: NOW });

  await t.step("folder holds run.json and the table only", async () => {
    deepEqual(await entries(run.dir), ["run.json", "trials.parquet"]);
    deepEqual(run.kind, "optimize");
    deepEqual(run.tags.snapshot_id, undefined);
  });
  await t.step("the table reads back with its types, NULLs as NaN / null", async () => {
    const table = await readTableParquet(join(run.dir, "trials.parquet"));
    deepEqual(Object.keys(table), ["trial", "method", "sharpe"]);
    deepEqual(table.trial, trial);
    deepEqual(table.method, ["grid", "grid", null]);
    deepEqual(Array.from(table.sharpe as Float64Array), [1, NaN, 1.5]);
  });
  await t.step("readDaily of a run without a daily series is empty; listRuns filters by kind", async () => {
    deepEqual((await readDaily(run.run_id, { runsDir })).date.length, 0);
    await recordRun(input(), { runsDir, now: NOW });
    deepEqual((await listRuns({ runsDir, kind: "optimize" })).map((r) => r.run_id), [run.run_id]);
    deepEqual((await listRuns({ runsDir })).length, 2);
  });
  await t.step(
    "the kind is part of the identity; unknown kinds and lone snapshot tags are refused",
    async () => {
      const asBacktest = await recordRun(input(), { runsDir: await Deno.makeTempDir(), now: NOW });
      const asSuite = await recordRun(input({ kind: "suite" }), {
        runsDir: await Deno.makeTempDir(),
        now: NOW,
      });
      ok(asBacktest.config_hash !== asSuite.config_hash);
      await rejects(
        recordRun(input({ kind: "nope" as RunInput["kind"] }), { runsDir }),
        /kind must be one of/,
      );
      await rejects(
        recordRun(input({ tags: { signal_name: "m", snapshot_id: "s" } }), { runsDir }),
        /snapshot_id and tags.snapshot_hash go together/,
      );
      await rejects(
        recordRun(input({ tables: { daily: { x: Float64Array.of(1) } } }), { runsDir }),
        /table name "daily"/,
      );
    },
  );
});

Deno.test("recordRun() leaves no run behind when writing fails or the process is killed", async (t) => {
  await t.step("an error mid-write (DuckDB rejects the daily columns) ⇒ nothing in runs/", async () => {
    const runsDir = await Deno.makeTempDir();
    const date = new Float64Array([d("2024-01-02")]);
    await rejects(
      () =>
        recordRun(input({ daily: { date, net: new Float64Array([0.1]), NET: new Float64Array([0.2]) } }), {
          runsDir,
        }),
      /NET/,
    );
    deepEqual(await entries(runsDir), []);
    deepEqual(await listRuns({ runsDir }), []);
    // the Parquet writers' scratch tables (TEMP, on their own connection) went with the connection
    const tables = await withMemoryDb(async (conn) =>
      (await conn.runAndReadAll("FROM duckdb_tables()")).getRows()
    );
    deepEqual(tables, []);
  });

  await t.step("SIGKILL while writing a large artifact ⇒ no visible run; a rerun succeeds", async () => {
    const runsDir = await Deno.makeTempDir();
    const child = await Deno.makeTempFile({ suffix: ".ts" });
    const { daily: _daily, ...plain } = input();
    // The child writes half of the large artifact, says "ready" and hangs; the parent then kills it.
    await Deno.writeTextFile(
      child,
      `import { recordRun } from "${new URL("../lib/track/mod.ts", import.meta.url).href}";
const writeSync = Deno.FsFile.prototype.writeSync;
Deno.FsFile.prototype.writeSync = function (data: Uint8Array) {
  if (data.length < 32 << 20) return writeSync.call(this, data);
  writeSync.call(this, data.subarray(0, data.length / 2));
  console.log("ready");
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // hangs until killed
  return 0;
};
await recordRun({
  ...${JSON.stringify(plain)},
  daily: { date: new Float64Array([${d("2024-01-02")}]), net: new Float64Array([0.01]) },
  artifacts: { "big.bin": new Uint8Array(64 << 20) },
}, { runsDir: ${JSON.stringify(runsDir)} });
`,
    );
    const proc = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("../deno.json", import.meta.url).pathname, child],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let said = "";
    while (!said.includes("ready")) {
      const { value, done } = await reader.read();
      if (done) break;
      said += value;
    }
    ok(said.includes("ready"), "the child reached the artifact write");
    proc.kill("SIGKILL");
    deepEqual((await proc.status).signal, "SIGKILL");
    await reader.cancel();
    await Deno.remove(child);

    // The dead writer's run lock (released by the kernel) stays as a file until the next run with
    // that config hash takes and removes it; besides it: the temp folder and its owner's lock file.
    deepEqual(await entries(join(runsDir, ".locks")), [`${await runConfigHash(input())}.lock`]);
    const left = (await entries(runsDir)).filter((name) => name !== ".locks");
    deepEqual(left.length, 2);
    match(left[0], /^\.2\d{7}-\d{6}-momentum-us-[0-9a-f]{12}\.tmp-[0-9a-f]{12}$/);
    deepEqual(left[1], `${left[0]}.lock`);
    deepEqual((await entries(join(runsDir, left[0]))).includes("big.bin"), true);
    deepEqual(await listRuns({ runsDir }), []);
    await rejects(() => getRun("2", { runsDir }), /unknown run id "2"/);
    const rerun = await recordRun(input(), { runsDir });
    deepEqual(rerun.reused, false);
    deepEqual((await listRuns({ runsDir })).map((r) => r.run_id), [rerun.run_id]);
    // The next write of a run removed the crashed writer's 64 MB temp folder (issue 8 item 13).
    deepEqual(await entries(runsDir), [rerun.run_id]);
    await Deno.remove(runsDir, { recursive: true });
  });
});

/** Three runs: two of momentum (by ana, by bo), one of value (by ana), created on different days. */
async function registry(): Promise<{ runsDir: string; ids: string[] }> {
  const runsDir = await Deno.makeTempDir();
  const a = await recordRun(input(), { runsDir, now: new Date("2024-01-10T09:00:00Z") });
  const b = await recordRun(
    input({
      tags: { signal_name: "momentum", author: "bo", snapshot_id: "snap-2", snapshot_hash: "h2" },
      metrics: { sharpe: 0.5 },
    }),
    { runsDir, now: new Date("2024-02-01T00:00:00Z") },
  );
  const c = await recordRun(
    input({
      experiment: undefined,
      tags: { signal_name: "value", author: "ana", snapshot_id: "snap-1", snapshot_hash: "h-snap" },
      inputHash: "h-value",
    }),
    { runsDir, now: new Date("2024-01-20T12:00:00Z") },
  );
  return { runsDir, ids: [a.run_id, b.run_id, c.run_id] };
}

Deno.test("listRuns() filters by signal, author, since and experiment, newest first", async (t) => {
  const { runsDir, ids: [a, b, c] } = await registry();
  const ids = async (options: Parameters<typeof listRuns>[0]) =>
    (await listRuns({ runsDir, ...options })).map((r) => r.run_id);

  await t.step("all, newest first, with headline metrics when present", async () => {
    const runs = await listRuns({ runsDir });
    deepEqual(runs.map((r) => r.run_id), [b, c, a]);
    deepEqual(runs[2], {
      run_id: a,
      created_at: "2024-01-10T09:00:00.000Z",
      experiment: "Momentum US",
      kind: "backtest",
      signal_name: "momentum",
      author: "ana",
      snapshot_id: "snap-1",
      config_hash: a.slice(-12),
      sharpe: 1.25,
      annual_return: 0.08,
      max_drawdown: -0.12,
      turnover: 0.4,
    });
    deepEqual(runs[0].sharpe, 0.5);
    deepEqual("turnover" in runs[0], false);
  });
  await t.step("filters", async () => {
    deepEqual(await ids({ signal: "momentum" }), [b, a]);
    deepEqual(await ids({ author: "ana" }), [c, a]);
    deepEqual(await ids({ since: "2024-01-20" }), [b, c]);
    deepEqual(await ids({ since: "2024-01-20T12:00:01Z" }), [b]);
    deepEqual(await ids({ experiment: "value" }), [c]);
    deepEqual(await ids({ signal: "momentum", author: "ana" }), [a]);
    deepEqual(await ids({ signal: "nope" }), []);
    await rejects(() => listRuns({ runsDir, since: "last week" }), RangeError);
  });
  await t.step("missing or empty registry ⇒ []", async () => {
    deepEqual(await listRuns({ runsDir: join(runsDir, "missing") }), []);
    const empty = await Deno.makeTempDir();
    deepEqual(await listRuns({ runsDir: empty }), []);
    await Deno.mkdir(join(empty, ".x.tmp-0"));
    await Deno.writeTextFile(join(empty, ".x.tmp-0", "run.json"), "{}");
    deepEqual(await listRuns({ runsDir: empty }), []);
  });
});

Deno.test("getRun() resolves a unique prefix and explains unknown or ambiguous ids", async () => {
  const { runsDir, ids: [a, b, c] } = await registry();
  deepEqual((await getRun(a, { runsDir })).run_id, a);
  deepEqual((await getRun("20240201", { runsDir })).run_id, b);
  const run = await getRun("20240120-12", { runsDir });
  deepEqual([run.run_id, run.experiment, run.metrics.sharpe], [c, "value", 1.25]);
  await rejects(
    () => getRun("202401", { runsDir }),
    (e: Error) =>
      e instanceof RangeError && e.message.includes("ambiguous") && e.message.includes(a) &&
      e.message.includes(c) && !e.message.includes(b),
  );
  await rejects(
    () => getRun("1999", { runsDir }),
    (e: Error) =>
      e instanceof RangeError && e.message.includes('unknown run id "1999"') && e.message.includes(b),
  );
  await rejects(() => getRun("", { runsDir }), TypeError);
});

Deno.test("compareRuns() diffs metrics and params and aligns equity curves on dates", async (t) => {
  const runsDir = await Deno.makeTempDir();
  const a = await recordRun(input({ params: { lag: 1, costs: { tc_bps: 5 }, universe: "us" } }), {
    runsDir,
    now: new Date("2024-01-01T00:00:00Z"),
  });
  const b = await recordRun(
    input({
      params: { lag: 2, costs: { tc_bps: 5 }, universe: "us", neutral: true },
      metrics: { sharpe: 1.5, annual_return: 0.1, hit_rate: 0.55 },
      daily: {
        date: new Float64Array([d("2024-01-03"), d("2024-01-04"), d("2024-01-05")]),
        net: new Float64Array([0.02, NaN, 0.01]),
      },
    }),
    { runsDir, now: new Date("2024-01-02T00:00:00Z") },
  );
  const cmp = await compareRuns(a.run_id, b.run_id.slice(0, 15), { runsDir });

  await t.step("metrics: a's order then b's extras, diff = b - a", () => {
    const approx = (x: number) => Math.round(x * 1e12) / 1e12;
    deepEqual(cmp.metrics.map((m) => [m.name, m.a, m.b, approx(m.diff)]), [
      ["sharpe", 1.25, 1.5, 0.25],
      ["annual_return", 0.08, 0.1, 0.02],
      ["max_drawdown", -0.12, NaN, NaN],
      ["turnover", 0.4, NaN, NaN],
      ["hit_rate", NaN, 0.55, NaN],
    ]);
  });
  await t.step("params: only the differing dotted keys", () => {
    deepEqual(cmp.params, [{ key: "lag", a: 1, b: 2 }, { key: "neutral", a: undefined, b: true }]);
  });
  await t.step("equity: wealth from net on the union of dates", () => {
    // a: 1.1, 1.1 * 0.9 = 0.99, 0.99 * 1.05 = 1.0395; b starts on 01-03: 1.02, NaN return carries, 1.02 * 1.01.
    const round = (x: Float64Array) => Array.from(x, (v) => Math.round(v * 1e10) / 1e10);
    deepEqual(Array.from(cmp.equity.date), [0, 1, 2, 3].map((k) => d("2024-01-02") + k * DAY));
    deepEqual(round(cmp.equity.a), [1.1, 0.99, 1.0395, NaN]);
    deepEqual(round(cmp.equity.b), [NaN, 1.02, 1.02, 1.0302]);
    deepEqual(cmp.equity.columns, { a: "net", b: "net" });
  });
  await t.step("without a net column the first numeric column is compounded", async () => {
    const c = await recordRun(
      input({
        inputHash: "h-c",
        daily: { date: new Float64Array([d("2024-01-02")]), gross: new Float64Array([0.5]) },
      }),
      { runsDir },
    );
    const cmp2 = await compareRuns(a.run_id, c.run_id, { runsDir });
    deepEqual(cmp2.equity.columns.b, "gross");
    deepEqual(Array.from(cmp2.equity.b), [1.5, NaN, NaN]);
  });
});

Deno.test("runs CLI: compare prints both ids, metric rows and equity sparklines; list --json", async () => {
  const { runsDir, ids: [a, b] } = await registry();
  const { code, out } = await capture(() => runsCli(["--runs", runsDir, "compare", a, b]));
  deepEqual(code, 0);
  ok(out.includes(`A  ${a}`) && out.includes(`B  ${b}`));
  match(out, /^sharpe\s+1\.2500\s+0\.5000\s+-0\.7500$/m);
  match(out, /^annual_return\s+0\.0800\s+n\/a\s+n\/a$/m);
  match(out, /^A {2}[▁▂▃▄▅▆▇█]{3} {2}1\.0395$/m);
  const list = await capture(() => runsCli(["list", "--runs", runsDir, "--author", "ana", "--json"]));
  deepEqual(list.code, 0);
  deepEqual(JSON.parse(list.out).length, 2);
  const show = await capture(() => runsCli(["show", b.slice(0, 10), "--runs", runsDir]));
  deepEqual(show.code, 0);
  match(show.out, new RegExp(`^run_id\\s+${b}$`, "m"));
  const usage = await capture(() => runsCli(["compare", a, "--runs", runsDir]));
  deepEqual(usage.code, 2);
  match(usage.err, /expected 2 run id\(s\), found 1/);
  deepEqual((await capture(() => runsCli(["list", "--help"]))).code, 0);
  const unknown = await capture(() => runsCli(["show", "1999", "--runs", runsDir]));
  deepEqual(unknown.code, 1);
  match(unknown.err, /unknown run id "1999"/);
  const html = join(runsDir, "..", `compare-${crypto.randomUUID()}.html`);
  deepEqual((await capture(() => runsCli(["compare", a, b, "--runs", runsDir, "--html", html]))).code, 0);
  const page = await Deno.readTextFile(html);
  ok(page.startsWith("<!doctype html>") && page.includes(a) && page.includes(b) && page.includes("<svg"));
  await Deno.remove(html);
});

Deno.test("writeFileAtomic() and writeDirAtomic() write whole or not at all and never overwrite a dir", async (t) => {
  const root = await Deno.makeTempDir();
  await t.step("writeFileAtomic writes, replaces a file, refuses a directory", async () => {
    const path = join(root, "sub", "a.json");
    await writeFileAtomic(path, "one");
    await writeFileAtomic(path, new TextEncoder().encode("two"));
    deepEqual(await Deno.readTextFile(path), "two");
    await rejects(() => writeFileAtomic(join(root, "sub"), "x"), Deno.errors.AlreadyExists);
    deepEqual(await entries(join(root, "sub")), ["a.json"]);
  });
  await t.step("writeDirAtomic builds under a hidden temp name, then renames", async () => {
    let seen = "";
    await writeDirAtomic(join(root, "snap"), async (tmp) => {
      seen = tmp;
      await Deno.writeTextFile(join(tmp, "m.json"), "{}");
    });
    match(seen, /[/\\]\.snap\.tmp-[0-9a-f]{12}$/);
    deepEqual(await entries(join(root, "snap")), ["m.json"]);
  });
  await t.step("writeDirAtomic refuses an existing folder and removes its temp on failure", async () => {
    await rejects(() => writeDirAtomic(join(root, "snap"), async () => {}), Deno.errors.AlreadyExists);
    await rejects(
      () =>
        writeDirAtomic(join(root, "snap2"), async (tmp) => {
          await Deno.writeTextFile(join(tmp, "half"), "…");
          throw new Error("crash");
        }),
      /crash/,
    );
    await rejects(
      () =>
        writeDirAtomic(join(root, "late"), () => Deno.mkdir(join(root, "late", "x"), { recursive: true })),
      Deno.errors.AlreadyExists,
    );
    deepEqual(await entries(root), ["late", "snap", "sub"]);
    deepEqual(await entries(join(root, "snap")), ["m.json"]);
  });
  await t.step(
    "writeDirAtomic fsyncs every file once: those written or synced through `files` not again",
    async () => {
      const sync = Deno.FsFile.prototype.sync;
      let fsyncs = 0;
      Deno.FsFile.prototype.sync = function () {
        fsyncs++;
        return sync.call(this);
      };
      try {
        await writeDirAtomic(join(root, "synced"), async (tmp, files) => {
          await Promise.all([
            files.write("a.json", "{}"),
            files.write("sub/b.txt", new TextEncoder().encode("b")),
          ]);
          await Deno.writeTextFile(join(tmp, "c.parquet"), "c");
          await files.sync("c.parquet");
          await Deno.writeTextFile(join(tmp, "d.txt"), "d"); // left to writeDirAtomic
        });
      } finally {
        Deno.FsFile.prototype.sync = sync;
      }
      deepEqual(fsyncs, 4);
      deepEqual(await entries(join(root, "synced")), ["a.json", "c.parquet", "d.txt", "sub"]);
      deepEqual(await Deno.readTextFile(join(root, "synced", "sub", "b.txt")), "b");
      await rejects(
        () =>
          writeDirAtomic(
            join(root, "twice"),
            (_, files) => files.write("a", "1").then(() => files.write("a", "2")),
          ),
        Deno.errors.AlreadyExists,
      );
      deepEqual((await entries(root)).includes("twice"), false);
    },
  );
});

Deno.test("stableJson() and configHash() ignore key order; sha256Hex() matches FIPS 180-2", async () => {
  const x = { b: [1, { z: 1, y: new Float64Array([0.5, 2]) }], a: "s", c: undefined, d: NaN };
  const y = { d: NaN, a: "s", b: [1, { y: [0.5, 2], z: 1 }] };
  deepEqual(stableJson(x), '{"a":"s","b":[1,{"y":[0.5,2],"z":1}],"d":null}');
  deepEqual(stableJson(y), stableJson(x));
  deepEqual(await configHash(x), await configHash(y));
  deepEqual(await configHash(x), (await sha256Hex(stableJson(x))).slice(0, 12));
  ok((await configHash({ a: 1 })) !== (await configHash({ a: 2 })));
  // FIPS 180-2 appendix B.1 test vector.
  deepEqual(await sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

Deno.test("gitSha() returns the HEAD commit (40 hex, maybe -dirty) or unknown outside git", async () => {
  const here = await gitSha(new URL(".", import.meta.url).pathname);
  match(here, /^([0-9a-f]{40}(-dirty)?|unknown)$/);
  const head = await new Deno.Command("git", { args: ["rev-parse", "HEAD"], stdout: "piped", stderr: "null" })
    .output();
  if (head.success) deepEqual(here.slice(0, 40), new TextDecoder().decode(head.stdout).trim());
  deepEqual(await gitSha(await Deno.makeTempDir()), "unknown");
});
