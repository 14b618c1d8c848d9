/**
 * The suite tear sheet: one self-contained HTML page (inline CSS and SVG, no network) a quant can
 * send to the team — verdict first, then headline, robustness, capacity, uniqueness and the factor
 * view, and a footer with everything needed to reproduce the run. It only composes: numbers come
 * from the `SuiteResult`, charts from `charts.ts`, pieces from `tearsheet_parts.ts`.
 */
import type { BacktestResult } from "../engine/types.ts";
import { drawdownSeries } from "../metrics/core.ts";
import { isoDate } from "../panel/types.ts";
import type { SuiteResult } from "../suite/run_suite.ts";
import type { CapacityStats } from "./capacity.ts";
import { barChart, equityChart, histogramChart, icChart } from "./charts.ts";
import { escapeHtml } from "./html.ts";
import {
  chart,
  FULL,
  grid,
  HALF,
  note,
  pageHeader,
  reproduceFooter,
  section,
  shellQuote,
  tearsheetPage,
} from "./page_parts.ts";
import { embeddedReturnsSections, type ReportSection } from "./returns_tearsheet.ts";
import { lagDecayChart } from "./tearsheet_charts.ts";
import { alignedCumulative, breakevenBps, compoundSeries, lagDecay } from "./tearsheet_data.ts";
import {
  columnTable,
  formatValue,
  keyNumbers,
  sliceColumns,
  sliceKeyNumbers,
  uniquenessTable,
  variantTable,
  verdictPanel,
} from "./tearsheet_parts.ts";

/** Who, what and where of a suite run: the tear sheet's header and reproducibility footer. */
export interface TearsheetContext {
  run_id: string;
  snapshot_id: string;
  snapshot_hash: string;
  git_sha: string;
  /** ISO timestamp of the run. */
  created_at: string;
  /** Display name of the signal (the run's `signal_name` tag). */
  signal_name: string;
  /** What `--signal` takes in the reproduce command (a file path); default `signal_name`. */
  signal_source?: string;
  author?: string;
  /** The run's full config, shown as JSON; default the preset and the best variant's config. */
  config?: unknown;
  /** Holdings' size and liquidity of the best variant (`capacityStats`); the table is omitted without it. */
  capacity?: CapacityStats;
  /**
   * The benchmark of the returns sections (e.g. the equal-weighted universe, Alphalens' benchmark):
   * its returns by date, matched to the best variant's traded dates (NaN where it has none).
   */
  benchmark?: TearsheetBenchmark;
}

/** A benchmark return series for the tear sheet's returns sections. */
export interface TearsheetBenchmark {
  readonly name: string;
  readonly dates: ArrayLike<number>;
  readonly ret: ArrayLike<number>;
}

/** The benchmark's returns on `dates` (NaN on a date it does not have). */
function benchmarkOn(dates: Float64Array, benchmark: TearsheetBenchmark): Float64Array {
  const at = new Map<number, number>();
  for (let t = 0; t < benchmark.dates.length; t++) at.set(benchmark.dates[t], benchmark.ret[t]);
  return dates.map((d) => at.get(d) ?? NaN);
}

/**
 * Renders a suite as a self-contained HTML tear sheet. Sections (each `<section id>` with a heading):
 * `section-verdict` (traffic light and reasons, first: a quant reads the verdict first),
 * `section-headline` (best variant's key numbers, every variant gross vs net, net and gross equity
 * and drawdown), `section-robustness` (Sharpe by year, by cap tercile, by lag per residualize mode),
 * `section-capacity` (turnover, breakeven cost, holdings' ADV and mcap, cap-tercile table),
 * `section-uniqueness` (correlations with each baseline, equity curves at the same variant),
 * `section-factor` (mean return by fractile, IC over time and its distribution); then a footer with
 * run id, snapshot id and hash, git sha, created_at, the config as JSON and the command to rerun it.
 * Ten charts, each one `<svg>`; numbers in percent or 2 decimals (IC 3); data text escaped.
 *
 * @example
 * ```ts
 * const suite = await runSuite(panel, { name: "my_signal", signal }, "standard");
 * const html = tearsheet(suite, { run_id, snapshot_id: "demo", snapshot_hash, git_sha, created_at, signal_name: "my_signal" });
 * await Deno.writeTextFile("tearsheet.html", html);
 * ```
 */
