/**
 * A deterministic synthetic equity universe that looks like a market to a quant: factor-model returns
 * with fat tails and volatility regimes, short-term reversal, 12-1 momentum and a value premium of
 * realistic size, late listings and delistings, splits and cash dividends in the raw prices.
 *
 * ## Return model (per security i, trading day t, all terms known at the close of t−1 except shocks)
 *
 * ```
 * r_it = β_i·m_t + f_{g(i),t} + s_i·size_t + α_it + σ_i·idioScale_t·ε_it,   ε ~ unit-variance t(4)
 * α_it = −reversal·Σ_{k=1..5} e_{i,t−k} + momentum·Σ_{k=22..252} e_{i,t−k} + value/252·v_{i,t−1}
 *        + sentiment·σ_i·q_{i,t−1}
 * e_it = α_it + σ_i·idioScale_t·ε_it          (own residual return: r minus the factor terms)
 * ```
 *
 * m (market), f (industries), size and idioScale come from `simulateFactors` (regime + GARCH).
 * v is the standardised log book-to-price (`value` descriptor), an AR(1) with a one-year half-life
 * around a per-name mean. q is a latent "sentiment" score per name, a unit-variance AR(1) with a
 * 35-day half-life drawn from its own random stream; it is in no table, only in what
 * `sentimentSignal` publishes (an alternative-data vendor's noisy view of it), so it is an edge the
 * baselines do not span. Each α term only uses the security's own past, so there is no lookahead.
 * r is floored at −60% so prices stay positive.
 *
 * ## Corporate-action arithmetic (CRSP/Yahoo back-adjustment, as `lib/ingest/adjust.ts`)
 *
 * With raw close c, a split of ratio s (shares after / shares before) and a cash dividend D per
 * (pre-ex) share, both going ex on day e:
 *
 * ```
 * dividend ex-date:  c_e = (c_{e−1} − D) · (1 + r_e)
 * split ex-date:     c_e = c_{e−1} / s · (1 + r_e)
 * ```
 *
 * so that back-adjusting (prices before e multiplied by 1 − D/c_{e−1}, divided by s) gives
 * `adj_c_e / adj_c_{e−1} − 1 = r_e` exactly. The raw open uses the same ex-adjusted base
 * `(c_{e−1} − D) / s`. A split and a dividend never share an ex-date (a due split waits a day).
 * Shares outstanding multiply by s on the ex-date, so `mcap = shares · close` is continuous.
 */

import type { Signal } from "../signal/types.ts";
import type { ActionColumns, DescriptorColumns, PriceColumns, SecurityRow, Tables } from "../store/tables.ts";
import { createRng, type Rng } from "../util/rng.ts";
import { syntheticCalendar } from "./calendar.ts";
import {
  FACTOR_MODEL,
  type FactorPaths,
  INDUSTRIES,
  simulateFactors,
  studentTEven,
} from "./synthetic_factors.ts";

/** Parameters of the generator. Every field is optional; missing ones come from `DEFAULT_SYNTHETIC`. */
export interface SyntheticOptions {
  /** Integer seed: same seed ⇒ byte-identical tables. */
  seed?: number;
  /** Number of securities (ids SYN0001, SYN0002, …). */
  nSecurities?: number;
  /** Length in years of 252 trading days: the calendar has round(years · 252) days. */
  years?: number;
  /** First calendar day, `YYYY-MM-DD` (moved forward to the first trading day). */
  start?: string;
  /** Reversal strength: daily expected return per unit of past 5-day residual return (sign −). */
  reversal?: number;
  /** Momentum strength: daily expected return per unit of 12-1 month residual return. */
  momentum?: number;
  /** Value premium: annual expected return per standard deviation of log book-to-price. */
  value?: number;
  /** Sentiment strength: daily expected return per unit of latent score, in units of idio vol. */
  sentiment?: number;
}

