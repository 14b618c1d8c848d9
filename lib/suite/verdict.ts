import type { BacktestResult } from "../engine/types.ts";

/** Traffic-light verdict on a signal, with the reasons as bullet text. */
export interface Verdict {
  color: "green" | "yellow" | "red";
  reasons: string[];
}

/**
 * Every threshold the verdict uses, in one place. Sharpe is the net annualised Sharpe of a variant;
 * turnover is mean daily Σ|Δw| with $1 long / $1 short legs (4 = both books replaced every day).
 */
export const VERDICT_THRESHOLDS = {
  /** Best variant above this (and robust, and new) → green. */
  greenSharpe: 1.0,
  /** Best variant below this → red; lag 1 below this → "dies at lag 1" → red. */
  redSharpe: 0.5,
  /** Lag 1, lag 2 and the industry-residualized variant keep at least this share of the base Sharpe. */
  survivalRatio: 0.5,
  /** |rank or PnL correlation| with a baseline above this → a baseline clone → red. */
  cloneCorrelation: 0.7,
  /** Every |correlation| with the baselines below this = low baseline correlation (needed for green). */
  lowCorrelation: 0.3,
  /** Mean daily turnover above this → yellow (high turnover). */
  highTurnover: 1.0,
  /** Small-cap tercile's share of the positive cap-slice annual returns above this → yellow. */
  smallCapShare: 0.6,
  /**
   * Any variant's net Sharpe above this → red, "too good to be true": the best published long-short
   * anomalies reach net Sharpe ~1–1.5 (the demo's vendor sentiment, 1.75, is already exceptional).
   */
  tooGoodSharpe: 3.0,
  /** Any variant's |mean daily rank IC| above this → red (strong daily signals sit at 0.01–0.03). */
  tooGoodIc: 0.1,
} as const;

/** What the verdict looks at: the signal's variants and its correlations with each baseline. */
export interface VerdictInput {
  variants: { label: string; result: BacktestResult }[];
  uniqueness: { baseline: string; rank_correlation: number; pnl_correlation: number }[];
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "n/a");

/**
 * Judges a signal: red = too good to be true (any variant's net Sharpe > 3 or |mean rank IC| > 0.1:
 * far beyond any known anomaly, the mark of a lookahead leak), best-variant Sharpe < 0.5, or it dies
 * at lag 1 (Sharpe < 0.5 one day later), or it is a baseline clone (|corr| > 0.7); green = best Sharpe > 1.0 and it survives lags
 * 1–2 and industry residualization (keeps ≥ 50% of its Sharpe) and has low baseline correlation
 * (< 0.3), without high turnover or small-cap concentration; yellow otherwise (Sharpe 0.5–1.0, high
 * turnover, small-cap concentrated, fragile or correlated, or a correlation that could not be
 * measured: NaN never counts as distinct). Thresholds: `VERDICT_THRESHOLDS`.
 *
 * @example
 * ```ts
 * const { color, reasons } = judge({ variants, uniqueness });
 * ```
 */
