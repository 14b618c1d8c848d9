/**
 * Rich notebook views of result objects: compact HTML for a `BacktestResult` and a `SuiteResult`, and
 * `withDisplay` to attach them as the object's Jupyter display, so a result that is the last
 * expression of a cell renders itself (and stays a plain record everywhere else).
 */
import type { BacktestResult } from "../engine/types.ts";
import { type Displayable, displayable } from "../nb/displayable.ts";
import { isoDate } from "../panel/types.ts";
import type { SuiteResult } from "../suite/run_suite.ts";
import { equityChart } from "./charts.ts";
import { columnSpec } from "./format.ts";
import { renderSvg } from "./render.ts";
import { alignedCumulative, compoundSeries } from "./tearsheet_data.ts";
import {
  columnTable,
  formatValue,
  keyNumbers,
  sliceKeyNumbers,
  subheading,
  uniquenessTable,
  variantTable,
  verdictPanel,
  viewFrame,
  warningNotes,
} from "./tearsheet_parts.ts";

function span(dates: Float64Array): string {
  return dates.length ? `${isoDate(dates[0])} → ${isoDate(dates[dates.length - 1])}` : "no traded dates";
}

/**
 * Compact HTML of one backtest: its config and dates, key numbers (net and gross Sharpe, annual
 * return, vol, max drawdown, turnover, hit rate, IC mean and t-stat, monotonicity), the net and gross
 * cumulative return chart (one `<svg>`), the mean return per fractile in bps (per-date means) and the
 * result's warnings.
 *
 * @example
 * ```ts
 * const html = backtestView(backtest(panel, signal, { lag: 1 }), "my_signal");
 * ```
 */
export function backtestView(result: BacktestResult, title = "Backtest"): string {
  const { config, daily, ic, fractiles } = result;
  const o = result.summary.overall;
  const fractile = typeof config.fractile === "number"
    ? `${config.fractile} buckets`
    : `fractile ${config.fractile[0]}/${config.fractile[1]}`;
  const detail = [
    span(daily.date),
    `${o.n_days} days`,
    `lag ${config.lag}`,
    `residualize ${config.residualize}`,
    `${config.tcBps} bps`,
    `${config.weight} weights`,
    fractile,
  ].join(" · ");
  const keys = keyNumbers([
    ...sliceKeyNumbers(o, ic.mean),
    ["IC t-stat", formatValue(ic.t_stat, "f2")],
    ["Monotonicity", formatValue(fractiles.monotonicity, "f2")],
  ]);
  const equity = daily.date.length
    ? renderSvg(equityChart({
      dates: daily.date,
      series: { Net: daily.cumulative, Gross: compoundSeries(daily.gross) },
      title: "Cumulative return",
      height: 220,
    }))
    : "";
  const bps = Array.from(fractiles.mean_return, (m) => m * 1e4);
  const { decimals } = columnSpec("ratio", bps, undefined, { min: 2 }); // one rule for the whole row
  const byFractile = columnTable([bps], [
    { label: "Fractile", value: () => "mean daily return (bps)", format: "text" },
    ...bps.map((_, b) => ({
      label: `${b + 1}`,
      value: (row: number[]) => row[b],
      format: "f2" as const,
      decimals,
    })),
  ]);
  return viewFrame(title, detail, warningNotes(result.warnings) + keys + equity + byFractile);
}

/**
 * Compact HTML of a suite: the verdict (traffic light and reasons), every variant of the signal
 * (best highlighted), the uniqueness table, and the signal's and baselines' cumulative net returns
 * at the signal's best variant (one `<svg>`).
 *
 * @example
 * ```ts
 * const html = suiteView(await runSuite(panel, { name: "my_signal", signal }, "standard"));
 * ```
 */
export function suiteView(suite: SuiteResult): string {
  const { label, result } = suite.signal.best;
  const detail = `preset ${suite.preset.name} · ${suite.signal.variants.length} variants · best ${label} · ` +
    span(result.daily.date);
  const runs = [suite.signal, ...suite.baselines].map((run, k) => ({
    name: k === 0 ? run.name : `${run.name} (baseline)`,
    daily: (run.variants.find((v) => v.label === label) ?? run.best).result.daily,
  })).filter((r) => r.daily.date.length > 0);
  const overlay = runs.length
    ? renderSvg(
      equityChart({ ...alignedCumulative(runs), title: `Cumulative net return at ${label}`, height: 240 }),
    )
    : "";
  return viewFrame(
    `Suite: ${suite.signal.name}`,
    detail,
    verdictPanel(suite.verdict) + subheading("Variants") + variantTable(suite.signal) +
      subheading("Uniqueness against the baselines") + uniquenessTable(suite) + overlay,
  );
}

/**
 * Attaches a rich Jupyter display to a result (in place, non-enumerable, rendered lazily on display):
 * a `SuiteResult` shows `suiteView` (and each of its variants' results `backtestView`), a
 * `BacktestResult` shows `backtestView`. Returns the same object.
 *
 * @example
 * ```ts
 * const result = withDisplay(backtest(panel, signal)); // last expression of a cell: renders the view
 * const suite = withDisplay(await runSuite(panel, { name: "my_signal", signal }));
 * ```
 */
export function withDisplay<T extends BacktestResult | SuiteResult>(result: T): T & Displayable {
  if (!("verdict" in result)) return displayable(result, () => backtestView(result));
  for (const run of [result.signal, ...result.baselines]) {
    for (const v of run.variants) {
      displayable(v.result, () => backtestView(v.result, `${run.name} · ${v.label}`));
    }
  }
  return displayable(result, () => suiteView(result));
}