/** The generator's defaults (recorded in snapshot manifests as the generator parameters). */
export const DEFAULT_SYNTHETIC: Readonly<Required<SyntheticOptions>> = Object.freeze({
  seed: 42,
  nSecurities: 500,
  years: 10,
  start: "2010-01-04",
  reversal: 0.005,
  momentum: 0.00025,
  value: 0.008,
  sentiment: 0.016,
});

/** The generated tables plus the model's true total return of every price row (NaN on a listing day). */
export interface SyntheticUniverse {
  tables: Tables;
  /** Row-aligned with `tables.prices`: r_it of the model, what adjusted closes must reproduce. */
  ret: Float64Array;
  /** Row-aligned with `tables.prices`: the latent sentiment score q_it, known at that close. */
  sentiment: Float64Array;
}

/** Security-level parameters (daily units). */
const SECURITY_MODEL = Object.freeze({
  betaMean: 1,
  betaSd: 0.3,
  betaMin: 0.1,
  /** log market cap at listing ~ N(ln 4e9, 1.3) clipped to [3e8, 3e11]. */
  lnMcapMean: Math.log(4e9),
  lnMcapSd: 1.3,
  lnMcapMin: Math.log(3e8),
  lnMcapMax: Math.log(3e11),
  /** Start price log-uniform on [5, 200]. */
  priceMin: 5,
  priceMax: 200,
  /** Annual idio vol = idioVolBase + idioVolSmall · (1 − sizeRank)², sizeRank ∈ [0, 1]. */
  idioVolBase: 0.15,
  idioVolSmall: 0.35,
  /** Share of names listing after the first day / delisting before the last. */
  lateListing: 0.15,
  delisting: 0.08,
  /** Shortest listing window, in days, of a late listing or a delisting. */
  minWindow: 60,
  /** Floor of the daily return (keeps prices positive). */
  retFloor: -0.6,
  /** Mean days between random split events (12 years), split ratios and their weights. */
  splitMeanGap: 12 * 252,
  splitRatios: [2, 3, 1.5],
  splitWeights: [0.6, 0.2, 0.2],
  /** A split only happens if the post-split close stays above this. */
  splitMinPrice: 5,
  /** Above this close a split also comes with daily probability `splitHighHazard`. */
  splitHighPrice: 400,
  splitHighHazard: 1 / 40,
  /** P(dividend payer) = payerBase + payerSize · sizeRank (about half the names). */
  payerBase: 0.25,
  payerSize: 0.6,
  /** Annual dividend yield uniform on [1%, 4%], paid every 63 days, reset yearly. */
  yieldMin: 0.01,
  yieldMax: 0.04,
  dividendGap: 63,
  /** Dividend never above this fraction of the previous close. */
  dividendCap: 0.05,
  /** Value descriptor: exp(ln bp_i + valueVol · z_t), z an AR(1) with a 252-day half-life. */
  lnValueMean: Math.log(0.5),
  lnValueSd: 0.4,
  valueVol: 0.5,
  valuePhi: Math.pow(0.5, 1 / 252),
  /**
   * Mean daily turnover (volume / shares) of a name ~ turnover · exp(turnoverSd · N); each day's volume
   * is that times an activity of 0.25 + 0.4 · (|ln(close/base)| + ln(high/low)) / (the name's daily
   * vol), so volume rises with the day's move and range (≈ 1 on an average day).
   */
  turnover: 0.004,
  turnoverSd: 0.4,
  /** Intraday shape: open gap and high/low excursion as multiples of the day's total vol. */
  gapVol: 0.25,
  rangeVol: 0.4,
  /** ADV window, in days. */
  advWindow: 20,
});

const NAME_HEADS = ["Al", "Bel", "Cor", "Dra", "El", "Fen", "Gal", "Hal", "Ir", "Jor", "Kel", "Lum"];
const NAME_MIDS = ["a", "e", "i", "o", "u", "ar", "en", "is", "or", "un"];
const NAME_TAILS = ["dex", "tra", "vion", "cor", "nix", "tek", "gen", "lux", "ron", "sys", "var", "ton"];
const NAME_SUFFIXES = ["Corp", "Inc", "Holdings", "Group", "Industries", "Partners", "Systems", "Co"];

