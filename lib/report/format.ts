/**
 * One formatting rule per kind of quantity, shared by every table, view, tear sheet, chart tooltip and
 * CLI table: percent, ratio, bps, count, money, date, plain number, text. A column is formatted with one
 * spec (kind + fixed decimals) chosen from its values, so digits never vary inside a column, numbers
 * never switch to exponent notation, and distinct values never round to the same text.
 */

import { isoDate } from "../panel/types.ts";

/**
 * Kinds of quantity, each with one display rule:
 * - `percent`: a fraction shown ×100 with a `%` (`0.1234` → `12.34%`), returns, volatility, drawdown, weights;
 * - `ratio`: a dimensionless number with fixed decimals (`1.75`), Sharpe, beta, IC, t-stat, turnover;
 * - `bps`: a fraction shown ×1e4 in basis points (`0.00123` → `12.3`), costs and small spreads;
 * - `count`: grouped integers (`12,345`; averages of counts with one decimal);
 * - `money`: an amount, grouped with 2 decimals below a million, compact above (`1.23M`, `4.5B`);
 * - `date`: epoch ms or `Date` as `YYYY-MM-DD` (with `HH:MM` when not at midnight UTC);
 * - `number`: any other number, with fixed decimals for 3 significant digits of the column's median;
 * - `text`: as given.
 */
export type Quantity = "percent" | "ratio" | "bps" | "count" | "money" | "date" | "number" | "text";

/** How a value or a column is shown: its kind and fixed decimals (absent: the kind's default). */
export interface FormatSpec {
  readonly kind: Quantity;
  readonly decimals?: number;
}

/** Decimal bounds per kind: `[minimum, maximum]` a column may use (the minimum is the default). */
const DECIMALS: Record<Quantity, readonly [number, number]> = {
  percent: [2, 4],
  ratio: [2, 4],
  bps: [1, 3],
  count: [0, 1],
  money: [2, 2],
  date: [0, 0],
  number: [0, 6],
  text: [0, 0],
};

/** Significant digits the adaptive decimals aim for (of a column's median magnitude), per kind. */
const SIGNIFICANT: Record<Quantity, number> = {
  percent: 3,
  ratio: 2,
  bps: 2,
  count: 0,
  money: 0,
  date: 0,
  number: 3,
  text: 0,
};

