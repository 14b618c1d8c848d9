import { deepStrictEqual as assertEquals, ok as assert, throws } from "node:assert/strict";
import { BatchFileError, parseBatchText } from "../lib/jobs/batch_file.ts";
import { expandBatch, kindsNamed, matchesPattern } from "../lib/jobs/batch_spec.ts";
import { loadBatch } from "../lib/jobs/batch.ts";
import { JOB_KINDS } from "../lib/jobs/kinds/mod.ts";
import { JOB_KIND_NAMES } from "../lib/jobs/kinds/registry.ts";

const expand = (text: string, file = "b.yaml") => expandBatch(parseBatchText(text, file), JOB_KINDS);

/** The `line:col: message` lines of the error a batch text raises. */
function problems(text: string, file = "b.yaml"): string[] {
  try {
    expand(text, file);
  } catch (error) {
    if (error instanceof BatchFileError) return error.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
    throw error;
  }
  throw new Error("expected a BatchFileError");
}

Deno.test("expandBatch() expands matrices with defaults, exclusions and overrides", async (t) => {
  const text = `name: nightly
defaults:
  snapshot: demo
  tc-bps: 15
jobs:
  - kind: backtest
    job: mom-lag{lag}-{residualize}
    signal: data/mom.csv
    matrix:
      lag: [0, 1, 2]
      residualize: [off, industry]
    exclude:
      - { lag: 2, residualize: industry }
    overrides:
      - when: { lag: 0 }
        set: { tc-bps: 20, fractile: [20, 80] }
  - kind: backtest
    signal: data/rev.parquet
    tc-bps: null
    matrix:
      fractile: [[10, 90], 5]
`;
  const spec = expand(text);
  await t.step("3 lags × 2 modes − 1 excluded + 2 fractiles = 7 jobs, first matrix option outermost", () => {
    assertEquals(spec.name, "nightly");
    assertEquals(spec.jobs.map((j) => j.name), [
      "mom-lag0-off",
      "mom-lag0-industry",
      "mom-lag1-off",
      "mom-lag1-industry",
      "mom-lag2-off",
      "backtest-2[fractile=10,90]",
      "backtest-2[fractile=5]",
    ]);
  });
  await t.step("values are the task's: defaults, then the job's own, the matrix, then overrides", () => {
    const [lag0, , lag1] = spec.jobs;
    assertEquals(lag0.values, {
      snapshot: "demo",
      "tc-bps": "20", // override (when lag 0) over the default 15
      signal: "data/mom.csv",
      lag: "0",
      residualize: "off",
      fractile: "20,80", // a list is the task's comma-separated form
    });
    assertEquals(lag1.values["tc-bps"], "15");
    assertEquals((lag0.options as { config: { tcBps: number; fractile: unknown } }).config.tcBps, 20);
    assertEquals((lag0.options as { config: { fractile: unknown } }).config.fractile, [20, 80]);
  });
  await t.step("null removes a default; a matrix of lists gives one job per list", () => {
    const [q10, q5] = spec.jobs.slice(5);
    assert(!("tc-bps" in q10.values));
    assertEquals((q10.options as { config: { tcBps: number } }).config.tcBps, 10); // the engine default
    assertEquals((q5.options as { config: { fractile: unknown } }).config.fractile, 5);
  });
  await t.step("each option remembers where it was set", () => {
    assertEquals(spec.jobs[0].locs["tc-bps"], { line: 16, col: 24 }); // the override's value
    assertEquals(spec.jobs[1].locs.snapshot, { line: 3, col: 13 }); // the default's value
  });
});