/** Per-security draws, fixed over the path. */
interface Profile {
  id: string;
  name: string;
  industry: number;
  beta: number;
  sizeLoading: number;
  idioVol: number;
  turnover: number;
  mcap0: number;
  price0: number;
  /** First and last day index of the listing window (inclusive). */
  first: number;
  last: number;
  payer: boolean;
  yield: number;
  dividendOffset: number;
  lnValueMean: number;
  valueZ0: number;
}

/**
 * Generates the synthetic universe's tables (see the module doc for the model and the corporate-action
 * arithmetic). Securities `SYN0001…`, prices, actions and descriptors in security-major row order.
 *
 * @example
 * ```ts
 * const tables = generateUniverse({ nSecurities: 50, years: 2 });
 * tables.calendar.length; // => 504
 * tables.securities[0].security_id; // => "SYN0001"
 * ```
 */
export function generateUniverse(options: SyntheticOptions = {}): Tables {
  return simulateUniverse(options).tables;
}

/**
 * Generates the universe and also returns the model's true daily total returns, row-aligned with
 * the prices: what back-adjusted closes must reproduce (`adj_close_t / adj_close_{t−1} − 1`).
 *
 * @example
 * ```ts
 * const { tables, ret } = simulateUniverse({ nSecurities: 10, years: 1 });
 * ret.length === tables.prices.close.length; // => true
 * ```
 */
export function simulateUniverse(options: SyntheticOptions = {}): SyntheticUniverse {
  const opts = resolveOptions(options);
  const nDays = Math.round(opts.years * 252);
  const calendar = syntheticCalendar(opts.start, nDays);
  const factors = simulateFactors(createRng(opts.seed), nDays, INDUSTRIES.length);
  const width = Math.max(4, String(opts.nSecurities).length);
  const rngs: Rng[] = [];
  const profiles: Profile[] = [];
  let nRows = 0;
  for (let i = 0; i < opts.nSecurities; i++) {
    const rng = createRng(mixSeed(opts.seed, i + 1));
    const profile = drawProfile(rng, `SYN${String(i + 1).padStart(width, "0")}`, nDays);
    rngs.push(rng);
    profiles.push(profile);
    nRows += profile.last - profile.first + 1;
  }
  const out = allocateRows(nRows);
  let row = 0;
  for (let i = 0; i < profiles.length; i++) {
    const sentimentRng = createRng(mixSeed(opts.seed ^ SENTIMENT_STREAM, i + 1));
    simulatePath(profiles[i], rngs[i], sentimentRng, factors, calendar, opts, out, row);
    row += profiles[i].last - profiles[i].first + 1;
  }
  const securities: SecurityRow[] = profiles.map((p) => ({
    security_id: p.id,
    name: p.name,
    industry: INDUSTRIES[p.industry],
    listed: calendar[p.first],
    delisted: p.last < nDays - 1 ? calendar[p.last] : null,
  }));
  const corporate_actions: ActionColumns = {
    security_id: out.actions.security_id,
    ex_date: Float64Array.from(out.actions.ex_date),
    kind: out.actions.kind,
    value: Float64Array.from(out.actions.value),
  };
  return {
    tables: { securities, prices: out.prices, corporate_actions, descriptors: out.descriptors, calendar },
    ret: out.ret,
    sentiment: out.sentiment,
  };
}

/** Seed offset of the sentiment stream (kept apart so the other draws do not move with it). */
const SENTIMENT_STREAM = 0x5e47;
/** AR(1) coefficient of the latent sentiment (35-day half-life) and of the vendor's error. */
const SENTIMENT_PHI = Math.pow(0.5, 1 / 35);

