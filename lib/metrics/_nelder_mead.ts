/**
 * Nelder–Mead simplex minimisation with scipy's defaults (`scipy.optimize.minimize(method=
 * "Nelder-Mead")`, non-adaptive): reflection 1, expansion 2, contraction 0.5, shrink 0.5; the
 * initial simplex steps each coordinate by 5% (0.00025 from zero); stops when the simplex spans at
 * most `xatol` and its values at most `fatol` (both 1e-4), or after 200·N iterations or function
 * calls (then `success` is false). Private to the metrics (the GPD fit).
 */

/** The minimum found. */
export interface SimplexResult {
  readonly x: number[];
  readonly fun: number;
  readonly success: boolean;
}

/** Minimises `f` from `x0` (see the module doc for the algorithm and its stopping rule). */
export function nelderMead(
  f: (x: number[]) => number,
  x0: readonly number[],
  xatol = 1e-4,
  fatol = 1e-4,
): SimplexResult {
  const n = x0.length;
  const maxIter = 200 * n, maxFun = 200 * n;
  let calls = 0;
  const evaluate = (x: number[]): number | undefined => {
    if (calls >= maxFun) return undefined;
    calls++;
    return f(x);
  };
  let sim: number[][] = [x0.slice()];
  for (let k = 0; k < n; k++) {
    const y = x0.slice();
    y[k] = y[k] !== 0 ? 1.05 * y[k] : 0.00025;
    sim.push(y);
  }
  let fsim = sim.map(() => Infinity);
  const order = () => {
    const idx = fsim.map((_, j) => j).sort((a, b) => fsim[a] - fsim[b] || a - b);
    sim = idx.map((j) => sim[j]);
    fsim = idx.map((j) => fsim[j]);
  };
  for (let k = 0; k <= n; k++) {
    const v = evaluate(sim[k]);
    if (v === undefined) break;
    fsim[k] = v;
  }
  order();
  const combine = (a: number, xbar: number[], b: number, worst: number[]) =>
    xbar.map((v, j) => a * v + b * worst[j]);
  let iterations = 1;
  while (calls < maxFun && iterations < maxIter) {
    let spread = 0, fspread = 0;
    for (let k = 1; k <= n; k++) {
      for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(sim[k][j] - sim[0][j]));
      fspread = Math.max(fspread, Math.abs(fsim[0] - fsim[k]));
    }
    if (spread <= xatol && fspread <= fatol) break;
    const xbar = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) xbar[j] += sim[k][j];
    for (let j = 0; j < n; j++) xbar[j] /= n;
    const worst = sim[n];
    step: {
      const xr = combine(2, xbar, -1, worst);
      const fxr = evaluate(xr);
      if (fxr === undefined) break step;
      if (fxr < fsim[0]) {
        const xe = combine(3, xbar, -2, worst);
        const fxe = evaluate(xe);
        if (fxe === undefined) break step;
        [sim[n], fsim[n]] = fxe < fxr ? [xe, fxe] : [xr, fxr];
      } else if (fxr < fsim[n - 1]) {
        [sim[n], fsim[n]] = [xr, fxr];
      } else {
        let shrink = false;
        if (fxr < fsim[n]) {
          const xc = combine(1.5, xbar, -0.5, worst);
          const fxc = evaluate(xc);
          if (fxc === undefined) break step;
          if (fxc <= fxr) [sim[n], fsim[n]] = [xc, fxc];
          else shrink = true;
        } else {
          const xcc = combine(0.5, xbar, 0.5, worst);
          const fxcc = evaluate(xcc);
          if (fxcc === undefined) break step;
          if (fxcc < fsim[n]) [sim[n], fsim[n]] = [xcc, fxcc];
          else shrink = true;
        }
        if (shrink) {
          for (let k = 1; k <= n; k++) {
            sim[k] = sim[k].map((v, j) => sim[0][j] + 0.5 * (v - sim[0][j]));
            const v = evaluate(sim[k]);
            if (v === undefined) break step;
            fsim[k] = v;
          }
        }
      }
      iterations++;
    }
    order();
  }
  return { x: sim[0], fun: Math.min(...fsim), success: calls < maxFun && iterations < maxIter };
}
