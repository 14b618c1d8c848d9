/**
 * The long-only quadratic programme behind minimum-variance and maximum-Sharpe weights:
 * `min ½ xᵀQx  s.t.  aᵀx = 1, x ≥ 0`, solved exactly by the primal active-set method (Nocedal &
 * Wright, Numerical Optimization, algorithm 16.3), each equality-constrained step a KKT system solved
 * by ml-matrix (LU, or SVD when the system is singular, e.g. two identical streams).
 */
import { Matrix, solve } from "ml-matrix";

/** Options of `solveSimplexQp`. */
export interface QpOptions {
  /** A feasible start (`aᵀx = 1, x ≥ 0`); default: equal weights scaled to `aᵀx = 1`. */
  readonly start?: Float64Array;
  readonly maxIterations?: number;
}

/** Solves the free variables' KKT system `[Q_FF a_F; a_Fᵀ 0] [x_F; ν] = [0; 1]`. */
function freeSolution(q: Float64Array, a: Float64Array, free: number[], k: number): Float64Array {
  const m = free.length;
  const kkt = new Matrix(m + 1, m + 1);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) kkt.set(r, c, q[free[r] * k + free[c]]);
    kkt.set(r, m, a[free[r]]);
    kkt.set(m, r, a[free[r]]);
  }
  const rhs = Matrix.columnVector([...new Array(m).fill(0), 1]);
  let x = solve(kkt, rhs).to1DArray();
  if (!x.every(Number.isFinite)) x = solve(kkt, rhs, true).to1DArray();
  return Float64Array.from(x);
}

/**
 * Minimises `½ xᵀQx` over `{x ≥ 0, aᵀx = 1}` for a `k × k` row-major positive semi-definite `Q`.
 * Refuses a problem with no feasible point (every `a_i ≤ 0`).
 *
 * @example
 * ```ts
 * // Two uncorrelated assets with variances 0.04 and 0.01: minimum variance is 20% / 80%.
 * solveSimplexQp(Float64Array.of(0.04, 0, 0, 0.01), Float64Array.of(1, 1)); // => [0.2, 0.8]
 * ```
 */
export function solveSimplexQp(q: Float64Array, a: Float64Array, options: QpOptions = {}): Float64Array {
  const k = a.length;
  const tol = 1e-12;
  let x: Float64Array;
  if (options.start) x = Float64Array.from(options.start);
  else {
    let s = 0;
    for (let i = 0; i < k; i++) s += Math.max(a[i], 0);
    if (!(s > 0)) {
      throw new RangeError("no feasible portfolio: every coefficient of the budget constraint is ≤ 0");
    }
    x = Float64Array.from(a, (v) => (v > 0 ? 1 / s : 0));
  }
  const bound = Array.from(x, (v) => v <= 0);
  const maxIterations = options.maxIterations ?? 50 * k + 100;
  for (let iter = 0; iter < maxIterations; iter++) {
    const free: number[] = [];
    for (let i = 0; i < k; i++) if (!bound[i]) free.push(i);
    const sol = freeSolution(q, a, free, k);
    const nu = sol[free.length];
    let moved = false;
    let alpha = 1, blocking = -1;
    for (let r = 0; r < free.length; r++) {
      const i = free[r], p = sol[r] - x[i];
      if (Math.abs(p) > tol) moved = true;
      if (p < -tol) {
        const step = -x[i] / p;
        if (step < alpha) {
          alpha = step;
          blocking = i;
        }
      }
    }
    if (!moved) {
      // Multipliers of the active bounds: μ_i = (Qx)_i + ν a_i must be ≥ 0 at the optimum.
      let worst = -1, most = -1e-14;
      for (let i = 0; i < k; i++) {
        if (!bound[i]) continue;
        let g = 0;
        for (let j = 0; j < k; j++) g += q[i * k + j] * x[j];
        const mu = g + nu * a[i];
        if (mu < most) {
          most = mu;
          worst = i;
        }
      }
      if (worst < 0) return x;
      bound[worst] = false;
      continue;
    }
    for (let r = 0; r < free.length; r++) x[free[r]] += alpha * (sol[r] - x[free[r]]);
    if (blocking >= 0) {
      x[blocking] = 0;
      bound[blocking] = true;
    }
  }
  throw new RangeError(`the long-only quadratic programme did not converge in ${maxIterations} iterations`);
}
