/**
 * Ranking model variants: the score `0.4 · balanced_accuracy + 0.6 · min(Sharpe / 3, 1)`, with Sharpe
 * the annualised net Sharpe of the variant's out-of-sample predictions traded as a signal (a Sharpe of
 * 3 or more earns the full 0.6; a negative Sharpe counts against the variant). Variants scoring at
 * least `KEEP_SCORE` are kept.
 */

/** Variants scoring at least this are marked as kept. */
export const KEEP_SCORE = 0.6;

/**
 * The ranking score; NaN when either input is not a number.
 *
 * @example
 * ```ts
 * rankingScore(0.55, 1.5); // => 0.4 · 0.55 + 0.6 · 0.5 = 0.52
 * rankingScore(0.6, 4); // => 0.24 + 0.6 = 0.84
 * ```
 */
export function rankingScore(balancedAccuracy: number, sharpe: number): number {
  return 0.4 * balancedAccuracy + 0.6 * Math.min(sharpe / 3, 1);
}

/** One variant's numbers, before ranking. */
export interface VariantScore {
  readonly model: string;
  readonly label: string;
  readonly horizon: number;
  readonly balanced_accuracy: number;
  readonly roc_auc: number;
  readonly rank_ic: number;
  /** Net Sharpe of the predictions traded as a signal. */
  readonly sharpe: number;
  readonly annual_return: number;
  readonly turnover: number;
}

/** A leaderboard row: the variant, its score, rank (1 = best) and whether it is kept. */
export interface LeaderboardRow extends VariantScore {
  readonly variant: string;
  readonly score: number;
  readonly rank: number;
  readonly kept: boolean;
}

/**
 * Scores and ranks variants (best first; NaN scores last), marking those with score ≥ `KEEP_SCORE`.
 *
 * @example
 * ```ts
 * leaderboard([{ model: "forest", label: "B1", horizon: 5, balanced_accuracy: 0.52, sharpe: 1.1, … }]);
 * ```
 */
export function leaderboard(variants: readonly VariantScore[]): LeaderboardRow[] {
  const rows = variants.map((v) => {
    const score = rankingScore(v.balanced_accuracy, v.sharpe);
    return { ...v, variant: `${v.model}_${v.label}_${v.horizon}`, score, kept: score >= KEEP_SCORE };
  });
  rows.sort((a, b) => (Number.isNaN(a.score) ? 1 : Number.isNaN(b.score) ? -1 : b.score - a.score));
  return rows.map((row, k) => ({ ...row, rank: k + 1 }));
}
