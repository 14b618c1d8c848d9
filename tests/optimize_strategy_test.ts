/**
 * Optimisation over a registered strategy run through the portfolio simulator, and over the
 * event-driven loop. References: `runStrategy` (the `deno task run` pipeline) run by hand on every
 * grid point; `fromSignals` for the event loop's moving-average crossover (tests/events_test.ts pins
 * the two engines to the same trades); `runEvents` run by hand for the breakout rule. Data: the seeded
 * synthetic universe (40 securities, 3 years, seed 7) of tests/fixtures/synthetic_snapshot.ts.
 */
import { deepEqual, equal, match, notDeepEqual, ok, rejects, throws } from "node:assert/strict";
import { main } from "../lib/cli/optimize.ts";
import { main as runMain } from "../lib/cli/run.ts";
import { runEvents } from "../lib/engine/events/mod.ts";
import { barsFromPanel } from "../lib/engine/timeseries/bars.ts";
import { loadPanel } from "../lib/panel/load.ts";
import type { Panel } from "../lib/panel/types.ts";
import { createObjective as eventsObjective, EVENT_RULES } from "../lib/optimize/objectives/events.ts";
import { createObjective as strategyObjective, strategySpace } from "../lib/optimize/objectives/strategy.ts";
import { createObjective as timeseriesObjective } from "../lib/optimize/objectives/timeseries.ts";
import { runSearch } from "../lib/optimize/search.ts";
import { runWalkForward } from "../lib/optimize/walk_forward.ts";
import type { SimulationOptions } from "../lib/portfolio/config.ts";
import { runOptimizeJob } from "../lib/pipeline/optimize.ts";
import { loadRunData, runStrategy } from "../lib/pipeline/strategy_run.ts";
import { ParamError } from "../lib/strategy/params.ts";
import { discoverStrategies } from "../lib/strategy/registry.ts";
import { readTableParquet } from "../lib/track/mod.ts";
import { capture } from "./fixtures/capture.ts";
import { syntheticSnapshot } from "./fixtures/synthetic_snapshot.ts";
import { assertAlmostEquals } from "./_assert.ts";

const dir = await Deno.makeTempDir({ prefix: "quantnb-optimize-strategy-" });
const { snapshotsDir } = await syntheticSnapshot(dir, { nSecurities: 40, years: 3, seed: 7 });
const runsDir = `${dir}/runs`;
/** Costs, a cash rate and the Brazilian tax model: the objective is net of all of them. */
const simulation: SimulationOptions = {
  commission: { bps: 5 },
  slippage: { model: "bps", bps: 10 },
  cashRate: { kind: "constant", annual: 0.05 },
  tax: "brazil",
};
const registry = await discoverStrategies();

/** `deno task optimize ARGS` on the test snapshot, in this process, with `--json`: the parsed output. */
async function optimizeJson(args: string[]): Promise<Record<string, unknown>> {
  const common = [
    "--snapshot",
    "s",
    "--snapshots",
    snapshotsDir,
    "--workers",
    "0",
    "--runs",
    runsDir,
    "--json",
  ];
  const { code, out, err } = await capture(() => main([...args, ...common]));
  equal(code, 0, err);
  return JSON.parse(out);
}
const momentum = registry.get("momentum_12_1");

/** A copy of the panel with every field multiplied by a factor from bar `from` on. */
function perturbed(panel: Panel, from: number): Panel {
  const nS = panel.securityIds.length;
  const fields = Object.fromEntries(
    Object.entries(panel.fields).map(([name, m]) => {
      const copy = Float64Array.from(m);
      for (let c = from * nS; c < copy.length; c++) copy[c] *= 1 + 0.3 * Math.sin(c);
      return [name, copy];
    }),
  );
  return { ...panel, fields };
}