const groupedCache = new Map<number, Intl.NumberFormat>();
function grouped(decimals: number): Intl.NumberFormat {
  let f = groupedCache.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    groupedCache.set(decimals, f);
  }
  return f;
}
const compact = new Intl.NumberFormat("en-US", {
  notation: "compact",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** Values at or above this magnitude show as compact money (`1.23M`). */
const COMPACT_FROM = 1e6;

/** A number's display text with no `-0.00`: negative zero after rounding shows unsigned. */
function signed(text: string): string {
  if (!text.includes("-")) return text; // most values: no sign to check (hover texts format hundreds)
  return /^-[0.,]*$/.test(text.replace(/[%a-zA-Z\s]/g, "")) ? text.slice(1) : text;
}

/**
 * The text of one value under a spec: non-finite numbers `—` (NaN, null, undefined) or `∞` / `-∞`;
 * see `Quantity` for each kind's rule. Strings are returned as given.
 *
 * @example
 * ```ts
 * formatQuantity(0.12345, { kind: "percent" }); // => "12.35%"
 * formatQuantity(0.0183, { kind: "ratio", decimals: 4 }); // => "0.0183"
 * formatQuantity(0.00123, { kind: "bps" }); // => "12.3"
 * formatQuantity(2.5e9, { kind: "money" }); // => "2.50B"
 * formatQuantity(Date.UTC(2024, 0, 2), { kind: "date" }); // => "2024-01-02"
 * ```
 */
export function formatQuantity(value: unknown, spec: FormatSpec): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (value instanceof Date) return formatDate(value.getTime());
  if (typeof value === "bigint") return grouped(0).format(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value !== "number") return String(value);
  if (Number.isNaN(value)) return "—";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "-∞";
  const decimals = spec.decimals ?? DECIMALS[spec.kind][0];
  switch (spec.kind) {
    case "percent":
      return signed(`${grouped(decimals).format(value * 100)}%`);
    case "bps":
      return signed(grouped(decimals).format(value * 1e4));
    case "money":
      return signed(
        Math.abs(value) >= COMPACT_FROM ? compact.format(value) : grouped(decimals).format(value),
      );
    case "date":
      return formatDate(value);
    case "text":
      return String(value);
    default:
      return signed(grouped(decimals).format(value));
  }
}

function formatDate(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (ms % 86_400_000 === 0) return isoDate(ms);
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

/** Decimals that show `significant` digits of a positive magnitude: (0.0183, 3) → 4, (1.75, 3) → 2. */
function decimalsFor(magnitude: number, significant: number): number {
  if (!(magnitude > 0) || !Number.isFinite(magnitude)) return 0;
  return Math.max(0, significant - 1 - Math.floor(Math.log10(magnitude)));
}

/** The value as the kind displays it before rounding (percent ×100, bps ×1e4). */
function scaled(kind: Quantity, value: number): number {
  return kind === "percent" ? value * 100 : kind === "bps" ? value * 1e4 : value;
}

/**
 * The spec one column of numbers is shown with: its kind, and decimals fixed for the whole column —
 * the kind's minimum, raised to show the median magnitude's leading digits (3 for percent and plain
 * numbers, 2 for ratios and bps; at most 4 decimals for percent and ratios, 3 for bps, 6 for plain
 * numbers; counts take one decimal only when some value is fractional), then raised again (within
 * the same bound) while more than one in five different values would print like its neighbour
 * (unless `distinct: false`, e.g. for tooltips). `min` raises the minimum; an explicit
 * `decimals` is kept as given.
 *
 * @example
 * ```ts
 * columnSpec("ratio", [1.4, 0.446, 0.163]); // => { kind: "ratio", decimals: 2 }
 * columnSpec("ratio", [0.0183, 0.0185, 0.0191]); // => { kind: "ratio", decimals: 4 } (at 3: 0.019 twice)
 * columnSpec("percent", [8.41e-5, 3.55e-4]); // => { kind: "percent", decimals: 4 }
 * ```
 */
export function columnSpec(
  kind: Quantity,
  values: ArrayLike<unknown>,
  decimals?: number,
  { distinct = true, min }: { distinct?: boolean; min?: number } = {},
): FormatSpec {
  if (decimals !== undefined) return { kind, decimals };
  if (kind === "text" || kind === "date") return { kind };
  const numbers: number[] = [];
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v === "number" && Number.isFinite(v)) numbers.push(v);
  }
  const lo = Math.max(DECIMALS[kind][0], min ?? 0), hi = Math.max(DECIMALS[kind][1], lo);
  if (kind === "count") return { kind, decimals: numbers.every(Number.isInteger) ? 0 : 1 };
  if (kind === "money" || numbers.length === 0) return { kind, decimals: lo };
  const magnitudes = numbers.map((v) => Math.abs(scaled(kind, v))).filter((m) => m > 0).sort((a, b) => a - b);
  const median = magnitudes.length ? magnitudes[Math.floor((magnitudes.length - 1) / 2)] : 0;
  let d = Math.min(hi, Math.max(lo, decimalsFor(median, SIGNIFICANT[kind])));
  if (kind === "number" && numbers.every(Number.isInteger)) d = 0;
  if (!distinct) return { kind, decimals: d };
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  while (d < hi && collides(sorted, kind, d)) d++;
  return { kind, decimals: d };
}

/**
 * Whether too many different (sorted, distinct) values print the same at `decimals`: more than one
 * tie per five values (a long column may have the odd tie; six variants reading 0.57 may not).
 */
function collides(sorted: readonly number[], kind: Quantity, decimals: number): boolean {
  let ties = 0;
  for (let k = 1; k < sorted.length; k++) {
    const a = sorted[k - 1], b = sorted[k];
    if (Math.abs(b - a) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))) continue;
    if (formatQuantity(a, { kind, decimals }) === formatQuantity(b, { kind, decimals })) ties++;
  }
  return ties > Math.floor((sorted.length - 1) / 5);
}

/**
 * The spec for a single value (a key number, a tooltip, a metric/value row): the column rule applied
 * to one value, so `0.0183` as a ratio shows `0.0183` and `1.75` shows `1.75`.
 *
 * @example
 * ```ts
 * formatQuantity(0.0183, valueSpec("ratio", 0.0183)); // => "0.0183"
 * ```
 */
export function valueSpec(kind: Quantity, value: unknown): FormatSpec {
  return columnSpec(kind, [value]);
}