export function tearsheet(suite: SuiteResult, context: TearsheetContext): string {
  const best = suite.signal.best.result;
  const body = [
    header(suite, context),
    section("section-verdict", "Verdict", verdictPanel(suite.verdict)),
    section("section-headline", "Headline", headline(suite)),
    ...returnsPart(suite, context).map((s) => section(s.id, s.heading, s.html)),
    section("section-robustness", "Robustness", robustness(suite)),
    section("section-capacity", "Capacity", capacity(best, context.capacity)),
    section("section-uniqueness", "Uniqueness", uniqueness(suite)),
    section("section-factor", "Factor view", factor(suite)),
    footer(suite, context),
  ].join("\n");
  return tearsheetPage(`${context.signal_name} — suite tear sheet`, body);
}

function span(result: BacktestResult): string {
  const d = result.daily.date;
  return d.length ? `${isoDate(d[0])} → ${isoDate(d[d.length - 1])}` : "no traded dates";
}

function header(suite: SuiteResult, context: TearsheetContext): string {
  const best = suite.signal.best;
  const sharpe = formatValue(best.result.summary.overall.sharpe, "f2");
  return pageHeader({
    kicker: "suite tear sheet",
    title: context.signal_name,
    meta: [[
      span(best.result),
      `${best.result.daily.date.length} traded days`,
      `preset ${suite.preset.name} (${suite.signal.variants.length} variants)`,
      `snapshot ${context.snapshot_id}`,
      context.author ? `by ${context.author}` : "",
      context.created_at,
    ]],
    badge: `<a class="ts-badge verdict-${suite.verdict.color}" href="#section-verdict">` +
      `<span class="ts-dot"></span>${suite.verdict.color.toUpperCase()}` +
      `<small>best ${escapeHtml(best.label)} · Sharpe ${sharpe}</small></a>`,
    links: [
      ["section-verdict", "Verdict"],
      ["section-headline", "Headline"],
      ...(suite.signal.best.result.daily.date.length ? [["section-rt-metrics", "Returns"] as const] : []),
      ["section-robustness", "Robustness"],
      ["section-capacity", "Capacity"],
      ["section-uniqueness", "Uniqueness"],
      ["section-factor", "Factor"],
      ["section-reproduce", "Reproduce"],
    ],
  });
}

function headline(suite: SuiteResult): string {
  const { label, result } = suite.signal.best;
  const o = result.summary.overall;
  const daily = result.daily;
  const keys = keyNumbers([
    ["Best variant", label],
    ...sliceKeyNumbers(o, result.ic.mean),
  ]);
  if (!daily.date.length) return keys + variantTable(suite.signal) + note("The best variant never traded.");
  const equity = equityChart({
    dates: daily.date,
    series: { Net: daily.cumulative, Gross: compoundSeries(daily.gross) },
    title: `Cumulative return — ${label}`,
    subtitle: `$1 long / $1 short, ${result.config.tcBps} bps per unit of turnover`,
    width: FULL,
    height: 300,
  });
  const drawdown = equityChart({
    dates: daily.date,
    series: { Net: daily.drawdown, Gross: drawdownSeries(daily.gross) },
    title: `Drawdown — ${label}`,
    width: FULL,
    height: 190,
  });
  return keys + `<h3>Variants</h3>` + variantTable(suite.signal) +
    note("★ best variant (highest net Sharpe). Turnover = mean daily Σ|Δw| with $1/$1 legs.") +
    chart(equity) + chart(drawdown);
}

/**
 * The returns tear sheet of the best variant's net daily returns (`returnsSections`, ids
 * `section-rt-*`, annualised at 252 daily periods a year like suite panels), against the context's
 * benchmark when there is one; none when the best variant never traded.
 */
