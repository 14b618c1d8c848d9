/**
 * The returns tear sheet, at quantstats' and pyfolio's depth, for any daily (or other) return series
 * with an optional benchmark: headline metrics with a benchmark column, cumulative returns vs the
 * benchmark (linear, log, volatility-matched), end-of-year returns, the monthly heatmap, the return
 * distribution with its normal fit, daily returns, rolling Sharpe / Sortino / volatility / beta, the
 * underwater plot and the worst drawdowns with their periods shaded. `returnsReport` computes (with
 * `lib/metrics`), `returnsSections` draws (with the shared chart builders), so the suite tear sheet
 * and `deno task tearsheet` show the same sections.
 */

import { drawdownSeries, sampleStd } from "../metrics/core.ts";
import { type DrawdownPeriod, drawdownTable } from "../metrics/drawdown.ts";
import { cumulativeReturns } from "../metrics/returns.ts";
import { rollingBeta, rollingSharpe, rollingSortino, rollingVolatility } from "../metrics/rolling.ts";
import { allMetrics, type Metrics } from "../metrics/summary.ts";
import { monthlyReturns, yearlyReturns } from "../metrics/tables.ts";
import type { RiskFree } from "../metrics/_utils.ts";
import { isoDate } from "../panel/types.ts";
import { drawdownChart, equityChart, heatmapChart, histogramChart, type ShadedPeriod } from "./charts.ts";
import { groupedBarChart, valueLinesChart } from "./factor_charts.ts";
import { escapeHtml, formatAlike } from "./html.ts";
import {
  chart,
  FULL,
  grid,
  HALF,
  pageHeader,
  reproduceFooter,
  section,
  tearsheetPage,
} from "./page_parts.ts";
import { columnTable, formatValue, keyNumbers } from "./tearsheet_parts.ts";
import { INK } from "./theme.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** What `returnsReport` takes: dated simple returns, and optionally a benchmark on the same dates. */
export interface ReturnsInput {
  /** Epoch-ms dates, strictly ascending. */
  readonly dates: ArrayLike<number>;
  /** Simple returns per period, aligned with `dates` (NaN = missing). */
  readonly returns: ArrayLike<number>;
  /** Display name of the series (default "Strategy"). */
  readonly name?: string;
  /** Benchmark returns aligned with `dates` (NaN where it has no value). */
  readonly benchmark?: ArrayLike<number>;
  /** Display name of the benchmark (default "Benchmark"). */
  readonly benchmarkName?: string;
  /** Periods per year for annualisation (default 252). */
  readonly periodsPerYear?: number;
  /** Risk-free rate per period: a constant or a series aligned with `dates` (default 0). */
  readonly riskFree?: RiskFree;
  /** Rolling window in periods (default 126: six months of days, quantstats' default). */
  readonly window?: number;
  /** How many worst drawdowns to list (default 10; the 5 deepest are shaded). */
  readonly worst?: number;
}

const INPUT_KEYS = optionKeys<ReturnsInput>({
  dates: true,
  returns: true,
  name: true,
  benchmark: true,
  benchmarkName: true,
  periodsPerYear: true,
  riskFree: true,
  window: true,
  worst: true,
});

/** Everything a returns tear sheet shows, computed once (series as `Float64Array`s on `dates`). */
export interface ReturnsReport {
  readonly dates: Float64Array;
  readonly returns: Float64Array;
  readonly name: string;
  readonly benchmark?: Float64Array;
  readonly benchmarkName: string;
  readonly periodsPerYear: number;
  readonly window: number;
  /** `allMetrics` of the returns (with the benchmark's alpha, beta, … when given). */
  readonly metrics: Metrics;
  /** `allMetrics` of the benchmark on its own. */
  readonly benchmarkMetrics?: Metrics;
  /** Pearson correlation with the benchmark: `sign(beta) · √R²` (one regressor). */
  readonly correlation: number;
  readonly cumulative: Float64Array;
  readonly benchmarkCumulative?: Float64Array;
  /** Cumulative returns of `returns · sd(benchmark) / sd(returns)`: the same risk as the benchmark. */
  readonly volatilityMatched?: Float64Array;
  readonly yearly: readonly { year: number; ret: number; benchmark: number }[];
  readonly monthly: readonly { year: number; month: number; ret: number }[];
  readonly drawdown: Float64Array;
  readonly drawdowns: readonly DrawdownPeriod[];
  readonly rolling: {
    readonly sharpe: Float64Array;
    readonly sortino: Float64Array;
    readonly volatility: Float64Array;
    readonly benchmarkVolatility?: Float64Array;
    readonly beta?: Float64Array;
    /** Beta over twice the window (12 months of days by default). */
    readonly betaLong?: Float64Array;
  };
}

