/**
 * The overfitting guards shown next to a search's best result: the best trial's probabilistic Sharpe
 * ratio, the deflated Sharpe ratio over the trials actually run (their number and the dispersion of
 * their Sharpe ratios), the minimum track record length, and the probability of backtest overfitting
 * by CSCV over every trial's returns.
 */
import {
  deflatedSharpe,
  minTrackRecordLength,
  probabilisticSharpe,
  sharpeMoments,
} from "../metrics/sharpe_inference.ts";
import { mean, sampleStd } from "../metrics/core.ts";
import { type PboResult, probabilityOfOverfitting } from "./pbo.ts";

/** The guards of one selection. */
export interface SelectionGuards {
  /** Annualised Sharpe ratio of the selected trial (its invested bars). */
  readonly sharpe: number;
  /** P(true Sharpe > 0) of the selected trial. */
  readonly psr: number;
  /** P(true Sharpe > SR₀): the Sharpe ratio deflated for the trials run. */
  readonly dsr: number;
  /** SR₀ annualised: the best Sharpe ratio `trials` zero-skill trials with this dispersion would show. */
  readonly sr0: number;
  readonly trials: number;
  /** Standard deviation of the trials' annualised Sharpe ratios. */
  readonly sharpeStd: number;
  /** Bars needed for 95% confidence that the true Sharpe ratio exceeds 0 (Infinity when SR ≤ 0). */
  readonly minTrackRecord: number;
  /** Bars the selected trial was invested. */
  readonly bars: number;
  /** CSCV over all trials' returns (ranking trials by Sharpe ratio); absent with fewer than 2 trials or bars. */
  readonly pbo?: PboResult;
}

/** Options of `selectionGuards`. */
export interface GuardOptions {
  readonly periodsPerYear: number;
  /** CSCV blocks (even; default: 16, fewer when the window is short); false = no PBO. */
  readonly blocks?: number | false;
}

/**
 * Guards for the trial `best` of a `bars × trials` row-major returns matrix (NaN = not invested).
 * Sharpe ratios are per period inside the formulas (see `lib/metrics/sharpe_inference.ts`) and
 * annualised by `sqrt(periodsPerYear)` in the record; the trials' dispersion is over the trials
 * with a finite Sharpe ratio.
 *
 * @example
 * ```ts
 * const g = selectionGuards(matrix, trials, best, { periodsPerYear: 252 });
 * g.dsr; g.pbo?.pbo;
 * ```
 */
export function selectionGuards(
  returns: Float64Array,
  trials: number,
  best: number,
  options: GuardOptions,
): SelectionGuards {
  const bars = returns.length / trials;
  const column = (n: number) => Float64Array.from({ length: bars }, (_, t) => returns[t * trials + n]);
  const sharpes = Float64Array.from({ length: trials }, (_, n) => {
    const c = column(n);
    return mean(c) / sampleStd(c);
  });
  const m = sharpeMoments(column(best));
  const annual = Math.sqrt(options.periodsPerYear);
  const finiteSharpes = sharpes.filter(Number.isFinite);
  const deflated = finiteSharpes.length
    ? deflatedSharpe(m, finiteSharpes)
    : { dsr: NaN, sr0: NaN, trials: 0, variance: NaN };
  const blocks = options.blocks === false ? 0 : options.blocks ?? defaultBlocks(bars);
  return {
    sharpe: m.sharpe * annual,
    psr: probabilisticSharpe(m),
    dsr: deflated.dsr,
    sr0: deflated.sr0 * annual,
    trials,
    sharpeStd: Math.sqrt(deflated.variance) * annual,
    minTrackRecord: minTrackRecordLength(m),
    bars: m.n,
    ...(blocks >= 2 && trials >= 2 ? { pbo: probabilityOfOverfitting(returns, trials, { blocks }) } : {}),
  };
}

/** 16 blocks as in the CSCV paper, or the largest even count leaving ≥ 20 bars per block (0 if none). */
function defaultBlocks(bars: number): number {
  const fit = Math.floor(bars / 20);
  return Math.min(16, fit - (fit % 2));
}
