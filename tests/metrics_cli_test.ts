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
    deepEqual(Object.keys(json), ["metrics", "drawdowns", "yearly", "monthly", "warnings"]);
    // std(0.1, -0.5, 0.2, 0.5) · sqrt(252) = 0.41932 · 15.875 ≈ 6.657 > 300%, and 5 rows < one year: both warned about
    match(json.warnings.join("\n"), /r\.csv: annualised volatility 665\.7% is implausible/);
    match(json.warnings.join("\n"), /only 5 periods \(less than one year at 252 per year\)/);
    const m = json.metrics;
    // snake_case keys exactly, benchmark keys before n_periods
    deepEqual(Object.keys(m), [
      ...["cumulative_return", "annual_return", "annual_volatility", "sharpe", "sortino", "calmar", "omega"],
      ...[
        "max_drawdown",
        "avg_drawdown",
        "max_drawdown_duration",
        "downside_risk",
        "tail_ratio",
        "stability",
      ],
      ...["skew", "kurtosis", "var_95", "cvar_95", "var_95_gaussian", "cvar_95_gaussian", "hit_rate"],
      ...["best_period", "worst_period", "var_99_gpd", "es_99_gpd", "skew_adjusted", "kurtosis_adjusted"],
      ...[
        "win_rate",
        "avg_win",
        "avg_loss",
        "payoff_ratio",
        "profit_factor",
        "kelly_criterion",
        "risk_of_ruin",
      ],
      ...[
        "consecutive_wins",
        "consecutive_losses",
        "gain_to_pain",
        "gain_to_pain_monthly",
        "expected_return",
      ],
      ...["expected_monthly_return", "expected_yearly_return", "common_sense_ratio", "cpc_index"],
      ...[
        "outlier_win_ratio",
        "outlier_loss_ratio",
        "recovery_factor",
        "ulcer_index",
        "ulcer_performance_index",
      ],
      ...["serenity_index", "smart_sharpe", "smart_sortino", "probabilistic_sharpe", "probabilistic_sortino"],
      ...["alpha", "beta", "information_ratio", "tracking_error", "r_squared", "up_capture", "down_capture"],
      ...["up_down_capture", "batting_average", "beta_fragility", "n_periods"],
    ]);
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
    match(out, /1\s+2023-12-28\s+2023-12-29\s+ongoing\s+-50\.00%\s+4\s+—/); // NaN recovery time: the missing-value dash
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

Deno.test("metrics CLI refuses nonsense input with the reason", async (t) => {
  const refused = async (csv: string, pattern: RegExp) => {
    await withFiles({ "r.csv": csv }, async (dir) => {
      const { code, err } = await run([`${dir}/r.csv`]);
      equal(code, 1);
      match(err, pattern);
    });
  };
  await t.step("a return below -1", () =>
    refused(
      "date,ret\n2024-01-02,0.01\n2024-01-03,-1.5\n",
      /r\.csv: row 2 \(2024-01-03\): ret = -1\.5 is below -1 \(a simple return cannot lose more than 100%\)/,
    ));
  await t.step(
    "Infinity",
    () =>
      refused(
        "date,ret\n2024-01-02,Infinity\n2024-01-03,0.01\n",
        /row 1 \(2024-01-02\): ret = Infinity is not a finite/,
      ),
  );
  await t.step("a price series passed as returns", () =>
    refused(
      "date,ret\n2024-01-02,1400.5\n2024-01-03,1410.2\n2024-01-04,1399.9\n",
      /every value is ≥ 0 and the median is 1400\.5: this looks like a price series, not returns/,
    ));
  await t.step("percent units below -1 say so", () =>
    refused(
      "date,ret\n2024-01-02,1.2\n2024-01-03,-2.5\n2024-01-04,0.7\n",
      /ret = -2\.5 is below -1 .*looks like percent units: divide by 100/,
    ));
  await t.step("a directory instead of a file (no stack trace)", async () => {
    const dir = await Deno.makeTempDir();
    try {
      const { code, err } = await run([dir]);
      equal(code, 1);
      match(err, /is a directory: expected a date,ret CSV file/);
      equal(/\n\s+at /.test(err), false, "no stack trace");
    } finally {
      await Deno.remove(dir);
    }
  });
  await t.step("--rf 5 is refused as 500%, --rf 5% is 0.05", async () => {
    await withFiles({ "r.csv": RETURNS_CSV }, async (dir) => {
      const five = await run([`${dir}/r.csv`, "--rf", "5"]);
      equal(five.code, 2);
      match(five.err, /--rf 5 would be 500% a year: .*did you mean 0\.05 \(5%\)\?/);
      const pct = await run([`${dir}/r.csv`, "--rf", "5%", "--json"]);
      const dec = await run([`${dir}/r.csv`, "--rf", "0.05", "--json"]);
      equal(pct.code, 0);
      deepEqual(JSON.parse(pct.out).metrics, JSON.parse(dec.out).metrics);
    });
  });
  await t.step("a negative --rf is a value, written either way (-0.01 a year)", async () => {
    await withFiles({ "r.csv": RETURNS_CSV }, async (dir) => {
      const spaced = await run([`${dir}/r.csv`, "--rf", "-0.01", "--json"]);
      const joined = await run([`${dir}/r.csv`, "--rf=-0.01", "--json"]);
      equal(spaced.code, 0, spaced.err);
      deepEqual(JSON.parse(spaced.out).metrics, JSON.parse(joined.out).metrics);
      // p = 0.99^(1/252) - 1 per period (negative); mean r = 0.075, sd(r) = sqrt(0.5275 / 3)
      const p = Math.pow(0.99, 1 / 252) - 1;
      assertNear(
        JSON.parse(spaced.out).metrics.sharpe,
        ((0.075 - p) / Math.sqrt(0.5275 / 3)) * Math.sqrt(252),
        1e-10,
      );
      const below = await run([`${dir}/r.csv`, "--rf", "-1"]);
      equal(below.code, 2);
      match(below.err, /--rf must be an annual rate > -1 .*found "-1"/);
    });
  });
});

