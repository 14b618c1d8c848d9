/**
 * A deterministic synthetic intraday market: minute (or 5-minute, hourly) bars of regular sessions
 * for a universe, plus the daily bars they aggregate to, so daily and intraday tools see one market.
 *
 * Per security i and bar b of session d: the bar's log return is μ_i/n + σ_i·u(b)/√n·z (n bars per
 * session, z standard normal, u the U-shaped intraday volatility profile, 1.6 at the open and the
 * close and 0.8 at midday, normalised to mean square 1); the first bar of a session also carries an
 * overnight gap of σ_i·0.3·z'. Open = the previous close (× the gap on the first bar), close = open ·
 * e^r, high/low = max/min(open, close) stretched by |z''|·σ_i·u(b)/√n/2, volume = base_i · u(b)² ·
 * e^(0.3 z'''). σ_i (annual) is drawn from [0.15, 0.45] and μ_i from N(0.05, 0.1), per security, from
 * the seed; sessions are weekdays (no holiday calendar). Liquidity as the store's descriptors carry
 * it: ADV of session d = the mean over its last 20 sessions (fewer at the start) of the session's
 * traded value Σ close · volume over its bars, so the participation cost model works on these bars.
 */
import type { PriceColumns, SecurityRow } from "../store/tables.ts";
import { INDUSTRIES } from "../ingest/synthetic_factors.ts";
import { createRng } from "../util/rng.ts";
import { aggregateBars } from "./aggregate.ts";
import type { BarRows } from "./store.ts";
import {
  barsPerSession,
  type Interval,
  INTERVAL_MINUTES,
  localClock,
  type Session,
  SESSIONS_PER_YEAR,
} from "./session.ts";

/** Options of `simulateIntraday`. */
export interface IntradayOptions {
  readonly nSecurities?: number;
  /** Sessions (weekdays) to simulate. */
  readonly sessions?: number;
  /** First calendar day, `YYYY-MM-DD` (default 2024-01-02). */
  readonly start?: string;
  readonly interval?: Exclude<Interval, "1d">;
  readonly seed?: number;
}

/** A synthetic intraday market: securities, bars, and the daily bars they aggregate to. */
export interface IntradayMarket {
  readonly securities: SecurityRow[];
  readonly bars: BarRows;
  readonly daily: PriceColumns;
  /** ADV per row of `daily` (same order, currency): the `adv` descriptor (see the module doc). */
  readonly adv: Float64Array;
}

/** Sessions in the ADV window (the store's convention: the daily synthetic and the B3 refresh use 20). */
const ADV_SESSIONS = 20;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The weekdays from `start`, `n` of them, as UTC midnights. */
function weekdays(start: string, n: number): number[] {
  const out: number[] = [];
  for (let ms = Date.parse(`${start}T00:00:00Z`); out.length < n; ms += DAY_MS) {
    const day = new Date(ms).getUTCDay();
    if (day !== 0 && day !== 6) out.push(ms);
  }
  return out;
}

/**
 * Simulates the market (see the module doc) on `session`.
 *
 * @example
 * ```ts
 * const { bars, daily } = simulateIntraday(SESSIONS.NYSE, { nSecurities: 20, sessions: 5 });
 * bars.ts.length; // => 20 × 5 × 390
 * ```
 */
