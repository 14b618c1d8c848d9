/**
 * Parameter search: spaces, grid and random search, constraints, plateau scores, worker-count
 * independence, and the cross-sectional backtest as an objective.
 *
 * Expected numbers: the synthetic objective (tests/fixtures/optimize/synthetic_objective.ts) has its
 * optimum at (x*, y*) by construction; plateau means are recomputed here from the trials; the
 * backtest objective is compared with the engine's own `backtest()` on the same panel.
 */
import { strict as assert } from "node:assert";
import { backtest } from "../lib/engine/backtest.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import { panelHead } from "../lib/panel/head.ts";
import { sharpeRatio } from "../lib/metrics/core.ts";
import {
  defineSpace,
  dimensionValues,
  gridPoints,
  gridSize,
  parseDimensionArgs,
  SpaceError,
  spaceFromSchema,
} from "../lib/optimize/space.ts";
import { randomPoints } from "../lib/optimize/sample.ts";
import { parseConstraint, resolveMetric } from "../lib/optimize/objective.ts";
import { runSearch } from "../lib/optimize/search.ts";
import {
  BACKTEST_OBJECTIVE,
  createObjective as backtestObjective,
} from "../lib/optimize/objectives/backtest.ts";
import { createObjective as syntheticObjective } from "./fixtures/optimize/synthetic_objective.ts";
import { createRng } from "../lib/util/rng.ts";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";

const SYNTHETIC = new URL("./fixtures/optimize/synthetic_objective.ts", import.meta.url).href;
const SETUP = { bars: 600, seed: 11, optimum: { x: 3, y: 7 } };

