/**
 * Inference on the Sharpe ratio with Bailey & López de Prado's conventions: the probabilistic Sharpe
 * ratio (PSR, "The Sharpe Ratio Efficient Frontier", Journal of Risk 2012), the minimum track record
 * length, the expected maximum Sharpe ratio of N trials and the deflated Sharpe ratio (DSR, "The
 * Deflated Sharpe Ratio", Journal of Portfolio Management 2014).
 *
 * Every Sharpe ratio here is PER PERIOD (not annualised: `mean / sampleStd` of the returns as
 * sampled), the skewness γ₃ uses population moments and the kurtosis γ₄ is the RAW kurtosis (3 for a
 * normal distribution), as in the papers and their code (`scipy.stats.skew`, `kurtosis(fisher=False)`).
 * Divide an annualised ratio by `sqrt(periodsPerYear)` before passing it. Unlike quantstats'
 * `probabilistic_ratio` (see `probabilisticRatio`), the kurtosis term is the paper's `(γ₄ − 1)/4`.
 */

import { finite, mean, sampleStd } from "./core.ts";
import { normalCdf, normalQuantile } from "./distributions.ts";
import { kurtosis, skew } from "./moments.ts";

/** What the Sharpe-ratio statistics need from a return series. */
export interface SharpeMoments {
  /** Per-period Sharpe ratio `mean / sampleStd` (ddof = 1, no risk-free rate). */
  readonly sharpe: number;
  /** Number of (non-NaN) returns. */
  readonly n: number;
  /** Skewness γ₃, population moments. */
  readonly skew: number;
  /** Raw kurtosis γ₄ (3 = normal), population moments. */
  readonly kurtosis: number;
}

/** Euler–Mascheroni constant γ. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * The per-period Sharpe ratio, count, skewness and raw kurtosis of the non-NaN returns.
 *
 * @example
 * ```ts
 * sharpeMoments([0.01, -0.02, 0.015, 0.003]); // => { sharpe: 0.0875…, n: 4, skew: …, kurtosis: … }
 * ```
 */
export function sharpeMoments(returns: ArrayLike<number>): SharpeMoments {
  const r = finite(returns);
  return { sharpe: mean(r) / sampleStd(r), n: r.length, skew: skew(r), kurtosis: kurtosis(r) + 3 };
}

/**
 * Standard error of the estimated per-period Sharpe ratio under non-normal IID returns (Bailey &
 * López de Prado 2012, eq. 7, after Mertens 2002):
 * `σ(SR) = sqrt((1 − γ₃ SR + (γ₄ − 1)/4 · SR²) / (n − 1))`. NaN with fewer than 2 returns.
 *
 * @example
 * ```ts
 * sharpeStandardError({ sharpe: 0, n: 101, skew: 0, kurtosis: 3 }); // => sqrt(1 / 100) = 0.1
 * ```
 */
export function sharpeStandardError(m: SharpeMoments): number {
  const { sharpe: sr, n } = m;
  if (!(n >= 2)) return NaN;
  return Math.sqrt((1 - m.skew * sr + ((m.kurtosis - 1) / 4) * sr * sr) / (n - 1));
}

/**
 * Probabilistic Sharpe ratio (Bailey & López de Prado 2012, eq. 8): the probability that the true
 * per-period Sharpe ratio exceeds `benchmark` (SR*, per period, default 0) given the estimate,
 * `PSR(SR*) = Φ((SR − SR*) · sqrt(n − 1) / sqrt(1 − γ₃ SR + (γ₄ − 1)/4 · SR²))`. Pass moments (see
 * `sharpeMoments`) or the returns themselves.
 *
 * @example
 * ```ts
 * probabilisticSharpe({ sharpe: 0.1, n: 101, skew: 0, kurtosis: 3 }); // => Φ(0.1·10/sqrt(1.005)) ≈ 0.84074
 * ```
 */
export function probabilisticSharpe(m: SharpeMoments | ArrayLike<number>, benchmark = 0): number {
  const moments = asMoments(m);
  return normalCdf((moments.sharpe - benchmark) / sharpeStandardError(moments));
}

/**
 * Minimum track record length (Bailey & López de Prado 2012, eq. 11): the number of periods needed
 * for `PSR(benchmark)` to reach `confidence`,
 * `MinTRL = 1 + (1 − γ₃ SR + (γ₄ − 1)/4 · SR²) · (Φ⁻¹(confidence) / (SR − SR*))²`. +Infinity when
 * the estimate does not exceed the benchmark.
 *
 * @example
 * ```ts
 * minTrackRecordLength({ sharpe: 0.1, n: 500, skew: 0, kurtosis: 3 }); // => 1 + 1.005·(1.6449/0.1)² ≈ 272.9
 * ```
 */