export function judge(input: VerdictInput, th = VERDICT_THRESHOLDS): Verdict {
  const sharpe = (lag: number, residualize: string) =>
    input.variants.find((v) => v.result.config.lag === lag && v.result.config.residualize === residualize)
      ?.result.summary.overall.sharpe;
  const best = input.variants.reduce((a, b) =>
    (b.result.summary.overall.sharpe > a.result.summary.overall.sharpe ||
        !Number.isFinite(a.result.summary.overall.sharpe))
      ? b
      : a
  );
  const bestSharpe = best.result.summary.overall.sharpe;
  const mode = best.result.config.residualize;
  const red: string[] = [], yellow: string[] = [], good: string[] = [];

  const topIc = input.variants.reduce((
    a,
    b,
  ) => (Math.abs(b.result.ic.mean) > Math.abs(a.result.ic.mean) ? b : a));
  const tooGood = [
    bestSharpe > th.tooGoodSharpe ? `net Sharpe ${f2(bestSharpe)} (${best.label}) > ${th.tooGoodSharpe}` : "",
    Math.abs(topIc.result.ic.mean) > th.tooGoodIc
      ? `mean daily rank IC ${topIc.result.ic.mean.toFixed(3)} (${topIc.label}) beyond ±${th.tooGoodIc}`
      : "",
  ].filter(Boolean);
  if (tooGood.length) {
    red.push(
      `too good to be true: ${tooGood.join(" and ")}, far beyond what any known anomaly reaches; ` +
        "look for lookahead (date_sig / date_avail too early, a return in the signal) before trusting it",
    );
  }

  if (!(bestSharpe >= th.redSharpe)) {
    red.push(`best variant ${best.label} has Sharpe ${f2(bestSharpe)} < ${th.redSharpe}`);
  } else if (bestSharpe > th.greenSharpe) {
    good.push(`best variant ${best.label}: Sharpe ${f2(bestSharpe)} > ${th.greenSharpe}`);
  } else {yellow.push(
      `best variant ${best.label}: Sharpe ${f2(bestSharpe)} is between ${th.redSharpe} and ${th.greenSharpe}`,
    );}

  const s0 = sharpe(0, mode), s1 = sharpe(1, mode), s2 = sharpe(2, mode);
  if (s0 !== undefined && s1 !== undefined) {
    if (s0 >= th.redSharpe && !(s1 >= th.redSharpe)) {
      red.push(`dies at lag 1: Sharpe ${f2(s0)} at lag 0 → ${f2(s1)} at lag 1`);
    } else {
      const lagged = [s1, s2].filter((s): s is number => s !== undefined);
      const survives = lagged.every((s) => s >= th.redSharpe && s >= th.survivalRatio * s0);
      (survives ? good : yellow).push(
        `lag decay (${mode}): Sharpe ${[s0, ...lagged].map(f2).join(" → ")} at lags 0–${lagged.length}` +
          (survives
            ? ", survives"
            : `, keeps less than ${th.survivalRatio * 100}% or falls under ${th.redSharpe}`),
      );
    }
  }
  const off = sharpe(0, "off"), industry = sharpe(0, "industry");
  if (off !== undefined && industry !== undefined) {
    const survives = industry >= th.redSharpe && industry >= th.survivalRatio * off;
    (survives ? good : yellow).push(
      `industry residualization: Sharpe ${f2(off)} → ${f2(industry)}${
        survives ? ", survives" : ", does not survive"
      }`,
    );
  }
  for (const u of input.uniqueness) {
    const worst = Math.max(Math.abs(u.rank_correlation), Math.abs(u.pnl_correlation));
    const text = `${u.baseline}: rank corr ${f2(u.rank_correlation)}, PnL corr ${f2(u.pnl_correlation)}`;
    if (Number.isNaN(worst)) {
      if (
        Math.abs(u.rank_correlation) > th.cloneCorrelation ||
        Math.abs(u.pnl_correlation) > th.cloneCorrelation
      ) {
        red.push(`baseline clone of ${text} (|corr| > ${th.cloneCorrelation})`);
      } else yellow.push(`correlation with ${text} could not be measured; not counted as distinct`);
    } else if (worst > th.cloneCorrelation) {
      red.push(`baseline clone of ${text} (|corr| > ${th.cloneCorrelation})`);
    } else if (worst >= th.lowCorrelation) yellow.push(`correlated with ${text}`);
    else good.push(`distinct from ${text}`);
  }
  const turnover = best.result.summary.overall.turnover;
  if (turnover > th.highTurnover) {
    yellow.push(`high turnover: ${f2(turnover)} per day (Σ|Δw|, $1/$1 legs) > ${th.highTurnover}`);
  }
  const cap = best.result.summary.cap;
  if (cap) {
    const positive = [cap.small, cap.mid, cap.large].map((s) => Math.max(0, s.annual_return));
    const total = positive[0] + positive[1] + positive[2];
    const share = total > 0 ? positive[0] / total : 0;
    if (share > th.smallCapShare) {
      yellow.push(
        `small-cap concentrated: ${
          (share * 100).toFixed(0)
        }% of the cap-bucket return is in the smallest tercile`,
      );
    }
  }
  const color = red.length ? "red" : yellow.length ? "yellow" : "green";
  return { color, reasons: [...red, ...yellow, ...good] };
}
