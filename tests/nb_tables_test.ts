import { deepEqual, equal, throws } from "node:assert/strict";
import type { BacktestResult, BacktestSummary, SliceSummary } from "../lib/engine/types.ts";
import { drawdownPeriods } from "../lib/metrics/drawdown.ts";
import {
  comparisonRows,
  drawdownRows,
  manifestRows,
  panelSeries,
  summaryRows,
  validationSummary,
  variantRows,
} from "../lib/nb/tables.ts";
import { problem } from "../lib/signal/problem.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import type { Manifest } from "../lib/snapshot/manifest.ts";
import type { RunComparison } from "../lib/track/compare_runs.ts";

const day = (d: number) => Date.UTC(2024, 0, d);
/** Typed-array series as plain arrays (deep equality on Float64Array does not take NaN as equal to NaN). */
const plain = (series: Record<string, Float64Array>) =>
  Object.fromEntries(Object.entries(series).map(([id, values]) => [id, Array.from(values)]));

function slice(sharpe: number): SliceSummary {
  return {
    annual_return: sharpe / 10,
    annual_volatility: 0.1,
    sharpe,
    sharpe_gross: sharpe + 1,
    max_drawdown: -sharpe / 20,
    hit_rate: 0.5,
    turnover: 0.4,
    n_long: 10,
    n_short: 10,
    coverage: 1,
    n_days: 250,
  };
}

Deno.test("panelSeries() splits a field per security, rebases to 1 and reads as of other dates", async (t) => {
  const panel = makePanel({
    dates: [day(2), day(3), day(5)],
    securityIds: ["A", "B"],
    fields: { close: [[10, null], [12, 40], [9, 50]] },
  });
  await t.step("on the panel's dates", () => {
    deepEqual(plain(panelSeries(panel, "close")), { A: [10, 12, 9], B: [NaN, 40, 50] });
  });
  await t.step("rebased on the first finite value", () => {
    // A: 10, 12, 9 ÷ 10; B: first finite is 40 ⇒ NaN, 40/40, 50/40.
    deepEqual(plain(panelSeries(panel, "close", { rebase: true })), { A: [1, 1.2, 0.9], B: [NaN, 1, 1.25] });
  });
  await t.step("as of other dates: last panel date on or before each, NaN before the first", () => {
    // Jan 1 precedes the panel; Jan 4 takes Jan 3; Jan 5 is exact; Jan 8 takes Jan 5.
    deepEqual(plain(panelSeries(panel, "close", { dates: [day(1), day(4), day(5), day(8)] })), {
      A: [NaN, 12, 9, 9],
      B: [NaN, 40, 50, 50],
    });
  });
  await t.step("rejects unknown fields and unsorted dates", () => {
    throws(() => panelSeries(panel, "volume"), /panel has no field "volume"/);
    throws(() => panelSeries(panel, "close", { dates: [day(3), day(2)] }), /dates must be ascending/);
  });
});

Deno.test("drawdownRows() dates each episode, with start and ongoing", () => {
  // Wealth 0.9, 1.08, 0.54: a −10% fall from the start recovered on day 2, then −50% still under water.
  const dates = [day(2), day(3), day(4)];
  deepEqual(drawdownRows(drawdownPeriods([-0.1, 0.2, -0.5]), dates), [
    {
      peak: "start",
      valley: "2024-01-02",
      recovery: "2024-01-03",
      drawdown: -0.09999999999999998,
      duration: 2,
      recovery_time: 1,
    },
    {
      peak: "2024-01-03",
      valley: "2024-01-04",
      recovery: "ongoing",
      drawdown: -0.5,
      duration: 1,
      recovery_time: NaN,
    },
  ]);
  throws(() => drawdownRows(drawdownPeriods([-0.1, 0.2, -0.5]), dates.slice(0, 2)), /position 2 is outside/);
});

Deno.test("summaryRows() lists overall, then years, then cap terciles", () => {
  const summary: BacktestSummary = {
    overall: slice(1.5),
    year: { "2023": slice(1), "2024": slice(2) },
    cap: { small: slice(3), mid: slice(0.5), large: slice(-0.5) },
  };
  const rows = summaryRows(summary);
  deepEqual(rows.map((r) => [r.slice, r.sharpe]), [
    ["overall", 1.5],
    ["2023", 1],
    ["2024", 2],
    ["cap small", 3],
    ["cap mid", 0.5],
    ["cap large", -0.5],
  ]);
  deepEqual(rows[0], {
    slice: "overall",
    sharpe: 1.5,
    sharpe_gross: 2.5,
    annual_return: 0.15,
    annual_volatility: 0.1,
    max_drawdown: -0.075,
    hit_rate: 0.5,
    turnover: 0.4,
    n_days: 250,
  });
  equal(summaryRows({ overall: slice(1), year: {} }).length, 1, "no cap slice without mcap");
});