export function minTrackRecordLength(
  m: SharpeMoments | ArrayLike<number>,
  benchmark = 0,
  confidence = 0.95,
): number {
  const { sharpe: sr, skew: g3, kurtosis: g4 } = asMoments(m);
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be in (0, 1), found ${confidence}`);
  }
  if (!(sr > benchmark)) return Number.isNaN(sr) ? NaN : Infinity;
  const z = normalQuantile(confidence) / (sr - benchmark);
  return 1 + (1 - g3 * sr + ((g4 - 1) / 4) * sr * sr) * z * z;
}

/**
 * Expected maximum of `trials` independent Sharpe-ratio estimates with the given cross-trial mean
 * and variance (Bailey & López de Prado 2014, eq. 6 with the false-strategy theorem):
 * `E[max SR] ≈ mean + sqrt(variance) · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e)))`, γ the
 * Euler–Mascheroni constant. One trial: its mean.
 *
 * @example
 * ```ts
 * expectedMaxSharpe(100, 0.5 / 250); // => 0.04472 · 2.5306 ≈ 0.11317 (the 2014 paper's example)
 * ```
 */
export function expectedMaxSharpe(trials: number, variance: number, meanSharpe = 0): number {
  if (!(Number.isInteger(trials) && trials >= 1)) {
    throw new RangeError(`trials must be an integer ≥ 1, found ${trials}`);
  }
  if (!(variance >= 0)) throw new RangeError(`variance must be ≥ 0, found ${variance}`);
  if (trials === 1) return meanSharpe;
  const z = (1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) +
    EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E));
  return meanSharpe + Math.sqrt(variance) * z;
}

/** The deflated Sharpe ratio and the benchmark it was measured against. */
export interface DeflatedSharpe {
  /** `PSR(SR₀)`: the probability that the true Sharpe ratio exceeds what selection alone explains. */
  readonly dsr: number;
  /** SR₀ = the expected maximum per-period Sharpe ratio of the trials under zero skill. */
  readonly sr0: number;
  readonly trials: number;
  /** Variance of the trials' per-period Sharpe ratios. */
  readonly variance: number;
}

/**
 * Deflated Sharpe ratio (Bailey & López de Prado 2014, eq. 7): the PSR of the selected strategy
 * against `SR₀ = expectedMaxSharpe(trials, variance)`, where `trials` is the number of trials
 * actually run and `variance` the variance of their per-period Sharpe ratios (pass the Sharpe
 * ratios themselves to have it computed, ddof = 1). Zero-skill trials are centred on 0.
 *
 * @example
 * ```ts
 * // The 2014 paper: SR 2.5 annualised on 1,250 daily returns, γ₃ = −3, γ₄ = 10, 100 trials whose
 * // annualised Sharpe ratios have variance 0.5 ⇒ SR₀ ≈ 0.1132 per day and DSR ≈ 0.9004.
 * deflatedSharpe({ sharpe: 2.5 / Math.sqrt(250), n: 1250, skew: -3, kurtosis: 10 }, { trials: 100, variance: 0.5 / 250 });
 * ```
 */
export function deflatedSharpe(
  m: SharpeMoments | ArrayLike<number>,
  trials: { readonly trials: number; readonly variance: number } | ArrayLike<number>,
): DeflatedSharpe {
  const { trials: count, variance } = "trials" in trials ? trials : trialDispersion(trials);
  const sr0 = expectedMaxSharpe(count, variance);
  return { dsr: probabilisticSharpe(asMoments(m), sr0), sr0, trials: count, variance };
}

/** Number of finite Sharpe ratios and their sample variance (ddof = 1; 0 for a single trial). */
function trialDispersion(sharpes: ArrayLike<number>): { trials: number; variance: number } {
  const s = Float64Array.from(sharpes).filter(Number.isFinite);
  if (s.length === 0) throw new RangeError("deflatedSharpe: no finite trial Sharpe ratio");
  const sd = s.length > 1 ? sampleStd(s) : 0;
  return { trials: s.length, variance: sd * sd };
}

function asMoments(m: SharpeMoments | ArrayLike<number>): SharpeMoments {
  return "sharpe" in m ? m as SharpeMoments : sharpeMoments(m as ArrayLike<number>);
}
