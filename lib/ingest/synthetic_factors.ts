/**
 * Common factor paths of the synthetic equity market: a market factor with a calm/stressed Markov
 * regime and GARCH(1,1) clustering, one factor per industry and a size (small-minus-big) factor.
 * All shocks are Student-t (fat tails), scaled to unit variance before the vol terms apply.
 */

import type { Rng } from "../util/rng.ts";

/** The eleven GICS-like sectors securities are drawn into. */
export const INDUSTRIES: readonly string[] = Object.freeze([
  "Energy",
  "Materials",
  "Industrials",
  "Consumer Discretionary",
  "Consumer Staples",
  "Health Care",
  "Financials",
  "Information Technology",
  "Communication Services",
  "Utilities",
  "Real Estate",
]);

/** Parameters of the common factors (daily units). */
export const FACTOR_MODEL = Object.freeze({
  /** Market drift per day: 7% a year, arithmetic. */
  marketDrift: 0.07 / 252,
  /** Market vol per day in the average state (~16%/yr). */
  marketVol: 0.01,
  /** Industry factor vol per day. */
  industryVol: 0.006,
  /** Size factor vol per day (a loading of ±0.5 gives ±0.2%). */
  sizeVol: 0.004,
  /** Degrees of freedom of every Student-t shock. */
  df: 4,
  /** GARCH(1,1) on the standardised market variance h: h' = (1−α−β) + α·h·z² + β·h. */
  garchAlpha: 0.09,
  garchBeta: 0.89,
  /** h is clipped to [hMin, hMax] so one t-draw cannot blow the variance up. */
  hMin: 0.1,
  hMax: 25,
  /** Daily transition probabilities of the calm/stressed regime (stressed ~1/6 of the time). */
  calmToStressed: 0.01,
  stressedToCalm: 0.05,
  /** Vol multipliers of the two regimes (E[scale²] ≈ 1.1). */
  calmScale: 0.82,
  stressedScale: 1.8,
});

/**
 * A unit-variance Student-t draw for an even `df` ≥ 4, from one normal and df/2 uniforms:
 * `t = Z / √(χ²/df)` with `χ²_df = −2·ln(U_1⋯U_{df/2})` (a sum of df/2 exponentials of mean 2),
 * times `√((df−2)/df)`. Same law as `rng.studentT(df)` at about a third of the cost.
 *
 * @example
 * ```ts
 * const rng = createRng(7);
 * studentTEven(rng, 4); // one fat-tailed, unit-variance draw
 * ```
 */
export function studentTEven(rng: Rng, df: number): number {
  if (!Number.isInteger(df / 2) || df < 4) {
    throw new RangeError(`studentTEven: df must be even and ≥ 4, found ${df}`);
  }
  let product = 1;
  for (let k = 0; k < df / 2; k++) product *= 1 - rng.uniform();
  return rng.normal() * Math.sqrt((df - 2) / (-2 * Math.log(product)));
}

/** Factor paths over `nDays`; `industry` is date-major (`t * nIndustries + g`). */
export interface FactorPaths {
  market: Float64Array;
  industry: Float64Array;
  size: Float64Array;
  /** Multiplier of idiosyncratic vol per day: regime scale × h^¼ (idio vol clusters with the market). */
  idioScale: Float64Array;
  /** 1 on stressed days, 0 on calm ones. */
  stressed: Uint8Array;
}

/**
 * Simulates the common factors for `nDays` days from `rng`, starting calm with h = 1.
 * Market: `m_t = drift + marketVol · regime_t · √h_t · z_t`, z ~ unit-variance t(df);
 * GARCH: `h_{t+1} = (1−α−β) + α · h_t · z_t² + β · h_t`; industries and size use the same
 * `regime_t · √h_t` scale with their own t-shocks.
 *
 * @example
 * ```ts
 * const f = simulateFactors(createRng(1), 2520, INDUSTRIES.length);
 * f.market.length; // => 2520
 * ```
 */
export function simulateFactors(rng: Rng, nDays: number, nIndustries: number): FactorPaths {
  const p = FACTOR_MODEL;
  const market = new Float64Array(nDays);
  const industry = new Float64Array(nDays * nIndustries);
  const size = new Float64Array(nDays);
  const idioScale = new Float64Array(nDays);
  const stressed = new Uint8Array(nDays);
  const omega = 1 - p.garchAlpha - p.garchBeta;
  let h = 1;
  let isStressed = false;
  for (let t = 0; t < nDays; t++) {
    if (t > 0) {
      const u = rng.uniform();
      isStressed = isStressed ? u >= p.stressedToCalm : u < p.calmToStressed;
    }
    const regime = isStressed ? p.stressedScale : p.calmScale;
    const scale = regime * Math.sqrt(h);
    const z = studentTEven(rng, p.df);
    market[t] = p.marketDrift + p.marketVol * scale * z;
    for (let g = 0; g < nIndustries; g++) {
      industry[t * nIndustries + g] = p.industryVol * scale * studentTEven(rng, p.df);
    }
    size[t] = p.sizeVol * scale * studentTEven(rng, p.df);
    idioScale[t] = regime * Math.sqrt(Math.sqrt(h));
    stressed[t] = isStressed ? 1 : 0;
    h = Math.min(p.hMax, Math.max(p.hMin, omega + p.garchAlpha * h * z * z + p.garchBeta * h));
  }
  return { market, industry, size, idioScale, stressed };
}
