/**
 * A seeded synthetic B3 market written as real-shaped COTAHIST yearly ZIPs, plus the companion files a
 * B3 pipeline reads: a published corporate-action CSV, the CDI as the central bank's CSV export and
 * the Ibovespa as a date,value CSV. It lets the pipeline, the notebook and the benchmarks run where B3
 * cannot be reached; nothing in it is real market data.
 *
 * The market: shares (ON/PN/PNA/PNB), units, ETFs, FIIs and BDRs on B3's calendar, each with a beta to
 * a common market factor (daily log return `β·m + σ·ε`, ε standard normal), a standard-lot record
 * and, for shares, units and BDRs, a fractional-lot record; call and put options on the most liquid
 * shares (monthly expiries, five strikes); a few term contracts. Planted events act on raw prices
 * exactly as on B3: a split of ratio k divides prices by k and multiplies shares traded by k from its
 * ex-date; a cash dividend D lowers the ex-date's base price by D; a market shock moves every
 * instrument by the same factor for one day.
 */
import { join } from "node:path";
import { b3RuleDays } from "../../calendar/b3.ts";
import { createRng, type Rng } from "../../util/rng.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { isinCheckDigit } from "./isin.ts";
import { formatHeader, formatQuote, formatTrailer, latin1Bytes, type QuoteFields } from "./write_cotahist.ts";
import { cotahistFileName } from "./download.ts";
import { writeZip } from "./zip.ts";

const DAY_MS = 86_400_000;

/** A planted split (ratio = shares after per share before; 0.1 = a 10-to-1 reverse split). */
export interface PlantedSplit {
  ticker: string;
  /** Ex-date, YYYY-MM-DD (moved to the next session if not one). */
  date: string;
  ratio: number;
  /** Listed in the published corporate-action CSV (else only detection can find it). */
  published: boolean;
}

/** A planted cash distribution. */
export interface PlantedDividend {
  ticker: string;
  date: string;
  /** BRL per share. */
  amount: number;
  label?: "DIVIDENDO" | "JRS CAP PROPRIO" | "RENDIMENTO";
}

/** Options of the synthetic market. Counts are instruments. */
export interface SyntheticB3Options {
  seed?: number;
  /** First and last calendar year. */
  from: number;
  to: number;
  shares?: number;
  units?: number;
  etfs?: number;
  fiis?: number;
  bdrs?: number;
  /** Shares with listed options (the most liquid ones). */
  optionUnderlyings?: number;
  /** Term contracts per day. */
  terms?: number;
  splits?: readonly PlantedSplit[];
  dividends?: readonly PlantedDividend[];
  /** A one-day move of every instrument (e.g. −0.5), on `date`. */
  shock?: { date: string; move: number };
  /** Daily CDI, percent per day (default 0.04, about 10.6% a year on 252 days). */
  cdi?: number;
}

/** The defaults: a small market (≈ 130 records a day), quick enough for tests and notebooks. */
export const DEFAULT_SYNTHETIC_B3 = {
  seed: 7,
  shares: 30,
  units: 2,
  etfs: 2,
  fiis: 4,
  bdrs: 4,
  optionUnderlyings: 5,
  terms: 2,
  cdi: 0.04,
} as const;

type Kind = "share" | "unit" | "etf" | "fii" | "bdr";

interface Instrument {
  kind: Kind;
  ticker: string;
  root: string;
  isin: string;
  name: string;
  especi: string;
  codbdi: string;
  beta: number;
  sigma: number;
  /** Median shares traded per day. */
  volume: number;
  /** Raw close per day (BRL), volume multiplier per day (splits). */
  close: Float64Array;
  open: Float64Array;
  shareFactor: Float64Array;
}

/** The generated market: days and instruments (raw prices), written by `writeSyntheticB3`. */
export interface SyntheticB3Market {
  days: Float64Array;
  instruments: Instrument[];
  options: Required<Omit<SyntheticB3Options, "splits" | "dividends" | "shock">> & SyntheticB3Options;
  /** The Ibovespa-like index level per day (equal-weight of the shares' returns, 100,000 at the start). */
  index: Float64Array;
}