Deno.test("expandBatch() reports every problem with its line and column", async (t) => {
  await t.step("unknown kind and option, bad values, a non-flag flag, a missing option", () => {
    const text = `jobs:
  - kind: backtst
  - kind: backtest
    snapshot: demo
    signal: a.csv
    lag: -1
    tc-bps: abc
    colour: red
  - kind: backtest
    signal: b.csv
    residualize: sideways
    from-open: 1
`;
    assertEquals(problems(text), [
      '2:11: unknown job kind "backtst"; kinds: ' + JOB_KINDS.map((k) => k.kind).join(", "),
      '6:10: --lag expects an integer ≥ 0, found "-1"',
      '7:13: --tc-bps expects a number ≥ 0, found "abc"',
      '8:5: a backtest job has no option "colour"; its options: ' +
      Object.keys(JOB_KINDS.find((k) => k.kind === "backtest")!.options).join(", "),
      '9:5: a backtest job needs "snapshot" (missing)',
      // the third job's "sideways" is not parsed: the job lacks its snapshot, reported first
      '12:16: "from-open" is a flag: expected true or false; found number 1',
    ]);
  });
  await t.step(
    "strategy and optimisation jobs: lists for repeatable options, bad values where written",
    () => {
      const text = `defaults: { snapshot: demo }
jobs:
  - kind: strategy
    strategy: low_volatility
    param: [window=60, top_n=20]
    lot: 0
  - kind: optimize
    signal: a.csv
    param: [lag=0:2:1, "fractile=5,10"]
    search: annealing
  - kind: walk_forward
    signal: a.csv
    is: 3y
  - kind: optimize
    signal: a.csv
    param: ["fractile=5,10"]
    constraint: turnover<0.5
`;
      assertEquals(problems(text), [
        '6:10: --lot expects an integer ≥ 1, found "0"',
        '10:13: --search must be grid or random, found "annealing"',
        "13:9: walk-forward needs --is SIZE and --oos SIZE (e.g. --is 3y --oos 1y)", // at the --is given
      ]);
      const [, , , grid] = [
        ...expand(
          text.replace("lot: 0", "lot: 100").replace("annealing", "random")
            .replace("is: 3y", "is: 3y\n    oos: 1y"),
        ).jobs,
      ];
      // a list item is one value: "fractile=5,10" stays one dimension with two choices
      assertEquals(grid.values.param, "fractile=5,10");
      assertEquals((grid.options as { space: unknown }).space, { fractile: [5, 10] });
      assertEquals((grid.options as { constraints: unknown }).constraints, ["turnover<0.5"]);
    },
  );
  await t.step("matrix, exclude, overrides and names are checked too", () => {
    const text = `defaults: { snapshot: demo, mincos: 5, colour: red }
jobs:
  - kind: backtest
    job: x-{lag}-{weight}
    signal: a.csv
    matrix: { lag: [], fractile: [5, 10] }
    exclude: [{ lag: 1 }]
    overrides:
      - when: { fractile: 5 }
  - kind: backtest
    job: same
    signal: a.csv
  - kind: backtest
    job: same
    signal: b.csv
`;
    assertEquals(problems(text), [
      "4:10: job name placeholder {lag} is not a matrix option (matrix: fractile)",
      "4:10: job name placeholder {weight} is not a matrix option (matrix: fractile)",
      '6:20: matrix "lag" expects a non-empty list of values; found a list',
      '7:17: exclude: "lag" is not a matrix option of this job (matrix: fractile)',
      '9:9: an override is a mapping with "when" (matrix values) and "set" (options)',
      '14:10: job name "same" is already used by the job at line 10; give each job a distinct "job" name',
    ]);
  });
  await t.step("a default no job takes is an error", () => {
    assertEquals(
      problems("defaults: { snapshot: demo, colour: red }\njobs:\n  - { kind: backtest, signal: a.csv }\n"),
      [
        '1:29: defaults: no job of this batch takes "colour"',
      ],
    );
  });
  await t.step("the file's shape: not a mapping, unknown keys, no jobs", () => {
    assertEquals(problems("- kind: backtest\n"), [
      '1:1: a batch file is a mapping with a "jobs" list; found a list',
    ]);
    assertEquals(problems("name: x\nschedule: nightly\njobs: []\n"), [
      '2:1: unknown key "schedule"; a batch file has name, description, snapshots, runs, defaults, jobs',
      '3:7: "jobs" expects a non-empty list of jobs; found a list',
    ]);
  });
  await t.step("YAML syntax errors and duplicate keys name their place", () => {
    assertEquals(problems("jobs:\n  - kind: a\n    kind: b\n"), ["3:5: Map keys must be unique"]);
  });
  await t.step("JSON files are read the same way, with their positions", () => {
    const json = `{"jobs": [
  {"kind": "backtest", "snapshot": "demo",
   "signal": "a.csv", "lag": "x", "weight": "equal"}
]}`;
    assertEquals(problems(json, "b.json"), ['3:30: --lag expects an integer ≥ 0, found "x"']);
  });
  await t.step("the error message lists every problem as file:line:col", () => {
    throws(
      () => expand("jobs:\n  - kind: nope\n", "nightly.yaml"),
      /^BatchFileError: nightly\.yaml:2:11: unknown job kind "nope"/,
    );
  });
});

Deno.test("loadBatch() checks a file with the kinds it names (kindsNamed), its errors listing every kind", async (t) => {
  await t.step("kindsNamed(): each job's kind once, in order, whatever else is wrong", () => {
    const text =
      "jobs:\n  - kind: suite\n  - kind: backtest\n  - kind: suite\n  - kind: nope\n  - 3\n  - job: x\n";
    assertEquals(kindsNamed(parseBatchText(text, "b.yaml")), ["suite", "backtest", "nope"]);
    assertEquals(kindsNamed(parseBatchText("name: x\n", "b.yaml")), []);
  });
  await t.step("an unknown kind next to a known one: the error lists all ten kinds", async () => {
    const dir = await Deno.makeTempDir({ prefix: "quantnb-batch-spec-" });
    try {
      const file = `${dir}/b.yaml`;
      await Deno.writeTextFile(
        file,
        "jobs:\n  - kind: backtest\n    snapshot: s\n    signal: a.csv\n  - kind: backtst\n",
      );
      let message = "";
      try {
        await loadBatch(file, { snapshotsDir: `${dir}/snapshots`, runsDir: `${dir}/runs` });
      } catch (error) {
        message = (error as Error).message;
      }
      assertEquals(JOB_KIND_NAMES.length, 10);
      assertEquals(message, `${file}:5:11: unknown job kind "backtst"; kinds: ${JOB_KIND_NAMES.join(", ")}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("matchesPattern() is a glob with * and ?, or a substring without them", () => {
  assert(matchesPattern("mom-lag0-off", "mom-*"));
  assert(matchesPattern("mom-lag0-off", "lag0"));
  assert(matchesPattern("mom-lag0-off", "mom-lag?-off"));
  assert(!matchesPattern("mom-lag0-off", "lag0*"));
  assert(!matchesPattern("mom-lag10-off", "mom-lag?-off"));
  assert(matchesPattern("backtest-2[fractile=5]", "*[fractile=5]"));
});
