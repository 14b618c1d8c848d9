import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { main } from "../lib/cli/demo.ts";
import { annualVolatility } from "../lib/metrics/core.ts";
import { readManifest } from "../lib/snapshot/paths.ts";
import { getRun } from "../lib/track/get_run.ts";
import { listRuns } from "../lib/track/list_runs.ts";
import { readDaily } from "../lib/track/read_daily.ts";
import { assertAlmostEquals } from "./_assert.ts";
import { capture } from "./fixtures/capture.ts";

Deno.test("deno task demo --intraday: minute bars, snapshot, hourly batch annualised by 252 × 7, resumable", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-demo-intraday-" });
  const args = [
    "--intraday",
    ...["--db", `${dir}/intraday.duckdb`, "--snapshots", `${dir}/snap`, "--signal", `${dir}/data/signal.csv`],
    ...["--runs", `${dir}/runs`, "--reports", `${dir}/reports`],
  ];
  await t.step(
    "the first run loads 30 × 40 sessions × 420 minute bars, runs four hourly backtests and a portfolio",
    async () => {
      const { code, out, err } = await capture(() => main(args));
      assertEquals(code, 0, err);
      const manifest = await readManifest("intraday", `${dir}/snap`);
      // B3's regular session is 10:00–17:00: 420 one-minute bars a session
      assertEquals([manifest.rows.bars, manifest.rows.prices], [30 * 40 * 420, 30 * 40]);
      assert(out.includes("reversal-1h-lag1-tc10  completed"), out);
      const runs = await listRuns({ runsDir: `${dir}/runs`, kind: "backtest" });
      assertEquals(runs.length, 4); // lag 0, 1 × tc 0, 10 bps
      for (const summary of runs) {
        const run = await getRun(summary.run_id, { runsDir: `${dir}/runs` });
        assertEquals(run.params.interval, "1h");
        const daily = await readDaily(run.run_id, { runsDir: `${dir}/runs` });
        // 7 hourly bars a session × 40 sessions, less the first bars without a signal
        assert(daily.net.length > 250 && daily.net.length <= 280, `${daily.net.length} bars`);
        assertAlmostEquals(run.metrics.annual_volatility, annualVolatility(daily.net!, 252 * 7), 1e-12);
      }
      // and the hourly strategy portfolio: 7 bars × 40 sessions less the 3-bar lookback, annualised the same way
      const [portfolio] = await listRuns({ runsDir: `${dir}/runs`, kind: "strategy" });
      const run = await getRun(portfolio.run_id, { runsDir: `${dir}/runs` });
      assertEquals([run.params.interval, run.tags.schedule], ["1h", "daily"]);
      const daily = await readDaily(run.run_id, { runsDir: `${dir}/runs` });
      assert(daily.net.length > 270 && daily.net.length <= 280, `${daily.net.length} bars`);
      assertAlmostEquals(run.metrics.annual_volatility, annualVolatility(daily.net!, 252 * 7), 1e-12);
      assert(run.metrics.interest > 0 && run.metrics.n_trades > 40, JSON.stringify(run.metrics));
    },
  );
  await t.step("a second run loads nothing and records no new run", async () => {
    const { code, out, err } = await capture(() => main(args));
    assertEquals(code, 0, err);
    assert(out.includes("not loading it again") && out.includes("snapshot intraday is up to date"), out);
    assertEquals((await listRuns({ runsDir: `${dir}/runs`, kind: "backtest" })).length, 4);
    assertEquals((await listRuns({ runsDir: `${dir}/runs`, kind: "strategy" })).length, 1);
  });
  await Deno.remove(dir, { recursive: true });
});