/** Letters for synthetic issuer codes: "QAAA", "QAAB", … (no real B3 issuer starts with Q…). */
function root(k: number): string {
  const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return `Q${a[Math.floor(k / 676) % 26]}${a[Math.floor(k / 26) % 26]}${a[k % 26]}`;
}

function isin(issuer: string, type: string, id: string): string {
  const first = `BR${issuer}${type}${id}`;
  return first + isinCheckDigit(first);
}

const SHARE_CLASSES = [
  { digit: "3", especi: "ON  NM", id: "OR" },
  { digit: "4", especi: "PN  N1", id: "PR" },
  { digit: "5", especi: "PNA N1", id: "PA" },
  { digit: "6", especi: "PNB N1", id: "PB" },
];

/**
 * Simulates the market (prices, volumes, planted events) for every B3 session of `[from, to]`.
 *
 * @example
 * ```ts
 * const market = syntheticB3Market({ from: 2023, to: 2024 });
 * market.instruments.length; // => 42
 * ```
 */
export function syntheticB3Market(options: SyntheticB3Options): SyntheticB3Market {
  const o = { ...DEFAULT_SYNTHETIC_B3, ...options };
  const rng = createRng(o.seed);
  const days = b3RuleDays(Date.UTC(o.from, 0, 1), Date.UTC(o.to, 11, 31));
  const n = days.length;
  const instruments: Instrument[] = [];
  let k = 0;
  const add = (kind: Kind, count: number) => {
    for (let j = 0; j < count; j++, k++) {
      const issuer = root(k);
      const cls = SHARE_CLASSES[k % SHARE_CLASSES.length];
      const spec = {
        share: {
          ticker: issuer + cls.digit,
          isin: isin(issuer, "ACN", cls.id),
          especi: cls.especi,
          codbdi: "02",
        },
        unit: { ticker: `${issuer}11`, isin: isin(issuer, "CDA", "M1"), especi: "UNT     N2", codbdi: "02" },
        etf: { ticker: `${issuer}11`, isin: isin(issuer, "CTF", "00"), especi: "CI", codbdi: "14" },
        fii: { ticker: `${issuer}11`, isin: isin(issuer, "CTF", "00"), especi: "CI  ER", codbdi: "12" },
        bdr: { ticker: `${issuer}34`, isin: isin(issuer, "BDR", "00"), especi: "DRN", codbdi: "02" },
      }[kind];
      instruments.push({
        kind,
        root: issuer,
        ...spec,
        name: `${kind === "fii" ? "FII" : "SYN"} ${issuer}`,
        beta: kind === "fii" ? 0.3 + 0.3 * rng.uniform() : 0.6 + 0.8 * rng.uniform(),
        sigma: kind === "etf" ? 0.004 : 0.012 + 0.02 * rng.uniform(),
        volume: Math.round(2000 * Math.exp(3 * rng.uniform())) * (kind === "fii" ? 1 : 100),
        close: new Float64Array(n),
        open: new Float64Array(n),
        shareFactor: new Float64Array(n).fill(1),
      });
    }
  };
  add("share", o.shares);
  add("unit", o.units);
  add("etf", o.etfs);
  add("fii", o.fiis);
  add("bdr", o.bdrs);

  const dayIndex = (iso: string) => {
    const ms = Date.parse(`${iso}T00:00:00Z`);
    let t = 0;
    while (t < n && days[t] < ms) t++;
    if (t >= n) throw new RangeError(`synthetic B3: ${iso} is after the market's last day`);
    return t;
  };
  const byTicker = (ticker: string) => {
    const found = instruments.find((i) => i.ticker === ticker);
    if (!found) {
      throw new RangeError(`synthetic B3: no instrument ${ticker} (have ${instruments[0]?.ticker}…)`);
    }
    return found;
  };
  const splitAt = new Map<string, number>();
  for (const s of o.splits ?? []) splitAt.set(`${byTicker(s.ticker).ticker}@${dayIndex(s.date)}`, s.ratio);
  const dividendAt = new Map<string, number>();
  for (const d of o.dividends ?? []) {
    const key = `${byTicker(d.ticker).ticker}@${dayIndex(d.date)}`;
    dividendAt.set(key, (dividendAt.get(key) ?? 0) + d.amount);
  }
  const shockAt = o.shock ? dayIndex(o.shock.date) : -1;

  const market = new Float64Array(n);
  for (let t = 1; t < n; t++) market[t] = 0.0003 + 0.012 * rng.normal();
  const index = new Float64Array(n);
  for (const inst of instruments) {
    let close = 10 + 60 * rng.uniform();
    if (inst.kind === "fii") close = 80 + 60 * rng.uniform();
    for (let t = 0; t < n; t++) {
      let base = close;
      const split = splitAt.get(`${inst.ticker}@${t}`);
      const dividend = dividendAt.get(`${inst.ticker}@${t}`);
      if (dividend) base -= dividend;
      if (split) base /= split;
      inst.shareFactor[t] = (t ? inst.shareFactor[t - 1] : 1) * (split ?? 1);
      const shock = t === shockAt ? Math.log(1 + o.shock!.move) : 0;
      const r = t ? inst.beta * market[t] + inst.sigma * rng.normal() + shock : 0;
      const overnight = t ? 0.3 * r + shock * 0.7 : 0;
      inst.open[t] = base * Math.exp(overnight);
      close = base * Math.exp(r);
      inst.close[t] = close;
    }
  }
  // An equal-weight index of the shares' adjusted returns.
  index[0] = 100_000;
  const shares = instruments.filter((i) => i.kind === "share");
  for (let t = 1; t < n; t++) {
    let sum = 0;
    for (const s of shares) {
      const split = splitAt.get(`${s.ticker}@${t}`) ?? 1;
      const dividend = dividendAt.get(`${s.ticker}@${t}`) ?? 0;
      sum += (s.close[t] * split + dividend) / s.close[t - 1];
    }
    index[t] = index[t - 1] * (shares.length ? sum / shares.length : 1);
  }
  return { days, instruments, options: o as SyntheticB3Market["options"], index };
}

