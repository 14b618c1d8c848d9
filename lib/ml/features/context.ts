/**
 * The per-security inputs features share, built once per panel on each security's own rows and kept
 * compact (CSR layout of `OwnRows`): returns, the point-in-time price and log volume.
 *
 * The point-in-time price is the raw close of a security's first bar compounded with its returns
 * (`p[k] = p[k−1] · (1 + ret[k])`, restarting at the raw close after a missing return): a total-return
 * price that equals the raw close for a security without corporate actions and, unlike the
 * back-adjusted `adj_close`, never changes when a later split or dividend becomes known. RSI, MACD and
 * the distances from the high and low are computed on it. Without a `close` field it starts at 1.
 */
import type { Panel } from "../../panel/types.ts";
import { gatherOwn, type OwnRows, ownRows } from "../own_rows.ts";

/** Shared inputs of a feature computation; lazily filled, cached for the whole feature set. */
export interface FeatureContext {
  readonly panel: Panel;
  readonly own: OwnRows;
  readonly nDates: number;
  readonly nSecurities: number;
  /** Compact per-security series of a panel field at own rows (CSR, like `own.dates`). */
  series(field: string): Float64Array;
  /** Compact per-security point-in-time price (module doc). */
  price(): Float64Array;
  /** Matrices other features may reuse (e.g. a return horizon an industry-relative feature needs). */
  readonly cache: Map<string, Float64Array>;
}

/**
 * Creates the feature context of a panel.
 *
 * @example
 * ```ts
 * const ctx = featureContext(panel);
 * const i = 0, own = ctx.own;
 * ctx.price().subarray(own.offsets[i], own.offsets[i + 1]); // security 0's point-in-time price
 * ```
 */
export function featureContext(panel: Panel, own: OwnRows = ownRows(panel)): FeatureContext {
  const nT = panel.dates.length, nS = panel.securityIds.length;
  const compact = new Map<string, Float64Array>();
  const series = (name: string): Float64Array => {
    let out = compact.get(name);
    if (out) return out;
    const matrix = panel.fields[name];
    if (!matrix) {
      throw new RangeError(
        `feature needs the panel field "${name}"; fields present: ${Object.keys(panel.fields).join(", ")}`,
      );
    }
    out = new Float64Array(own.dates.length);
    for (let i = 0; i < nS; i++) gatherOwn(matrix, nS, own, i, out.subarray(own.offsets[i]));
    compact.set(name, out);
    return out;
  };
  const derived = (key: string, build: () => Float64Array) => {
    let out = compact.get(key);
    if (!out) compact.set(key, out = build());
    return out;
  };
  const price = () =>
    derived("#price", () => {
      const ret = series("ret");
      const close = panel.fields.close ? series("close") : undefined;
      const out = new Float64Array(ret.length);
      for (let i = 0; i < nS; i++) {
        let p = NaN;
        for (let k = own.offsets[i]; k < own.offsets[i + 1]; k++) {
          const r = ret[k];
          if (Number.isFinite(r) && Number.isFinite(p)) p *= 1 + r;
          else p = close ? close[k] : 1;
          out[k] = p;
        }
      }
      return out;
    });
  return { panel, own, nDates: nT, nSecurities: nS, series, price, cache: new Map() };
}
