/**
 * Walk-forward windows and optimisation, and the search views (metric surface, sensitivity).
 *
 * Expected windows are worked out by hand in the comments; the stitched out-of-sample returns are
 * re-evaluated directly with the chosen parameters; the look-ahead guarantee is tested two ways: a
 * spy objective records every evaluation window, and perturbing out-of-sample data leaves earlier
 * in-sample fits unchanged.
 */
import { strict as assert } from "node:assert";
import { walkForwardWindows } from "../lib/optimize/windows.ts";
import { runWalkForward } from "../lib/optimize/walk_forward.ts";
import { runSearch } from "../lib/optimize/search.ts";
import { metricSurface, sensitivity } from "../lib/optimize/surface.ts";
import type { Objective, Window } from "../lib/optimize/objective.ts";
import { createObjective as backtestObjective } from "../lib/optimize/objectives/backtest.ts";
import { createObjective as syntheticObjective } from "./fixtures/optimize/synthetic_objective.ts";
import { finite } from "../lib/metrics/core.ts";
import { allMetrics } from "../lib/metrics/summary.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import { createRng } from "../lib/util/rng.ts";
import { assertAllClose, assertAlmostEquals } from "./_assert.ts";

const DAY = 86_400_000;
const bars = (n: number) => Float64Array.from({ length: n }, (_, t) => Date.UTC(2020, 0, 1) + t * DAY);
const spans = (ws: ReturnType<typeof walkForwardWindows>) =>
  ws.map((w) => [w.isStart, w.isEnd, w.oosStart, w.oosEnd]);

Deno.test("walkForwardWindows()", async (t) => {
  await t.step("rolling windows in bars tile the out-of-sample periods", () => {
    // 100 bars, IS 40, OOS 20: [0,40)→[40,60), [20,60)→[60,80), [40,80)→[80,100).
    assert.deepEqual(spans(walkForwardWindows(bars(100), { inSample: 40, outOfSample: 20 })), [
      [0, 40, 40, 60],
      [20, 60, 60, 80],
      [40, 80, 80, 100],
    ]);
  });

  await t.step("anchored windows always start at bar 0", () => {
    assert.deepEqual(
      spans(walkForwardWindows(bars(100), { mode: "anchored", inSample: "40b", outOfSample: "20" })),
      [
        [0, 40, 40, 60],
        [0, 60, 60, 80],
        [0, 80, 80, 100],
      ],
    );
  });

  await t.step("a last, shorter out-of-sample window is kept unless partial: false", () => {
    // IS 40, OOS 25: [0,40)→[40,65), [25,65)→[65,90), [50,90)→[90,100) (10 bars).
    const options = { inSample: 40, outOfSample: 25 };
    assert.deepEqual(spans(walkForwardWindows(bars(100), options)).at(-1), [50, 90, 90, 100]);
    assert.deepEqual(spans(walkForwardWindows(bars(100), { ...options, partial: false })).at(-1), [
      25,
      65,
      65,
      90,
    ]);
  });

  await t.step("calendar sizes cut at the first bar on or after the calendar date", () => {
    // Daily bars from 2020-01-01: IS 1y ends before 2021-01-01 (bar 366, 2020 is a leap year);
    // OOS 6m ends before 2021-07-01 (bar 366 + 181 = 547); the next IS starts at 2020-07-01 (bar 182).
    const ws = walkForwardWindows(bars(900), { inSample: "1y", outOfSample: "6m" });
    assert.deepEqual(spans(ws).slice(0, 2), [[0, 366, 366, 547], [182, 547, 547, 731]]);
    for (const w of ws) assert.ok(w.isEnd <= w.oosStart && w.oosStart < w.oosEnd);
  });

  await t.step("windows longer than the data, or sizes that are not sizes, get one clear message", () => {
    assert.throws(
      () => walkForwardWindows(bars(100), { inSample: "1y", outOfSample: "3m" }),
      /walk-forward windows \(in-sample 1y \+ out-of-sample 3m\) are longer than the data: 100 bars \(2020-01-01 → 2020-04-09\)/,
    );
    assert.throws(
      () => walkForwardWindows(bars(100), { inSample: 0, outOfSample: 10 }),
      /in-sample size: expected a positive/,
    );
    assert.throws(() => walkForwardWindows(bars(100), { inSample: 50, outOfSample: "3x" }), /found "3x"/);
    assert.throws(
      () => walkForwardWindows(bars(100), { inSample: 90, outOfSample: 20, partial: false }),
      /longer than the data/,
    );
  });
});

