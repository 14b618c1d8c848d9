/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV; Bailey,
 * Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting", Journal of Computational
 * Finance 2017).
 */

/** Options of `probabilityOfOverfitting`. */
export interface PboOptions {
  /** Number S of equal row blocks (even, ≥ 2; default 16 as in the paper, C(16, 8) = 12,870 splits). */
  readonly blocks?: number;
}

/** What CSCV measures over every split. */
export interface PboResult {
  /** Share of splits whose in-sample best trial ranks at or below the out-of-sample median (λ ≤ 0). */
  readonly pbo: number;
  /** Per split (in `itertools.combinations` order of the in-sample blocks): λ = logit(ω̄). */
  readonly logits: Float64Array;
  /** Per split: the in-sample Sharpe ratio (per period) of the in-sample best trial. */
  readonly isSharpe: Float64Array;
  /** Per split: that trial's out-of-sample Sharpe ratio (per period). */
  readonly oosSharpe: Float64Array;
  /** Per split: the in-sample best trial's index. */
  readonly best: Int32Array;
  /** OLS slope of out-of-sample on in-sample Sharpe over the splits (performance degradation; < 0 is bad). */
  readonly degradation: number;
  /** Share of splits whose in-sample best trial loses money out of sample (Sharpe < 0). */
  readonly probabilityOfLoss: number;
  readonly blocks: number;
  readonly splits: number;
  /** Rows left out at the start so that the blocks have equal length. */
  readonly droppedRows: number;
}

/**
 * CSCV on a `T × N` matrix of per-period returns (row-major: `returns[t * trials + n]`, one column
 * per trial, NaN = missing). The rows are cut into S equal blocks, dropping the first `T mod S` rows;
 * for every choice of S/2 blocks as in-sample set J (the rest J̄ out of sample) the trial with the
 * best Sharpe ratio (`mean / sampleStd` over its finite returns) on J is found (first on ties), ω̄ =
 * (its average rank by Sharpe on J̄, 1 = worst) / (N + 1), λ = ln(ω̄ / (1 − ω̄)). PBO = share of
 * splits with λ ≤ 0. A trial without two finite returns in a set has Sharpe −∞ there.
 *
 * @example
 * ```ts
 * const { pbo, logits } = probabilityOfOverfitting(matrix, trials.length, { blocks: 16 });
 * pbo; // => 0.62: the in-sample winner is below the median out of sample in 62% of the splits
 * ```
 */
