/**
 * `deno task run --interval`, `runStrategy({ interval })` and the batch `strategy` kind on a synthetic
 * B3 market of minute bars (12 securities × 6 sessions, seed 3; hourly bars are their aggregates).
 */
import { deepStrictEqual as assertEquals, notDeepStrictEqual, ok as assert } from "node:assert/strict";
import { sessionDays, SESSIONS } from "../lib/bars/session.ts";
import { main as batchMain } from "../lib/cli/batch.ts";
import { main as runMain } from "../lib/cli/run.ts";
import {
  loadRunData,
  planStrategyRun,
  runStrategy,
  type StrategyRunOptions,
} from "../lib/pipeline/strategy_run.ts";
import { getRun } from "../lib/track/get_run.ts";
import { runConfigHash } from "../lib/track/record_run.ts";
import { readDaily } from "../lib/track/read_daily.ts";
import { assertAlmostEquals } from "./_assert.ts";
import { capture } from "./fixtures/capture.ts";
import { intradaySnapshot } from "./fixtures/synthetic_snapshot.ts";

Deno.test("strategy runs on intraday bars: --interval 1h end to end, 1d unchanged, batch kind", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-strategy-interval-" });
  await intradaySnapshot(dir, "b3intra", SESSIONS.B3, { nSecurities: 12, sessions: 6, seed: 3 });
  const base: StrategyRunOptions = {
    strategy: "short_term_reversal",
    snapshot: "b3intra",
    snapshotsDir: `${dir}/snap`,
    params: { lookback: 3, top_n: 4 },
    simulation: {
      schedule: "daily",
      lot: 100,
      commission: { bps: 5 },
      cashRate: { kind: "constant", annual: 0.1 },
      tax: "brazil",
    },
    record: false,
  };
  const args = [
    ...[
      "short_term_reversal",
      "--snapshot",
      "b3intra",
      "--snapshots",
      `${dir}/snap`,
      "--runs",
      `${dir}/runs`,
    ],
    ...["--param", "lookback=3", "--param", "top_n=4", "--schedule", "daily", "--lot", "100"],
    ...["--commission-bps", "5", "--cash-rate", "0.1", "--tax", "brazil"],
  ];

  let cliRun: { run_id: string; config_hash: string; metrics: Record<string, number> } | undefined;
  await t.step("deno task run --interval 1h: hourly NAV, annualised by 252 × 7", async () => {
    const { code, out, err } = await capture(() => runMain([...args, "--interval", "1h", "--json"]));
    assertEquals(code, 0, err);
    const run = await getRun(JSON.parse(out).run_id, { runsDir: `${dir}/runs` });
    cliRun = run;
    assertEquals([run.params.interval, run.tags.interval, run.tags.schedule], ["1h", "1h", "daily"]);
    assert(run.tags.command.includes("--interval 1h"), run.tags.command);
    const daily = await readDaily(run.run_id, { runsDir: `${dir}/runs` });
    // B3 10:00–17:00: 7 hourly bars a session; the run starts at the first decision (lookback 3 bars)
    assert(daily.date.length > 5 * 7 && daily.date.length <= 6 * 7, `${daily.date.length} bars`);
    // annual volatility = sample std of the bar returns × √(252 × 7), computed here by hand
    const net = daily.net!.slice(1);
    const mean = net.reduce((a, b) => a + b, 0) / net.length;
    const sd = Math.sqrt(net.reduce((a, r) => a + (r - mean) ** 2, 0) / (net.length - 1));
    assertAlmostEquals(run.metrics.annual_volatility, sd * Math.sqrt(1764), 1e-12);
    // the tear sheet's returns sections annualise over the same 1,764 bars a year
    const html = await Deno.readTextFile(JSON.parse(out).tearsheet);
    assert(html.includes("1764 per year") && html.includes("annualised over 1764 bars a year"));
    assert(!html.includes("252 per year"));
  });

  await t.step("the terminal summary names the bars and their annualisation (1,764 = 252 × 7)", async () => {
    const fresh = await capture(() => runMain([...args, "--interval", "1h", "--force"]));
    assertEquals(fresh.code, 0, fresh.err);
    assert(
      fresh.out.includes("short_term_reversal on b3intra · 1h bars, annualised over 1764 a year"),
      fresh.out,
    );
    const daily = await capture(() => runMain(args));
    assertEquals(daily.code, 0, daily.err);
    assert(daily.out.includes("short_term_reversal on b3intra\n") && !daily.out.includes(" bars"), daily.out);
  });

  await t.step(
    "runStrategy({ interval: '1h' }): cash once per session, fills at a session's first bar",
    async () => {
      const out = await runStrategy({ ...base, interval: "1h" });
      const r = out.result!;
      assertEquals(out.configHash, cliRun!.config_hash);
      assertEquals(out.metrics!.sharpe, cliRun!.metrics.sharpe);
      assertEquals(r.periodsPerYear, 1764);
      const sessions = sessionDays(r.dates, SESSIONS.B3);
      assertEquals(Array.from(r.sessions), Array.from(sessions));
      const first = (k: number) => k > 0 && sessions[k] !== sessions[k - 1];
      // 10% a year over 252 sessions, credited on each later session's first bar only
      r.daily.interest.forEach((x, k) => assert(first(k) ? x > 0 : x === 0, `interest ${x} at bar ${k}`));
      const g = 1.1 ** (1 / 252);
      r.daily.interest.forEach((x, k) =>
        first(k) && assertAlmostEquals(x, r.daily.cash[k - 1] * (g - 1), 1e-9)
      );
      // "daily" decides at each session's last bar: after the first rebalance, every fill is at a session's
      // first bar (10:00 São Paulo, 13:00 UTC), at its open
      assert(r.rebalances.length >= 4, `${r.rebalances.length} rebalances`);
      for (const k of r.rebalances.slice(1)) assert(first(k), `rebalance at bar ${k}`);
      for (const k of r.decisions.slice(1)) {
        assert(
          k + 1 === r.dates.length || first(k + 1),
          `decision at ${k}`,
        );
      }
      assertEquals(new Date(r.dates[r.rebalances[1]]).getUTCHours(), 13);
    },
  );

  await t.step(
    "the participation model on hourly bars: impact on every fill, at most 0.02% of ADV a session",
    async () => {
      const maxParticipation = 0.0002;
      const out = await runStrategy({
        ...base,
        interval: "1h",
        simulation: {
          ...base.simulation,
          slippage: { model: "participation", bps: 0, impactBps: 100, maxParticipation },
        },
      });
      const r = out.result!, tr = r.trades;
      assert(tr.t.length > 10 && out.metrics!.slippage > 0, `${tr.t.length} fills`);
      // a fill sees its session's ADV (the previous session's 20-session mean traded value), the same on
      // every bar of it: the shares filled so far in the session (buys and sells) ≤ 0.02% of ADV / the fill's
      // price, floored to the lot of 100, and some fills are held at that cap (0.02%: R$1M in 4 names
      // against ADVs of R$0.16–3.4 bn)
      const data = await loadRunData({ snapshot: "b3intra", snapshotsDir: `${dir}/snap`, interval: "1h" });
      const N = r.securityIds.length, from = data.panel.dates.indexOf(r.dates[0]);
      const filled = new Map<string, number>();
      let capped = 0;
      for (let f = 0; f < tr.t.length; f++) {
        const key = `${r.sessions[tr.t[f]]}:${tr.i[f]}`;
        filled.set(key, (filled.get(key) ?? 0) + Math.abs(tr.qty[f]));
        const cap = maxParticipation * data.panel.fields.adv[(from + tr.t[f]) * N + tr.i[f]] / tr.price[f];
        assert(filled.get(key)! <= cap * (1 + 1e-12), `fill ${f}: ${filled.get(key)} shares > cap ${cap}`);
        if (filled.get(key) === Math.floor(cap / 100 + 1e-9) * 100) capped++;
      }
      assert(capped > 0, "no fill reached the cap");
    },
  );

  await t.step("interval 1d is exactly the daily run: same numbers, same config hash", async () => {
    const [daily, oneDay] = await Promise.all([
      runStrategy(base),
      runStrategy({ ...base, interval: "1d" }),
    ]);
    assertEquals(oneDay.configHash, daily.configHash);
    assertEquals(Array.from(oneDay.result!.daily.nav), Array.from(daily.result!.daily.nav));
    assertEquals(oneDay.metrics, daily.metrics);
    assertEquals(daily.result!.periodsPerYear, 252);
    // sessions are the daily dates themselves
    assertEquals(Array.from(daily.result!.sessions), Array.from(daily.result!.dates));
    const hourly = await planStrategyRun({ ...base, interval: "1h" });
    const fiveMin = await planStrategyRun({ ...base, interval: "5m" });
    const hashes = [
      daily.configHash,
      await runConfigHash(hourly.identity),
      await runConfigHash(fiveMin.identity),
    ];
    assertEquals(new Set(hashes).size, 3);
    notDeepStrictEqual(hourly.identity.params, (await planStrategyRun(base)).identity.params);
  });

  await t.step("a batch strategy job with interval: 1h records the run deno task run records", async () => {
    const batch = `${dir}/b.yaml`;
    await Deno.writeTextFile(
      batch,
      `defaults: { snapshot: b3intra }
jobs:
  - kind: strategy
    job: str-1h
    strategy: short_term_reversal
    interval: 1h
    param: [lookback=3, top_n=4]
    schedule: daily
    lot: 100
    commission-bps: 5
    cash-rate: 0.1
    tax: brazil
`,
    );
    const { code, out } = await capture(() =>
      batchMain([
        batch,
        ...["--snapshots", `${dir}/snap`, "--runs", `${dir}/batch-runs`, "--out", `${dir}/out`],
        ...["--jobs", `${dir}/jobs`, "--min-free-gb", "0", "--workers", "1", "--json"],
      ])
    );
    assertEquals(code, 0, out);
    const [job] = JSON.parse(out).jobs as { status: string; run_id: string }[];
    assertEquals(job.status, "completed");
    const run = await getRun(job.run_id, { runsDir: `${dir}/batch-runs` });
    assertEquals([run.config_hash, run.metrics], [cliRun!.config_hash, cliRun!.metrics]);
  });

  await t.step("bad input: an unknown interval, a benchmark without hourly bars", async () => {
    const bad = await capture(() => runMain([...args, "--interval", "2h"]));
    assertEquals(bad.code, 2);
    assert(bad.err.includes('--interval: unknown interval "2h"'), bad.err);
    const bench = await capture(() => runMain([...args, "--interval", "1h", "--benchmark", "IBOV"]));
    assertEquals(bench.code, 1);
    assert(bench.err.includes('benchmark "IBOV" has no 1h bars'), bench.err);
  });
  await Deno.remove(dir, { recursive: true });
});
