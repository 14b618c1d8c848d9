/**
 * Pairs trading (Gatev, Goetzmann & Rouwenhorst 2006, with a rolling hedge ratio): a strategy that
 * needs the whole universe at once.
 *
 * Formation: every `reform` bars, among the `universe` most liquid names (ADV) with a full price
 * history over the last `formation` bars, each pair of the same industry is scored by the sum of
 * squared differences of their normalised log prices (`log p − log p_start`); the `n_pairs` closest
 * pairs, each name used once, are traded for the next `reform` bars.
 *
 * Trading, per pair (a, b) and bar t: the hedge ratio β is the OLS slope of `log a` on `log b` over the
 * last `window` bars; the spread `s = log a − β·log b` over that window gives the z-score of today's
 * spread. Enter short the spread (short a, long b) when z > `entry`, long it when z < −`entry`; exit
 * when |z| < `exit`; stop out when |z| > `stop` (no re-entry until |z| is back below `exit`); every
 * position closes at the end of its trading period. An open pair holds a gross `1 / n_pairs` of the
 * book, split into legs `w / (1 + |β|)` on a and `−w·β / (1 + |β|)` on b (dollar hedge of the log spread).
 */
import { field, type Panel } from "../lib/panel/types.ts";
import { spreadLegs } from "../lib/strategy/instruments.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "pairs_trading";
export const title = "Pairs trading: distance-selected pairs, rolling hedge ratio, z-score rules";
export const description =
  "Trades the closest same-industry pairs' log spread (rolling OLS hedge ratio) on z-score entry, exit and stop levels.";
export const category: Category = "pairs";
export const schedule = "daily";
export const params: ParamSchema = {
  formation: {
    type: "integer",
    min: 63,
    max: 756,
    default: 252,
    description: "pair-selection window in bars",
  },
  reform: { type: "integer", min: 21, max: 504, default: 126, description: "bars each selection is traded" },
  universe: { type: "integer", min: 2, max: 1000, default: 100, description: "most liquid names considered" },
  n_pairs: { type: "integer", min: 1, max: 100, default: 10, description: "pairs traded at once" },
  window: { type: "integer", min: 20, max: 252, default: 63, description: "hedge-ratio and z-score window" },
  entry: { type: "number", min: 0.5, max: 5, default: 2, description: "enter when |z| exceeds this" },
  exit: { type: "number", min: 0, max: 3, default: 0.5, description: "exit when |z| falls below this" },
  stop: { type: "number", min: 1, max: 10, default: 4, description: "stop out when |z| exceeds this" },
};

/** A traded pair: its legs, its trading period (bars, inclusive) and its state per bar of the period. */
export interface Pair {
  readonly a: number;
  readonly b: number;
  readonly from: number;
  readonly to: number;
  /** Per bar of the period: z-score, hedge ratio, position (+1 long spread, −1 short, 0 flat). */
  readonly z: Float64Array;
  readonly beta: Float64Array;
  readonly position: Int8Array;
}

/** The closest same-industry pairs at formation bar f (see the module doc). */
function selectPairs(data: Panel, logp: Float64Array, f: number, p: Params): [number, number][] {
  const N = data.securityIds.length, start = f - (p.formation as number) + 1;
  const adv = data.fields.adv;
  const candidates: number[] = [];
  for (let i = 0; i < N; i++) {
    let full = true;
    for (let t = start; t <= f && full; t++) full = Number.isFinite(logp[t * N + i]);
    if (full) candidates.push(i);
  }
  const liquidity = (i: number) => (adv ? adv[f * N + i] : 0);
  candidates.sort((x, y) => (liquidity(y) || 0) - (liquidity(x) || 0) || x - y);
  const pool = candidates.slice(0, p.universe as number);
  const scored: [number, number, number][] = [];
  for (let x = 0; x < pool.length; x++) {
    for (let y = x + 1; y < pool.length; y++) {
      const [a, b] = [pool[x], pool[y]].sort((u, v) => u - v);
      if (data.industries[a] !== data.industries[b]) continue;
      let ssd = 0;
      const [a0, b0] = [logp[start * N + a], logp[start * N + b]];
      for (let t = start; t <= f; t++) {
        const d = (logp[t * N + a] - a0) - (logp[t * N + b] - b0);
        ssd += d * d;
      }
      scored.push([ssd, a, b]);
    }
  }
  scored.sort((u, v) => u[0] - v[0] || u[1] - v[1] || u[2] - v[2]);
  const used = new Set<number>();
  const pairs: [number, number][] = [];
  for (const [, a, b] of scored) {
    if (pairs.length === (p.n_pairs as number)) break;
    if (used.has(a) || used.has(b)) continue;
    used.add(a).add(b);
    pairs.push([a, b]);
  }
  return pairs;
}

