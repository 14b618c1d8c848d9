/**
 * The shared task parser (issue 8 item 15): negative values read as values (`--x -1`), usage errors
 * exit 2 as every task's help says, and bad option values are refused before anything is read.
 */
import { deepStrictEqual as deepEqual, equal, ok, throws } from "node:assert/strict";
import { joinNegativeValues, numberOption, parseTaskArgs, UsageError } from "../lib/cli/args.ts";
import { main as backtestCli } from "../lib/cli/backtest.ts";
import { main as snapshotCli } from "../lib/cli/snapshot.ts";
import { main as suiteCli } from "../lib/cli/suite.ts";
import { capture } from "./fixtures/capture.ts";

Deno.test("joinNegativeValues() joins a string option with a negative number that follows it", () => {
  const options = { rf: { type: "string" }, json: { type: "boolean" } } as const;
  deepEqual(joinNegativeValues(["--rf", "-0.01", "file.csv"], options), ["--rf=-0.01", "file.csv"]);
  deepEqual(joinNegativeValues(["--rf", "-.5"], options), ["--rf=-.5"]);
  deepEqual(joinNegativeValues(["--rf", "-1e-3"], options), ["--rf=-1e-3"]);
  // not a number, a boolean flag, an explicit value, or after "--": left alone
  deepEqual(joinNegativeValues(["--rf", "-h"], options), ["--rf", "-h"]);
  deepEqual(joinNegativeValues(["--json", "-1"], options), ["--json", "-1"]);
  deepEqual(joinNegativeValues(["--rf=-2", "-3"], options), ["--rf=-2", "-3"]);
  deepEqual(joinNegativeValues(["--", "--rf", "-1"], options), ["--", "--rf", "-1"]);
  equal(parseTaskArgs(["--rf", "-0.25"], { rf: { type: "string" } }).values.rf, "-0.25");
});

Deno.test("numberOption() checks integer and bounds, naming the option", () => {
  equal(numberOption({ lag: "2" }, "lag", { integer: true, min: 0 }), 2);
  equal(numberOption({ rf: "-0.01" }, "rf"), -0.01);
  equal(numberOption({}, "lag"), undefined);
  throws(() => numberOption({ lag: "-1" }, "lag", { integer: true, min: 0 }), (e: Error) => {
    ok(e instanceof UsageError);
    equal(e.message, `--lag expects an integer ≥ 0, found "-1"`);
    return true;
  });
  throws(() => numberOption({ lag: "1.5" }, "lag", { integer: true }), /an integer, found "1.5"/);
  throws(() => numberOption({ x: "" }, "x"), /a number, found ""/);
  throws(() => numberOption({ x: "Infinity" }, "x"), /a number, found "Infinity"/);
});

Deno.test("tasks refuse bad option values with exit 2 before reading anything", async (t) => {
  // None of these paths exist: a task that validated late would fail on them (exit 1) instead.
  const where = ["--snapshots", "/nonexistent/snaps", "--db", "/nonexistent/x.duckdb"];
  const cases: [string, (a: string[]) => Promise<number>, string[], string][] = [
    [
      "backtest --lag -1",
      backtestCli,
      ["--snapshot", "s", "--signal", "/nope.csv", "--lag", "-1"],
      `--lag expects an integer ≥ 0, found "-1"`,
    ],
    ["backtest --residualize bogus", backtestCli, [
      "--snapshot",
      "s",
      "--signal",
      "/nope.csv",
      "--residualize",
      "bogus",
    ], `"residualize": expected off | industry | factor | all`],
    [
      "backtest --tc-bps -5",
      backtestCli,
      ["--snapshot", "s", "--signal", "/nope.csv", "--tc-bps", "-5"],
      `--tc-bps expects a number ≥ 0, found "-5"`,
    ],
    [
      "suite --workers -1",
      suiteCli,
      ["--snapshot", "s", "--signal", "/nope.csv", "--workers", "-1"],
      `--workers expects an integer ≥ 0, found "-1"`,
    ],
    [
      "snapshot create --top -5",
      snapshotCli,
      ["create", "x", "--top", "-5"],
      `--top expects an integer ≥ 1, found "-5"`,
    ],
    [
      "snapshot create --start 2024-13-01",
      snapshotCli,
      ["create", "x", "--start", "2024-13-01"],
      `found "2024-13-01"`,
    ],
    ["snapshot create ../x", snapshotCli, ["create", "../x"], `invalid snapshot id "../x"`],
  ];
  for (const [name, cli, args, message] of cases) {
    await t.step(name, async () => {
      const r = await capture(() => cli([...args, ...where]));
      equal(r.code, 2, r.err);
      ok(r.err.includes(message), r.err);
      ok(r.err.includes("deno task"), "the usage follows the error");
    });
  }
  await t.step("a missing signal file is a clear failure (exit 1), not DuckDB's SQL", async () => {
    const r = await capture(() => backtestCli(["--snapshot", "s", "--signal", "/nope.csv", ...where]));
    equal(r.code, 1);
    equal(r.err, "error: signal file /nope.csv not found");
  });
});
