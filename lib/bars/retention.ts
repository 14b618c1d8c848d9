/**
 * Retention rules per bar size: bars of an interval older than N days are aggregated to a coarser
 * interval (kept, with the OHLCV and session rules of `aggregateBars`) or dropped — e.g. keep minute
 * bars for 90 days and five-minute bars of older sessions (`1m:90:5m`). A bar is old when its
 * session's local date is before the cutoff date (today − N days, UTC), so a session is never split.
 * Rules run finest interval first (`1m:90:5m` then `5m:730:1h` chain). Call `applyRetention` inside
 * `writeStore`: a crash at any point leaves the store as it was.
 */
import { queryRows, sqlString, type Store } from "../store/db.ts";
import { logLoad } from "../store/write.ts";
import { aggregateBars, type Bars } from "./aggregate.ts";
import { checkInterval, type Interval, INTERVAL_MINUTES, localClock, sessionOf } from "./session.ts";
import { type BarRows, writeBars } from "./store.ts";

const DAY_MS = 86_400_000;

/** Keep bars of `interval` for `keepDays` days; older ones become `aggregateTo` bars, or go. */
export interface RetentionRule {
  readonly interval: Exclude<Interval, "1d">;
  readonly keepDays: number;
  /** A coarser intraday interval the old bars are aggregated to (absent: they are removed). */
  readonly aggregateTo?: Exclude<Interval, "1d" | "1m">;
}

/** What one rule did (or, in a dry run, would do) on one session's securities. */
export interface RetentionItem {
  readonly rule: RetentionRule;
  readonly session: string;
  /** The first session date kept (`YYYY-MM-DD`). */
  readonly cutoff: string;
  /** Bars of the rule's interval removed. */
  readonly removed: number;
  /** Bars of `aggregateTo` written from them. */
  readonly written: number;
}

/**
 * A rule from its text `INTERVAL:DAYS[:TO]`, e.g. `1m:90:5m` (minute bars kept 90 days, older ones
 * aggregated to 5m) or `5m:365` (five-minute bars older than a year removed).
 *
 * @example
 * ```ts
 * parseRetention("1m:90:5m"); // => { interval: "1m", keepDays: 90, aggregateTo: "5m" }
 * ```
 */
export function parseRetention(text: string): RetentionRule {
  const [interval, days, to, ...rest] = text.split(":");
  const keepDays = Number(days);
  const bad = (why: string) =>
    new RangeError(`retention rule "${text}": ${why} (expected INTERVAL:DAYS[:TO], e.g. 1m:90:5m)`);
  if (rest.length || days === undefined) throw bad("wrong number of parts");
  if (!(Number.isInteger(keepDays) && keepDays >= 0)) {
    throw bad(`days must be an integer ≥ 0, found "${days}"`);
  }
  const from = checkInterval(interval);
  if (from === "1d") throw bad("daily bars are the store's prices; rules are for 1m, 5m and 1h bars");
  if (to === undefined) return { interval: from, keepDays };
  const target = checkInterval(to);
  if (target === "1d" || INTERVAL_MINUTES[target] <= INTERVAL_MINUTES[from]) {
    throw bad(`${to} is not an intraday interval coarser than ${from}`);
  }
  return { interval: from, keepDays, aggregateTo: target as RetentionRule["aggregateTo"] };
}

/** Rules finest first (so aggregated bars can be aggregated again by a later rule). */
function ordered(rules: readonly RetentionRule[]): RetentionRule[] {
  return [...rules].sort((a, b) => INTERVAL_MINUTES[a.interval] - INTERVAL_MINUTES[b.interval]);
}

