/**
 * Capacity statistics of a fractile backtest: how liquid and how large the names it holds are. The
 * engine's result does not carry holdings, so this replays its leg selection on the panel.
 */
import { resolveConfig } from "../engine/config.ts";
import { legCuts, legEdges, TRADED } from "../engine/cuts.ts";
import { residualize } from "../engine/residualize.ts";
import { earnedReturns } from "../engine/returns.ts";
import { rowOrders } from "../engine/sort.ts";
import type { BacktestOptions } from "../engine/types.ts";
import type { Panel } from "../panel/types.ts";

/** Average size and liquidity of the names held, per leg. */
export interface CapacityStats {
  /** Mean `adv` of the long leg's names (pooled over held (date, name) pairs with a finite adv). */
  readonly avg_adv_long: number;
  readonly avg_adv_short: number;
  /** Mean `mcap` of the long leg's names (pooled over held (date, name) pairs with a finite mcap). */
  readonly avg_mcap_long: number;
  readonly avg_mcap_short: number;
  /** Mean number of names per leg over the held dates (equals the engine's `n_long` / `n_short`). */
  readonly n_long: number;
  readonly n_short: number;
  /** Dates with positions. */
  readonly n_days: number;
}

/**
 * Average ADV and market cap of the names in the long and short legs, replaying the engine's leg
 * selection (`lib/engine/simulate.ts`): the value held on day t is the (residualized) value known at
 * the close of day k = t − 1 − lag (`alignKnown`); valid names have that value and an earned return on
 * day t; average ranks among them (tied values are never split); long = top, short = bottom fractile
 * (`config.fractile`, the engine's `legCuts`); dates with fewer than `mincos` valid names or an empty
 * leg hold nothing.
 * Descriptors are read at the prior close (t − 1, as cap weights are) and averaged unweighted over
 * every held (date, name) pair where they are finite; NaN when the panel lacks the field.
 *
 * @example
 * ```ts
 * const cap = capacityStats(panel, known, { lag: 1, residualize: "industry" });
 * cap.avg_adv_long; // mean ADV of the long-leg names
 * ```
 */
export function capacityStats(
  panel: Panel,
  known: Float64Array,
  options: BacktestOptions = {},
): CapacityStats {
  const config = resolveConfig(options);
  const nT = panel.dates.length, nS = panel.securityIds.length;
  if (known.length !== nT * nS) {
    throw new RangeError(
      `capacityStats: known matrix has ${known.length} cells, expected ${nT} dates × ${nS} securities`,
    );
  }
  const values = residualize(known, panel, config.residualize);
  const orders = rowOrders(values, nT, nS);
  const { earned } = earnedReturns(panel, config.fromOpen);
  const adv = panel.fields.adv, mcap = panel.fields.mcap;
  const acc = new Float64Array(8); // adv long sum/count, adv short, mcap long, mcap short
  const sel = new Int32Array(nS), cuts = new Int32Array(2), edges = legEdges(config);
  let days = 0, names = 0, namesShort = 0;
  for (let t = 1 + config.lag; t < nT; t++) {
    const k = t - 1 - config.lag;
    let n = 0;
    for (let p = orders.start[k]; p < orders.start[k + 1]; p++) {
      const i = orders.order[p];
      if (Number.isFinite(earned[t * nS + i])) sel[n++] = i;
    }
    if (legCuts(sel, n, values, k * nS, edges, cuts) !== TRADED) continue;
    const shortEnd = cuts[0], longStart = cuts[1];
    days++;
    names += n - longStart;
    namesShort += shortEnd;
    const base = (t - 1) * nS;
    for (let j = 0; j < n; j++) {
      const side = j >= longStart ? 0 : j < shortEnd ? 2 : -1;
      if (side < 0) continue;
      const i = sel[j];
      if (adv && Number.isFinite(adv[base + i])) {
        acc[side] += adv[base + i];
        acc[side + 1]++;
      }
      if (mcap && Number.isFinite(mcap[base + i])) {
        acc[4 + side] += mcap[base + i];
        acc[4 + side + 1]++;
      }
    }
  }
  const avg = (k: number) => (acc[k + 1] > 0 ? acc[k] / acc[k + 1] : NaN);
  return {
    avg_adv_long: avg(0),
    avg_adv_short: avg(2),
    avg_mcap_long: avg(4),
    avg_mcap_short: avg(6),
    n_long: days ? names / days : NaN,
    n_short: days ? namesShort / days : NaN,
    n_days: days,
  };
}