export function probabilityOfOverfitting(
  returns: Float64Array,
  trials: number,
  options: PboOptions = {},
): PboResult {
  const { blocks = 16 } = options;
  if (!(Number.isInteger(blocks) && blocks >= 2 && blocks % 2 === 0)) {
    throw new RangeError(`CSCV blocks must be an even integer ≥ 2, found ${blocks}`);
  }
  if (!(Number.isInteger(trials) && trials >= 2)) {
    throw new RangeError(`CSCV needs at least 2 trials, found ${trials}`);
  }
  if (returns.length % trials !== 0) {
    throw new RangeError(`returns has ${returns.length} cells, not a multiple of ${trials} trials`);
  }
  const nT = returns.length / trials;
  const size = Math.floor(nT / blocks);
  if (size < 2) {
    throw new RangeError(
      `CSCV with ${blocks} blocks needs at least ${2 * blocks} rows (2 per block), found ${nT}`,
    );
  }
  const dropped = nT - size * blocks;
  // Per block and trial: count, sum and sum of squares of the returns, shifted by the trial's mean
  // over all rows to keep the variance free of cancellation.
  const shift = new Float64Array(trials), seen = new Float64Array(trials);
  for (let t = dropped; t < nT; t++) {
    for (let n = 0; n < trials; n++) {
      const x = returns[t * trials + n];
      if (!Number.isNaN(x)) {
        shift[n] += x;
        seen[n]++;
      }
    }
  }
  for (let n = 0; n < trials; n++) shift[n] = seen[n] ? shift[n] / seen[n] : 0;
  const count = new Float64Array(blocks * trials),
    sum = new Float64Array(blocks * trials),
    sq = new Float64Array(blocks * trials);
  for (let b = 0; b < blocks; b++) {
    for (let t = dropped + b * size; t < dropped + (b + 1) * size; t++) {
      for (let n = 0; n < trials; n++) {
        const x = returns[t * trials + n];
        if (Number.isNaN(x)) continue;
        const d = x - shift[n], k = b * trials + n;
        count[k]++;
        sum[k] += d;
        sq[k] += d * d;
      }
    }
  }
  const half = blocks / 2;
  const splits = binomial(blocks, half);
  const logits = new Float64Array(splits),
    isSharpe = new Float64Array(splits),
    oosSharpe = new Float64Array(splits),
    best = new Int32Array(splits);
  const chosen = Int32Array.from({ length: half }, (_, k) => k);
  const inSet = new Uint8Array(blocks);
  const srIn = new Float64Array(trials), srOut = new Float64Array(trials);
  const sharpeOver = (out: Float64Array, inSample: boolean) => {
    for (let n = 0; n < trials; n++) {
      let c = 0, s = 0, q = 0;
      for (let b = 0; b < blocks; b++) {
        if ((inSet[b] === 1) !== inSample) continue;
        const k = b * trials + n;
        c += count[k];
        s += sum[k];
        q += sq[k];
      }
      if (c < 2) {
        out[n] = -Infinity;
        continue;
      }
      const m = s / c;
      const variance = (q - c * m * m) / (c - 1);
      out[n] = (m + shift[n]) / Math.sqrt(variance);
    }
  };
  for (let split = 0; split < splits; split++) {
    inSet.fill(0);
    for (const b of chosen) inSet[b] = 1;
    sharpeOver(srIn, true);
    sharpeOver(srOut, false);
    let star = 0;
    for (let n = 1; n < trials; n++) if (srIn[n] > srIn[star]) star = n;
    const target = srOut[star];
    let below = 0, equal = 0;
    for (let n = 0; n < trials; n++) {
      if (srOut[n] < target) below++;
      else if (srOut[n] === target) equal++;
    }
    const omega = (below + (equal + 1) / 2) / (trials + 1);
    logits[split] = Math.log(omega / (1 - omega));
    isSharpe[split] = srIn[star];
    oosSharpe[split] = target;
    best[split] = star;
    nextCombination(chosen, blocks);
  }
  let overfit = 0, losses = 0;
  for (let k = 0; k < splits; k++) {
    if (logits[k] <= 0) overfit++;
    if (oosSharpe[k] < 0) losses++;
  }
  return {
    pbo: overfit / splits,
    logits,
    isSharpe,
    oosSharpe,
    best,
    degradation: slope(isSharpe, oosSharpe),
    probabilityOfLoss: losses / splits,
    blocks,
    splits,
    droppedRows: dropped,
  };
}

/** C(n, k). */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let j = 1; j <= k; j++) c = (c * (n - k + j)) / j;
  return Math.round(c);
}

/** Advances `chosen` (ascending indices out of n) to the next combination in lexicographic order. */
function nextCombination(chosen: Int32Array, n: number): void {
  const k = chosen.length;
  let i = k - 1;
  while (i >= 0 && chosen[i] === n - k + i) i--;
  if (i < 0) return;
  chosen[i]++;
  for (let j = i + 1; j < k; j++) chosen[j] = chosen[j - 1] + 1;
}

/** OLS slope of y on x over the pairs where both are finite; NaN without variation in x. */
function slope(x: Float64Array, y: Float64Array): number {
  let n = 0, sx = 0, sy = 0;
  for (let k = 0; k < x.length; k++) {
    if (Number.isFinite(x[k]) && Number.isFinite(y[k])) {
      n++;
      sx += x[k];
      sy += y[k];
    }
  }
  if (n < 2) return NaN;
  const mx = sx / n, my = sy / n;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < x.length; k++) {
    if (Number.isFinite(x[k]) && Number.isFinite(y[k])) {
      sxy += (x[k] - mx) * (y[k] - my);
      sxx += (x[k] - mx) * (x[k] - mx);
    }
  }
  return sxx > 0 ? sxy / sxx : NaN;
}