/** Old bars of `interval` of the given securities (session date before `cutoffDay`), dense. */
async function oldBars(
  store: Store,
  interval: string,
  securities: readonly string[],
  cutoffMs: number,
): Promise<Bars> {
  const rows = await queryRows(
    store.conn,
    `SELECT security_id, epoch_ms(ts)::DOUBLE AS ms, open, high, low, close, volume FROM bars
     WHERE interval = ${sqlString(interval)} AND ts < epoch_ms(${cutoffMs}::BIGINT)
       AND security_id IN (${securities.map(sqlString).join(", ")}) ORDER BY ts`,
  );
  const index = new Map(securities.map((s, i) => [s, i]));
  const dates = Float64Array.from(new Set(rows.map((r) => r.ms as number)));
  const at = new Map(Array.from(dates, (d, t) => [d, t]));
  const nS = securities.length;
  const field = () => new Float64Array(dates.length * nS).fill(NaN);
  const bars = {
    dates,
    nSecurities: nS,
    open: field(),
    high: field(),
    low: field(),
    close: field(),
    volume: field(),
  };
  for (const r of rows) {
    const cell = at.get(r.ms as number)! * nS + index.get(r.security_id as string)!;
    for (const f of ["open", "high", "low", "close", "volume"] as const) {
      bars[f][cell] = (r[f] as number) ?? NaN;
    }
  }
  return bars;
}

/** The cells of dense bars that have a close, as bar rows of `interval`. */
function toRows(bars: Bars, securityIds: readonly string[], interval: BarRows["interval"]): BarRows {
  const cells: number[] = [];
  for (let c = 0; c < bars.close.length; c++) if (bars.close[c] === bars.close[c]) cells.push(c);
  const pick = (m: Float64Array) => Float64Array.from(cells, (c) => m[c]);
  return {
    interval,
    securityIds,
    security: Int32Array.from(cells, (c) => c % bars.nSecurities),
    ts: Float64Array.from(cells, (c) => bars.dates[Math.floor(c / bars.nSecurities)]),
    open: pick(bars.open),
    high: pick(bars.high),
    low: pick(bars.low),
    close: pick(bars.close),
    volume: pick(bars.volume),
  };
}

/**
 * Applies the rules to the store's bars (see the module doc), per session of `bar_sessions`; with
 * `dryRun`, only counts (each rule on the store as it is). Each change is logged in `ingest_log`
 * (source `retention`). Returns one item per rule and session that has old bars.
 *
 * @example
 * ```ts
 * await writeStore("data/quant.duckdb", (store) => applyRetention(store, [parseRetention("1m:90:5m")]));
 * ```
 */
export async function applyRetention(
  store: Store,
  rules: readonly RetentionRule[],
  options: { readonly now?: Date; readonly dryRun?: boolean } = {},
): Promise<RetentionItem[]> {
  const today = Math.floor((options.now ?? new Date()).getTime() / DAY_MS) * DAY_MS;
  const sessions = new Map<string, string[]>();
  for (
    const r of await queryRows(store.conn, "SELECT session, security_id FROM bar_sessions ORDER BY 1, 2")
  ) {
    const list = sessions.get(r.session as string) ?? [];
    list.push(r.security_id as string);
    sessions.set(r.session as string, list);
  }
  const items: RetentionItem[] = [];
  for (const rule of ordered(rules)) {
    const cutoffDay = today - rule.keepDays * DAY_MS;
    const cutoff = new Date(cutoffDay).toISOString().slice(0, 10);
    for (const [name, securities] of sessions) {
      const session = sessionOf(name);
      // the instant the cutoff date starts where the session trades
      const cutoffMs = cutoffDay - (localClock(session)(cutoffDay) - cutoffDay);
      const bars = await oldBars(store, rule.interval, securities, cutoffMs);
      let removed = 0;
      for (let c = 0; c < bars.close.length; c++) if (bars.close[c] === bars.close[c]) removed++;
      if (removed === 0) continue;
      const coarse = rule.aggregateTo
        ? toRows(aggregateBars(bars, session, rule.aggregateTo), securities, rule.aggregateTo)
        : undefined;
      items.push({ rule, session: name, cutoff, removed, written: coarse?.ts.length ?? 0 });
      if (options.dryRun) continue;
      const source = { source: "retention", params: { ...rule, session: name, cutoff } };
      if (coarse) await writeBars(store, coarse, session, source);
      await store.conn.run(
        `DELETE FROM bars WHERE interval = ${sqlString(rule.interval)} AND ts < epoch_ms(${cutoffMs}::BIGINT)
         AND security_id IN (${securities.map(sqlString).join(", ")})`,
      );
      await logLoad(store.conn, source, removed);
    }
  }
  return items;
}