const PERCENT_WORDS = new Set([
  "ret",
  "rets",
  "return",
  "returns",
  "cagr",
  "vol",
  "volatility",
  "drawdown",
  "dd",
  "weight",
  "weights",
  "pct",
  "percent",
  "hit",
  "win",
  "exposure",
  "net",
  "gross",
  "long",
  "short",
  "cumulative",
  "coverage",
  "share",
  "alpha",
  "var",
  "cvar",
  "es",
  "cash",
]);
const RATIO_WORDS = new Set([
  "sharpe",
  "sortino",
  "calmar",
  "omega",
  "beta",
  "ir",
  "ic",
  "corr",
  "correlation",
  "autocorr",
  "autocorrelation",
  "t",
  "tstat",
  "stat",
  "skew",
  "kurtosis",
  "monotonicity",
  "turnover",
  "ratio",
  "factor",
  "capture",
  "stability",
  "r2",
  "squared",
  "payoff",
  "index",
  "confidence",
]);
const COUNT_WORDS = new Set([
  "n",
  "count",
  "obs",
  "days",
  "periods",
  "rows",
  "trades",
  "names",
  "securities",
  "bars",
  "duration",
  "records",
  "tickers",
  "sessions",
  "files",
  "bytes",
  "consecutive",
  "wins",
  "losses",
  "variants",
  "trials",
  "folds",
  "size",
  "lot",
]);
const MONEY_WORDS = new Set([
  "adv",
  "mcap",
  "pnl",
  "notional",
  "equity",
  "nav",
  "price",
  "close",
  "open",
  "high",
  "low",
  "fee",
  "fees",
  "tax",
  "taxes",
  "traded",
  "capital",
]);
const DATE_WORDS = new Set(["date", "sig", "avail", "start", "end", "time", "timestamp"]);
const RAW_WORDS = new Set([
  "year",
  "id",
  "seed",
  "step",
  "rank",
  "column",
  "fold",
  "window",
  "lag",
  "quantile",
]);

/** Metric names the word rules would misread (probabilities shown as percent, durations as counts). */
const EXACT_KINDS: Record<string, Quantity> = {
  probabilistic_sharpe: "percent",
  probabilistic_sortino: "percent",
  kelly_criterion: "percent",
  risk_of_ruin: "percent",
  batting_average: "percent",
  expected_return: "percent",
  expected_monthly_return: "percent",
  expected_yearly_return: "percent",
  best_period: "percent",
  worst_period: "percent",
  avg_win: "percent",
  avg_loss: "percent",
  tracking_error: "percent",
  downside_risk: "percent",
  recovery_time: "count",
  max_drawdown_duration: "count",
};

/** Lower-case words of a key: `maxDrawdown`, `max_drawdown` and `max drawdown` all give max, drawdown. */
export function keyWords(key: string): string[] {
  return key.split(/[_\s\-./()·:,]+|(?<=[a-z0-9])(?=[A-Z])/).map((w) => w.toLowerCase()).filter(Boolean);
}

/**
 * The kind a column or metric name reads as, for numbers: `bps` when a word is bps; `count` for
 * count words (n, days, trades, names, duration, …; wins over return words, so `n_long` is a count);
 * `date` when every word is a date word (date, date_sig, start, peak, …); `percent` for return-like
 * words (ret, return, vol, drawdown, net, gross, weight, hit, alpha, var, …); `ratio` for Sharpe-like
 * words (sharpe, sortino, beta, ic, corr, t_stat, turnover, …); `money` for amounts (adv, mcap, pnl,
 * price, nav, …); else `number`. Identifiers (year, id, seed, rank, lag, …) are `raw` (integers as-is).
 *
 * @example
 * ```ts
 * quantityOf("max_drawdown"); // => "percent"
 * quantityOf("ic_t_stat"); // => "ratio"
 * quantityOf("n_days"); // => "count"
 * quantityOf("turnover"); // => "ratio"
 * quantityOf("tc_bps"); // => "bps"
 * ```
 */
export function quantityOf(key: string): Quantity | "raw" {
  const exact = EXACT_KINDS[key];
  if (exact) return exact;
  const words = keyWords(key);
  if (words.length === 0) return "number";
  if (words.includes("bps")) return "bps";
  if (words.every((w) => DATE_WORDS.has(w)) && words.some((w) => w !== "sig")) return "date";
  if (words.some((w) => COUNT_WORDS.has(w))) return "count";
  if (words.length === 1 && RAW_WORDS.has(words[0])) return "raw";
  if (words.some((w) => RATIO_WORDS.has(w))) return "ratio";
  if (words.some((w) => PERCENT_WORDS.has(w))) return "percent";
  if (words.some((w) => MONEY_WORDS.has(w))) return "money";
  if (words.some((w) => RAW_WORDS.has(w))) return "raw";
  return "number";
}
