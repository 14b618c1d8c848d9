/**
 * The ML research report: one self-contained HTML page (inline CSS and SVG) — the leaderboard first,
 * then every variant's metrics, the robustness of each model across labels and horizons (table and
 * heatmaps), the best variant's feature importance, the suite verdict of its signal with its equity
 * curve, and a footer to reproduce the run. It only composes: numbers come from the `ResearchResult`,
 * charts from `charts.ts`, pieces from `tearsheet_parts.ts`; the notebook view reuses the same parts.
 */
import type { ResearchResult } from "../ml/research.ts";
import { robustnessTable } from "../ml/research.ts";
import type { LeaderboardRow } from "../ml/leaderboard.ts";
import { KEEP_SCORE } from "../ml/leaderboard.ts";
import { barChart, equityChart, heatmapChart } from "./charts.ts";
import { grid, note, pageHeader, reproduceFooter, section, tearsheetPage } from "./page_parts.ts";
import { renderSvg } from "./render.ts";
import { columnTable, keyNumbers, variantTable, verdictPanel, viewFrame } from "./tearsheet_parts.ts";
import { isoDate } from "../panel/types.ts";
import { type Displayable, displayable } from "../nb/displayable.ts";
import { withDisplay } from "./views.ts";

/** Who, what and where of a research run: header and reproducibility footer. */
export interface ResearchContext {
  readonly run_id: string;
  readonly snapshot_id: string;
  readonly snapshot_hash: string;
  readonly git_sha: string;
  readonly created_at: string;
  /** The command that reruns it. */
  readonly command?: string;
  /** The suite run of the best variant's signal (its tear sheet). */
  readonly suite_run_id?: string;
}

const WIDE = 1100, HALF = 540;

/** The leaderboard as an HTML table (kept variants marked ✓, the best highlighted). */
export function leaderboardTable(board: readonly LeaderboardRow[]): string {
  return columnTable(board, [
    { label: "#", value: (r) => r.rank, format: "int" },
    { label: "Variant", value: (r) => r.variant, format: "text" },
    { label: "Balanced acc.", value: (r) => r.balanced_accuracy, format: "f3" },
    { label: "ROC AUC", value: (r) => r.roc_auc, format: "f3" },
    { label: "Rank IC", value: (r) => r.rank_ic, format: "f3" },
    { label: "Sharpe (net)", value: (r) => r.sharpe, format: "f2" },
    { label: "Annual return", value: (r) => r.annual_return, format: "pct" },
    { label: "Turnover", value: (r) => r.turnover, format: "f2" },
    { label: "Score", value: (r) => r.score, format: "f3" },
    { label: "Kept", value: (r) => (r.kept ? "✓" : ""), format: "text" },
  ], { highlight: (r) => r.rank === 1 });
}

/** Every variant's out-of-sample metrics as an HTML table. */
export function metricsTable(result: ResearchResult): string {
  return columnTable(result.variants, [
    { label: "Variant", value: (v) => v.name, format: "text" },
    { label: "Rows", value: (v) => v.evaluation.metrics.rows, format: "int" },
    { label: "Accuracy", value: (v) => v.evaluation.metrics.accuracy, format: "f3" },
    { label: "Bal. acc.", value: (v) => v.evaluation.metrics.balanced_accuracy, format: "f3" },
    { label: "AUC", value: (v) => v.evaluation.metrics.roc_auc, format: "f3" },
    { label: "Precision", value: (v) => v.evaluation.metrics.precision, format: "f3" },
    { label: "Recall", value: (v) => v.evaluation.metrics.recall, format: "f3" },
    { label: "F1", value: (v) => v.evaluation.metrics.f1, format: "f3" },
    { label: "Brier", value: (v) => v.evaluation.metrics.brier, format: "f3" },
    { label: "Log loss", value: (v) => v.evaluation.metrics.log_loss, format: "f3" },
    { label: "RMSE", value: (v) => v.evaluation.metrics.rmse, format: "f3" },
    { label: "Rank IC", value: (v) => v.evaluation.metrics.rank_ic, format: "f3" },
    { label: "IC t", value: (v) => v.evaluation.metrics.rank_ic_t, format: "f2" },
  ]);
}

/**
 * The robustness heatmaps of every model (rows) × label (columns): ranking score, net Sharpe, balanced
 * accuracy above chance and mean daily rank IC (both in points, × 100, so the colour scale centres
 * on "no skill").
 */
export function robustnessCharts(board: readonly LeaderboardRow[], width = HALF): string[] {
  const charts = [
    { metric: "score", title: "Ranking score", shift: 0, scale: 1 },
    { metric: "sharpe", title: "Net Sharpe of the predictions", shift: 0, scale: 1 },
    {
      metric: "balanced_accuracy",
      title: "Balanced accuracy above chance (points: (BA − 0.5) × 100)",
      shift: 0.5,
      scale: 100,
    },
    { metric: "rank_ic", title: "Mean daily rank IC (× 100)", shift: 0, scale: 100 },
  ] as const;
  return charts.map(({ metric, title, shift, scale }) => {
    const { rows, cols, values } = robustnessTable(board, metric);
    return renderSvg(
      heatmapChart({
        rows,
        cols,
        values: values.map((v) => (v - shift) * scale),
        title,
        width,
        xLabel: "label",
        yLabel: "model",
      }),
    );
  });
}

