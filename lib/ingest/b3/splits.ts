/**
 * Split detection from the prices themselves: B3 sells no adjusted prices, and a split missing from
 * the published events shows up as a −50% "return". A security's overnight price ratio
 * `g = open_t / close_{t−1}` (close when there is no open), net of the day's market-wide overnight
 * move `M_t` (cross-sectional median of log g), is compared with round split ratios k — 3:2, 2:1,
 * 3:1 … 1,000:1 and their reverses. A candidate is scored on four pieces of evidence:
 *
 * | evidence                                   | score                                                    |
 * | ------------------------------------------ | -------------------------------------------------------- |
 * | price: e = │log g − M + log k│             | s_p = max(0, 1 − e / 0.10)                               |
 * | volume moves inversely: v = median(shares traded, 20 sessions from t) / median(20 before) | s_v = clamp(1 − │log v − log k│ / │log k│, 0, 1) (0.5 with < 3 sessions either side) |
 * | the new level persists: l = median close t..t+4 / median close t−5..t−1 | s_l = clamp(1 − │log l + log k│ / 0.25, 0, 1) |
 * | no market-wide move: │M│                   | s_m = 1 if │M│ ≤ 0.10, falling linearly to 0 at 0.30     |
 *
 * `confidence = s_p · (0.25 + 0.75·s_v) · (0.25 + 0.75·s_l) · s_m`, in [0, 1]. A crash of −50% on
 * unchanged volume scores ≤ 0.25; a market-wide halving scores 0. Candidates with confidence ≥
 * `threshold` (0.5) are `applied` — stored as a split in `corporate_actions` — unless a published
 * split of the security lies within 5 sessions (`published`); weaker ones are kept as `rejected`
 * with their evidence. Ratios below 1.5 (small bonus issues) cannot be told from a bad day and are
 * left to the published events.
 */
import type { Store } from "../../store/db.ts";
import { queryRows } from "../../store/db.ts";
import { type Column, writeTables } from "../../store/write.ts";
import { columnsOf, type PriceSeries, readSpotSeries } from "./_utils.ts";

export type { PriceSeries } from "./_utils.ts";

const DAY_MS = 86_400_000;

/** Split ratios (shares after per share before) looked for, and their reverses. */
export const SPLIT_RATIOS: readonly number[] = (() => {
  const forward = [1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 50, 100, 200, 250, 500, 1000];
  return [...forward, ...forward.map((k) => 1 / k)].sort((a, b) => a - b);
})();

/** One candidate split with its evidence (a `detected_splits` row). */
export interface DetectedSplit {
  security_id: string;
  ex_date: number;
  ticker: string;
  /** Shares after per share before (2 for 2-for-1; 0.1 for a 10-to-1 reverse split). */
  ratio: number;
  /** close_{t−1} / open_t, raw. */
  price_ratio: number;
  /** Median shares traded in the 20 sessions from t over the 20 before (NaN when too few). */
  volume_ratio: number;
  /** Median close of t..t+4 over t−5..t−1. */
  level_ratio: number;
  /** The market's median overnight return that day, exp(M) − 1. */
  market_move: number;
  confidence: number;
  status: "applied" | "published" | "rejected";
}

/** Options of `detectSplits`. */
export interface DetectOptions {
  /** Confidence from which a candidate is applied (default 0.5). */
  threshold?: number;
  /** Smallest confidence recorded at all (default 0.05). */
  minConfidence?: number;
}

const PRICE_TOL = 0.1;
const MARKET_CALM = 0.1, MARKET_WILD = 0.3;
const MIN_JUMP = Math.log(1.4);

/**
 * Finds split candidates in a set of price series (see the module comment for the scoring); pure
 * function of its input, used by `detectAndApplySplits`. `published` gives, per security, the
 * ex-dates of published splits (epoch ms).
 *
 * @example
 * ```ts
 * const found = detectSplitsIn(series, new Map());
 * found.filter((s) => s.status === "applied").map((s) => s.ratio); // => [2]
 * ```
 */
export function detectSplitsIn(
  series: readonly PriceSeries[],
  published: ReadonlyMap<string, readonly number[]>,
  options: DetectOptions = {},
): DetectedSplit[] {
  const { threshold = 0.5, minConfidence = 0.05 } = options;
  const gross = (s: PriceSeries, t: number) => {
    const base = s.close[t - 1];
    const next = Number.isNaN(s.open[t]) ? s.close[t] : s.open[t];
    return base > 0 && next > 0 ? Math.log(next / base) : NaN;
  };
  // Market-wide overnight move per day: median of log g over the securities trading both days.
  const byDay = new Map<number, number[]>();
  for (const s of series) {
    for (let t = 1; t < s.days.length; t++) {
      const x = gross(s, t);
      if (Number.isNaN(x) || s.days[t] - s.days[t - 1] > 10 * DAY_MS) continue;
      const list = byDay.get(s.days[t]);
      if (list) list.push(x);
      else byDay.set(s.days[t], [x]);
    }
  }
  const market = new Map<number, number>();
  for (const [day, xs] of byDay) market.set(day, xs.length >= 3 ? median(xs) : 0);

  const out: DetectedSplit[] = [];
  for (const s of series) {
    const n = s.days.length;
    for (let t = 1; t < n; t++) {
      const x = gross(s, t);
      if (Number.isNaN(x)) continue;
      const m = market.get(s.days[t]) ?? 0;
      const idio = x - m;
      if (Math.abs(idio) < MIN_JUMP) continue;
      let k = NaN, err = Infinity;
      for (const r of SPLIT_RATIOS) {
        const e = Math.abs(idio + Math.log(r));
        if (e < err) [k, err] = [r, e];
      }
      if (err >= PRICE_TOL) continue;
      const logK = Math.log(k);
      const sp = Math.max(0, 1 - err / PRICE_TOL);
      const before = window(s.volume, t - 20, t), after = window(s.volume, t, t + 20);
      const volumeRatio = before.length >= 3 && after.length >= 3 ? median(after) / median(before) : NaN;
      const sv = Number.isFinite(Math.log(volumeRatio))
        ? clamp(1 - Math.abs(Math.log(volumeRatio) - logK) / Math.abs(logK))
        : 0.5;
      const pre = window(s.close, t - 5, t), post = window(s.close, t, t + 5);
      const levelRatio = pre.length && post.length ? median(post) / median(pre) : NaN;
      const sl = post.length >= 2 && Number.isFinite(Math.log(levelRatio))
        ? clamp(1 - Math.abs(Math.log(levelRatio) + logK) / 0.25)
        : 0.5;
      const sm = clamp(1 - (Math.abs(m) - MARKET_CALM) / (MARKET_WILD - MARKET_CALM));
      const confidence = sp * (0.25 + 0.75 * sv) * (0.25 + 0.75 * sl) * sm;
      if (confidence < minConfidence) continue;
      const near = (published.get(s.security_id) ?? []).some((d) =>
        Math.abs(sessionsBetween(s.days, d, t)) <= 5
      );
      out.push({
        security_id: s.security_id,
        ex_date: s.days[t],
        ticker: s.tickers?.[t] ?? "",
        ratio: k,
        price_ratio: Math.exp(-x),
        volume_ratio: volumeRatio,
        level_ratio: levelRatio,
        market_move: Math.exp(m) - 1,
        confidence,
        status: near ? "published" : confidence >= threshold ? "applied" : "rejected",
      });
    }
  }
  return out;
}

