/**
 * Samplers of a study: random, and a TPE-style sampler (the Tree-structured Parzen Estimator of
 * Bergstra et al., NeurIPS 2011, as Optuna applies it independently to each parameter): once
 * `startupTrials` trials are complete, the completed trials are split into the best
 * `γ(n) = min(⌈0.1 n⌉, 25)` ("good") and the rest; each group's values of the parameter become a
 * Parzen density (a Gaussian per value, bandwidth = the larger gap to its sorted neighbours, at least
 * range / min(100, n + 1), plus a wide prior over the range; categoricals: counts + 1), and of 24
 * candidates drawn from the good density the one maximising good / bad is suggested.
 *
 * Every draw comes from a generator seeded by (study seed, trial number, parameter name), so a study
 * that resumes after an interruption suggests exactly what the uninterrupted study would have.
 */
import { createRng, type Rng } from "../../util/rng.ts";
import { type Distribution, fromInternal, internalBounds, type ParamValue, toInternal } from "./space.ts";

/** A finished trial as samplers see it. */
export interface SamplerTrial {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly value: number;
  readonly state: "complete" | "pruned" | "failed";
}

/** Options of the TPE sampler. */
export interface TpeOptions {
  /** Random trials before TPE takes over (default 10). */
  readonly startupTrials?: number;
  /** Candidates drawn from the good density (default 24). */
  readonly candidates?: number;
}

/** The generator of one (trial, parameter) draw. */
export function drawRng(seed: number, trial: number, name: string): Rng {
  let h = 2166136261;
  for (let k = 0; k < name.length; k++) h = Math.imul(h ^ name.charCodeAt(k), 16777619);
  return createRng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(trial + 1, 0x85ebca6b) ^ h) | 0);
}

/** A uniform draw from the distribution. */
export function sampleRandom(d: Distribution, rng: Rng): ParamValue {
  if (d.type === "categorical") return d.choices[rng.int(d.choices.length)];
  const [lo, hi] = internalBounds(d);
  return fromInternal(
    d,
    d.type === "int" && !d.log ? lo - 0.5 + rng.uniform() * (hi - lo + 1) : lo + rng.uniform() * (hi - lo),
  );
}

/** Parzen density of observations in [lo, hi]: Gaussians with neighbour bandwidths plus a prior. */
function parzen(points: number[], lo: number, hi: number) {
  const sorted = [...points].sort((a, b) => a - b);
  const range = hi - lo || 1;
  const mus = [...sorted, (lo + hi) / 2];
  const minBw = range / Math.min(100, sorted.length + 1);
  const sigmas = sorted.map((x, k) => {
    const left = k > 0 ? x - sorted[k - 1] : x - lo;
    const right = k < sorted.length - 1 ? sorted[k + 1] - x : hi - x;
    return Math.max(minBw, Math.max(left, right));
  });
  sigmas.push(range); // prior
  const weight = 1 / mus.length;
  const logDensity = (x: number) => {
    let s = 0;
    for (let k = 0; k < mus.length; k++) {
      const z = (x - mus[k]) / sigmas[k];
      s += (weight * Math.exp(-0.5 * z * z)) / (sigmas[k] * Math.sqrt(2 * Math.PI));
    }
    return Math.log(s + 1e-300);
  };
  const sample = (rng: Rng) => {
    const k = rng.int(mus.length);
    for (let tries = 0; tries < 100; tries++) {
      const x = mus[k] + sigmas[k] * rng.normal();
      if (x >= lo && x <= hi) return x;
    }
    return Math.min(hi, Math.max(lo, mus[k]));
  };
  return { logDensity, sample };
}

/**
 * The TPE suggestion for one parameter given the finished trials (completed trials only are used;
 * `maximize` says which end of the values is good).
 *
 * @example
 * ```ts
 * const depth = sampleTpe("maxDepth", { type: "int", low: 2, high: 12 }, history, true, rng);
 * ```
 */
export function sampleTpe(
  name: string,
  d: Distribution,
  history: readonly SamplerTrial[],
  maximize: boolean,
  rng: Rng,
  options: TpeOptions = {},
): ParamValue {
  const { startupTrials = 10, candidates = 24 } = options;
  const done = history.filter((t) => t.state === "complete" && Number.isFinite(t.value) && name in t.params);
  if (done.length < startupTrials) return sampleRandom(d, rng);
  const ordered = [...done].sort((a, b) => (maximize ? b.value - a.value : a.value - b.value));
  const nGood = Math.min(Math.ceil(0.1 * ordered.length), 25);
  const good = ordered.slice(0, nGood).map((t) => toInternal(d, t.params[name]));
  const bad = ordered.slice(nGood).map((t) => toInternal(d, t.params[name]));
  if (d.type === "categorical") {
    const K = d.choices.length;
    const weights = (xs: number[]) => {
      const w = new Float64Array(K).fill(1);
      for (const x of xs) if (x >= 0) w[x]++;
      const total = w.reduce((a, b) => a + b, 0);
      return w.map((v) => v / total);
    };
    const l = weights(good), g = weights(bad);
    let best = 0, bestRatio = -Infinity;
    for (let c = 0; c < candidates; c++) {
      let u = rng.uniform(), k = 0;
      while (k < K - 1 && u >= l[k]) u -= l[k++];
      const ratio = Math.log(l[k]) - Math.log(g[k]);
      if (ratio > bestRatio) [best, bestRatio] = [k, ratio];
    }
    return d.choices[best];
  }
  let [lo, hi] = internalBounds(d);
  if (d.type === "int" && !d.log) [lo, hi] = [lo - 0.5, hi + 0.5];
  const l = parzen(good, lo, hi), g = parzen(bad, lo, hi);
  let best = l.sample(rng), bestRatio = -Infinity;
  for (let c = 0; c < candidates; c++) {
    const x = c === 0 ? best : l.sample(rng);
    const ratio = l.logDensity(x) - g.logDensity(x);
    if (ratio > bestRatio) [best, bestRatio] = [x, ratio];
  }
  return fromInternal(d, best);
}