/** Options of `sentimentSignal`. */
export interface SentimentSignalOptions {
  /** Seed of the vendor's observation error (default 7). */
  seed?: number;
  /** Standard deviation of the observation error relative to the score's (default 0.5). */
  noise?: number;
}

/**
 * Publishes the universe's latent sentiment as a vendor signal in the contract's shape: one row per
 * price row, `signal = q_it + noise·u_it` with u a persistent unit-variance AR(1) error (so the
 * signal is slow, like a real sentiment score), `date_sig` = the row's date (known at that close).
 *
 * @example
 * ```ts
 * const universe = simulateUniverse({ nSecurities: 20, years: 1 });
 * const signal = sentimentSignal(universe);
 * signal.signal.length === universe.tables.prices.close.length; // => true
 * ```
 */
export function sentimentSignal(universe: SyntheticUniverse, options: SentimentSignalOptions = {}): Signal {
  const { seed = 7, noise = 0.5 } = options;
  const prices = universe.tables.prices;
  const n = prices.close.length;
  const rng = createRng(seed);
  const shock = Math.sqrt(1 - SENTIMENT_PHI ** 2);
  const signal = new Float64Array(n);
  let error = 0;
  for (let row = 0; row < n; row++) {
    const first = row === 0 || prices.security_id[row] !== prices.security_id[row - 1];
    error = first ? rng.normal() : SENTIMENT_PHI * error + shock * rng.normal();
    signal[row] = universe.sentiment[row] + noise * error;
  }
  return {
    security_id: prices.security_id,
    date_sig: Float64Array.from(prices.date),
    signal,
    signal_name: "vendor_sentiment",
  };
}

function resolveOptions(options: SyntheticOptions): Required<SyntheticOptions> {
  const opts = { ...DEFAULT_SYNTHETIC, ...options };
  if (!Number.isInteger(opts.seed)) {
    throw new TypeError(`synthetic: seed must be an integer, found ${opts.seed}`);
  }
  if (!Number.isInteger(opts.nSecurities) || opts.nSecurities < 1) {
    throw new RangeError(`synthetic: nSecurities must be an integer ≥ 1, found ${opts.nSecurities}`);
  }
  if (!(opts.years > 0) || Math.round(opts.years * 252) < 2) {
    throw new RangeError(`synthetic: years must give at least 2 trading days, found ${opts.years}`);
  }
  for (const key of ["reversal", "momentum", "value", "sentiment"] as const) {
    if (!Number.isFinite(opts[key])) {
      throw new RangeError(`synthetic: ${key} must be finite, found ${opts[key]}`);
    }
  }
  return opts;
}

/** Derives a per-security seed from the universe seed (splitmix-style integer mix). */
function mixSeed(seed: number, i: number): number {
  let z = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(i, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d) >>> 0;
  return (z ^ (z >>> 12)) | 0;
}

function drawProfile(rng: Rng, id: string, nDays: number): Profile {
  const m = SECURITY_MODEL;
  const name = `${pick(rng, NAME_HEADS)}${pick(rng, NAME_MIDS)}${pick(rng, NAME_TAILS)} ${
    pick(rng, NAME_SUFFIXES)
  }`;
  const industry = rng.int(INDUSTRIES.length);
  const beta = Math.max(m.betaMin, m.betaMean + m.betaSd * rng.normal());
  const lnMcap = Math.min(m.lnMcapMax, Math.max(m.lnMcapMin, m.lnMcapMean + m.lnMcapSd * rng.normal()));
  const sizeRank = (lnMcap - m.lnMcapMin) / (m.lnMcapMax - m.lnMcapMin);
  const price0 = m.priceMin * Math.exp(rng.uniform() * Math.log(m.priceMax / m.priceMin));
  const idioVol = (m.idioVolBase + m.idioVolSmall * (1 - sizeRank) ** 2) / Math.sqrt(252);
  const turnover = m.turnover * Math.exp(m.turnoverSd * rng.normal());
  const room = nDays - 1 - 2 * m.minWindow;
  const lateDraw = rng.uniform(), delistDraw = rng.uniform();
  const first = room > 0 && lateDraw < m.lateListing ? 1 + rng.int(room) : 0;
  const delistRoom = nDays - 1 - first - m.minWindow;
  const last = delistRoom > 0 && delistDraw < m.delisting
    ? first + m.minWindow + rng.int(delistRoom)
    : nDays - 1;
  const payer = rng.uniform() < m.payerBase + m.payerSize * sizeRank;
  const yieldRate = m.yieldMin + (m.yieldMax - m.yieldMin) * rng.uniform();
  return {
    id,
    name,
    industry,
    beta,
    sizeLoading: 0.5 - sizeRank,
    idioVol,
    turnover,
    mcap0: Math.exp(lnMcap),
    price0,
    first,
    last,
    payer,
    yield: yieldRate,
    dividendOffset: 1 + rng.int(m.dividendGap),
    lnValueMean: m.lnValueMean + m.lnValueSd * rng.normal(),
    valueZ0: rng.normal(),
  };
}