/** Bar charts of the best variant's impurity and permutation importance. */
export function importanceCharts(result: ResearchResult, width = WIDE): string[] {
  const { best, featureNames } = result;
  const charts = [];
  if (best.impurity) {
    charts.push(renderSvg(barChart({
      labels: [...featureNames],
      values: best.impurity,
      title: `Impurity importance — ${best.variant.name}`,
      subtitle: "Last walk-forward fold's model; normalised to sum 1",
      width,
    })));
  }
  charts.push(renderSvg(barChart({
    labels: [...featureNames],
    values: best.permutation.importance.map((v) => v * 100),
    title: `Permutation importance — ${best.variant.name}`,
    subtitle: `Drop of the held-out ${best.model.task === "regression" ? "R²" : "ROC AUC"} (× 100; baseline ${
      best.permutation.baseline.toFixed(3)
    }) when a feature is shuffled`,
    width,
  })));
  return charts;
}

const div = (html: string) => `<div class="ts-chart">${html}</div>`;

/** The best variant's suite: verdict, variant table and equity of its best suite variant. */
export function verdictSection(result: ResearchResult, width = WIDE): string {
  const { suite, variant } = result.best;
  const daily = suite.signal.best.result.daily;
  const equity = daily.date.length
    ? div(renderSvg(equityChart({
      dates: daily.date,
      series: { [variant.name]: daily.cumulative },
      title: `Cumulative net return — ${variant.name} (${suite.signal.best.label})`,
      subtitle: "Out-of-sample predictions traded as a signal by the standard suite",
      width,
      height: 280,
    })))
    : note("The best variant's signal never traded.");
  return verdictPanel(suite.verdict) + variantTable(suite.signal) + equity;
}

/**
 * Renders the research report page.
 *
 * @example
 * ```ts
 * const html = researchReport(research, { run_id, snapshot_id: "demo", snapshot_hash, git_sha, created_at });
 * ```
 */
export function researchReport(result: ResearchResult, context: ResearchContext): string {
  const { best } = result;
  const dates = best.variant.backtest.daily.date;
  const span = dates.length
    ? `${isoDate(dates[0])} → ${isoDate(dates[dates.length - 1])}`
    : "no traded dates";
  const kept = result.leaderboard.filter((r) => r.kept).length;
  const header = pageHeader({
    kicker: "ML research",
    title: best.variant.name,
    meta: [[
      `best of ${result.variants.length} variants`,
      `${kept} kept (score ≥ ${KEEP_SCORE})`,
      `${result.rows.toLocaleString("en-US")} feature rows`,
      `${result.folds} walk-forward folds`,
      `out of sample ${span}`,
      `snapshot ${context.snapshot_id}`,
      context.created_at,
    ]],
    badge: "",
    links: [
      ["section-leaderboard", "Leaderboard"],
      ["section-metrics", "Metrics"],
      ["section-robustness", "Robustness"],
      ["section-importance", "Importance"],
      ["section-verdict", "Verdict"],
      ["section-reproduce", "Reproduce"],
    ],
  });
  const keys = keyNumbers([
    ["Score", best.row.score.toFixed(3)],
    ["Balanced acc.", best.row.balanced_accuracy.toFixed(3)],
    ["Sharpe (net)", best.row.sharpe.toFixed(2)],
    ["Rank IC", best.row.rank_ic.toFixed(4)],
    ["Verdict", best.suite.verdict.color.toUpperCase()],
  ]);
  const [score, sharpe, ba, ic] = robustnessCharts(result.leaderboard);
  const body = [
    header,
    keys,
    section(
      "section-leaderboard",
      "Leaderboard",
      leaderboardTable(result.leaderboard) +
        note(
          `Score = 0.4 · balanced accuracy + 0.6 · min(Sharpe / 3, 1), Sharpe net of costs of the out-of-sample predictions traded as a signal; kept when ≥ ${KEEP_SCORE}.`,
        ),
    ),
    section("section-metrics", "Model metrics (out of sample)", metricsTable(result)),
    section(
      "section-robustness",
      "Robustness across labels and horizons",
      grid(div(score), div(sharpe)) + grid(div(ba), div(ic)),
    ),
    section("section-importance", "Feature importance", importanceCharts(result).map(div).join("")),
    section(
      "section-verdict",
      "Suite verdict of the best variant's signal",
      verdictSection(result) +
        (context.suite_run_id
          ? note(`Suite run ${context.suite_run_id} (its tear sheet has the full analysis).`)
          : ""),
    ),
    reproduceFooter(
      [
        ["run_id", context.run_id],
        ["snapshot_id", context.snapshot_id],
        ["snapshot_hash", context.snapshot_hash],
        ["git_sha", context.git_sha],
        ["created_at", context.created_at],
      ],
      context.command,
      result.params,
    ),
  ].join("\n");
  return tearsheetPage(`${best.variant.name} — ML research`, body);
}

/**
 * The notebook view of a research result: key numbers, leaderboard, the score and Sharpe heatmaps and
 * the verdict of the best variant.
 */
export function researchView(result: ResearchResult): string {
  const [score, sharpe] = robustnessCharts(result.leaderboard, 480);
  return viewFrame(
    `ML research — best ${result.best.variant.name}`,
    `${result.variants.length} variants · ${result.folds} walk-forward folds`,
    leaderboardTable(result.leaderboard) +
      `<div style="display:flex;flex-wrap:wrap;gap:12px;">${score}${sharpe}</div>` +
      verdictPanel(result.best.suite.verdict),
  );
}

/**
 * Attaches the notebook view to a research result (and the suite view to its best variant's suite),
 * so the result renders itself as a cell's last expression.
 *
 * @example
 * ```ts
 * withResearchDisplay(await ml.runResearch(panel, config)); // leaderboard, heatmaps, verdict
 * ```
 */
export function withResearchDisplay<T extends ResearchResult>(result: T): T & Displayable {
  withDisplay(result.best.suite);
  return displayable(result, () => researchView(result));
}
