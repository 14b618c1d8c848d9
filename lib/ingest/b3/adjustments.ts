/**
 * Steps 6 and 7 of the B3 pipeline: adjustment factors from `corporate_actions` (published events
 * and applied detected splits) and the adjusted prices they give, with the existing back-adjustment
 * mechanism (`lib/ingest/adjust.ts`: the CRSP/Yahoo convention, `adj = raw × factor`). Adjusted
 * prices are not stored — every panel load derives them — so these steps report what the adjustment
 * does and what it leaves unexplained: adjusted close-to-close moves beyond ±`jump`, the candidates
 * for a missing event.
 */
import { queryRows, type Store } from "../../store/db.ts";
import { type Action, adjustmentFactors } from "../adjust.ts";
import { type PriceSeries, readSpotSeries } from "./_utils.ts";

const DAY_MS = 86_400_000;

/** One security's raw prices and its actions. */
interface Adjustable extends PriceSeries {
  actions: Action[];
}

/** Raw closes and corporate actions of the B3 spot-market securities, per security. */
export interface AdjustmentInput {
  securities: Adjustable[];
}

/** Reads what steps 6–7 need from the store (spot and fractional B3 securities). */
export async function readAdjustmentInput(store: Store): Promise<AdjustmentInput> {
  const actionRows = await queryRows(
    store.conn,
    `SELECT a.security_id, (a.ex_date - DATE '1970-01-01')::INTEGER AS d, a.kind, a.value
     FROM corporate_actions a JOIN security_master USING (security_id)`,
  );
  const actions = new Map<string, Action[]>();
  for (const r of actionRows) {
    const list = actions.get(r.security_id as string) ?? [];
    list.push({
      ex_date: (r.d as number) * DAY_MS,
      kind: r.kind as Action["kind"],
      value: r.value as number,
    });
    actions.set(r.security_id as string, list);
  }
  const series = await readSpotSeries(store);
  return { securities: series.map((s) => ({ ...s, actions: actions.get(s.security_id) ?? [] })) };
}

/** Step 6: what the adjustment factors look like. */
export interface FactorStats {
  securities: number;
  /** Securities with at least one action. */
  adjusted: number;
  splits: number;
  dividends: number;
  /** Smallest and largest factor applied to any price (1 when nothing is adjusted). */
  minFactor: number;
  maxFactor: number;
  /** Per security, its factor per day (same order as the input). */
  factors: Float64Array[];
}

/**
 * Adjustment factors per security (`adjustmentFactors`), with counts and the factor range.
 *
 * @example
 * ```ts
 * const stats = factorStats(await readAdjustmentInput(store));
 * stats.adjusted; // securities whose history is adjusted
 * ```
 */
export function factorStats(input: AdjustmentInput): FactorStats {
  let adjusted = 0, splits = 0, dividends = 0, minFactor = 1, maxFactor = 1;
  const factors = input.securities.map((s) => {
    if (s.actions.length) adjusted++;
    for (const a of s.actions) a.kind === "split" ? splits++ : dividends++;
    const f = adjustmentFactors(s.days, s.close, s.actions);
    for (const x of f) {
      if (x < minFactor) minFactor = x;
      if (x > maxFactor) maxFactor = x;
    }
    return f;
  });
  return { securities: input.securities.length, adjusted, splits, dividends, minFactor, maxFactor, factors };
}

/** An adjusted close-to-close move too large to be a plain trading day. */
export interface ResidualJump {
  security_id: string;
  ticker: string;
  date: string;
  /** Adjusted return that day. */
  ret: number;
  /** Raw return that day. */
  raw_ret: number;
}

/** Step 7: adjusted prices' check. */
export interface AdjustedCheck {
  /** Price rows adjusted (factor ≠ 1). */
  rowsAdjusted: number;
  /** Raw moves beyond ±jump that the adjustment explains. */
  explained: number;
  /** Adjusted moves still beyond ±jump, largest first (at most 50). */
  residual: ResidualJump[];
  residualCount: number;
}

/**
 * Applies the factors (`adj_close = close × factor`) and lists the adjusted close-to-close returns
 * beyond ±`jump` (default 0.5): what no published or detected event explains.
 *
 * @example
 * ```ts
 * const check = adjustedCheck(input, factorStats(input).factors);
 * check.residual; // e.g. [{ ticker: "ABCD3", date: "2024-03-04", ret: -0.52, raw_ret: -0.52 }]
 * ```
 */
export function adjustedCheck(input: AdjustmentInput, factors: Float64Array[], jump = 0.5): AdjustedCheck {
  let rowsAdjusted = 0, explained = 0;
  const residual: ResidualJump[] = [];
  input.securities.forEach((s, i) => {
    const f = factors[i];
    for (let t = 0; t < s.close.length; t++) {
      if (f[t] !== 1) rowsAdjusted++;
      if (t === 0) continue;
      const raw = s.close[t] / s.close[t - 1] - 1;
      const adj = (s.close[t] * f[t]) / (s.close[t - 1] * f[t - 1]) - 1;
      const bigRaw = Math.abs(raw) > jump, bigAdj = Math.abs(adj) > jump;
      if (bigRaw && !bigAdj) explained++;
      if (bigAdj) {
        residual.push({
          security_id: s.security_id,
          ticker: s.tickers?.[t] ?? "",
          date: new Date(s.days[t]).toISOString().slice(0, 10),
          ret: adj,
          raw_ret: raw,
        });
      }
    }
  });
  residual.sort((a, b) => Math.abs(b.ret) - Math.abs(a.ret));
  return { rowsAdjusted, explained, residual: residual.slice(0, 50), residualCount: residual.length };
}