function pick(rng: Rng, words: readonly string[]): string {
  return words[rng.int(words.length)];
}

interface RowBuffers {
  prices: PriceColumns;
  descriptors: DescriptorColumns;
  ret: Float64Array;
  sentiment: Float64Array;
  actions: { security_id: string[]; ex_date: number[]; kind: ("split" | "dividend")[]; value: number[] };
}

function allocateRows(n: number): RowBuffers {
  const f = () => new Float64Array(n);
  return {
    prices: {
      security_id: new Array<string>(n),
      date: f(),
      open: f(),
      high: f(),
      low: f(),
      close: f(),
      volume: f(),
    },
    descriptors: { security_id: new Array<string>(n), date: f(), mcap: f(), adv: f(), value: f(), beta: f() },
    ret: f(),
    sentiment: f(),
    actions: { security_id: [], ex_date: [], kind: [], value: [] },
  };
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** Draws the gap in days to the next split event (exponential with mean `splitMeanGap`). */
function splitGap(rng: Rng): number {
  return 1 + Math.floor(-Math.log(1 - rng.uniform()) * SECURITY_MODEL.splitMeanGap);
}

/** Picks a split ratio by weight; 1 (no split) if the post-split close would fall below the minimum. */
function splitRatio(rng: Rng, close: number): number {
  const m = SECURITY_MODEL;
  let u = rng.uniform(), k = 0;
  while (k < m.splitRatios.length - 1 && u >= m.splitWeights[k]) u -= m.splitWeights[k++];
  return close / m.splitRatios[k] >= m.splitMinPrice ? m.splitRatios[k] : 1;
}

/** Simulates one security's path over its listing window and writes its rows from `row0`. */
function simulatePath(
  p: Profile,
  rng: Rng,
  sentimentRng: Rng,
  f: FactorPaths,
  calendar: Float64Array,
  opts: Required<SyntheticOptions>,
  out: RowBuffers,
  row0: number,
): void {
  const m = SECURITY_MODEL;
  const nInd = INDUSTRIES.length;
  const { prices, descriptors, actions } = out;
  const sizeSd = p.sizeLoading * FACTOR_MODEL.sizeVol;
  const totalVol = Math.sqrt(
    (p.beta * FACTOR_MODEL.marketVol) ** 2 + FACTOR_MODEL.industryVol ** 2 + sizeSd ** 2 + p.idioVol ** 2,
  );
  const lnValueSd = Math.sqrt(m.lnValueSd ** 2 + m.valueVol ** 2);
  const valueShock = Math.sqrt(1 - m.valuePhi ** 2);
  const nWindow = p.last - p.first + 1;
  // cum[k] = sum of own residual returns over window days 0..k−1.
  const cum = new Float64Array(nWindow + 1);
  const dollarVolume = new Float64Array(m.advWindow);
  let advSum = 0;
  let close = p.price0;
  let shares = p.mcap0 / p.price0;
  let z = p.valueZ0;
  let q = sentimentRng.normal();
  const sentimentShock = Math.sqrt(1 - SENTIMENT_PHI ** 2);
  let nextSplit = p.first + splitGap(rng);
  let nextDividend = p.payer ? p.first + p.dividendOffset : Infinity;
  let dividendLevel = 0, nDividends = 0;
  for (let k = 0; k < nWindow; k++) {
    const t = p.first + k;
    const row = row0 + k;
    const dayVol = totalVol * f.idioScale[t];
    let base = close, r = NaN;
    if (k > 0) {
      let dividend = 0, ratio = 1;
      if (t >= nextDividend) {
        if (nDividends++ % 4 === 0) dividendLevel = cents(p.yield / 4 * close);
        dividend = Math.min(dividendLevel, cents(m.dividendCap * close));
        nextDividend += m.dividendGap;
      } else if (t >= nextSplit || (close > m.splitHighPrice && rng.uniform() < m.splitHighHazard)) {
        ratio = splitRatio(rng, close);
        nextSplit = t + splitGap(rng);
      }
      if (dividend >= 0.01) {
        actions.security_id.push(p.id);
        actions.ex_date.push(calendar[t]);
        actions.kind.push("dividend");
        actions.value.push(dividend);
        base = close - dividend;
      }
      if (ratio !== 1) {
        actions.security_id.push(p.id);
        actions.ex_date.push(calendar[t]);
        actions.kind.push("split");
        actions.value.push(ratio);
        base = close / ratio;
        shares *= ratio;
        dividendLevel = cents(dividendLevel / ratio);
      }
      const reversal = cum[k] - cum[Math.max(0, k - 5)];
      const momentum = k >= 252 ? cum[k - 21] - cum[k - 252] : 0;
      const valueScore = (p.lnValueMean + m.valueVol * z - m.lnValueMean) / lnValueSd;
      const alpha = -opts.reversal * reversal + opts.momentum * momentum + opts.value / 252 * valueScore +
        opts.sentiment * p.idioVol * q;
      const resid = alpha + p.idioVol * f.idioScale[t] * studentTEven(rng, FACTOR_MODEL.df);
      r = Math.max(
        m.retFloor,
        p.beta * f.market[t] + f.industry[t * nInd + p.industry] + p.sizeLoading * f.size[t] + resid,
      );
      cum[k + 1] = cum[k] + resid;
      close = base * (1 + r);
    }
    z = m.valuePhi * z + valueShock * rng.normal();
    if (k > 0) q = SENTIMENT_PHI * q + sentimentShock * sentimentRng.normal();
    const open = base * Math.exp(m.gapVol * dayVol * rng.normal());
    const high = Math.max(open, close) * Math.exp(m.rangeVol * dayVol * Math.abs(rng.normal()));
    const low = Math.min(open, close) * Math.exp(-m.rangeVol * dayVol * Math.abs(rng.normal()));
    const activity = 0.25 + 0.4 * (Math.abs(Math.log(close / base)) + Math.log(high / low)) / totalVol;
    const volume = Math.max(1, Math.round(shares * p.turnover * activity));
    const slot = k % m.advWindow;
    advSum += close * volume - dollarVolume[slot];
    dollarVolume[slot] = close * volume;
    prices.security_id[row] = p.id;
    prices.date[row] = calendar[t];
    prices.open[row] = open;
    prices.high[row] = high;
    prices.low[row] = low;
    prices.close[row] = close;
    prices.volume[row] = volume;
    descriptors.security_id[row] = p.id;
    descriptors.date[row] = calendar[t];
    descriptors.mcap[row] = shares * close;
    descriptors.adv[row] = advSum / Math.min(k + 1, m.advWindow);
    descriptors.value[row] = Math.exp(p.lnValueMean + m.valueVol * z);
    descriptors.beta[row] = p.beta;
    out.ret[row] = r;
    out.sentiment[row] = q;
  }
}
