import { capture } from "./fixtures/capture.ts";
// lib/cli/metrics.ts on small CSVs written to a temp dir; expected numbers worked out by hand.

import { deepEqual, equal, match } from "node:assert/strict";
import { main } from "../lib/cli/metrics.ts";
import { assertNear } from "./fixtures/metrics/near.ts";

// wealth 1.1, 0.55, 0.66, (missing), 0.99
const RETURNS_CSV = `date,ret,volume
2023-12-28,0.1,100
2023-12-29,-0.5,100
2024-01-02,0.2,100
2024-01-03,,100
2024-01-04,0.5,100
`;
// an extra leading date, 2024-01-03 missing; on the shared dates ret = 2 * bench exactly
const BENCH_CSV = `date,ret
2023-12-27,0.3
2023-12-28,0.05
2023-12-29,-0.25
2024-01-02,0.1
2024-01-04,0.25
`;

/** Runs `main(args)` capturing what it prints. */
const run = (args: string[]) => capture(() => main(args));

async function withFiles(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "metrics_cli_" });
  try {
    for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("metrics CLI --json prints metrics, drawdowns, yearly and monthly", async () => {
  await withFiles({ "r.csv": RETURNS_CSV, "b.csv": BENCH_CSV }, async (dir) => {
    const { code, out } = await run([
      `${dir}/r.csv`,
      "--benchmark",
      `${dir}/b.csv`,
      "--rf",
      "0.05",
      "--json",
    ]);
    equal(code, 0);
    const json = JSON.parse(out);
    deepEqual(Object.keys(json), ["metrics", "drawdowns", "yearly", "monthly"]);
    const m = json.metrics;
    // snake_case keys exactly, benchmark keys before n_periods
    // deno-fmt-ignore
    deepEqual(Object.keys(m), ["cumulative_return", "annual_return", "annual_volatility", "sharpe", "sortino", "calmar", "omega", "max_drawdown", "avg_drawdown", "max_drawdown_duration", "downside_risk", "tail_ratio", "stability", "skew", "kurtosis", "var_95", "cvar_95", "var_95_gaussian", "cvar_95_gaussian", "hit_rate", "best_period", "worst_period", "alpha", "beta", "information_ratio", "tracking_error", "n_periods"]);
    assertNear(m.cumulative_return, -0.01); // 0.99 - 1
    equal(m.n_periods, 4);
    assertNear(m.max_drawdown, -0.5);
    equal(m.max_drawdown_duration, 4); // peak index 0 → last index 4, ongoing
    assertNear(m.hit_rate, 0.75);
    // --rf 0.05 per period: p = 1.05^(1/252) - 1; mean r = 0.075, sd(r) = sqrt(0.5275 / 3)
    const p = Math.pow(1.05, 1 / 252) - 1;
    assertNear(m.sharpe, ((0.075 - p) / Math.sqrt(0.5275 / 3)) * Math.sqrt(252), 1e-10);
    // aligned benchmark [0.05, -0.25, 0.1, NaN, 0.25]: r = 2b ⇒ β = 2 and (r - p) - 2(b - p) = p
    // ⇒ alpha = (1 + p)^252 - 1 = the annual rate 0.05
    assertNear(m.beta, 2, 1e-12);
    assertNear(m.alpha, 0.05, 1e-10);
    // active r - b = b on the 4 shared dates: mean 0.0375, deviations 0.0125, -0.2875, 0.0625, 0.2125
    // ⇒ squares 0.00015625 + 0.08265625 + 0.00390625 + 0.04515625 = 0.131875
    assertNear(m.tracking_error, Math.sqrt(0.131875 / 3) * Math.sqrt(252), 1e-10);
    deepEqual(json.drawdowns, [{
      peak: 0,
      valley: 1,
      recovery: null,
      depth: -0.5,
      duration: 4,
      recovery_time: null,
      peak_date: "2023-12-28",
      valley_date: "2023-12-29",
      recovery_date: null,
    }]);
    // 2023: 1.1 * 0.5 - 1 = -0.45; 2024: 1.2 * 1.5 - 1 = 0.8
    deepEqual(json.yearly.map((y: { year: number }) => y.year), [2023, 2024]);
    assertNear(json.yearly[0].ret, -0.45);
    assertNear(json.yearly[1].ret, 0.8);
    deepEqual(json.monthly.map((x: { year: number; month: number }) => [x.year, x.month]), [[2023, 12], [
      2024,
      1,
    ]]);
  });
});

Deno.test("metrics CLI prints a readable table by default", async () => {
  await withFiles({ "r.csv": RETURNS_CSV }, async (dir) => {
    const { code, out } = await run([`${dir}/r.csv`]);
    equal(code, 0);
    match(out, /max_drawdown\s+-50\.00%/);
    match(out, /hit_rate\s+75\.00%/);
    match(out, /max_drawdown_duration\s+4\n/);
    match(out, /Top 1 drawdowns/);
    match(out, /1\s+2023-12-28\s+2023-12-29\s+ongoing\s+-50\.00%\s+4\s+-/);
    match(out, /2024\s+80\.00%/);
  });
});

Deno.test("metrics CLI names file, line and column for bad rows", async (t) => {
  await t.step("unparsable date", async () => {
    await withFiles({ "bad.csv": "date,ret\n2024-01-02,0.01\n2024-01-0x,0.02\n" }, async (dir) => {
      const { code, err } = await run([`${dir}/bad.csv`]);
      equal(code, 1);
      match(err, /bad\.csv: line 3, column "date": expected a date as YYYY-MM-DD, found "2024-01-0x"/);
    });
  });
  await t.step("non-numeric return", async () => {
    await withFiles({ "bad.csv": "id,date,ret\n1,2024-01-02,abc\n" }, async (dir) => {
      const { code, err } = await run([`${dir}/bad.csv`]);
      equal(code, 1);
      match(err, /bad\.csv: line 2, column "ret": expected a number, found "abc"/);
    });
  });
  await t.step("missing column", async () => {
    await withFiles({ "bad.csv": "date,return\n2024-01-02,0.01\n" }, async (dir) => {
      const { code, err } = await run([`${dir}/bad.csv`]);
      equal(code, 1);
      match(err, /line 1: expected a header with columns "date" and "ret"/);
    });
  });
  await t.step("dates out of order", async () => {
    await withFiles({ "bad.csv": "date,ret\n2024-01-03,0.01\n2024-01-02,0.01\n" }, async (dir) => {
      const { code, err } = await run([`${dir}/bad.csv`]);
      equal(code, 1);
      match(
        err,
        /line 3, column "date": dates must be strictly ascending, found 2024-01-02 after 2024-01-03/,
      );
    });
  });
});

Deno.test("metrics CLI usage: --help, bad flags, missing file", async () => {
  const help = await run(["--help"]);
  equal(help.code, 0);
  match(help.out, /\(1 \+ R\)\^\(1 \/ periods\) - 1/);
  equal((await run([])).code, 2);
  equal((await run(["x.csv", "--periods", "zero"])).code, 2);
  equal((await run(["x.csv", "--nope"])).code, 2);
  const missing = await run(["/nonexistent/r.csv"]);
  equal(missing.code, 1);
  match(missing.err, /nonexistent/);
});

Deno.test("metrics CLI exits with main()'s code when run as a program", async () => {
  await withFiles({ "bad.csv": "date,ret\nx,1\n" }, async (dir) => {
    const cli = new URL("../lib/cli/metrics.ts", import.meta.url).pathname;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", cli, `${dir}/bad.csv`],
      stdout: "null",
      stderr: "piped",
    }).output();
    equal(code, 1);
    match(new TextDecoder().decode(stderr), /line 2, column "date"/);
  });
});
