/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, Alg. 7.4–7.5) with a backtracking
 * Armijo line search, for the smooth convex objectives of the linear models.
 */

/** The objective: returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of `minimizeLbfgs`. */
export interface LbfgsOptions {
  /** Stop when max |∇f| ≤ this (default 1e-8). */
  readonly gradientTolerance?: number;
  /** Iterations at most (default 500). */
  readonly maxIterations?: number;
  /** Correction pairs kept (default 10). */
  readonly memory?: number;
}

/** The minimiser found and how it stopped. */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const maxAbs = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
};

/**
 * Minimises `f` from `x0` with L-BFGS.
 *
 * @example
 * ```ts
 * // f(x) = (x0 − 3)² + 2 (x1 + 1)²
 * minimizeLbfgs((x, g) => { g[0] = 2 * (x[0] - 3); g[1] = 4 * (x[1] + 1); return (x[0] - 3) ** 2 + 2 * (x[1] + 1) ** 2; },
 *   new Float64Array(2)).x; // => [3, −1]
 * ```
 */
export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const { gradientTolerance = 1e-8, maxIterations = 500, memory = 10 } = options;
  const n = x0.length;
  let x = x0.slice();
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const alpha = new Float64Array(memory);
  const d = new Float64Array(n);
  let xNew = new Float64Array(n), gNew = new Float64Array(n);
  for (let iter = 0; iter < maxIterations; iter++) {
    if (maxAbs(g) <= gradientTolerance) return { x, value: fx, iterations: iter, converged: true };
    // Two-loop recursion: d = −H·g.
    d.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      for (let j = 0; j < n; j++) d[j] -= alpha[k] * Y[k][j];
    }
    const gamma = S.length
      ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1])
      : 1 / Math.max(1, maxAbs(g));
    for (let j = 0; j < n; j++) d[j] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d);
      for (let j = 0; j < n; j++) d[j] += (alpha[k] - beta) * S[k][j];
    }
    for (let j = 0; j < n; j++) d[j] = -d[j];
    let slope = dot(g, d);
    if (!(slope < 0)) { // not a descent direction: restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let j = 0; j < n; j++) d[j] = -g[j] / Math.max(1, maxAbs(g));
      slope = dot(g, d);
    }
    let step = 1, fNew = NaN;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < n; j++) xNew[j] = x[j] + step * d[j];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNew <= fx)) return { x, value: fx, iterations: iter, converged: false };
    const s = new Float64Array(n), y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = xNew[j] - x[j];
      y[j] = gNew[j] - g[j];
    }
    const sy = dot(s, y);
    if (sy > 1e-16) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const progress = fx - fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (progress <= 1e-16 * Math.max(1, Math.abs(fx)) && maxAbs(g) <= gradientTolerance * 100) {
      return { x, value: fx, iterations: iter + 1, converged: true };
    }
  }
  return { x, value: fx, iterations: maxIterations, converged: maxAbs(g) <= gradientTolerance };
}