/** Rolling OLS β of y on x and today's z-score of y − β·x over the window ending at t. */
function zScore(logp: Float64Array, N: number, a: number, b: number, t: number, w: number): [number, number] {
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let s = t - w + 1; s <= t; s++) {
    const [x, y] = [logp[s * N + b], logp[s * N + a]];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return [NaN, NaN];
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const varX = sxx - (sx * sx) / w;
  if (!(varX > 0)) return [NaN, NaN];
  const beta = (sxy - (sx * sy) / w) / varX;
  let sum = 0, sum2 = 0;
  for (let s = t - w + 1; s <= t; s++) {
    const spread = logp[s * N + a] - beta * logp[s * N + b];
    sum += spread;
    sum2 += spread * spread;
  }
  const mean = sum / w, sd = Math.sqrt(Math.max(0, sum2 / w - mean * mean));
  return [sd > 0 ? (logp[t * N + a] - beta * logp[t * N + b] - mean) / sd : NaN, beta];
}

/**
 * The pairs and their states over the panel (what `generate` turns into weights; exported for
 * inspection and tests).
 *
 * @example
 * ```ts
 * const pairs = tradePairs(panel, validateParams(name, params));
 * ```
 */
export function tradePairs(data: Panel, p: Params): Pair[] {
  const T = data.dates.length, N = data.securityIds.length;
  const close = field(data, "adj_close");
  const logp = close.map((c) => (c > 0 ? Math.log(c) : NaN));
  const [window, entry, exit, stop] = [
    p.window as number,
    p.entry as number,
    p.exit as number,
    p.stop as number,
  ];
  if (!(exit < entry && entry < stop)) {
    throw new RangeError(`${name}: need exit < entry < stop, found ${exit}, ${entry}, ${stop}`);
  }
  const pairs: Pair[] = [];
  const first = Math.max(p.formation as number, window) - 1;
  for (let f = first; f < T - 1; f += p.reform as number) {
    const [from, to] = [f + 1, Math.min(T - 1, f + (p.reform as number))];
    for (const [a, b] of selectPairs(data, logp, f, p)) {
      const n = to - from + 1;
      const z = new Float64Array(n), beta = new Float64Array(n), position = new Int8Array(n);
      let state = 0, stopped = false;
      for (let k = 0; k < n; k++) {
        const t = from + k;
        [z[k], beta[k]] = zScore(logp, N, a, b, t, window);
        const abs = Math.abs(z[k]);
        if (!Number.isFinite(z[k]) || t === to) state = 0;
        else if (state !== 0 && (abs < exit || abs > stop)) (stopped = abs > stop, state = 0);
        else if (state === 0 && stopped && abs < exit) stopped = false;
        else if (state === 0 && !stopped && abs > entry && abs <= stop) state = z[k] > 0 ? -1 : 1;
        position[k] = state;
      }
      pairs.push({ a, b, from, to, z, beta, position });
    }
  }
  return pairs;
}

export function generate(data: Panel, p: Params): StrategyOutput {
  const T = data.dates.length, N = data.securityIds.length;
  const weights = new Float64Array(T * N).fill(NaN);
  const pairs = tradePairs(data, p);
  const first = pairs.length ? Math.min(...pairs.map((q) => q.from)) : T;
  weights.fill(0, first * N);
  const gross = 1 / (p.n_pairs as number);
  for (const { a, b, from, beta, position } of pairs) {
    position.forEach((state, k) => {
      if (state === 0) return;
      const [wa, wb] = spreadLegs(state * gross, 1, 1, beta[k]);
      weights[(from + k) * N + a] += wa;
      weights[(from + k) * N + b] += wb;
    });
  }
  return weights;
}