/** What `detectAndApplySplits` did. */
export interface SplitDetection {
  securities: number;
  candidates: number;
  applied: DetectedSplit[];
  published: number;
  rejected: number;
}

/**
 * Scans every B3 spot and fractional-lot security's raw prices in the store for splits, records every candidate in
 * `detected_splits` and applies the confident ones without a published event as splits in
 * `corporate_actions` — replacing what a previous run detected, in one transaction, so reruns are
 * idempotent and a published event imported later takes over.
 *
 * @example
 * ```ts
 * const { applied } = await detectAndApplySplits(store);
 * applied.map((s) => `${s.ticker} ${s.ratio}:1 on ${isoDate(s.ex_date)}`);
 * ```
 */
export async function detectAndApplySplits(
  store: Store,
  options: DetectOptions = {},
): Promise<SplitDetection> {
  const conn = store.conn;
  const previous = await queryRows(
    conn,
    `SELECT security_id, (ex_date - DATE '1970-01-01')::INTEGER AS d, ratio FROM detected_splits
     WHERE status = 'applied'`,
  );
  const owned = new Set(previous.map((r) => `${r.security_id}\u0000${r.d}`));
  const publishedRows = await queryRows(
    conn,
    `SELECT security_id, (ex_date - DATE '1970-01-01')::INTEGER AS d FROM corporate_actions
     WHERE kind = 'split' AND security_id IN (SELECT security_id FROM security_master)`,
  );
  const published = new Map<string, number[]>();
  for (const r of publishedRows) {
    if (owned.has(`${r.security_id}\u0000${r.d}`)) continue;
    const list = published.get(r.security_id as string) ?? [];
    list.push((r.d as number) * DAY_MS);
    published.set(r.security_id as string, list);
  }
  const series = await readSpotSeries(store);
  const found = detectSplitsIn(series, published, options);
  const applied = found.filter((s) => s.status === "applied");
  const ids = series.map((s) => s.security_id);
  await writeTables(
    store,
    {
      corporate_actions: {
        security_id: applied.map((s) => s.security_id),
        ex_date: Float64Array.from(applied, (s) => s.ex_date),
        kind: applied.map(() => "split" as const),
        value: Float64Array.from(applied, (s) => s.ratio),
      },
    },
    { source: "b3:detected_splits", params: { ...options, securities: ids.length } },
    {
      remove: {
        detected_splits: [{ name: "security_id", type: "VARCHAR", values: ids }],
        corporate_actions: [
          { name: "security_id", type: "VARCHAR", values: previous.map((r) => r.security_id as string) },
          { name: "ex_date", type: "DATE", values: previous.map((r) => (r.d as number) * DAY_MS) },
          { name: "kind", type: "VARCHAR", values: previous.map(() => "split") },
        ],
      },
      extra: { detected_splits: detectedColumns(found) },
    },
  );
  return {
    securities: series.length,
    candidates: found.length,
    applied,
    published: found.filter((s) => s.status === "published").length,
    rejected: found.filter((s) => s.status === "rejected").length,
  };
}

function detectedColumns(found: DetectedSplit[]): Column[] {
  return columnsOf(found, [
    ["security_id", "VARCHAR"],
    ["ex_date", "DATE"],
    ["ticker", "VARCHAR"],
    ["ratio", "DOUBLE"],
    ["price_ratio", "DOUBLE"],
    ["volume_ratio", "DOUBLE"],
    ["level_ratio", "DOUBLE"],
    ["market_move", "DOUBLE"],
    ["confidence", "DOUBLE"],
    ["status", "VARCHAR"],
  ]);
}

/** Finite positive values of `x[from, to)` (clipped to the array). */
function window(x: ArrayLike<number>, from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = Math.max(0, from); k < Math.min(x.length, to); k++) if (x[k] > 0) out.push(x[k]);
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function clamp(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Sessions of `days` from row `t` to the first row on or after `date` (negative before t). */
function sessionsBetween(days: ArrayLike<number>, date: number, t: number): number {
  let k = 0;
  while (k < days.length && days[k] < date) k++;
  return k - t;
}