Deno.test("metrics CLI warns about one row and keeps ±Infinity in JSON", async () => {
  // 252 rows of exactly 0.001: no deviation ⇒ Sharpe +Infinity (written "Infinity", not null)
  const rows = Array.from(
    { length: 252 },
    (_, k) => `${new Date(Date.UTC(2023, 0, 2) + k * 86_400_000).toISOString().slice(0, 10)},0.001`,
  );
  await withFiles(
    { "flat.csv": `date,ret\n${rows.join("\n")}\n`, "one.csv": "date,ret\n2024-01-02,0.01\n" },
    async (dir) => {
      const flat = await run([`${dir}/flat.csv`, "--json"]);
      equal(flat.code, 0);
      const json = JSON.parse(flat.out);
      equal(json.metrics.sharpe, "Infinity");
      equal(json.metrics.sortino, "Infinity");
      equal(json.metrics.beta, undefined);
      match(json.warnings.join("\n"), /no deviation/);
      // 1.001^252 - 1: an annual return from a full year of 0.1%
      assertNear(json.metrics.annual_return, Math.pow(1.001, 252) - 1, 1e-12);
      const one = await run([`${dir}/one.csv`]);
      equal(one.code, 0);
      match(
        one.err,
        /warning: .*one\.csv: only 1 period \(less than one year at 252 per year\): annual_return/,
      );
    },
  );
});

Deno.test("metrics CLI takes a per-period risk-free series", async () => {
  // rf series = 0.01 on every date of r.csv except 2024-01-04 (missing ⇒ that period is missing):
  // excess = [0.09, -0.51, 0.19, NaN, NaN] ⇒ mean -0.0766…, sd of (0.09, -0.51, 0.19)
  const rf = "date,ret\n2023-12-28,0.01\n2023-12-29,0.01\n2024-01-02,0.01\n2024-01-03,0.01\n";
  await withFiles({ "r.csv": RETURNS_CSV, "rf.csv": rf }, async (dir) => {
    const { code, out } = await run([`${dir}/r.csv`, "--rf-series", `${dir}/rf.csv`, "--json"]);
    equal(code, 0);
    const x = [0.09, -0.51, 0.19];
    const m = (0.09 - 0.51 + 0.19) / 3;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / 2);
    assertNear(JSON.parse(out).metrics.sharpe, (m / sd) * Math.sqrt(252), 1e-12);
    const both = await run([`${dir}/r.csv`, "--rf-series", `${dir}/rf.csv`, "--rf", "0.02"]);
    equal(both.code, 2);
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
