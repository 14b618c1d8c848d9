import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { main as backtestMain } from "../lib/cli/backtest.ts";
import { main as batchMain } from "../lib/cli/batch.ts";
import { main as metricsMain } from "../lib/cli/metrics.ts";
import { SESSIONS } from "../lib/bars/session.ts";
import { annualVolatility } from "../lib/metrics/core.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { getRun } from "../lib/track/get_run.ts";
import { readDaily } from "../lib/track/read_daily.ts";
import { assertAlmostEquals } from "./_assert.ts";
import { capture } from "./fixtures/capture.ts";
import { intradaySnapshot } from "./fixtures/synthetic_snapshot.ts";

Deno.test("--interval: metrics, backtests and batch jobs annualise by the bar size", async (t) => {
  await t.step("metrics --interval 1h: Sharpe × √1764 (hand-computed)", async () => {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(
      `${dir}/h.csv`,
      "date,ret\n2024-01-02T14:30:00Z,0.01\n2024-01-02T15:30:00Z,-0.005\n2024-01-02T16:30:00Z,0.002\n2024-01-02T17:30:00Z,0.004\n",
    );
    const { code, out } = await capture(() => metricsMain([`${dir}/h.csv`, "--interval", "1h", "--json"]));
    assertEquals(code, 0);
    // mean 0.00275; sample sd sqrt((0.00725² + 0.00775² + 0.00075² + 0.00125²) / 3) = 0.00618466; × √(252 × 7)
    assertAlmostEquals(
      JSON.parse(out).metrics.sharpe,
      (0.00275 / Math.sqrt(1.1475e-4 / 3)) * Math.sqrt(1764),
      1e-9,
    );
    const both = await capture(() => metricsMain([`${dir}/h.csv`, "--interval", "1h", "--periods", "252"]));
    assertEquals(both.code, 2);
    assert(both.err.includes("either --periods or --interval"), both.err);
  });

  const dir = await Deno.makeTempDir({ prefix: "quantnb-interval-" });
  await intradaySnapshot(dir, "b3intra", SESSIONS.B3, { nSecurities: 14, sessions: 8, seed: 5 });
  // a reversal signal on hourly bars: the bar's return, known at its close, as of the next bar's start
  const hourly = await loadPanel({
    snapshot: "b3intra",
    snapshotsDir: `${dir}/snap`,
    interval: "1h",
    fields: ["ret"],
  });
  const lines = ["security_id,date_sig,signal"];
  for (let t = 1; t + 1 < hourly.dates.length; t++) {
    for (let i = 0; i < hourly.securityIds.length; i++) {
      const r = hourly.fields.ret[t * 14 + i];
      if (Number.isFinite(r)) {
        lines.push(`${hourly.securityIds[i]},${new Date(hourly.dates[t + 1]).toISOString()},${-r}`);
      }
    }
  }
  await Deno.writeTextFile(`${dir}/rev.csv`, lines.join("\n") + "\n");
  const common = ["--snapshot", "b3intra", "--snapshots", `${dir}/snap`, "--signal", `${dir}/rev.csv`];

  let sharpe = NaN;
  await t.step("backtest --interval 1h on B3 bars: periods per year 252 × 7", async () => {
    const { code, out, err } = await capture(() =>
      backtestMain([...common, "--interval", "1h", "--mincos", "5", "--fractile", "30,70", "--json"])
    );
    assertEquals(code, 0, err);
    const { summary } = JSON.parse(out);
    sharpe = summary.overall.sharpe;
    assert(summary.overall.n_days > 40, `${summary.overall.n_days} bars traded`);
    const panel = await loadPanel({
      snapshot: "b3intra",
      snapshotsDir: `${dir}/snap`,
      interval: "1h",
      fields: ["ret"],
    });
    assertEquals(panel.periodsPerYear, 1764);
    const bad = await capture(() => backtestMain([...common, "--interval", "2h"]));
    assertEquals(bad.code, 2);
    assert(bad.err.includes('unknown interval "2h"'), bad.err);
  });

  await t.step("a batch backtest job with interval: 1h records the same numbers", async () => {
    const batch = `${dir}/b.yaml`;
    await Deno.writeTextFile(
      batch,
      `jobs:\n  - { kind: backtest, snapshot: b3intra, signal: ${dir}/rev.csv, interval: 1h, mincos: 5, fractile: [30, 70] }\n`,
    );
    const { code, out } = await capture(() =>
      batchMain([
        batch,
        ...[
          "--snapshots",
          `${dir}/snap`,
          "--runs",
          `${dir}/runs`,
          "--out",
          `${dir}/out`,
          "--jobs",
          `${dir}/jobs`,
        ],
        ...["--workers", "0", "--min-free-gb", "0", "--json"],
      ])
    );
    assertEquals(code, 0, out);
    const run = await getRun(JSON.parse(out).jobs[0].run_id, { runsDir: `${dir}/runs` });
    assertEquals(run.params.interval, "1h");
    assertEquals(run.metrics.sharpe, sharpe);
    const daily = await readDaily(run.run_id, { runsDir: `${dir}/runs` });
    assertAlmostEquals(run.metrics.annual_volatility, annualVolatility(daily.net, 1764), 1e-12);
  });
});
