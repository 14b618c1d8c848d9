/**
 * Forward returns of every security over several horizons, counted in bars of the price panel
 * (Alphalens' `compute_forward_returns`): the return a position taken at the close of bar t earns
 * over the next `p` bars.
 */

import type { Panel } from "../panel/types.ts";

/** Options of `forwardReturns`. */
export interface ForwardReturnsOptions {
  /**
   * true (default): the cumulative return over the p bars after t, `price[t + p] / price[t] - 1`
   * (Alphalens `cumulative_returns=True`); false: the single bar p bars ahead,
   * `price[t + p] / price[t + p - 1] - 1`, to see how predictive the factor is for one later bar.
   */
  readonly cumulative?: boolean;
  /**
   * true (default): a missing price takes the last price before it, as Alphalens'
   * `prices.pct_change(p)` does under the pandas it runs on (1.x–2.x pad by default), so a horizon
   * ending on a gap or after a delisting measures the return up to the last traded price; false: no
   * padding (pandas 3), such a horizon has no forward return. Before a security's first price there
   * is nothing to pad.
   */
  readonly padMissing?: boolean;
}

/**
 * Forward returns, one `T × N` date-major matrix per period (same order as `periods`), NaN where a
 * price is missing or the horizon runs past the last bar. Prices are the back-adjusted closes
 * `adj_close` (so splits and dividends do not show as returns); a panel without them compounds its
 * `ret` field instead, `Π_{s=t+1}^{t+p} (1 + ret[s]) - 1`, NaN when any bar in between is missing.
 * A price ≤ 0 gives NaN. Missing prices are padded with the last one by default, as Alphalens'
 * `prices.pct_change(p).shift(-p)` does on pandas 1.x–2.x (see `padMissing`).
 *
 * @example
 * ```ts
 * const [r1, r5] = forwardReturns(panel, [1, 5]); // r5[t * N + i] = adj_close[t + 5] / adj_close[t] - 1
 * ```
 */
export function forwardReturns(
  panel: Panel,
  periods: readonly number[],
  options: ForwardReturnsOptions = {},
): Float64Array[] {
  const { cumulative = true, padMissing = true } = options;
  for (const p of periods) {
    if (!Number.isInteger(p) || p < 1) throw new RangeError(`periods must be integers ≥ 1, found ${p}`);
  }
  const nT = panel.dates.length, nS = panel.securityIds.length;
  const index = priceIndex(panel);
  const out = periods.map(() => new Float64Array(nT * nS).fill(NaN));
  const maxP = Math.max(0, ...periods);
  // padded: rows t .. t + maxP of the padded prices in a ring, each row padded once as t advances
  const ring = maxP + 1, rows = padMissing ? new Float64Array(ring * nS) : index.price;
  const padRow = padMissing ? rowPadder(index.price, nS, index.chain) : null;
  const at = (s: number) => (padRow ? (s % ring) * nS : s * nS);
  const chain = padMissing ? null : index.chain;
  for (let t = 0, padded = 0; t < nT; t++) {
    for (; padRow && padded < nT && padded <= t + maxP; padded++) padRow(padded, rows, at(padded));
    for (let k = 0; k < periods.length; k++) {
      const p = periods[k];
      if (t + p >= nT) continue;
      const o = out[k], back = cumulative ? p : 1, cell = t * nS;
      const from = at(t + p - back), to = at(t + p), cFrom = (t + p - back) * nS, cTo = (t + p) * nS;
      for (let i = 0; i < nS; i++) {
        const a = rows[from + i], b = rows[to + i];
        if (a > 0 && b > 0 && (!chain || chain[cFrom + i] === chain[cTo + i])) o[cell + i] = b / a - 1;
      }
    }
  }
  return out;
}

/**
 * Each security's price carried forward over missing bars (pandas `ffill` down each column), one
 * row at a time: the returned function writes row t's padded prices to `out[outBase + i]` and must be
 * called for t = 0, 1, 2… in turn. A chained wealth index (`chain` given) is first rejoined into one
 * level per security: each run continues from the level the previous run ended on, a missing return
 * counting as no change.
 */
function rowPadder(
  price: Float64Array,
  nS: number,
  chain: Int32Array | null,
): (t: number, out: Float64Array, outBase: number) => void {
  // one state per security, walked date by date
  const last = new Float64Array(nS).fill(NaN), scale = new Float64Array(nS).fill(1);
  const runChain = new Int32Array(nS).fill(-1);
  return (t, out, outBase) => {
    for (let i = 0, cell = t * nS; i < nS; i++, cell++) {
      let v = price[cell];
      if (chain && !Number.isNaN(v)) {
        if (chain[cell] !== runChain[i]) {
          runChain[i] = chain[cell];
          scale[i] = Number.isNaN(last[i]) ? 1 : last[i] / v;
        }
        v *= scale[i];
      }
      if (!Number.isNaN(v)) last[i] = v;
      out[outBase + i] = last[i];
    }
  };
}

/**
 * The price level forward returns are measured on: `adj_close` when the panel has it (`chain`
 * null), else a wealth index chained from `ret` whose `chain` ids tell runs of consecutive returns
 * apart (a ratio across two chains spans a missing return and is not a return).
 *
 * @example
 * ```ts
 * const { price, chain } = priceIndex(panel);
 * ```
 */
export function priceIndex(panel: Panel): { price: Float64Array; chain: Int32Array | null } {
  if (panel.fields.adj_close) return { price: panel.fields.adj_close, chain: null };
  return wealthFromReturns(panel, panel.dates.length, panel.securityIds.length);
}

/**
 * A wealth index per security from the `ret` field, chain-linked over runs of consecutive returns:
 * each run starts at 1 on the bar before its first return and gets its own chain id, so a horizon
 * spanning a missing return (two chains) is NaN.
 */
function wealthFromReturns(
  panel: Panel,
  nT: number,
  nS: number,
): { price: Float64Array; chain: Int32Array } {
  const ret = panel.fields.ret;
  if (!ret) {
    throw new RangeError(
      `forward returns need an "adj_close" or a "ret" field; fields present: ${
        Object.keys(panel.fields).join(", ")
      }`,
    );
  }
  const wealth = new Float64Array(nT * nS).fill(NaN);
  const chain = new Int32Array(nT * nS).fill(-1);
  for (let i = 0; i < nS; i++) {
    let level = NaN, id = -1;
    for (let t = 0; t < nT; t++) {
      const r = ret[t * nS + i];
      if (Number.isNaN(r)) {
        level = NaN;
        continue;
      }
      if (Number.isNaN(level)) {
        if (t > 0) {
          id = t;
          wealth[(t - 1) * nS + i] = 1;
          chain[(t - 1) * nS + i] = id;
        }
        level = 1;
      }
      level *= 1 + r;
      wealth[t * nS + i] = level;
      chain[t * nS + i] = id;
    }
  }
  return { price: wealth, chain };
}
