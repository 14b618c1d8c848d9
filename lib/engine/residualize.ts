/**
 * Per-date residualization of a known-signal matrix against industries and risk descriptors.
 */
import type { Panel } from "../panel/types.ts";
import type { ResidualizeMode } from "./types.ts";

/** A descriptor column used as a regressor: its matrix and whether to take its log. */
interface Regressor {
  readonly name: string;
  readonly matrix: Float64Array;
  readonly log: boolean;
}

/**
 * The risk descriptors present in a panel, in order: log(mcap), value, beta.
 *
 * @example
 * ```ts
 * riskDescriptors(panel); // => ["log_mcap", "beta"] for a panel with mcap and beta only
 * ```
 */
export function riskDescriptors(panel: Panel): string[] {
  return regressors(panel).map((r) => r.name);
}

function regressors(panel: Panel): Regressor[] {
  const out: Regressor[] = [];
  if (panel.fields.mcap) out.push({ name: "log_mcap", matrix: panel.fields.mcap, log: true });
  if (panel.fields.value) out.push({ name: "value", matrix: panel.fields.value, log: false });
  if (panel.fields.beta) out.push({ name: "beta", matrix: panel.fields.beta, log: false });
  return out;
}

/**
 * Residualizes each date's cross-section of a `T × N` known matrix, using the descriptors of the same
 * date (known at that close). Returns the input itself for `"off"`, else a new matrix with NaN where
 * the signal or a needed descriptor is missing (or mcap ≤ 0 for its log).
 * - `industry`: `s − mean(s | industry)`; "" (unknown industry) is a group of its own.
 * - `factor`: residual of OLS `s ~ 1 + log(mcap) + value + beta` (those present); orthogonal to each.
 * - `all`: residual of OLS on industry dummies + descriptors, via Frisch–Waugh–Lovell (demean
 *   signal and descriptors within industry, then regress without intercept).
 * Collinear regressors (e.g. a descriptor constant across the day) are dropped for that date.
 *
 * @example
 * ```ts
 * // industries ["x", "x", "y"], one date, signal [1, 3, 5] → industry residual [-1, 1, 0]
 * residualize(Float64Array.of(1, 3, 5), panel, "industry");
 * ```
 */
export function residualize(known: Float64Array, panel: Panel, mode: ResidualizeMode): Float64Array {
  if (mode === "off") return known;
  const nT = panel.dates.length, nS = panel.securityIds.length;
  const byGroup = mode === "industry" || mode === "all";
  const regs = mode === "factor" || mode === "all" ? regressors(panel) : [];
  if (regs.length === 0 && mode !== "industry") {
    throw new RangeError(
      `residualize "${mode}" needs a risk descriptor field (mcap, value or beta); fields present: ${
        Object.keys(panel.fields).join(", ")
      }`,
    );
  }
  const groups = new Int32Array(nS);
  const code = new Map<string, number>();
  if (byGroup) {
    panel.industries.forEach((name, i) => {
      let c = code.get(name);
      if (c === undefined) code.set(name, c = code.size);
      groups[i] = c;
    });
  }
  const nG = Math.max(1, code.size);
  if (regs.length === 0) return demeanByGroup(known, nT, nS, groups, nG);
  const K = regs.length, W = K + 1;
  const out = new Float64Array(nT * nS).fill(NaN);
  const sel = new Int32Array(nS), y = new Float64Array(nS), x = new Float64Array(nS * K);
  const gSum = new Float64Array(nG * W), gCount = new Int32Array(nG);
  const xtx = new Float64Array(K * K), xty = new Float64Array(K), beta = new Float64Array(K);
  const diag = new Float64Array(K);
  for (let t = 0; t < nT; t++) {
    const base = t * nS;
    let n = 0;
    for (let i = 0; i < nS; i++) {
      const v = known[base + i];
      if (!Number.isFinite(v)) continue;
      let ok = true;
      for (let c = 0; c < K; c++) {
        const raw = regs[c].matrix[base + i];
        const f = regs[c].log ? (raw > 0 ? Math.log(raw) : NaN) : raw;
        if (!Number.isFinite(f)) {
          ok = false;
          break;
        }
        x[n * K + c] = f;
      }
      if (!ok) continue;
      sel[n] = i;
      y[n++] = v;
    }
    if (n === 0) continue;
    gSum.fill(0);
    gCount.fill(0);
    for (let j = 0; j < n; j++) {
      const g = groups[sel[j]];
      gCount[g]++;
      gSum[g * W] += y[j];
      for (let c = 0; c < K; c++) gSum[g * W + 1 + c] += x[j * K + c];
    }
    for (let j = 0; j < n; j++) {
      const g = groups[sel[j]], cnt = gCount[g];
      y[j] -= gSum[g * W] / cnt;
      for (let c = 0; c < K; c++) x[j * K + c] -= gSum[g * W + 1 + c] / cnt;
    }
    if (K > 0) {
      xtx.fill(0);
      xty.fill(0);
      for (let j = 0; j < n; j++) {
        for (let a = 0; a < K; a++) {
          const xa = x[j * K + a];
          xty[a] += xa * y[j];
          for (let b = a; b < K; b++) xtx[a * K + b] += xa * x[j * K + b];
        }
      }
      for (let a = 0; a < K; a++) for (let b = 0; b < a; b++) xtx[a * K + b] = xtx[b * K + a];
      solvePsd(xtx, xty, K, beta, diag);
      for (let j = 0; j < n; j++) {
        let fit = 0;
        for (let c = 0; c < K; c++) fit += x[j * K + c] * beta[c];
        y[j] -= fit;
      }
    }
    for (let j = 0; j < n; j++) out[base + sel[j]] = y[j];
  }
  return out;
}