function returnsPart(suite: SuiteResult, context: TearsheetContext): ReportSection[] {
  const { label, result } = suite.signal.best;
  const { date, net } = result.daily;
  if (!date.length) return [];
  const { benchmark } = context;
  return embeddedReturnsSections({
    dates: date,
    returns: net,
    name: `${label} (net)`,
    ...(benchmark ? { benchmark: benchmarkOn(date, benchmark), benchmarkName: benchmark.name } : {}),
  });
}

function robustness(suite: SuiteResult): string {
  const { label, result } = suite.signal.best;
  const years = Object.keys(result.summary.year).sort().filter((y) =>
    Number.isFinite(result.summary.year[y].sharpe)
  );
  const byYear = years.length
    ? chart(barChart({
      labels: years,
      values: years.map((y) => result.summary.year[y].sharpe),
      title: `Sharpe by year — ${label}`,
      width: FULL,
      height: 230,
    }))
    : note("No calendar year with a finite Sharpe.");
  const cap = result.summary.cap;
  const byCap = cap
    ? chart(barChart({
      labels: ["small", "mid", "large"],
      values: [cap.small.sharpe, cap.mid.sharpe, cap.large.sharpe].map((s) => (Number.isFinite(s) ? s : 0)),
      title: `Sharpe by mcap tercile — ${label}`,
      subtitle: "Terciles of the prior close's mcap, each traded as its own long/short book",
      width: HALF,
    }))
    : note("No mcap in the panel: no cap-tercile slices.");
  const decay = lagDecay(suite.signal.variants, result.config.tcBps);
  const byLag = chart(lagDecayChart({
    ...decay,
    title: "Lag decay: Sharpe by lag",
    subtitle: "Net Sharpe per residualize mode",
    width: HALF,
  }));
  return byYear + grid(byCap, byLag);
}

function capacity(result: BacktestResult, stats: CapacityStats | undefined): string {
  const o = result.summary.overall;
  const cost = (result.config.tcBps / 1e4) * o.turnover;
  const keys = keyNumbers([
    ["Turnover/day", formatValue(o.turnover, "f2")],
    ["Daily cost", `${formatValue(cost * 1e4, "f2")} bps`],
    ["Breakeven cost", `${formatValue(breakevenBps(result.daily), "f2")} bps`],
    ["Names long", formatValue(o.n_long, "f2")],
    ["Names short", formatValue(o.n_short, "f2")],
    ["Coverage", formatValue(o.coverage, "pct")],
  ]);
  const legs = stats
    ? columnTable([
      { leg: "Long", n: stats.n_long, adv: stats.avg_adv_long, mcap: stats.avg_mcap_long },
      { leg: "Short", n: stats.n_short, adv: stats.avg_adv_short, mcap: stats.avg_mcap_short },
    ], [
      { label: "Leg", value: (r) => r.leg, format: "text" },
      { label: "Avg names", value: (r) => r.n, format: "f2" },
      { label: "Avg ADV", value: (r) => r.adv, format: "compact" },
      { label: "Avg mcap", value: (r) => r.mcap, format: "compact" },
    ])
    : note(
      "Holdings' ADV and mcap not computed (pass capacityStats(panel, known, config) as context.capacity).",
    );
  const cap = result.summary.cap;
  const buckets = cap
    ? columnTable((["small", "mid", "large"] as const).map((name) => ({ name, s: cap[name] })), [
      { label: "Mcap tercile", value: (r) => r.name, format: "text" },
      ...sliceColumns<{ s: typeof cap.small }>((r) => r.s),
      { label: "Names long", value: (r) => r.s.n_long, format: "f2" },
      { label: "Days", value: (r) => r.s.n_days, format: "int" },
    ])
    : note("No mcap in the panel: no cap-tercile table.");
  return keys + `<h3>Holdings of the best variant (descriptors at the prior close)</h3>` + legs +
    `<h3>Performance by mcap tercile</h3>` + buckets +
    note(
      "Breakeven cost = 1e4 · mean(gross) / mean(turnover): the cost per unit of turnover that zeroes the net return.",
    );
}

