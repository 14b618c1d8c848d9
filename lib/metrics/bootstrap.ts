/**
 * Seeded Monte Carlo bootstrap of a return series: resample periods with replacement (i.i.d., so
 * serial correlation is not preserved) and look at the spread of CAGR and maximum drawdown.
 */

import { createRng } from "../util/rng.ts";
import { finite } from "./core.ts";
import { percentile } from "./tail.ts";
import { checkInteger } from "./_utils.ts";

/** Bootstrap settings. */
export interface BootstrapOptions {
  /** Seed of the generator (`createRng`); same seed ⇒ same paths. */
  readonly seed: number;
  /** Number of resampled paths (default 1000). */
  readonly samples?: number;
  /** Periods per path (default: the number of non-NaN returns). */
  readonly periods?: number;
  /** For the CAGR (default 252). */
  readonly periodsPerYear?: number;
}

/** 5th, 50th and 95th percentiles (numpy linear interpolation). */
export interface Percentiles {
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
}

/** The simulated distributions, one value per path, and their percentiles. */
export interface BootstrapResult {
  /** `(prod(1 + r))^(periodsPerYear / periods) - 1` of each path (-1 if wealth hits 0). */
  readonly cagr: Float64Array;
  /** Maximum drawdown of each path from a starting wealth of 1, ≤ 0. */
  readonly max_drawdown: Float64Array;
  readonly percentiles: { readonly cagr: Percentiles; readonly max_drawdown: Percentiles };
}

/**
 * Bootstrap: `samples` paths of `periods` returns drawn uniformly with replacement from the non-NaN
 * returns, each scored by CAGR and max drawdown.
 *
 * @example
 * ```ts
 * const { percentiles } = bootstrap([0.01, -0.02, 0.015, 0.003, -0.01], { seed: 7, samples: 2000 });
 * percentiles.max_drawdown.p5; // a bad-case drawdown: 95% of paths do better
 * ```
 */
export function bootstrap(returns: ArrayLike<number>, options: BootstrapOptions): BootstrapResult {
  const r = finite(returns);
  if (r.length === 0) throw new RangeError("bootstrap needs at least one non-NaN return, found none");
  const { seed, samples = 1000, periods = r.length, periodsPerYear = 252 } = options;
  checkInteger("samples", samples, 1);
  checkInteger("periods", periods, 1);
  const rng = createRng(seed);
  const cagr = new Float64Array(samples);
  const maxDd = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let wealth = 1;
    let peak = 1;
    let worst = 0;
    for (let k = 0; k < periods; k++) {
      wealth *= 1 + r[rng.int(r.length)];
      if (wealth > peak) peak = wealth;
      else if (wealth / peak - 1 < worst) worst = wealth / peak - 1;
    }
    cagr[s] = wealth <= 0 ? -1 : Math.pow(wealth, periodsPerYear / periods) - 1;
    maxDd[s] = worst;
  }
  const spread = (x: Float64Array): Percentiles => ({
    p5: percentile(x, 5),
    p50: percentile(x, 50),
    p95: percentile(x, 95),
  });
  return { cagr, max_drawdown: maxDd, percentiles: { cagr: spread(cagr), max_drawdown: spread(maxDd) } };
}
