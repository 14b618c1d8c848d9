import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { checkOptions, closestName, optionKeys } from "../lib/util/options.ts";
import { equityChart } from "../lib/report/charts.ts";
import { show } from "../lib/nb/show.ts";
import { progress, stages } from "../lib/nb/progress.ts";

Deno.test("checkOptions() rejects unknown options with the closest and every valid name", () => {
  checkOptions("backtest", { lag: 1, tcBps: 5 }, ["lag", "tcBps"]);
  checkOptions("backtest", undefined, ["lag"]);
  // issue 10: {lagg: 2} was silently ignored by the library while the CLI rejected --lagg
  throws(() => checkOptions("backtest", { lagg: 2 }, ["lag", "tcBps", "residualize"]), {
    name: "TypeError",
    message: 'backtest: unknown option "lagg" (did you mean "lag"?); valid options: lag, tcBps, residualize',
  });
  throws(() => checkOptions("x", { foo: 1, tcbps: 2 }, ["lag", "tcBps"]), {
    message: 'x: unknown options "foo", "tcbps" (did you mean "tcBps"?); valid options: lag, tcBps',
  });
  equal(closestName("residualise", ["residualize", "weight"]), "residualize");
  equal(closestName("zzz", ["lag"]), undefined);
  deepEqual(optionKeys<{ a?: number; b: string }>({ a: true, b: true }), ["a", "b"]);
});

Deno.test("charts, show and progress reject misspelt options", async () => {
  const dates = [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)];
  throws(() => equityChart({ dates, series: { a: [0, 0.1] }, titel: "x" } as never), {
    name: "TypeError",
    message: /chart: unknown option "titel" \(did you mean "title"\?\); valid options: title, subtitle/,
  });
  await show([{ a: 1 }], { print: () => {} });
  let error: unknown;
  try {
    await show([{ a: 1 }], { maxrows: 5 } as never);
  } catch (e) {
    error = e;
  }
  equal(
    (error as Error).message.startsWith('show: unknown option "maxrows" (did you mean "maxRows"?)'),
    true,
  );
  throws(
    () => progress(3, { lable: "x" } as never),
    /progress: unknown option "lable" \(did you mean "label"\?\)/,
  );
  throws(() => stages("x", { onevent: () => {} } as never), /did you mean "onEvent"/);
});

Deno.test("library entry points reject unknown options (backtest, analyzeFactor, allMetrics, fromSignals, …)", async () => {
  const { backtest } = await import("../lib/engine/backtest.ts");
  const { analyzeFactor } = await import("../lib/factor/analyze.ts");
  const { allMetrics } = await import("../lib/metrics/summary.ts");
  const { fromSignals } = await import("../lib/engine/timeseries/from_signals.ts");
  const { loadPanel } = await import("../lib/panel/load.ts");
  const { listRuns } = await import("../lib/track/list_runs.ts");
  const { makePanel } = await import("../lib/panel/make_panel.ts");
  const panel = makePanel({
    dates: [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)],
    securityIds: ["A", "B"],
    fields: { ret: [[NaN, NaN], [0.01, -0.01]] },
  });
  const known = { known: Float64Array.of(1, 2, 1, 2) };
  throws(
    () => backtest(panel, known, { lagg: 2 } as never),
    /backtest: unknown option "lagg" \(did you mean "lag"\?\)/,
  );
  throws(() => analyzeFactor(panel, known, { period: [1] } as never), /did you mean "periods"/);
  throws(() => allMetrics([0.01, 0.02], { periodsPerYer: 12 } as never), /did you mean "periodsPerYear"/);
  throws(
    () => fromSignals([1, 2, 3], [true, false, false], [false, false, true], { fees: 1 } as never),
    /fromSignals: unknown option "fees"/,
  );
  await rejects(
    loadPanel({ snapshot: "demo", field: ["ret"] } as never),
    /loadPanel: unknown option "field" \(did you mean "fields"\?\)/,
  );
  await rejects(listRuns({ signl: "x" } as never), /did you mean "signal"/);
});

Deno.test("the strategy, search, walk-forward, construction and research APIs reject unknown options", async () => {
  const { runStrategy } = await import("../lib/pipeline/strategy_run.ts");
  const { resolveSimulation } = await import("../lib/portfolio/config.ts");
  const { runSearch } = await import("../lib/optimize/search.ts");
  const { runWalkForward } = await import("../lib/optimize/walk_forward.ts");
  const { constructPortfolio } = await import("../lib/portfolio/construct/construct.ts");
  const { runResearch } = await import("../lib/ml/research.ts");
  const { makePanel } = await import("../lib/panel/make_panel.ts");
  // every check runs before any data is read: no snapshot, registry or objective is needed
  await rejects(
    runStrategy({ strategy: "momentum_12_1", snapshot: "demo", paramz: {} } as never),
    /runStrategy: unknown option "paramz" \(did you mean "params"\?\); valid options: strategy, snapshot/,
  );
  throws(
    () => resolveSimulation({ lots: 100 } as never),
    /simulation: unknown option "lots" \(did you mean "lot"\?\)/,
  );
  const objective = () => ({ sharpe: 0 });
  await rejects(runSearch(objective as never, { trails: 5 } as never), /runSearch: unknown option "trails"/);
  await rejects(
    runWalkForward(objective as never, { window: {} } as never),
    /runWalkForward: unknown option "window" \(did you mean "windows"\?\)/,
  );
  const streams = {
    dates: Float64Array.of(0, 1),
    names: ["a"],
    returns: Float64Array.of(0, 0),
    periodsPerYear: 252,
  };
  throws(
    () => constructPortfolio(streams, { method: "erc", lookbak: 60 } as never),
    /constructPortfolio: unknown option "lookbak" \(did you mean "lookback"\?\)/,
  );
  const panel = makePanel({ dates: [Date.UTC(2024, 0, 2)], securityIds: ["A"], fields: { ret: [[0]] } });
  await rejects(runResearch(panel, { model: [] } as never), /runResearch config: unknown option "model"/);
  await rejects(runResearch(panel, {}, { worker: 2 } as never), /did you mean "workers"/);
});
