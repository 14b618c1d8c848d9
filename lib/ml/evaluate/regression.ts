/** Regression metrics: root mean squared error and R² (scikit-learn's `r2_score`). NaN pairs are skipped. */

/**
 * Root mean squared error `sqrt(mean((yPred − yTrue)²))` over rows where both are finite.
 *
 * @example
 * ```ts
 * rmse([1, 2, 3], [1, 2, 5]); // => sqrt(4 / 3) ≈ 1.1547
 * ```
 */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  let sum = 0, n = 0;
  for (let r = 0; r < yTrue.length; r++) {
    const d = yPred[r] - yTrue[r];
    if (!Number.isFinite(d)) continue;
    sum += d * d;
    n++;
  }
  return n ? Math.sqrt(sum / n) : NaN;
}

/**
 * Coefficient of determination `1 − Σ(y − ŷ)² / Σ(y − ȳ)²` (`sklearn.metrics.r2_score`), over rows
 * where both are finite; negative when worse than predicting the mean, NaN for a constant truth.
 *
 * @example
 * ```ts
 * r2([1, 2, 3], [1, 2, 4]); // => 1 − 1 / 2 = 0.5
 * ```
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  let n = 0, sum = 0;
  for (let r = 0; r < yTrue.length; r++) {
    if (Number.isFinite(yTrue[r]) && Number.isFinite(yPred[r])) {
      sum += yTrue[r];
      n++;
    }
  }
  if (n === 0) return NaN;
  const mean = sum / n;
  let ssRes = 0, ssTot = 0;
  for (let r = 0; r < yTrue.length; r++) {
    if (!(Number.isFinite(yTrue[r]) && Number.isFinite(yPred[r]))) continue;
    ssRes += (yTrue[r] - yPred[r]) ** 2;
    ssTot += (yTrue[r] - mean) ** 2;
  }
  return ssTot > 0 ? 1 - ssRes / ssTot : NaN;
}