Deno.test("runWalkForward()", async (t) => {
  const setup = { bars: 800, seed: 5, optimum: { x: 6, y: 2 } };
  const space = { x: { min: 0, max: 10, step: 2 }, y: { min: 0, max: 4, step: 1 } };
  const windows = { inSample: 300, outOfSample: 100 };

  await t.step("no in-sample fit is evaluated on a bar at or after its out-of-sample start", async () => {
    const inner = syntheticObjective(setup);
    const calls: Window[] = [];
    const spy: Objective = { ...inner, evaluate: (p, w) => (calls.push(w), inner.evaluate(p, w)) };
    const wf = await runWalkForward(spy, { space, windows });
    assert.equal(wf.steps.length, 5);
    const trials = 6 * 5;
    assert.equal(calls.length, wf.steps.length * (trials + 1));
    wf.steps.forEach((s, k) => {
      const fit = calls.slice(k * trials, (k + 1) * trials);
      assert.ok(fit.every((w) => w.start === s.window.isStart && w.end === s.window.isEnd));
      assert.ok(s.window.isEnd <= s.window.oosStart);
      // The out-of-sample call comes after every fit and covers exactly the out-of-sample bars.
      assert.deepEqual(calls[wf.steps.length * trials + k], {
        start: s.window.oosStart,
        end: s.window.oosEnd,
      });
    });
  });

  await t.step("the stitched out-of-sample returns are the chosen parameters' next bars", async () => {
    const objective = syntheticObjective(setup);
    const wf = await runWalkForward(objective, { space, windows });
    let at = 0;
    for (const s of wf.steps) {
      assert.deepEqual(s.params, s.search.trials[s.search.best].params);
      const direct = objective.evaluate(s.params!, { start: s.window.oosStart, end: s.window.oosEnd }) as {
        returns: Float64Array;
      };
      assertAllClose(wf.returns.subarray(at, at + direct.returns.length), direct.returns, 0);
      at += direct.returns.length;
      assertAlmostEquals(s.efficiency, s.oosMetric / s.isMetric, 1e-15);
    }
    assert.equal(wf.returns.length, 800 - 300);
    const stitched = allMetrics(finite(wf.returns), { periodsPerYear: 252 });
    assertAlmostEquals(wf.oosMetrics.sharpe, stitched.sharpe, 1e-12);
    const meanIs = wf.steps.reduce((a, s) => a + s.isMetric, 0) / wf.steps.length;
    assertAlmostEquals(wf.efficiency, stitched.sharpe / meanIs, 1e-12);
    // The stability surface of x: each row is that window's in-sample best-of Sharpe per value of x.
    const x = wf.stability.find((s) => s.param === "x")!;
    assert.deepEqual(x.labels, ["0", "2", "4", "6", "8", "10"]);
    wf.steps.forEach((s, k) => {
      assertAllClose(
        x.values.subarray(k * 6, (k + 1) * 6),
        sensitivity(s.search, { params: ["x"] })[0].best,
        0,
      );
      assert.equal(x.chosen[k], String(s.params!.x));
    });
  });

  await t.step("perturbing out-of-sample data leaves earlier in-sample choices unchanged", async () => {
    const rng = createRng(8);
    const nT = 200, nS = 24;
    const ret = new Float64Array(nT * nS), known = new Float64Array(nT * nS);
    for (let k = 0; k < known.length; k++) known[k] = rng.normal();
    for (let t = 1; t < nT; t++) {
      for (let i = 0; i < nS; i++) ret[t * nS + i] = 0.002 * known[(t - 1) * nS + i] + 0.01 * rng.normal();
    }
    const panel = makePanel({
      dates: bars(nT),
      securityIds: Array.from({ length: nS }, (_, i) => `S${i}`),
      fields: { ret },
    });
    const wfSpace = { lag: [0, 1, 2], fractile: [3, 4, 6], tcBps: [0, 30] };
    const wfWindows = { inSample: 80, outOfSample: 40 };
    const before = await runWalkForward(backtestObjective({ panel, known, name: "toy" }), {
      space: wfSpace,
      windows: wfWindows,
    });
    // Scramble everything from the second window's out-of-sample start on.
    const cut = before.steps[1].window.oosStart;
    const ret2 = ret.slice(), known2 = known.slice();
    for (let k = cut * nS; k < ret2.length; k++) {
      ret2[k] = 0.05 * rng.normal();
      known2[k] = rng.normal();
    }
    const after = await runWalkForward(
      backtestObjective({ panel: { ...panel, fields: { ret: ret2 } }, known: known2, name: "toy" }),
      { space: wfSpace, windows: wfWindows },
    );
    for (const k of [0, 1]) {
      assert.deepEqual(after.steps[k].params, before.steps[k].params);
      assert.deepEqual(
        after.steps[k].search.trials.map((tr) => tr.metrics),
        before.steps[k].search.trials.map((tr) => tr.metrics),
      );
    }
    assertAllClose(after.steps[0].oosReturns, before.steps[0].oosReturns, 0);
  });
});