function uniqueness(suite: SuiteResult): string {
  const label = suite.signal.best.label;
  const bars = suite.uniqueness.flatMap((u) =>
    [
      [`${u.baseline} rank`, u.rank_correlation],
      [`${u.baseline} PnL`, u.pnl_correlation],
    ] as [string, number][]
  ).filter(([, v]) => Number.isFinite(v));
  const corr = bars.length
    ? chart(barChart({
      labels: bars.map(([l]) => l),
      values: bars.map(([, v]) => v),
      title: "Correlation with baselines",
      subtitle: `Mean daily rank correlation of the signals; daily net PnL correlation at ${label}`,
      width: HALF,
      height: 300,
    }))
    : note("No finite correlation with the baselines.");
  const runs = [suite.signal, ...suite.baselines].map((run, k) => ({
    name: k === 0 ? run.name : `${run.name} (baseline)`,
    daily: (run.variants.find((v) => v.label === label) ?? run.best).result.daily,
  })).filter((r) => r.daily.date.length > 0);
  const overlay = runs.length
    ? chart(equityChart({
      ...alignedCumulative(runs),
      title: "Signal vs baselines: cumulative net return",
      subtitle: `Every run at ${label}`,
      width: HALF,
      height: 300,
    }))
    : note("No run traded at this variant.");
  return uniquenessTable(suite) + grid(corr, overlay);
}

function factor(suite: SuiteResult): string {
  const { label, result } = suite.signal.best;
  const { fractiles, ic } = result;
  const prefix = fractiles.buckets === 10 ? "D" : fractiles.buckets === 5 ? "Q" : "B";
  const keys = keyNumbers([
    ["IC mean", formatValue(ic.mean, "f3")],
    ["IC std", formatValue(ic.std, "f3")],
    ["IC IR", formatValue(ic.ir, "f2")],
    ["IC t-stat", formatValue(ic.t_stat, "f2")],
    ["Monotonicity", formatValue(fractiles.monotonicity, "f2")],
    ["Rank autocorr", formatValue(result.diagnostics.rank_autocorrelation, "f2")],
    ["Missing share", formatValue(result.diagnostics.missing_share, "pct")],
  ]);
  const means = Array.from(fractiles.mean_return, (m) => (Number.isFinite(m) ? m * 1e4 : 0));
  const byFractile = chart(barChart({
    labels: means.map((_, b) => `${prefix}${b + 1}`),
    values: means,
    title: `Mean daily return by fractile (bps) — ${label}`,
    subtitle: "Pooled over traded dates; 1 = lowest signal",
    width: HALF,
  }));
  const finite = ic.ic.some((v) => Number.isFinite(v));
  const histogram = finite
    ? chart(
      histogramChart({
        values: ic.ic,
        bins: 40,
        title: "IC distribution",
        subtitle: "dashed: mean",
        width: HALF,
      }),
    )
    : note("No finite daily IC.");
  const overTime = finite && ic.date.length
    ? chart(
      icChart({ dates: ic.date, ic: ic.ic, window: 63, title: `Daily rank IC — ${label}`, width: FULL }),
    )
    : "";
  return keys + grid(byFractile, histogram) + overTime;
}

function footer(suite: SuiteResult, context: TearsheetContext): string {
  const config = context.config ?? { preset: suite.preset, best: suite.signal.best.result.config };
  const command = ["deno", "task", "suite", "--snapshot", context.snapshot_id, "--signal"]
    .concat([context.signal_source ?? context.signal_name, "--preset", suite.preset.name])
    .map(shellQuote).join(" ");
  const rows: [string, string][] = [
    ["run_id", context.run_id],
    ["snapshot_id", context.snapshot_id],
    ["snapshot_hash", context.snapshot_hash],
    ["git_sha", context.git_sha],
    ["created_at", context.created_at],
    ...(context.author ? [["author", context.author] as [string, string]] : []),
  ];
  return reproduceFooter(rows, command, config);
}