/**
 * The events the demo market plants for `[from, to]`: an unpublished 2-for-1 split of QAAA3 (only
 * detection can find it) on the first session of June of the last year, a published 10-to-1 reverse
 * split of QAAB4 on the first session of March of the first year, and a dividend and an interest on
 * capital (JCP) of QAAC5 on the first session of May of the last year.
 *
 * @example
 * ```ts
 * await writeSyntheticB3(dir, { from: 2023, to: 2024, ...syntheticB3Events(2023, 2024) });
 * ```
 */
export function syntheticB3Events(
  from: number,
  to: number,
): Pick<SyntheticB3Options, "splits" | "dividends"> {
  return {
    splits: [
      { ticker: "QAAA3", date: `${to}-06-01`, ratio: 2, published: false },
      { ticker: "QAAB4", date: `${from}-03-01`, ratio: 0.1, published: true },
    ],
    dividends: [
      { ticker: "QAAC5", date: `${to}-05-02`, amount: 0.85, label: "DIVIDENDO" },
      { ticker: "QAAC5", date: `${to}-05-02`, amount: 0.4, label: "JRS CAP PROPRIO" },
    ],
  };
}

/** Rounds to cents (COTAHIST prices have 2 decimals), keeping at least one cent. */
const cents = (x: number) => Math.max(0.01, Math.round(x * 100) / 100);