Deno.test("search views", async (t) => {
  const objective = syntheticObjective({ bars: 400, seed: 2, optimum: { x: 2, y: 1 } });
  const result = await runSearch(objective, {
    space: { x: [0, 1, 2, 3], y: [0, 1, 2], mode: ["fast", "slow"] },
  });
  const at = (x: number, y: number, mode: string) =>
    result.trials.find((tr) => tr.params.x === x && tr.params.y === y && tr.params.mode === mode)!;

  await t.step("metricSurface() takes the best over the other parameters, or holds them at the best", () => {
    const best = metricSurface(result, "x", "y");
    assert.deepEqual(best.xLabels, ["0", "1", "2", "3"]);
    assert.deepEqual(best.yLabels, ["0", "1", "2"]);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 4; c++) {
        const want = Math.max(at(c, r, "fast").metrics.sharpe, at(c, r, "slow").metrics.sharpe);
        assert.equal(best.values[r * 4 + c], want);
      }
    }
    assert.deepEqual(best.bestCell, [1, 2]);
    const fixed = metricSurface(result, "x", "y", { others: "fixed" });
    const mode = result.trials[result.best].params.mode as string;
    assert.equal(fixed.values[0], at(0, 0, mode).metrics.sharpe);
    assert.throws(
      () => metricSurface(result, "x", "z"),
      /parameter "z" is not in the search space; expected one of x, y, mode/,
    );
  });

  await t.step("sensitivity() gives best, mean and at-best values per parameter value", () => {
    const [x] = sensitivity(result, { params: ["x"] });
    const rows = result.trials.filter((tr) => tr.params.x === 3);
    assert.equal(x.best[3], Math.max(...rows.map((tr) => tr.metrics.sharpe)));
    assertAlmostEquals(x.mean[3], rows.reduce((a, tr) => a + tr.metrics.sharpe, 0) / rows.length, 1e-15);
    const b = result.trials[result.best].params;
    assert.equal(x.atBest[3], at(3, b.y as number, b.mode as string).metrics.sharpe);
    assert.deepEqual(sensitivity(result).map((s) => s.param), ["x", "y", "mode"]);
  });
});