/**
 * Computes a returns tear sheet's numbers and series with `lib/metrics` (empyrical's and quantstats'
 * conventions): every metric for the series and for the benchmark, correlation, cumulative returns
 * (missing periods flat), the volatility-matched series, calendar-year and monthly compounded
 * returns, the drawdown series and the `worst` deepest episodes, and rolling Sharpe, Sortino,
 * volatility and beta over `window` periods (beta also over 2 × window). Unknown options are an error
 * naming the valid ones.
 *
 * @example
 * ```ts
 * const report = returnsReport({ dates, returns, benchmark, name: "vendor sentiment", benchmarkName: "S&P 500" });
 * report.metrics.sharpe; report.correlation; report.yearly[0];
 * ```
 */
export function returnsReport(input: ReturnsInput): ReturnsReport {
  checkOptions("returnsReport", input, INPUT_KEYS);
  const dates = Float64Array.from(input.dates);
  const returns = Float64Array.from(input.returns);
  if (returns.length !== dates.length) {
    throw new RangeError(`returnsReport: ${returns.length} returns for ${dates.length} dates`);
  }
  if (returns.length < 2) throw new RangeError("returnsReport: need at least 2 returns");
  const benchmark = input.benchmark ? Float64Array.from(input.benchmark) : undefined;
  if (benchmark && benchmark.length !== dates.length) {
    throw new RangeError(`returnsReport: benchmark has ${benchmark.length} values for ${dates.length} dates`);
  }
  const { periodsPerYear = 252, riskFree = 0, window = 126, worst = 10 } = input;
  const metrics = allMetrics(returns, { periodsPerYear, riskFree, benchmark, dates });
  const benchmarkMetrics = benchmark ? allMetrics(benchmark, { periodsPerYear, riskFree, dates }) : undefined;
  const correlation = benchmark && metrics.r_squared !== undefined && metrics.beta !== undefined
    ? Math.sign(metrics.beta) * Math.sqrt(metrics.r_squared)
    : NaN;
  const matchScale = benchmark ? pairedStdRatio(benchmark, returns) : NaN;
  const byYear = new Map(benchmark ? yearlyReturns(benchmark, dates).map((y) => [y.year, y.ret]) : []);
  const w = Math.min(window, Math.max(2, Math.floor(returns.length / 2)));
  return {
    dates,
    returns,
    name: input.name ?? "Strategy",
    benchmark,
    benchmarkName: input.benchmarkName ?? "Benchmark",
    periodsPerYear,
    window: w,
    metrics,
    benchmarkMetrics,
    correlation,
    cumulative: cumulativeReturns(returns),
    benchmarkCumulative: benchmark ? cumulativeReturns(benchmark) : undefined,
    volatilityMatched: benchmark && Number.isFinite(matchScale)
      ? cumulativeReturns(returns.map((r) => r * matchScale))
      : undefined,
    yearly: yearlyReturns(returns, dates).map((y) => ({ ...y, benchmark: byYear.get(y.year) ?? NaN })),
    monthly: monthlyReturns(returns, dates),
    drawdown: drawdownSeries(returns),
    drawdowns: drawdownTable(returns, worst),
    rolling: {
      sharpe: rollingSharpe(returns, w, riskFree, periodsPerYear),
      sortino: rollingSortino(returns, w, riskFree, periodsPerYear),
      volatility: rollingVolatility(returns, w, periodsPerYear),
      benchmarkVolatility: benchmark ? rollingVolatility(benchmark, w, periodsPerYear) : undefined,
      beta: benchmark ? rollingBeta(returns, benchmark, w) : undefined,
      betaLong: benchmark && 2 * w <= returns.length ? rollingBeta(returns, benchmark, 2 * w) : undefined,
    },
  };
}

/** `sd(a) / sd(b)` over the periods where both have a value (sample std, ddof = 1). */
function pairedStdRatio(a: Float64Array, b: Float64Array): number {
  const both = (x: Float64Array, y: Float64Array) =>
    x.filter((v, k) => Number.isFinite(v) && Number.isFinite(y[k]));
  const sb = sampleStd(both(b, a));
  return sb > 0 ? sampleStd(both(a, b)) / sb : NaN;
}

