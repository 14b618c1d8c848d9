/**
 * Rolling-window statistics over the last `n` bars including bar `t`. Output has the input's length;
 * `out[t]` is NaN until the window is full and whenever the window holds a NaN (pandas'
 * `rolling(n)` with its default `min_periods = n`). All are O(length): running sums with compensated
 * (Neumaier) add/remove for the mean, Welford updates for the variance (recomputed directly every
 * `n` bars), and a monotonic deque for min/max. The running state restarts after every NaN, so a gap never leaks into later windows. A window
 * of identical values gives exactly that value as mean and exactly 0 as std (as pandas does), so flat
 * stretches never show rounding noise.
 */
import { checkWindow, nans } from "./_utils.ts";

/**
 * Rolling arithmetic mean of the last `n` values: `mean(x[t-n+1..t])`.
 *
 * @example
 * ```ts
 * rollingMean(new Float64Array([1, 2, 3, 4]), 2); // => [NaN, 1.5, 2.5, 3.5]
 * ```
 */
export function rollingMean(x: ArrayLike<number>, n: number): Float64Array {
  checkWindow("rollingMean", n);
  const out = nans(x.length);
  let sum = 0;
  let comp = 0; // Neumaier compensation of `sum`
  let count = 0; // valid values since the last NaN
  let same = 0; // length of the run of identical values ending at t
  for (let t = 0; t < x.length; t++) {
    const v = x[t];
    if (Number.isNaN(v)) {
      [sum, comp, count, same] = [0, 0, 0, 0];
      continue;
    }
    same = count > 0 && v === x[t - 1] ? same + 1 : 1;
    let s = sum + v; // Neumaier: add v, then remove the value leaving the window
    comp += Math.abs(sum) >= Math.abs(v) ? (sum - s) + v : (v - s) + sum;
    sum = s;
    if (++count > n) {
      const w = -x[t - n];
      s = sum + w;
      comp += Math.abs(sum) >= Math.abs(w) ? (sum - s) + w : (w - s) + sum;
      sum = s;
    }
    if (count >= n) out[t] = same >= n ? v : (sum + comp) / n;
  }
  return out;
}

/**
 * Rolling standard deviation of the last `n` values with `ddof` delta degrees of freedom:
 * `sqrt(Σ(x - mean)² / (n - ddof))`; `ddof = 1` (default) is the sample std of pandas' `rolling().std()`,
 * `ddof = 0` the population std. Needs `n > ddof`.
 *
 * @example
 * ```ts
 * rollingStd(new Float64Array([1, 2, 4]), 2); // => [NaN, 0.7071…, 1.4142…] (sqrt(0.5), sqrt(2))
 * ```
 */
export function rollingStd(x: ArrayLike<number>, n: number, ddof = 1): Float64Array {
  checkWindow("rollingStd", n, Math.max(1, ddof + 1));
  const out = nans(x.length);
  rollingMoments(x, n, (t, _mean, m2, same) => {
    out[t] = same ? 0 : Math.sqrt(Math.max(m2, 0) / (n - ddof));
  });
  return out;
}

/**
 * Rolling z-score of the current value against its own window: `(x[t] - mean) / std` over the last `n`
 * values including `t`, std with `ddof` (default 1, pandas' `(x - x.rolling(n).mean()) / x.rolling(n).std()`).
 * NaN where the window's std is 0 (a flat window has no scale).
 *
 * @example
 * ```ts
 * rollingZscore(new Float64Array([1, 2, 3]), 3); // => [NaN, NaN, 1] ((3 - 2) / 1)
 * ```
 */
export function rollingZscore(x: ArrayLike<number>, n: number, ddof = 1): Float64Array {
  checkWindow("rollingZscore", n, Math.max(2, ddof + 1));
  const out = nans(x.length);
  rollingMoments(x, n, (t, mean, m2, same) => {
    const sd = same ? 0 : Math.sqrt(Math.max(m2, 0) / (n - ddof));
    out[t] = sd > 0 ? (x[t] - mean) / sd : NaN;
  });
  return out;
}