Deno.test("variantRows() gives one row per labelled backtest with its IC", () => {
  const result = (sharpe: number, icMean: number) =>
    ({
      summary: { overall: slice(sharpe), year: {} },
      ic: { mean: icMean, t_stat: icMean * 1000 },
    }) as unknown as BacktestResult;
  deepEqual(
    variantRows([{ label: "lag 0", result: result(1.2, 0.02) }, {
      label: "lag 1",
      result: result(0.8, 0.01),
    }]),
    [
      {
        variant: "lag 0",
        sharpe: 1.2,
        sharpe_gross: 2.2,
        annual_return: 0.12,
        max_drawdown: -0.06,
        turnover: 0.4,
        ic_mean: 0.02,
        ic_t_stat: 20,
      },
      {
        variant: "lag 1",
        sharpe: 0.8,
        sharpe_gross: 1.8,
        annual_return: 0.08,
        max_drawdown: -0.04,
        turnover: 0.4,
        ic_mean: 0.01,
        ic_t_stat: 10,
      },
    ],
  );
});

Deno.test("manifestRows() lists files with their table's date range and a short hash", () => {
  const manifest = {
    files: {
      "securities.parquet": { sha256: "ab".repeat(32), rows: 3, bytes: 1200 },
      "prices.parquet": { sha256: "0123456789abcdef".repeat(4), rows: 30, bytes: 4567 },
    },
    date_range: { prices: { min: "2024-01-02", max: "2024-02-13" } },
  } as unknown as Manifest;
  deepEqual(manifestRows(manifest), [
    { file: "securities.parquet", rows: 3, bytes: 1200, first: "—", last: "—", sha256: "abababababab" },
    {
      file: "prices.parquet",
      rows: 30,
      bytes: 4567,
      first: "2024-01-02",
      last: "2024-02-13",
      sha256: "0123456789ab",
    },
  ]);
});

Deno.test("comparisonRows() puts metrics side by side, formatted alike by metric name", () => {
  const comparison = {
    a: { run_id: "run-a" },
    b: { run_id: "run-b" },
    metrics: [
      { name: "sharpe", a: 1.5, b: 0.75, diff: -0.75 },
      { name: "annual_return", a: 0.125, b: 0.1, diff: -0.025 },
      { name: "turnover", a: 0.5, b: 0.625, diff: 0.125 },
      { name: "ic_mean", a: 0.02, b: NaN, diff: NaN },
    ],
  } as unknown as RunComparison;
  // one spec per row (format.ts columnSpec): ratios to 2 significant digits of the median, percent
  // with 2 decimals; turnover is a ratio (Σ|Δw|), not a percentage
  deepEqual(comparisonRows(comparison, ["full", "liquid"]), [
    { metric: "sharpe", full: "1.50", liquid: "0.75", diff: "-0.75" },
    { metric: "annual_return", full: "12.50%", liquid: "10.00%", diff: "-2.50%" },
    { metric: "turnover", full: "0.50", liquid: "0.63", diff: "0.13" },
    { metric: "ic_mean", full: "0.020", liquid: "—", diff: "—" },
  ]);
  deepEqual(comparisonRows(comparison, ["full", "liquid"], { plain: ["turnover"] })[2], {
    metric: "turnover",
    full: "0.500",
    liquid: "0.625",
    diff: "0.125",
  });
  deepEqual(Object.keys(comparisonRows(comparison)[0]), ["metric", "run-a", "run-b", "diff"]);
  throws(() => comparisonRows(comparison, ["x", "x"]), /labels must differ/);
});

Deno.test("validationSummary() counts problems by kind, errors first, with a few examples", () => {
  const problems = [
    ...Array.from(
      { length: 5 },
      (_, k) => problem("unknown_security", `security_id "X${k}" is unknown`, k + 1),
    ),
    problem("date_after_calendar", "date_sig 2030-01-02 is after the calendar", 9),
    problem("duplicate", "second row for (A, 2024-01-02)", 7, "date_sig"),
  ];
  deepEqual(validationSummary({ ok: false, problems }, 2), [
    { severity: "error", kind: "duplicate", count: 1, examples: "row 7: second row for (A, 2024-01-02)" },
    {
      severity: "warning",
      kind: "unknown_security",
      count: 5,
      examples: 'row 1: security_id "X0" is unknown; row 2: security_id "X1" is unknown; …',
    },
    {
      severity: "warning",
      kind: "date_after_calendar",
      count: 1,
      examples: "row 9: date_sig 2030-01-02 is after the calendar",
    },
  ]);
  deepEqual(validationSummary({ ok: true, problems: [] }), []);
});