/** One row of the metrics table: label, metric key, and whether it compares to the benchmark. */
type MetricRow = readonly [label: string, key: keyof Metrics | "correlation", relative?: boolean];

/** The metrics table's rows, quantstats' order: returns, risk-adjusted, drawdown, distribution, trades. */
const METRIC_ROWS: readonly (readonly MetricRow[])[] = [
  [
    ["Cumulative return", "cumulative_return"],
    ["CAGR", "annual_return"],
    ["Volatility (ann.)", "annual_volatility"],
  ],
  [
    ["Sharpe", "sharpe"],
    ["Smart Sharpe", "smart_sharpe"],
    ["Prob. Sharpe ratio", "probabilistic_sharpe"],
    ["Sortino", "sortino"],
    ["Smart Sortino", "smart_sortino"],
    ["Calmar", "calmar"],
    ["Omega", "omega"],
  ],
  [
    ["Max drawdown", "max_drawdown"],
    ["Longest drawdown (periods)", "max_drawdown_duration"],
    ["Avg drawdown", "avg_drawdown"],
    ["Ulcer index", "ulcer_index"],
    ["Serenity index", "serenity_index"],
    ["Recovery factor", "recovery_factor"],
  ],
  [
    ["Skew", "skew"],
    ["Kurtosis (excess)", "kurtosis"],
    ["Daily VaR 95%", "var_95"],
    ["Daily CVaR 95%", "cvar_95"],
    ["Tail ratio", "tail_ratio"],
    ["Best period", "best_period"],
    ["Worst period", "worst_period"],
  ],
  [
    ["Win rate", "win_rate"],
    ["Avg win", "avg_win"],
    ["Avg loss", "avg_loss"],
    ["Payoff ratio", "payoff_ratio"],
    ["Profit factor", "profit_factor"],
    ["Gain/pain ratio", "gain_to_pain"],
    ["Kelly criterion", "kelly_criterion"],
    ["Stability (R² of log wealth)", "stability"],
  ],
  [
    ["Alpha (ann.)", "alpha", true],
    ["Beta", "beta", true],
    ["Correlation", "correlation", true],
    ["R²", "r_squared", true],
    ["Information ratio", "information_ratio", true],
    ["Tracking error", "tracking_error", true],
    ["Up capture", "up_capture", true],
    ["Down capture", "down_capture", true],
    ["Batting average", "batting_average", true],
  ],
];

/**
 * The metrics table: one row per metric, the series and (with a benchmark) the benchmark side by
 * side, each row formatted alike by the metric's quantity; the benchmark-relative rows (alpha,
 * beta, correlation, …) only with a benchmark, in the series' column.
 */
