/**
 * Corporate actions as simulator events: on each ex-date bar, a split multiplies the shares held (and
 * divides the average cost) by its ratio; a cash dividend credits `shares × amount` (shorts pay it).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlString } from "../store/db.ts";
import type { ActionColumns } from "../store/tables.ts";
import { lowerBound } from "../util/bisect.ts";

/** Events sorted by bar: bar index, security index, split ratio (1: none), dividend per share (0: none). */
export interface CorporateEvents {
  readonly t: Int32Array;
  readonly i: Int32Array;
  readonly split: Float64Array;
  readonly dividend: Float64Array;
}

/** No corporate actions. */
export const NO_EVENTS: CorporateEvents = Object.freeze({
  t: new Int32Array(0),
  i: new Int32Array(0),
  split: new Float64Array(0),
  dividend: new Float64Array(0),
});

/**
 * Puts corporate actions (the store's columns) on a bar axis: each lands on the first bar on or after
 * its ex-date (as the price adjustment does); actions of other securities or after the last bar are
 * dropped. On a bar with both, the dividend (per pre-split share) is credited before the split.
 *
 * @example
 * ```ts
 * const events = corporateEvents(dates, ["A"], { security_id: ["A"], ex_date: [d], kind: ["split"], value: [2] });
 * ```
 */
export function corporateEvents(
  dates: ArrayLike<number>,
  securityIds: readonly string[],
  actions: Pick<ActionColumns, "security_id" | "kind"> & {
    ex_date: ArrayLike<number>;
    value: ArrayLike<number>;
  },
): CorporateEvents {
  const index = new Map(securityIds.map((id, i) => [id, i]));
  const rows: [number, number, number, number][] = [];
  for (let r = 0; r < actions.security_id.length; r++) {
    const i = index.get(actions.security_id[r]);
    const t = lowerBound(dates, actions.ex_date[r]);
    if (i === undefined || t >= dates.length) continue;
    const split = actions.kind[r] === "split" ? actions.value[r] : 1;
    rows.push([t, i, split, actions.kind[r] === "dividend" ? actions.value[r] : 0]);
  }
  rows.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]); // dividend (split 1) before a split
  return {
    t: Int32Array.from(rows, (r) => r[0]),
    i: Int32Array.from(rows, (r) => r[1]),
    split: Float64Array.from(rows, (r) => r[2]),
    dividend: Float64Array.from(rows, (r) => r[3]),
  };
}

/**
 * Reads the corporate actions of `securityIds` up to the last of `dates` from a connection with the
 * store's `corporate_actions` table (an open snapshot or the store) as simulator events.
 *
 * @example
 * ```ts
 * const events = await readCorporateEvents(snapshot.conn, panel.dates, panel.securityIds);
 * ```
 */
export async function readCorporateEvents(
  conn: DuckDBConnection,
  dates: Float64Array,
  securityIds: readonly string[],
): Promise<CorporateEvents> {
  if (dates.length === 0 || securityIds.length === 0) return NO_EVENTS;
  const last = new Date(dates[dates.length - 1]).toISOString().slice(0, 10);
  const rows = await queryRows(
    conn,
    `SELECT security_id, epoch_ms(ex_date::TIMESTAMP)::DOUBLE AS ex_date, kind, value FROM corporate_actions
     WHERE ex_date <= DATE ${sqlString(last)} AND security_id IN (SELECT unnest([${
      securityIds.map(sqlString).join(", ")
    }]))`,
  );
  return corporateEvents(dates, securityIds, {
    security_id: rows.map((r) => r.security_id as string),
    ex_date: rows.map((r) => r.ex_date as number),
    kind: rows.map((r) => r.kind as "split" | "dividend"),
    value: rows.map((r) => r.value as number),
  });
}