Deno.test("parameter spaces", async (t) => {
  await t.step("defineSpace() refuses an empty space, a zero step, reversed bounds, empty choices", () => {
    assert.throws(() => defineSpace({}), SpaceError);
    assert.throws(() => defineSpace({}), /parameter space is empty/);
    assert.throws(
      () => defineSpace({ lag: { min: 0, max: 5, step: 0 } }),
      /"lag": step must be a number > 0, found 0/,
    );
    assert.throws(() => defineSpace({ lag: { min: 5, max: 0, step: 1 } }), /"lag": min 5 is above max 0/);
    assert.throws(() => defineSpace({ weight: [] }), /"weight": the list of choices is empty/);
    assert.throws(() => defineSpace({ w: ["a", "a"] }), /choice "a" is listed twice/);
    assert.throws(() => defineSpace({ x: { min: 0, max: 1, log: true } }), /log range needs min > 0/);
    assert.throws(() => gridPoints(defineSpace({ x: { min: 0, max: 1 } })), /has no step; a grid needs one/);
  });

  await t.step("a floating step reaches max without drift; integers default to step 1", () => {
    assert.deepEqual(dimensionValues(defineSpace({ x: { min: 0, max: 0.3, step: 0.1 } }).dimensions[0]), [
      0,
      0.1,
      0.2,
      0.3,
    ]);
    assert.deepEqual(dimensionValues(defineSpace({ n: { type: "integer", min: 2, max: 5 } }).dimensions[0]), [
      2,
      3,
      4,
      5,
    ]);
  });

  await t.step("gridPoints() follows itertools.product order (last dimension fastest)", () => {
    const space = defineSpace({ a: [1, 2], b: ["x", "y", "z"], c: true });
    assert.equal(gridSize(space), 6);
    assert.deepEqual(gridPoints(space).map((p) => `${p.a}${p.b}${p.c}`), [
      "1xtrue",
      "1ytrue",
      "1ztrue",
      "2xtrue",
      "2ytrue",
      "2ztrue",
    ]);
  });

  await t.step("parseDimensionArgs() reads ranges, log ranges, choices and fixed values", () => {
    assert.deepEqual(
      parseDimensionArgs(["lag=0:4:1", "x=0.1:10:log", "w=equal,signal", "tc=10", "f=true,false"]),
      {
        lag: { min: 0, max: 4, step: 1 },
        x: { min: 0.1, max: 10, log: true },
        w: ["equal", "signal"],
        tc: 10,
        f: [true, false],
      },
    );
    assert.throws(() => parseDimensionArgs(["lag"]), /expects NAME=SPEC/);
    assert.throws(() => parseDimensionArgs(["lag=0:x:1"]), /a range is MIN:MAX or MIN:MAX:STEP/);
    assert.throws(() => parseDimensionArgs(["lag=1", "lag=2"]), /given twice/);
  });

  await t.step("spaceFromSchema() searches the schema's ranges, or only the overridden parameters", () => {
    const schema = {
      fast: { type: "integer" as const, min: 5, max: 20, step: 5, default: 10 },
      slow: { type: "integer" as const, min: 50, max: 100, default: 50 },
      kind: { type: "enum" as const, choices: ["sma", "ema"], default: "sma" },
      long_only: { type: "boolean" as const, default: true },
      start: { type: "date" as const, default: null },
    };
    assert.equal(gridSize(spaceFromSchema(schema)), 4 * 51 * 2 * 2);
    const only = spaceFromSchema(schema, { fast: [5, 10] });
    assert.deepEqual(gridPoints(only), [
      { fast: 5, slow: 50, kind: "sma", long_only: true, start: null },
      { fast: 10, slow: 50, kind: "sma", long_only: true, start: null },
    ]);
    assert.throws(() => spaceFromSchema(schema, { fats: [1] }), /"fats" is not in the strategy's schema/);
  });

  await t.step("randomPoints() is reproducible from its seed and draws distinct points", () => {
    const space = defineSpace({ a: { min: 0, max: 9, step: 1 }, b: { min: 0, max: 1 } });
    const one = randomPoints(space, 40, 5).points, two = randomPoints(space, 40, 5).points;
    assert.deepEqual(one, two);
    assert.notDeepEqual(randomPoints(space, 40, 6).points, one);
    const small = randomPoints(defineSpace({ a: [1, 2, 3] }), 10, 1);
    assert.equal(small.points.length, 3);
    assert.match(small.warning!, /the space has 3 points; random search ran 3 of the 10 trials/);
  });

  await t.step("metric names resolve with aliases; unknown ones are refused with the list", () => {
    assert.equal(resolveMetric("CAGR", ["annual_return", "sharpe"]), "annual_return");
    assert.equal(resolveMetric("max drawdown", ["max_drawdown"]), "max_drawdown");
    assert.throws(
      () => resolveMetric("sharp", ["sharpe"]),
      /unknown objective metric "sharp"; expected one of sharpe/,
    );
    assert.deepEqual(parseConstraint("turnover < 50%"), {
      metric: "turnover",
      op: "<",
      value: 0.5,
      text: "turnover < 50%",
    });
    assert.throws(() => parseConstraint("turnover ~ 1"), /expected METRIC OP NUMBER/);
  });
});

Deno.test("runSearch()", async (t) => {
  const objective = syntheticObjective(SETUP);

  await t.step("a grid finds the known optimum of the synthetic objective", async () => {
    const result = await runSearch(objective, { objective: "sharpe" });
    assert.equal(result.trials.length, 121);
    assert.deepEqual(result.trials[result.best].params, { x: 3, y: 7 });
    assert.equal(result.trials[result.best].rank, 1);
    // Ranking by the engine metric "drift" agrees; so does minimising volatility being a different question.
    const byDrift = await runSearch(objective, { objective: "drift" });
    assert.deepEqual(byDrift.trials[byDrift.best].params, { x: 3, y: 7 });
    // Sharpe of the best trial = mean/std·√252 of drift + noise (recomputed here).
    const returns = objective.evaluate({ x: 3, y: 7 }, { start: 0, end: 600 }) as { returns: Float64Array };
    assertAlmostEquals(
      result.trials[result.best].metrics.sharpe,
      sharpeRatio(returns.returns, 0, 252),
      1e-12,
    );
  });

  await t.step("the plateau score is the mean over the 3 × 3 neighbourhood of the best cell", async () => {
    const result = await runSearch(objective, {});
    const at = (x: number, y: number) => result.trials.find((tr) => tr.params.x === x && tr.params.y === y)!;
    let sum = 0;
    for (const dx of [-1, 0, 1]) for (const dy of [-1, 0, 1]) sum += at(3 + dx, 7 + dy).metrics.sharpe;
    assertAlmostEquals(result.trials[result.best].plateau, sum / 9, 1e-12);
    // A corner cell has 4 neighbours (itself included).
    const corner = at(0, 0);
    assertAlmostEquals(
      corner.plateau,
      (at(0, 0).metrics.sharpe + at(1, 0).metrics.sharpe + at(0, 1).metrics.sharpe +
        at(1, 1).metrics.sharpe) / 4,
      1e-12,
    );
    assert.deepEqual(result.trials[result.robust].params, { x: 3, y: 7 });
  });

  await t.step("constraints exclude trials from selection but keep them in the table", async () => {
    const result = await runSearch(objective, { constraints: ["drift < 0.0009"] });
    const best = result.trials[result.best];
    assert.ok(best.metrics.drift < 0.0009);
    assert.equal(result.trials.length, 121);
    const optimum = result.trials.find((tr) => tr.params.x === 3 && tr.params.y === 7)!;
    assert.equal(optimum.feasible, false);
    assert.deepEqual(optimum.violations, ["drift < 0.0009"]);
    assert.equal(optimum.rank, 0);
    const none = await runSearch(objective, { constraints: ["drift > 1"] });
    assert.equal(none.best, -1);
    assert.match(none.warnings.join(), /no trial satisfies the constraints \(drift > 1\)/);
  });

  await t.step("the guards count every trial run and their Sharpe dispersion", async () => {
    const result = await runSearch(objective, {});
    const g = result.guards!;
    assert.equal(g.trials, 121);
    const sharpes = result.trials.map((tr) => tr.metrics.sharpe / Math.sqrt(252));
    const m = sharpes.reduce((a, b) => a + b) / sharpes.length;
    const sd = Math.sqrt(sharpes.reduce((a, b) => a + (b - m) ** 2, 0) / (sharpes.length - 1));
    assertAlmostEquals(g.sharpeStd, sd * Math.sqrt(252), 1e-10);
    assert.ok(g.dsr < g.psr, `DSR ${g.dsr} below PSR ${g.psr}`);
    assert.equal(g.pbo!.blocks, 16);
    assert.equal(g.pbo!.splits, 12870);
  });

  await t.step("random search is reproducible and identical for 0, 1 and 2 workers", async () => {
    const source = { module: SYNTHETIC, setup: { ...SETUP } };
    const space = { x: { min: 0, max: 10 }, y: { min: 0, max: 10, step: 1 }, mode: ["fast", "slow"] };
    const runs = [];
    for (const workers of [0, 1, 2]) {
      runs.push(await runSearch(source, { method: "random", trials: 30, seed: 9, space, workers }));
    }
    for (const other of runs.slice(1)) {
      assert.deepEqual(other.trials.map((tr) => tr.params), runs[0].trials.map((tr) => tr.params));
      assert.deepEqual(other.trials.map((tr) => tr.metrics), runs[0].trials.map((tr) => tr.metrics));
      assertAllClose(other.returns, runs[0].returns, 0);
      assert.equal(other.best, runs[0].best);
    }
    const again = await runSearch(source, { method: "random", trials: 30, seed: 9, space, workers: 0 });
    assert.deepEqual(again.trials.map((tr) => tr.params), runs[0].trials.map((tr) => tr.params));
    const other = await runSearch(source, { method: "random", trials: 30, seed: 10, space, workers: 0 });
    assert.notDeepEqual(other.trials.map((tr) => tr.params), runs[0].trials.map((tr) => tr.params));
  });

  await t.step("bad input gets one clear message each", async () => {
    await assert.rejects(() => runSearch(objective, { space: {} }), /parameter space is empty/);
    await assert.rejects(
      () => runSearch(objective, { space: { x: { min: 0, max: 3, step: 0 } } }),
      /"x": step must be a number > 0, found 0/,
    );
    await assert.rejects(
      () => runSearch(objective, { objective: "sharpness" }),
      /unknown objective metric "sharpness"/,
    );
    await assert.rejects(
      () => runSearch(objective, { window: { start: 0, end: 900 } }),
      /window \[0, 900\) does not fit the data: expected 0 ≤ start < end ≤ 600 bars/,
    );
    await assert.rejects(
      () => runSearch(objective, { workers: 2 }),
      /in-thread function: run it with workers: 0/,
    );
  });
});

/** A small seeded panel with a signal that predicts next-day returns a little. */
function smallPanel(nT = 260, nS = 30) {
  const rng = createRng(3);
  const dates = Array.from({ length: nT }, (_, t) => Date.UTC(2021, 0, 4) + t * 86_400_000);
  const securityIds = Array.from({ length: nS }, (_, i) => `S${String(i).padStart(2, "0")}`);
  const ret = new Float64Array(nT * nS), known = new Float64Array(nT * nS), mcap = new Float64Array(nT * nS);
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < nS; i++) {
      known[t * nS + i] = rng.normal();
      mcap[t * nS + i] = 100 + i;
    }
  }
  for (let t = 1; t < nT; t++) {
    for (let i = 0; i < nS; i++) ret[t * nS + i] = 0.002 * known[(t - 1) * nS + i] + 0.01 * rng.normal();
  }
  for (let i = 0; i < nS; i++) ret[i] = NaN;
  const panel = makePanel({ dates, securityIds, fields: { ret, mcap } });
  return { panel, known };
}