export function metricsTable(report: ReturnsReport): string {
  const value = (m: Metrics | undefined, key: MetricRow[1]) =>
    key === "correlation"
      ? (m === report.metrics ? report.correlation : NaN)
      : (m?.[key] as number | undefined) ?? NaN;
  const rows = METRIC_ROWS.flatMap((group, g) =>
    group.filter(([, , relative]) => !relative || report.benchmark).map(([label, key, relative], k) => {
      const [own, bench] = formatAlike(key, [
        value(report.metrics, key),
        relative ? NaN : value(report.benchmarkMetrics, key),
      ]);
      return {
        label,
        own,
        bench: report.benchmark ? (relative ? "" : bench) : undefined,
        first: k === 0 && g > 0,
      };
    })
  );
  const head = [report.name, ...(report.benchmark ? [report.benchmarkName] : [])];
  const cell = `padding:3px 12px;border-bottom:1px solid ${INK.line};`;
  const body = rows.map((r) =>
    `<tr${r.first ? ` style="border-top:1.5px solid ${INK.rule};"` : ""}><td style="${cell}">${
      escapeHtml(r.label)
    }</td><td style="${cell}text-align:right;">${escapeHtml(r.own)}</td>${
      r.bench === undefined ? "" : `<td style="${cell}text-align:right;">${escapeHtml(r.bench)}</td>`
    }</tr>`
  ).join("");
  return `<table class="qn-table tex2jax_ignore" style="border-collapse:collapse;font:13px/1.4 system-ui,sans-serif;` +
    `font-variant-numeric:tabular-nums;margin:4px 0;"><thead><tr><th style="${cell}text-align:left;` +
    `border-bottom:1.5px solid ${INK.rule};">Metric</th>${
      head.map((h) =>
        `<th style="${cell}text-align:right;border-bottom:1.5px solid ${INK.rule};">${escapeHtml(h)}</th>`
      ).join("")
    }</tr></thead><tbody>${body}</tbody></table>`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The drawdown episodes as shaded periods (peak → recovery, or → the last date while under water). */
function shadedPeriods(report: ReturnsReport, count: number): ShadedPeriod[] {
  const last = report.dates.length - 1;
  return report.drawdowns.slice(0, count).map((d) => ({
    from: report.dates[Math.max(0, d.peak)],
    to: report.dates[Number.isNaN(d.recovery) ? last : d.recovery],
  }));
}

/** The worst drawdowns as a table: peak, valley and recovery dates, depth, periods under water. */
export function drawdownsTable(report: ReturnsReport): string {
  const at = (k: number) => (Number.isNaN(k) ? "ongoing" : isoDate(report.dates[Math.max(0, k)]));
  return columnTable(report.drawdowns.map((d, k) => ({ ...d, rank: k + 1 })), [
    { label: "#", value: (d) => d.rank, format: "int" },
    { label: "Peak", value: (d) => (d.peak < 0 ? "start" : at(d.peak)), format: "text" },
    { label: "Valley", value: (d) => at(d.valley), format: "text" },
    { label: "Recovery", value: (d) => at(d.recovery), format: "text" },
    { label: "Depth", value: (d) => d.depth, format: "pct" },
    { label: "Periods under water", value: (d) => d.duration, format: "int" },
    { label: "Periods to recover", value: (d) => d.recovery_time, format: "int" },
  ]);
}

/** A section of a returns tear sheet: its anchor id, heading and HTML. */
export interface ReportSection {
  readonly id: string;
  readonly heading: string;
  readonly html: string;
}

/**
 * The sections of a returns tear sheet, drawn with the shared builders (each chart one `<svg>` with
 * hover): `rt-metrics` (key numbers, the metrics table with a benchmark column), `rt-cumulative`
 * (vs the benchmark: linear, log scale, volatility-matched), `rt-yearly` (end-of-year returns vs the
 * benchmark, bars and table), `rt-monthly` (heatmap), `rt-distribution` (daily and monthly returns
 * with the normal fit), `rt-daily` (daily returns), `rt-rolling` (rolling volatility, Sharpe,
 * Sortino, beta), `rt-drawdowns` (underwater, the worst drawdowns shaded on the cumulative return,
 * and their table). `prefix` changes the ids' `rt-` (to embed twice in one page).
 *
 * @example
 * ```ts
 * const html = returnsSections(returnsReport({ dates, returns })).map((s) => s.html).join("");
 * ```
 */
export function returnsSections(report: ReturnsReport, prefix = "rt-"): ReportSection[] {
  const { dates, name, benchmarkName } = report;
  const m = report.metrics;
  const w = report.window;
  const withBench = (own: Float64Array, bench: Float64Array | undefined) =>
    bench ? { [name]: own, [benchmarkName]: bench } : { [name]: own };
  const keys = keyNumbers([
    ["Cumulative", formatValue(m.cumulative_return, "pct")],
    ["CAGR", formatValue(m.annual_return, "pct")],
    ["Sharpe", formatValue(m.sharpe, "f2")],
    ["Sortino", formatValue(m.sortino, "f2")],
    ["Max drawdown", formatValue(m.max_drawdown, "pct")],
    ["Volatility", formatValue(m.annual_volatility, "pct")],
    ...(report.benchmark
      ? [
        ["Alpha", formatValue(m.alpha ?? NaN, "pct")],
        ["Beta", formatValue(m.beta ?? NaN, "f2")],
        ["Correlation", formatValue(report.correlation, "f2")],
      ] as [string, string][]
      : []),
  ]);
  const span = `${isoDate(dates[0])} → ${isoDate(dates[dates.length - 1])} · ${m.n_periods} periods · ` +
    `${report.periodsPerYear} per year`;
  const sections: ReportSection[] = [{
    id: `${prefix}metrics`,
    heading: "Key metrics",
    html: `<p class="qn-muted">${escapeHtml(span)}</p>${keys}${metricsTable(report)}`,
  }];

  const cumulative = withBench(report.cumulative, report.benchmarkCumulative);
  const cumulativeCharts = [
    chart(equityChart({
      dates,
      series: cumulative,
      scale: "linear",
      title: report.benchmark ? `Cumulative return vs ${benchmarkName}` : "Cumulative return",
      width: FULL,
      height: 300,
    })),
    grid(
      chart(equityChart({
        dates,
        series: cumulative,
        scale: "log",
        title: "Cumulative return (log scale)",
        width: HALF,
      })),
      report.volatilityMatched && report.benchmarkCumulative
        ? chart(equityChart({
          dates,
          series: {
            [`${name} (vol-matched)`]: report.volatilityMatched,
            [benchmarkName]: report.benchmarkCumulative,
          },
          scale: "linear",
          title: "Cumulative return, volatility-matched",
          subtitle: `${name}'s returns scaled to ${benchmarkName}'s standard deviation`,
          width: HALF,
        }))
        : chart(
          drawdownChart({ dates, drawdown: report.drawdown, title: "Underwater", width: HALF }),
        ),
    ),
  ];
  sections.push({
    id: `${prefix}cumulative`,
    heading: "Cumulative returns",
    html: cumulativeCharts.join(""),
  });

  const years = report.yearly.map((y) => String(y.year));
  const yearly = chart(groupedBarChart({
    labels: years,
    series: report.benchmark
      ? { [name]: report.yearly.map((y) => y.ret), [benchmarkName]: report.yearly.map((y) => y.benchmark) }
      : { [name]: report.yearly.map((y) => y.ret) },
    percent: true,
    title: "End-of-year returns",
    width: FULL,
    height: 260,
  }));
  const yearlyTable = columnTable(report.yearly, [
    { label: "Year", value: (y) => String(y.year), format: "text" },
    { label: name, value: (y) => y.ret, format: "pct" },
    ...(report.benchmark
      ? [
        {
          label: benchmarkName,
          value: (y: typeof report.yearly[number]) => y.benchmark,
          format: "pct" as const,
        },
        {
          label: "Excess",
          value: (y: typeof report.yearly[number]) => y.ret - y.benchmark,
          format: "pct" as const,
        },
      ]
      : []),
  ]);
  sections.push({ id: `${prefix}yearly`, heading: "End-of-year returns", html: yearly + yearlyTable });

  const yearsM = [...new Set(report.monthly.map((r) => r.year))];
  const cells = new Float64Array(yearsM.length * 12).fill(NaN);
  for (const r of report.monthly) cells[yearsM.indexOf(r.year) * 12 + r.month - 1] = r.ret;
  sections.push({
    id: `${prefix}monthly`,
    heading: "Monthly returns",
    html: chart(heatmapChart({
      rows: yearsM.map(String),
      cols: MONTHS,
      values: cells,
      percent: true,
      title: "Monthly returns (%)",
      xLabel: "month",
      yLabel: "year",
      width: FULL,
    })),
  });

  const monthlyValues = report.monthly.map((r) => r.ret);
  sections.push({
    id: `${prefix}distribution`,
    heading: "Return distribution",
    html: grid(
      chart(histogramChart({
        values: report.returns,
        bins: 50,
        percent: true,
        normal: true,
        title: "Daily returns",
        subtitle: "line: normal with the same mean and standard deviation; dashed: mean",
        width: HALF,
      })),
      monthlyValues.length > 1
        ? chart(histogramChart({
          values: monthlyValues,
          bins: Math.min(30, Math.max(5, Math.ceil(Math.sqrt(monthlyValues.length)))),
          percent: true,
          normal: true,
          title: "Monthly returns",
          width: HALF,
        }))
        : "",
    ),
  });

  sections.push({
    id: `${prefix}daily`,
    heading: "Daily returns",
    html: chart(valueLinesChart({
      dates,
      series: { [name]: report.returns },
      percent: true,
      title: "Daily returns",
      width: FULL,
      height: 200,
    })),
  });

  const rolling = [
    chart(valueLinesChart({
      dates,
      series: withBench(report.rolling.volatility, report.rolling.benchmarkVolatility),
      percent: true,
      title: `Rolling volatility (${w} periods, ann.)`,
      yLabel: "Volatility",
      width: HALF,
    })),
    chart(valueLinesChart({
      dates,
      series: { [name]: report.rolling.sharpe },
      kind: "ratio",
      title: `Rolling Sharpe (${w} periods)`,
      yLabel: "Sharpe",
      width: HALF,
    })),
    chart(valueLinesChart({
      dates,
      series: { [name]: report.rolling.sortino },
      kind: "ratio",
      title: `Rolling Sortino (${w} periods)`,
      yLabel: "Sortino",
      width: HALF,
    })),
    report.rolling.beta
      ? chart(valueLinesChart({
        dates,
        series: report.rolling.betaLong
          ? { [`${w} periods`]: report.rolling.beta, [`${2 * w} periods`]: report.rolling.betaLong }
          : { [`${w} periods`]: report.rolling.beta },
        kind: "ratio",
        ruleAt: 1,
        title: `Rolling beta to ${benchmarkName}`,
        yLabel: "Beta",
        width: HALF,
      }))
      : "",
  ];
  sections.push({
    id: `${prefix}rolling`,
    heading: "Rolling statistics",
    html: grid(rolling[0], rolling[1]) + grid(rolling[2], rolling[3]),
  });

  const shaded = shadedPeriods(report, 5);
  sections.push({
    id: `${prefix}drawdowns`,
    heading: "Drawdowns",
    html: chart(drawdownChart({
      dates,
      drawdown: report.drawdown,
      title: "Underwater",
      width: FULL,
      height: 200,
    })) +
      chart(equityChart({
        dates,
        series: { [name]: report.cumulative },
        shade: shaded,
        title: `Worst ${shaded.length} drawdown periods`,
        subtitle: "shaded from the peak to the recovery (or the last date while under water)",
        width: FULL,
        height: 260,
      })) +
      `<div style="font-weight:600;margin:10px 0 2px;">Worst ${report.drawdowns.length} drawdowns</div>` +
      drawdownsTable(report),
  });
  return sections;
}

/** Who and what of a returns tear sheet: the header and the reproducibility footer. */
export interface ReturnsTearsheetContext {
  /** Where the returns came from (a file path, a run id). */
  readonly source?: string;
  readonly benchmarkSource?: string;
  /** The command that reproduces the page. */
  readonly command?: string;
  /** Extra `[key, value]` lines for the footer (git sha, snapshot, …). */
  readonly ids?: readonly (readonly [string, string])[];
  /** ISO time the page was made (default now). */
  readonly createdAt?: string;
}

/**
 * The returns tear sheet's sections for embedding in another tear sheet (suite, portfolio): ids
 * `section-rt-*`, headings prefixed "Returns: ", linked from the page's navigation as
 * `#section-rt-metrics`.
 *
 * @example
 * ```ts
 * embeddedReturnsSections({ dates, returns: net, name: "lag1_off (net)", benchmark, benchmarkName: "SPX" });
 * ```
 */
export function embeddedReturnsSections(input: ReturnsInput): ReportSection[] {
  return returnsSections(returnsReport(input), "section-rt-").map((s) => ({
    ...s,
    heading: `Returns: ${s.heading}`,
  }));
}

/**
 * The returns tear sheet as one self-contained HTML page (inline CSS, SVG and the hover script; no
 * network): a header (name, vs benchmark, period), a sticky section navigation, the sections of
 * `returnsSections`, and a footer with the sources, the command and the time it was made.
 *
 * @example
 * ```ts
 * await Deno.writeTextFile("tearsheet.html", returnsTearsheet(returnsReport({ dates, returns, benchmark })));
 * ```
 */
export function returnsTearsheet(report: ReturnsReport, context: ReturnsTearsheetContext = {}): string {
  const sections = returnsSections(report);
  const title = report.benchmark ? `${report.name} vs ${report.benchmarkName}` : report.name;
  const ids: (readonly [string, string])[] = [
    ...(context.source ? [["source", context.source] as [string, string]] : []),
    ...(context.benchmarkSource ? [["benchmark", context.benchmarkSource] as [string, string]] : []),
    ["periods per year", String(report.periodsPerYear)],
    ["rolling window", `${report.window} periods`],
    ...(context.ids ?? []),
    ["created_at", context.createdAt ?? new Date().toISOString()],
  ];
  const header = pageHeader({
    kicker: "returns tear sheet",
    title,
    meta: [[`${isoDate(report.dates[0])} → ${isoDate(report.dates[report.dates.length - 1])}`]],
    badge: "",
    links: [...sections.map((s) => [s.id, s.heading] as const), ["rt-reproduce", "Reproduce"]],
  });
  const body = [
    header,
    ...sections.map((s) => section(s.id, s.heading, s.html)),
    reproduceFooter(ids, context.command, undefined, "rt-reproduce"),
  ].join("\n");
  return tearsheetPage(`${title} — returns tear sheet`, body);
}