export function simulateIntraday(session: Session, options: IntradayOptions = {}): IntradayMarket {
  const { nSecurities = 50, sessions = 20, start = "2024-01-02", interval = "1m", seed = 7 } = options;
  if (!(Number.isInteger(nSecurities) && nSecurities > 0)) {
    throw new RangeError(`nSecurities must be an integer > 0`);
  }
  if (!(Number.isInteger(sessions) && sessions > 0)) throw new RangeError(`sessions must be an integer > 0`);
  const size = INTERVAL_MINUTES[interval];
  const perSession = barsPerSession(interval, session);
  const days = weekdays(start, sessions);
  const clock = localClock(session);
  // bar starts: local wall clock → UTC (the offset at the session's open holds all session long)
  const times = new Float64Array(days.length * perSession);
  days.forEach((day, d) => {
    const openLocal = day + session.open * MINUTE_MS;
    const offset = clock(openLocal) - openLocal; // local − UTC near the open
    for (let b = 0; b < perSession; b++) {
      times[d * perSession + b] = openLocal + b * size * MINUTE_MS - offset;
    }
  });
  const profile = Float64Array.from({ length: perSession }, (_, b) => {
    const x = (b + 0.5) / perSession;
    return 0.8 + 0.8 * (2 * x - 1) ** 2;
  });
  const norm = Math.sqrt(profile.reduce((s, u) => s + u * u, 0) / perSession);
  for (let b = 0; b < perSession; b++) profile[b] /= norm;
  const width = Math.max(4, String(nSecurities).length);
  const securityIds = Array.from(
    { length: nSecurities },
    (_, i) => `INT${String(i + 1).padStart(width, "0")}`,
  );
  const nT = times.length, cells = nT * nSecurities;
  const open = new Float64Array(cells), high = new Float64Array(cells), low = new Float64Array(cells);
  const close = new Float64Array(cells), volume = new Float64Array(cells);
  const rootN = Math.sqrt(SESSIONS_PER_YEAR * perSession);
  for (let i = 0; i < nSecurities; i++) {
    const rng = createRng(seed * 1_000_003 + i + 1);
    const sigma = 0.15 + 0.3 * rng.uniform();
    const mu = 0.05 + 0.1 * rng.normal();
    const base = 2e4 * Math.exp(rng.normal());
    let price = 20 + 80 * rng.uniform();
    for (let t = 0; t < nT; t++) {
      const b = t % perSession;
      const u = profile[b];
      const gap = b === 0 && t > 0
        ? Math.exp((sigma * 0.3 * rng.normal()) / Math.sqrt(SESSIONS_PER_YEAR))
        : 1;
      const o = price * gap;
      const c = o * Math.exp(mu / (SESSIONS_PER_YEAR * perSession) + (sigma * u * rng.normal()) / rootN);
      const stretch = (Math.abs(rng.normal()) * sigma * u) / rootN / 2;
      const k = t * nSecurities + i;
      open[k] = round(o);
      close[k] = round(c);
      high[k] = round(Math.max(o, c) * (1 + stretch));
      low[k] = round(Math.min(o, c) * (1 - stretch));
      volume[k] = Math.round(base * u * u * Math.exp(0.3 * rng.normal()));
      price = c;
    }
  }
  const security = new Int32Array(cells);
  const ts = new Float64Array(cells);
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < nSecurities; i++) {
      security[t * nSecurities + i] = i;
      ts[t * nSecurities + i] = times[t];
    }
  }
  const dailyBars = aggregateBars(
    { dates: times, nSecurities, open, high, low, close, volume },
    session,
    "1d",
  );
  const nD = dailyBars.dates.length;
  const daily: PriceColumns = {
    security_id: Array.from({ length: nD * nSecurities }, (_, k) => securityIds[k % nSecurities]),
    date: Float64Array.from(
      { length: nD * nSecurities },
      (_, k) => dailyBars.dates[Math.floor(k / nSecurities)],
    ),
    open: dailyBars.open,
    high: dailyBars.high,
    low: dailyBars.low,
    close: dailyBars.close,
    volume: dailyBars.volume,
  };
  // traded value per session (date-major like `daily`), then its trailing mean over ADV_SESSIONS
  const traded = new Float64Array(nD * nSecurities);
  for (let t = 0; t < nT; t++) {
    const d = Math.floor(t / perSession);
    for (let i = 0; i < nSecurities; i++) {
      traded[d * nSecurities + i] += close[t * nSecurities + i] * volume[t * nSecurities + i];
    }
  }
  const adv = new Float64Array(nD * nSecurities);
  for (let i = 0; i < nSecurities; i++) {
    let sum = 0;
    for (let d = 0; d < nD; d++) {
      sum += traded[d * nSecurities + i];
      if (d >= ADV_SESSIONS) sum -= traded[(d - ADV_SESSIONS) * nSecurities + i];
      adv[d * nSecurities + i] = sum / Math.min(d + 1, ADV_SESSIONS);
    }
  }
  const securities: SecurityRow[] = securityIds.map((security_id, i) => ({
    security_id,
    name: `Synthetic intraday ${i + 1}`,
    industry: INDUSTRIES[i % INDUSTRIES.length],
    listed: null,
    delisted: null,
  }));
  return {
    securities,
    bars: { interval, securityIds, security, ts, open, high, low, close, volume },
    daily,
    adv,
  };
}

/** Prices in cents, as traded. */
function round(x: number): number {
  return Math.round(x * 100) / 100;
}