/** The COTAHIST records of session `t`, sorted as B3 sorts them (CODBDI, NOMRES, CODNEG). */
function* sessionQuotes(m: SyntheticB3Market, t: number, rng: Rng): Generator<QuoteFields> {
  const date = Number(new Date(m.days[t]).toISOString().slice(0, 10).replaceAll("-", ""));
  const out: QuoteFields[] = [];
  const bar = (inst: Instrument, scale: number) => {
    const c = cents(inst.close[t]), op = cents(inst.open[t]);
    const wiggle = Math.abs(inst.sigma * rng.normal()) * 0.5;
    const hi = cents(Math.max(c, op) * (1 + wiggle)), lo = cents(Math.min(c, op) * (1 - wiggle));
    const quatot = Math.max(
      1,
      Math.round(inst.volume * scale * inst.shareFactor[t] * Math.exp(0.4 * rng.normal())),
    );
    const premed = cents((op + c + hi + lo) / 4);
    return {
      preabe: op,
      premax: hi,
      premin: lo,
      premed,
      preult: c,
      preofc: cents(c * 0.999),
      preofv: cents(c * 1.001),
      quatot,
      voltot: Math.round(quatot * premed * 100) / 100,
      totneg: Math.max(1, Math.round(quatot / (inst.kind === "fii" ? 10 : 300))),
    };
  };
  for (const inst of m.instruments) {
    out.push({
      date,
      codbdi: inst.codbdi,
      codneg: inst.ticker,
      tpmerc: 10,
      nomres: inst.name,
      especi: inst.especi,
      ...bar(inst, 1),
      codisi: inst.isin,
      dismes: 100,
    });
    if (inst.kind === "share" || inst.kind === "unit" || inst.kind === "bdr") {
      out.push({
        date,
        codbdi: "96",
        codneg: `${inst.ticker}F`,
        tpmerc: 20,
        nomres: inst.name,
        especi: inst.especi,
        ...bar(inst, 0.01),
        codisi: inst.isin,
        dismes: 100,
      });
    }
  }
  const underlyings = m.instruments.filter((i) => i.kind === "share").slice(0, m.options.optionUnderlyings);
  const expiry = monthlyExpiry(m.days[t]);
  const series = "ABCDEFGHIJKL"[new Date(expiry).getUTCMonth()];
  const putSeries = "MNOPQRSTUVWX"[new Date(expiry).getUTCMonth()];
  const years = Math.max(1, expiry - m.days[t]) / DAY_MS / 365;
  for (const u of underlyings) {
    const spot = u.close[t];
    for (let s = -2; s <= 2; s++) {
      const strike = cents(spot * (1 + 0.05 * s));
      const code = String(Math.round(strike * 10));
      for (const call of [true, false]) {
        const intrinsic = Math.max(0, call ? spot - strike : strike - spot);
        const price = cents(intrinsic + spot * u.sigma * Math.sqrt(252 * years) * 0.4);
        const ticker = `${u.root}${call ? series : putSeries}${code}`.slice(0, 12);
        out.push({
          date,
          codbdi: call ? "78" : "82",
          codneg: ticker,
          tpmerc: call ? 70 : 80,
          nomres: `${u.root}E`,
          especi: u.especi,
          preabe: price,
          premax: cents(price * 1.05),
          premin: cents(price * 0.95),
          premed: price,
          preult: price,
          quatot: 100 * (1 + rng.int(200)),
          voltot: price * 100,
          totneg: 1 + rng.int(50),
          preexe: strike,
          datven: Number(new Date(expiry).toISOString().slice(0, 10).replaceAll("-", "")),
          codisi: u.isin,
          dismes: 100,
        });
      }
    }
  }
  for (let j = 0; j < m.options.terms && underlyings.length; j++) {
    const u = underlyings[j % underlyings.length];
    const c = cents(u.close[t] * 1.01);
    out.push({
      date,
      codbdi: "62",
      codneg: `${u.ticker}T`,
      tpmerc: 30,
      nomres: u.name,
      especi: u.especi,
      prazot: String([16, 30, 45, 60, 90, 120, 180, 360][j % 8]).padStart(3, "0"),
      preabe: c,
      premax: c,
      premin: c,
      premed: c,
      preult: c,
      quatot: 1000,
      voltot: c * 1000,
      totneg: 1,
      codisi: u.isin,
      dismes: 100,
    });
  }
  out.sort((a, b) =>
    a.codbdi.localeCompare(b.codbdi) || (a.nomres ?? "").localeCompare(b.nomres ?? "") ||
    a.codneg.localeCompare(b.codneg)
  );
  yield* out;
}

/** The third Friday of the month after `day` (a monthly option expiry). */
function monthlyExpiry(day: number): number {
  const d = new Date(day);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const weekday = new Date(first).getUTCDay();
  return first + (((5 - weekday + 7) % 7) + 14) * DAY_MS;
}