Deno.test("optimising a registered strategy through the portfolio simulator", async (t) => {
  await t.step("a grid finds the same best as running each point by hand with runStrategy", async () => {
    const grid = {
      mode: "grid",
      snapshot: "s",
      snapshotsDir,
      strategy: "momentum_12_1",
      space: { lookback: [63, 126], top_n: [5, 10, 20] },
      simulation,
      runsDir,
    } as const;
    const job = await runOptimizeJob({ ...grid, workers: 2 });
    const result = job.result!;
    ok(result.kind === "search");
    equal(result.trials.length, 6);
    const hand: number[] = [];
    for (const trial of result.trials) {
      deepEqual(Object.keys(trial.params), ["lookback", "skip", "top_n"]);
      equal(trial.params.skip, 21, "a parameter not searched stays at its schema default");
      const out = await runStrategy({
        strategy: "momentum_12_1",
        snapshot: "s",
        snapshotsDir,
        params: trial.params,
        simulation,
        record: false,
      });
      const m = out.metrics!;
      hand.push(m.sharpe);
      // The same NAV, so the same numbers, bit for bit (workers included).
      for (const key of ["sharpe", "annual_return", "max_drawdown", "sortino"] as const) {
        equal(trial.metrics[key], m[key], `${key} of ${JSON.stringify(trial.params)}`);
      }
      equal(trial.metrics.turnover, m.turnover);
      equal(trial.metrics.n_trades, m.n_trades);
      equal(trial.metrics.commission, m.commission);
      equal(trial.metrics.tax_paid, m.tax_paid);
      ok(m.commission > 0 && m.slippage > 0, "costs were charged");
    }
    const bestByHand = hand.indexOf(Math.max(...hand));
    equal(result.best, bestByHand);
    ok(new Set(hand).size === hand.length, "the points differ, so the best is not a tie");

    // Recorded as an optimisation run with its trials table; an identical job is reused.
    equal(job.run.kind, "optimize");
    equal(job.run.tags.strategy, "momentum_12_1");
    equal(job.run.metrics.best_trial, bestByHand);
    const trials = await readTableParquet(`${job.run.dir}/trials.parquet`);
    deepEqual(Array.from(trials.param_top_n as ArrayLike<number>), [5, 10, 20, 5, 10, 20]);
    const again = await runOptimizeJob({ ...grid, workers: 0 });
    ok(again.reused);
    equal(again.run.run_id, job.run.run_id);
  });

  const data = await loadRunData({ snapshot: "s", snapshotsDir });
  const setup = { strategy: "momentum_12_1", panel: data.panel, events: data.events, simulation };

  await t.step("a trial reads no bar at or after its window's end", async () => {
    const params = { lookback: 63, skip: 21, top_n: 10 };
    const window = { start: 300, end: 500 };
    const clean = await strategyObjective(setup);
    const dirty = await strategyObjective({ ...setup, panel: perturbed(data.panel, window.end) });
    const a = await clean.evaluate(params, window), b = await dirty.evaluate(params, window);
    deepEqual(a.returns, b.returns);
    deepEqual(a.metrics, b.metrics);
    // The perturbation is real: over a window that reaches it, the returns move.
    const full = { start: 300, end: data.panel.dates.length };
    notDeepEqual((await clean.evaluate(params, full)).returns, (await dirty.evaluate(params, full)).returns);
  });

  await t.step(
    "walk-forward: perturbing the last out-of-sample window changes no earlier choice",
    async () => {
      const options = {
        space: strategySpace(momentum, { lookback: [63, 126], top_n: [5, 20] }),
        windows: { inSample: "1y", outOfSample: "6m" },
        workers: 0,
      };
      const clean = await runWalkForward(await strategyObjective(setup), options);
      const last = clean.steps.at(-1)!.window;
      const dirty = await runWalkForward(
        await strategyObjective({ ...setup, panel: perturbed(data.panel, last.oosStart) }),
        options,
      );
      equal(clean.steps.length, 4);
      for (const [k, s] of clean.steps.entries()) {
        ok(s.window.isEnd <= s.window.oosStart);
        deepEqual(dirty.steps[k].params, s.params, `window ${k}: the in-sample choice`);
        equal(dirty.steps[k].isMetric, s.isMetric);
        if (k < clean.steps.length - 1) deepEqual(dirty.steps[k].oosReturns, s.oosReturns);
      }
      notDeepEqual(dirty.steps.at(-1)!.oosReturns, clean.steps.at(-1)!.oosReturns);
    },
  );

  await t.step("bad input: one clear message", async () => {
    await rejects(
      runOptimizeJob({ mode: "grid", snapshot: "s", snapshotsDir, strategy: "nope", runsDir }),
      /unknown strategy "nope"; strategies available: bollinger_breakout, .*momentum_12_1/,
    );
    throws(
      () => strategySpace(momentum, { top_n: [0, 10], skip: { min: 0, max: 100, step: 50 }, lookbak: 5 }),
      (error: unknown) => {
        ok(error instanceof ParamError);
        equal(
          error.message,
          'strategy "momentum_12_1": 3 invalid parameters\n' +
            '  - lookbak: expected a parameter of the strategy\'s schema (lookback, skip, top_n), found unknown parameter "lookbak"\n' +
            "  - skip: expected an integer in [0, 63], found 100 (searched: 0, 50, 100)\n" +
            "  - top_n: expected an integer in [1, 2000], found 0 (searched: 0, 10)",
        );
        return true;
      },
    );
    const cli = await capture(() =>
      main([
        "grid",
        "--strategy",
        "momentum_12_1",
        "--snapshot",
        "s",
        "--snapshots",
        snapshotsDir,
        "--param",
        "top_n=0:10:5",
        "--runs",
        runsDir,
      ])
    );
    equal(cli.code, 1);
    match(cli.err, /top_n: expected an integer in \[1, 2000\], found 0 \(searched: 0, 5, 10\)/);
    const flag = await capture(() =>
      main(["grid", "--snapshot", "s", "--snapshots", snapshotsDir, "--signal", "x.csv", "--tax", "brazil"])
    );
    equal(flag.code, 2);
    match(flag.err, /--tax applies to --strategy only/);
  });

  await t.step("deno task optimize --strategy records the run with the simulator's settings", async () => {
    const json = await optimizeJson(
      "random --strategy momentum_12_1 --param top_n=5:30:5 --trials 3 --seed 3 --commission-bps 5 --tax brazil"
        .split(" "),
    );
    equal(json.kind, "optimize");
    equal(json.trials, 3);
    const best = json.best as { params: Record<string, number>; metrics: Record<string, number> };
    const hand = await runStrategy({
      strategy: "momentum_12_1",
      snapshot: "s",
      snapshotsDir,
      params: best.params,
      simulation: { commission: { bps: 5 }, tax: "brazil" },
      record: false,
    });
    equal(best.metrics.sharpe, hand.metrics!.sharpe);
    const run = JSON.parse(await Deno.readTextFile(`${runsDir}/${json.run_id}/run.json`));
    equal(run.params.strategy, "momentum_12_1");
    equal(run.params.simulation.commission.bps, 5);
    equal(run.params.simulation.tax, "brazil");
  });

  await t.step("--write-preset: deno task run --preset reruns the best trial exactly", async () => {
    const file = `${dir}/best.json`;
    const json = await optimizeJson(
      `grid --strategy momentum_12_1 --param top_n=5,15 --slippage-bps 10 --lot 10 --write-preset ${file}`
        .split(" "),
    );
    const preset = JSON.parse(await Deno.readTextFile(file));
    equal(preset.engine, "strategy");
    equal(preset.strategy, "momentum_12_1");
    deepEqual(preset.params, (json.best as { params: unknown }).params);
    equal(preset.simulation.lot, 10);
    equal(preset.costs.tc_bps, 10);
    const held: string[] = preset.universe.held;
    ok(held.length >= 15 && held.length < 40, `${held.length} of 40 names were held at some point`);
    ok(held.every((id) => preset.universe.securities.includes(id)));
    const run = await capture(() =>
      runMain(["--preset", file, "--snapshots", snapshotsDir, "--runs", runsDir, "--json"])
    );
    equal(run.code, 0, run.err);
    equal(JSON.parse(run.out).metrics.sharpe, (json.best as { metrics: { sharpe: number } }).metrics.sharpe);
    const tweak = await capture(() =>
      runMain(["--preset", file, "--tax", "brazil", "--snapshots", snapshotsDir])
    );
    equal(tweak.code, 2);
    match(tweak.err, /--tax cannot change a preset's simulator settings/);
  });
});

Deno.test("optimising the event-driven loop", async (t) => {
  const panel = await loadPanel({
    snapshot: "s",
    snapshotsDir,
    securities: ["SYN0003"],
    fields: ["open", "high", "low", "close", "adj_close", "adj_open"],
  });
  const b = barsFromPanel(panel, { securityIds: ["SYN0003"] });
  const bars = {
    dates: Float64Array.from(panel.dates),
    close: Float64Array.from(b.close),
    open: Float64Array.from(b.open!),
    high: Float64Array.from(b.high!),
    low: Float64Array.from(b.low!),
  };
  const base = { feesBps: 10, slippageBps: 5, fill: "nextOpen" as const };

  await t.step("ma_crossover in the loop equals fromSignals' ma_crossover trial by trial", async () => {
    const space = { fast: [5, 10], slow: [40, 80], kind: ["sma", "ema"] };
    const loop = await runSearch(
      await eventsObjective({ name: "SYN0003", bars, rule: "ma_crossover", base }),
      { space, workers: 0 },
    );
    const vectorized = await runSearch(
      await timeseriesObjective({ name: "SYN0003", bars, rule: "ma_crossover", base }),
      { space, workers: 0 },
    );
    for (const [k, trial] of loop.trials.entries()) {
      assertAlmostEquals(trial.metrics.sharpe, vectorized.trials[k].metrics.sharpe, 1e-9);
      equal(trial.metrics.exposure, vectorized.trials[k].metrics.exposure);
    }
    equal(loop.best, vectorized.best);
  });

  await t.step("channel_breakout: the grid's best equals runEvents run by hand on each point", async () => {
    const space = { window: [10, 20, 40], exit_window: [5, 10] };
    const search = await runSearch(
      {
        module: new URL("../lib/optimize/objectives/events.ts", import.meta.url).href,
        setup: {
          name: "SYN0003",
          bars,
          rule: "channel_breakout",
          base,
        },
      },
      { space, workers: 2 },
    );
    const hand = search.trials.map((trial) =>
      runEvents(bars, EVENT_RULES.channel_breakout.strategy(trial.params)!, { ...base, periodsPerYear: 252 })
    );
    for (const [k, trial] of search.trials.entries()) {
      equal(trial.metrics.sharpe, hand[k].summary.sharpe);
      ok(hand[k].orders.some((o) => o.type === "stop" && o.status === "filled"), "stop orders filled");
    }
    const sharpes = hand.map((r) => r.summary.sharpe);
    equal(search.best, sharpes.indexOf(Math.max(...sharpes)));
    // No look-ahead: data after a window's end does not move the window's returns.
    const objective = await eventsObjective({ name: "SYN0003", bars, rule: "channel_breakout", base });
    const cut = 400;
    const noisy = { ...bars, close: bars.close.map((x, k) => (k >= cut ? x * 1.5 : x)) };
    const other = await eventsObjective({ name: "SYN0003", bars: noisy, rule: "channel_breakout", base });
    const params = { window: 20, exit_window: 10 };
    deepEqual(
      objective.evaluate(params, { start: 100, end: cut }),
      other.evaluate(params, { start: 100, end: cut }),
    );
  });

  await t.step("deno task optimize --engine events records the run", async () => {
    const json = await optimizeJson(
      "grid --engine events --security SYN0003 --rule channel_breakout --param window=10,20 --param exit_window=5 --fees-bps 10"
        .split(" "),
    );
    equal(json.trials, 2);
    const run = JSON.parse(await Deno.readTextFile(`${runsDir}/${json.run_id}/run.json`));
    equal(run.params.engine, "events");
    equal(run.params.rule, "channel_breakout");
  });
});
