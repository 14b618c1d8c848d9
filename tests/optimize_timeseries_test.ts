/**
 * The time-series backtest (`fromSignals`) as a search objective, on the bundled S&P 500 sample
 * (2000–2020). Expected numbers: `fromSignals` itself on the same signals (lib/engine/timeseries), the
 * rule definitions written out here (moving-average crossings, RSI levels).
 */
import { strict as assert } from "node:assert";
import { sma } from "../lib/indicators/moving_average.ts";
import { rsi } from "../lib/indicators/oscillators.ts";
import { crossSignals } from "../lib/engine/timeseries/crossover.ts";
import { columnReturns, fromSignals } from "../lib/engine/timeseries/from_signals.ts";
import { sampleBars } from "../lib/engine/timeseries/sample.ts";
import { createObjective, TIMESERIES_OBJECTIVE } from "../lib/optimize/objectives/timeseries.ts";
import { runSearch } from "../lib/optimize/search.ts";
import { runWalkForward } from "../lib/optimize/walk_forward.ts";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";

const spx = sampleBars();
const bars = { dates: spx.dates, close: spx.close, open: spx.open, high: spx.high, low: spx.low };
const T = bars.close.length;

Deno.test("the time-series objective", async (t) => {
  const objective = await createObjective({ name: "SPX", bars, rule: "ma_crossover", base: { feesBps: 5 } });

  await t.step("returns are fromSignals' equity returns of the rule's signals", async () => {
    const out = await objective.evaluate({ fast: 20, slow: 100, kind: "sma" }, { start: 0, end: T });
    const { entries, exits } = crossSignals(sma(bars.close, 20), sma(bars.close, 100));
    const direct = fromSignals(bars, entries, exits, { feesBps: 5, periodsPerYear: 252 });
    assertAllClose(out.returns, columnReturns(direct, 0), 0);
    assert.equal(out.metrics!.n_trades, direct.trades!.length);
    // RSI: enter below 30, leave above 70, with a 5% stop set as a trade parameter.
    const r = await createObjective({ name: "SPX", bars, rule: "rsi" });
    const got = await r.evaluate({ period: 14, lower: 30, upper: 70, stopLoss: 0.05 }, { start: 0, end: T });
    const x = rsi(bars.close, 14);
    const ref = fromSignals(bars, x.map((v) => (v < 30 ? 1 : 0)), x.map((v) => (v > 70 ? 1 : 0)), {
      stopLoss: 0.05,
      periodsPerYear: 252,
    });
    assertAllClose(got.returns, columnReturns(ref, 0), 0);
  });

  await t.step("a combination that makes no sense (fast ≥ slow) has no returns and ranks last", async () => {
    const out = await objective.evaluate({ fast: 50, slow: 20, kind: "sma" }, { start: 0, end: T });
    assert.ok(Array.from(out.returns).every(Number.isNaN));
    const result = await runSearch(objective, { space: { fast: [10, 50], slow: [20, 100], kind: ["sma"] } });
    assert.equal(result.trials.find((tr) => tr.params.fast === 50 && tr.params.slow === 20)!.rank, 4);
  });

  await t.step("a window reads no bar at or after its end", async () => {
    const window = { start: 1000, end: 2000 };
    const before = await objective.evaluate({ fast: 10, slow: 50, kind: "ema" }, window);
    const scrambled = Float64Array.from(bars.close, (c, k) => (k >= window.end ? c * (1 + Math.sin(k)) : c));
    const perturbed = await createObjective({
      name: "SPX",
      bars: { ...bars, close: scrambled },
      rule: "ma_crossover",
      base: { feesBps: 5 },
    });
    assertAllClose(
      (await perturbed.evaluate({ fast: 10, slow: 50, kind: "ema" }, window)).returns,
      before.returns,
      0,
    );
  });

  await t.step(
    "a grid over it is identical in this thread and in 2 workers; walk-forward runs on it",
    async () => {
      const space = { fast: [5, 10, 20], slow: [50, 100], kind: ["sma", "ema"] };
      const inThread = await runSearch(objective, { space });
      const source = {
        module: TIMESERIES_OBJECTIVE,
        setup: { name: "SPX", bars, rule: "ma_crossover", base: { feesBps: 5 } },
      };
      const pooled = await runSearch(source, { space, workers: 2 });
      assert.deepEqual(pooled.trials.map((tr) => tr.metrics), inThread.trials.map((tr) => tr.metrics));
      const wf = await runWalkForward(objective, { space, windows: { inSample: "4y", outOfSample: "1y" } });
      // 2000-01-03 → 2020-04-17, 4 years in sample: out-of-sample years 2004 … 2019 and a partial 2020.
      assert.equal(wf.steps.length, 17);
      assertAlmostEquals(wf.returns.length, T - wf.steps[0].window.oosStart, 0);
    },
  );

  await t.step("an unknown rule is refused with the list of rules", async () => {
    await assert.rejects(
      () => createObjective({ name: "SPX", bars, rule: "magic" }),
      /unknown rule "magic": expected ma_crossover, rsi, donchian/,
    );
  });
});
