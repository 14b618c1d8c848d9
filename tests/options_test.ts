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