Deno.test("the backtest objective", async (t) => {
  const { panel, known } = smallPanel();
  const objective = backtestObjective({ panel, known, name: "toy" });
  const all = { start: 0, end: panel.dates.length };

  await t.step("returns are the engine's net returns on traded days, at every cost level", async () => {
    const cases: Record<string, number | string>[] = [
      { lag: 0, fractile: 5, tcBps: 0, weight: "equal" },
      { lag: 1, fractile: "20/80", tcBps: 25, weight: "signal" },
    ];
    for (const params of cases) {
      const out = await objective.evaluate(params, all);
      const engine = backtest(panel, { known }, {
        lag: params.lag as number,
        fractile: params.fractile === 5 ? 5 : [20, 80],
        tcBps: params.tcBps as number,
        weight: params.weight as "equal" | "signal",
      });
      const traded = Array.from(out.returns).filter((x) => !Number.isNaN(x));
      assertAllClose(traded, engine.daily.net, 0, "net");
      assertAlmostEquals(out.metrics!.turnover, engine.summary.overall.turnover, 1e-15);
      assertAlmostEquals(out.metrics!.ic, engine.ic.mean, 1e-15);
      assertAlmostEquals(out.metrics!.sharpe_gross, engine.summary.overall.sharpe_gross, 1e-12);
    }
  });

  await t.step(
    "a window never reads bars at or after its end (perturbing them changes nothing)",
    async () => {
      const window = { start: 100, end: 180 };
      const before = await objective.evaluate({ lag: 1, fractile: 5 }, window);
      const ret = panel.fields.ret.slice(), noisy = known.slice();
      const nS = panel.securityIds.length;
      for (let k = window.end * nS; k < ret.length; k++) {
        ret[k] = 0.5;
        noisy[k] = -noisy[k];
      }
      const perturbed = backtestObjective({
        panel: { ...panel, fields: { ...panel.fields, ret } },
        known: noisy,
        name: "toy",
      });
      const after = await perturbed.evaluate({ lag: 1, fractile: 5 }, window);
      assertAllClose(after.returns, before.returns, 0);
      assert.deepEqual(after.metrics, before.metrics);
      // …and they equal the engine's own backtest of the cut panel (which sorts its rows itself).
      const cut = backtest(panelHead(panel, window.end), { known: known.subarray(0, window.end * nS) }, {
        lag: 1,
        fractile: 5,
      });
      const from = cut.daily.date.findIndex((d) => d >= panel.dates[window.start]);
      assertAllClose(
        Array.from(before.returns).filter((x) => !Number.isNaN(x)),
        cut.daily.net.subarray(from),
        0,
      );
    },
  );

  await t.step("a grid over the backtest is identical in this thread and in 2 workers", async () => {
    const space = { lag: [0, 1], fractile: [3, 5], tcBps: [0, 10, 20] };
    const inThread = await runSearch(objective, { space });
    const pooled = await runSearch({ module: BACKTEST_OBJECTIVE, setup: { panel, known, name: "toy" } }, {
      space,
      workers: 2,
    });
    assert.equal(inThread.trials.length, 12);
    assert.deepEqual(pooled.trials.map((tr) => tr.metrics), inThread.trials.map((tr) => tr.metrics));
    assert.equal(pooled.best, inThread.best);
    assert.throws(
      () => backtestObjective({ panel, known, name: "toy" }).evaluate({ lags: 1 }, all),
      /no parameter "lags"/,
    );
  });
});