/**
 * Rolling minimum of the last `n` values (monotonic deque: O(length) whatever `n`).
 *
 * @example
 * ```ts
 * rollingMin(new Float64Array([3, 1, 2, 5]), 2); // => [NaN, 1, 1, 2]
 * ```
 */
export function rollingMin(x: ArrayLike<number>, n: number): Float64Array {
  checkWindow("rollingMin", n);
  return rollingExtreme(x, n, -1);
}

/**
 * Rolling maximum of the last `n` values (monotonic deque: O(length) whatever `n`).
 *
 * @example
 * ```ts
 * rollingMax(new Float64Array([3, 1, 2, 5]), 2); // => [NaN, 3, 2, 5]
 * ```
 */
export function rollingMax(x: ArrayLike<number>, n: number): Float64Array {
  checkWindow("rollingMax", n);
  return rollingExtreme(x, n, 1);
}

/**
 * Welford's running mean and sum of squared deviations over full, NaN-free windows, with removal of the
 * value leaving the window and a direct recomputation every `n` replacements (amortised O(1), no drift);
 * calls `emit(t, mean, m2, same)` where `same` says every value in the window
 * is identical.
 */
function rollingMoments(
  x: ArrayLike<number>,
  n: number,
  emit: (t: number, mean: number, m2: number, same: boolean) => void,
): void {
  let mean = 0;
  let m2 = 0;
  let count = 0; // values in the window (≤ n) since the last NaN
  let same = 0;
  let updates = 0; // replacements since the last direct recomputation
  for (let t = 0; t < x.length; t++) {
    const v = x[t];
    if (Number.isNaN(v)) {
      [mean, m2, count, same, updates] = [0, 0, 0, 0, 0];
      continue;
    }
    same = count > 0 && v === x[t - 1] ? same + 1 : 1;
    if (count < n) {
      count++;
      const d = v - mean;
      mean += d / count;
      m2 += d * (v - mean);
    } else if (++updates < n) {
      // replace x[t - n] by v, window size stays n
      const old = x[t - n];
      const d = v - old;
      const oldMean = mean;
      mean += d / n;
      m2 += d * (v - mean + old - oldMean);
    } else {
      // every n replacements, recompute the window directly (two passes) so rounding cannot accumulate
      updates = 0;
      mean = 0;
      for (let k = t - n + 1; k <= t; k++) mean += x[k];
      mean /= n;
      m2 = 0;
      for (let k = t - n + 1; k <= t; k++) m2 += (x[k] - mean) * (x[k] - mean);
    }
    if (count >= n) emit(t, same >= n ? v : mean, m2, same >= n);
  }
}

/**
 * Rolling max (`sign = 1`) or min (`sign = -1`) with a monotonic deque of indices held in a ring buffer:
 * each index enters and leaves once. The deque empties at a NaN, which restarts the window.
 */
function rollingExtreme(x: ArrayLike<number>, n: number, sign: 1 | -1): Float64Array {
  const out = nans(x.length);
  const ring = new Int32Array(n);
  let head = 0; // ring position of the front (the extreme)
  let size = 0;
  let valid = 0; // valid values since the last NaN
  for (let t = 0; t < x.length; t++) {
    const v = x[t];
    if (Number.isNaN(v)) {
      size = valid = 0;
      continue;
    }
    valid++;
    if (size > 0 && ring[head] <= t - n) { // front left the window
      head = (head + 1) % n;
      size--;
    }
    while (size > 0 && sign * (x[ring[(head + size - 1) % n]] - v) <= 0) size--; // drop dominated tail
    ring[(head + size) % n] = t;
    size++;
    if (valid >= n) out[t] = x[ring[head]];
  }
  return out;
}
