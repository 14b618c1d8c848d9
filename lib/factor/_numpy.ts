/**
 * numpy's arithmetic where bin edges depend on its exact rounding (private to `lib/factor`):
 * `np.linspace` and `np.quantile(method="linear")` (numpy 1.24), so that a value lying on a
 * quantile edge falls in the same bin as in pandas' `qcut`.
 */

/**
 * `np.linspace(start, stop, num)`: `start + k · step` with `step = (stop - start) / (num - 1)`, the
 * last point exactly `stop`.
 */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let k = 0; k < num; k++) out[k] = k * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/**
 * `np.quantile(x, q)` with the default linear method on `sorted[0..n)` (ascending, finite):
 * virtual index `(n - 1) q`, then numpy's `_lerp` (`a + (b - a) γ`, or `b - (b - a)(1 - γ)` when
 * γ ≥ 0.5).
 */
export function quantileSorted(sorted: ArrayLike<number>, n: number, q: number): number {
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1];
  if (virtual < 0) return sorted[0];
  const previous = Math.floor(virtual);
  const gamma = virtual - previous;
  const a = sorted[previous], b = sorted[previous + 1];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