/**
 * `industry` residuals: each date's finite values minus their group's mean that date (two passes
 * per row, no per-name regression work); NaN elsewhere.
 */
function demeanByGroup(
  known: Float64Array,
  nT: number,
  nS: number,
  groups: Int32Array,
  nG: number,
): Float64Array {
  const out = new Float64Array(nT * nS);
  const sum = new Float64Array(nG), count = new Int32Array(nG), mean = new Float64Array(nG);
  for (let t = 0; t < nT; t++) {
    const base = t * nS;
    sum.fill(0);
    count.fill(0);
    for (let i = 0; i < nS; i++) {
      const v = known[base + i];
      if (Number.isFinite(v)) {
        sum[groups[i]] += v;
        count[groups[i]]++;
      }
    }
    for (let g = 0; g < nG; g++) mean[g] = sum[g] / count[g];
    for (let i = 0; i < nS; i++) {
      const v = known[base + i];
      out[base + i] = Number.isFinite(v) ? v - mean[groups[i]] : NaN;
    }
  }
  return out;
}

/**
 * Solves `A β = b` for a symmetric positive semi-definite K × K `A` (overwritten, as is `b`) by
 * elimination without pivoting; a column whose remaining pivot falls below 1e-10 of its diagonal is
 * collinear with earlier ones and gets β = 0.
 */
function solvePsd(A: Float64Array, b: Float64Array, K: number, beta: Float64Array, diag: Float64Array): void {
  for (let p = 0; p < K; p++) diag[p] = A[p * K + p];
  for (let p = 0; p < K; p++) {
    const pivot = A[p * K + p];
    if (!(pivot > 1e-10 * diag[p])) {
      diag[p] = 0;
      continue;
    }
    for (let r = p + 1; r < K; r++) {
      const f = A[r * K + p] / pivot;
      for (let c = p; c < K; c++) A[r * K + c] -= f * A[p * K + c];
      b[r] -= f * b[p];
    }
  }
  for (let p = K - 1; p >= 0; p--) {
    if (diag[p] === 0) {
      beta[p] = 0;
      continue;
    }
    let s = b[p];
    for (let c = p + 1; c < K; c++) s -= A[p * K + c] * beta[c];
    beta[p] = s / A[p * K + p];
  }
}