/** Latin-1 bytes of year `year`'s COTAHIST text, in chunks of about 1 MiB. */
async function* yearBytes(m: SyntheticB3Market, year: number): AsyncGenerator<Uint8Array> {
  const rng = createRng((m.options.seed ?? 7) * 7919 + year);
  const generated = Number(`${year + 1}0102`);
  let lines: string[] = [formatHeader(year, generated)];
  let records = 1, size = 0;
  for (let t = 0; t < m.days.length; t++) {
    if (new Date(m.days[t]).getUTCFullYear() !== year) continue;
    for (const q of sessionQuotes(m, t, rng)) {
      lines.push(formatQuote(q));
      records++;
      size += 247;
      if (size >= 1 << 20) {
        yield latin1Bytes(lines.join("\r\n") + "\r\n");
        lines = [];
        size = 0;
      }
    }
  }
  lines.push(formatTrailer(year, generated, records + 1));
  yield latin1Bytes(lines.join("\r\n") + "\r\n");
}

/** Files `writeSyntheticB3` wrote. */
export interface SyntheticB3Files {
  /** One `COTAHIST_AYYYY.ZIP` per year. */
  cotahist: string[];
  /** The published corporate actions (planted splits with `published`, every dividend). */
  corporateActions: string;
  /** The CDI as the central bank's SGS CSV export (`data;valor`, DD/MM/YYYY, decimal comma). */
  cdi: string;
  /** The index as `date,value`. */
  ibov: string;
}

/**
 * Writes the synthetic market into `dir`: yearly COTAHIST ZIPs (streamed, so a 1M-record year needs
 * no more memory than a chunk) and the corporate-action, CDI and index CSVs.
 *
 * @example
 * ```ts
 * const files = await writeSyntheticB3("data/raw/b3-demo", { from: 2023, to: 2024 });
 * files.cotahist; // => [".../COTAHIST_A2023.ZIP", ".../COTAHIST_A2024.ZIP"]
 * ```
 */
export async function writeSyntheticB3(dir: string, options: SyntheticB3Options): Promise<SyntheticB3Files> {
  const m = syntheticB3Market(options);
  await Deno.mkdir(dir, { recursive: true });
  const cotahist: string[] = [];
  for (let year = m.options.from; year <= m.options.to; year++) {
    const name = cotahistFileName({ kind: "yearly", year });
    const path = join(dir, name);
    await writeZip(path, [{ name: name.replace(".ZIP", ".TXT"), data: () => yearBytes(m, year) }]);
    cotahist.push(path);
  }
  const iso = (t: number) => new Date(m.days[t]).toISOString().slice(0, 10);
  const dayOf = (text: string) => m.days.findIndex((d) => d >= Date.parse(`${text}T00:00:00Z`));
  const events = ["isin,ticker,label,last_date_prior,ex_date,factor,rate"];
  for (const s of options.splits ?? []) {
    if (!s.published) continue;
    const inst = m.instruments.find((i) => i.ticker === s.ticker)!;
    const t = dayOf(s.date);
    const [label, factor] = s.ratio > 1 ? ["DESDOBRAMENTO", (s.ratio - 1) * 100] : ["GRUPAMENTO", s.ratio];
    events.push(`${inst.isin},${s.ticker},${label},${iso(t - 1)},,${factor},`);
  }
  for (const d of options.dividends ?? []) {
    const inst = m.instruments.find((i) => i.ticker === d.ticker)!;
    events.push(`${inst.isin},${d.ticker},${d.label ?? "DIVIDENDO"},${iso(dayOf(d.date) - 1)},,,${d.amount}`);
  }
  const corporateActions = join(dir, "corporate_actions.csv");
  await writeFileAtomic(corporateActions, events.join("\n") + "\n");
  const cdi = join(dir, "cdi_sgs12.csv");
  const ddmmyyyy = (t: number) => iso(t).split("-").reverse().join("/");
  const rate = m.options.cdi.toFixed(6).replace(".", ",");
  await writeFileAtomic(
    cdi,
    ['"data";"valor"', ...Array.from(m.days, (_, t) => `"${ddmmyyyy(t)}";"${rate}"`)].join("\n") + "\n",
  );
  const ibov = join(dir, "ibov.csv");
  await writeFileAtomic(
    ibov,
    ["date,value", ...Array.from(m.index, (v, t) => `${iso(t)},${v.toFixed(2)}`)].join("\n") + "\n",
  );
  return { cotahist, corporateActions, cdi, ibov };
}
