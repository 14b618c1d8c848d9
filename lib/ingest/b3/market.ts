/**
 * What a COTAHIST record is: its market (TPMERC), its share class (ESPECI's first word, or the kind of
 * fund/receipt from CODBDI), the store's asset class and the security id it is stored under. This is
 * the market filter: by default only the spot market in standard lots (stocks and units) is kept.
 *
 * Security ids (stable across ticker changes, since B3 keeps an instrument's ISIN when its ticker
 * changes, e.g. VVAR3 → VIIA3):
 * - spot market (TPMERC 010): the ISIN (CODISI), e.g. `BRPETRACNPR6`;
 * - fractional lots (020): `ISIN:F`; term contracts (030): `ISIN:T` + PRAZOT (days), e.g. `…:T030`;
 * - options (070 calls, 080 puts): ticker and expiry, `PETRA400:20240119` (CODISI holds the
 *   underlying's ISIN, and option tickers are reused across years);
 * - before 1995-05-15 CODISI holds B3's internal code, converted to the ISIN by the layout's table
 *   (`codintToIsin`), so a share keeps one id across 1995; a code the table does not cover: `B3:` + ticker.
 */
import type { CotahistQuote } from "./cotahist.ts";
import { TPMERC } from "./layout.ts";
import { codintToIsin, isValidIsin } from "./isin.ts";

/** The markets and instrument kinds the filter can keep. */
export const KEEP_KINDS = ["stocks", "units", "etf", "fii", "bdr", "fractional", "term", "options"] as const;
/** One of `KEEP_KINDS`. */
export type KeepKind = typeof KEEP_KINDS[number];
/** The default: the spot market in standard lots — shares (ON, PN, PNA, …) and units. */
export const DEFAULT_KEEP: readonly KeepKind[] = ["stocks", "units"];

/** `security_master.market`. */
export type B3Market = "spot" | "fractional" | "term" | "call" | "put";

/**
 * `securities.asset_class` of B3 instruments: `equity` (shares: the cross-section every engine reads)
 * and, kept out of it, `unit`, `etf`, `fii`, `bdr`, `fractional`, `term`, `option`.
 */
export type B3AssetClass = "equity" | "unit" | "etf" | "fii" | "bdr" | "fractional" | "term" | "option";

/** What a record is. */
export interface Classification {
  kind: KeepKind;
  market: B3Market;
  assetClass: B3AssetClass;
  /** ON, PN, PNA … PNH (shares), UNIT, ETF, FII, BDR; for options/terms the underlying's class. */
  shareClass: string;
}

/** CODBDI codes of spot shares in standard lots: 02 lote padrão, 05–09 special situations. */
const STANDARD_LOT_CODBDI = new Set(["02", "05", "06", "07", "08", "09"]);
const SHARE_CLASS = /^(ON|PN[A-HV]?|OR|PR[A-HV]?)$/;

/** The class a spot record's ESPECI names: a share class, UNIT, BDR, or null (rights, receipts, …). */
function especiClass(especi: string): string | null {
  const space = especi.indexOf(" ");
  const word = space < 0 ? especi : especi.slice(0, space);
  if (SHARE_CLASS.test(word)) return word;
  if (word === "UNT") return "UNIT";
  if (word.startsWith("DR") || word === "BDR") return "BDR";
  return null;
}

/** The class of a standard-lot record (spot or not) from CODBDI and ESPECI, or null when not kept. */
function instrumentClass(q: Pick<CotahistQuote, "codbdi" | "especi">, spotCodbdi: boolean): string | null {
  if (q.codbdi === "12") return "FII";
  if (q.codbdi === "14") return q.especi.startsWith("CI") ? "ETF" : null;
  return spotCodbdi ? especiClass(q.especi) : null;
}

const KIND_OF_CLASS: Record<string, { kind: KeepKind; assetClass: B3AssetClass }> = {
  UNIT: { kind: "units", assetClass: "unit" },
  BDR: { kind: "bdr", assetClass: "bdr" },
  ETF: { kind: "etf", assetClass: "etf" },
  FII: { kind: "fii", assetClass: "fii" },
};

/**
 * Classifies a record, or returns null for what the pipeline never keeps (rights and receipts,
 * auctions, exercises, futures, debentures, unknown ESPECI).
 *
 * @example
 * ```ts
 * classifyQuote({ tpmerc: 10, codbdi: "02", especi: "UNT     N2" });
 * // => { kind: "units", market: "spot", assetClass: "unit", shareClass: "UNIT" }
 * ```
 */
export function classifyQuote(q: Pick<CotahistQuote, "tpmerc" | "codbdi" | "especi">): Classification | null {
  if (q.tpmerc === TPMERC.spot) {
    const shareClass = instrumentClass(q, STANDARD_LOT_CODBDI.has(q.codbdi));
    if (!shareClass) return null;
    const fund = KIND_OF_CLASS[shareClass];
    return {
      kind: fund?.kind ?? "stocks",
      market: "spot",
      assetClass: fund?.assetClass ?? "equity",
      shareClass,
    };
  }
  if (q.tpmerc === TPMERC.fractional) {
    const shareClass = instrumentClass(q, true);
    return shareClass
      ? { kind: "fractional", market: "fractional", assetClass: "fractional", shareClass }
      : null;
  }
  const underlying = especiClass(q.especi) ?? "";
  if (q.tpmerc === TPMERC.term) {
    return { kind: "term", market: "term", assetClass: "term", shareClass: underlying };
  }
  if (q.tpmerc === TPMERC.call || q.tpmerc === TPMERC.put) {
    return {
      kind: "options",
      market: q.tpmerc === TPMERC.call ? "call" : "put",
      assetClass: "option",
      shareClass: underlying,
    };
  }
  return null;
}

const D = 68, R = 82;

/**
 * A parser prefilter for `keep`: decode only the records that can be kept (by TPMERC, CODBDI and,
 * for BDRs, ESPECI's leading "DR"), and note the ISIN of every fractional-lot line (lot sizes) even
 * when fractional lines are not kept.
 *
 * @example
 * ```ts
 * await parseCotahist(chunks, { file, prefilter: prefilterFor(["stocks"]), onQuote, onIsin });
 * ```
 */
export function prefilterFor(
  keep: readonly KeepKind[],
): (tpmerc: number, codbdi: number, line: Uint8Array, start: number) => boolean | "isin" {
  const want = new Set(keep);
  const shares = want.has("stocks") || want.has("units");
  return (tpmerc, codbdi, line, start) => {
    if (tpmerc === TPMERC.spot) {
      if (codbdi === 12) return want.has("fii");
      if (codbdi === 14) return want.has("etf");
      if (codbdi !== 2 && (codbdi < 5 || codbdi > 9)) return false;
      const bdr = line[start + 39] === D && line[start + 40] === R;
      return bdr ? want.has("bdr") : shares;
    }
    if (tpmerc === TPMERC.fractional) return want.has("fractional") || "isin";
    if (tpmerc === TPMERC.term) return want.has("term");
    if (tpmerc === TPMERC.call || tpmerc === TPMERC.put) return want.has("options");
    return false;
  };
}

/** The ISIN of a CODISI: itself when valid, the converted pre-1995 internal code, or null. */
export function isinOf(codisi: string): string | null {
  return isValidIsin(codisi) ? codisi : codintToIsin(codisi);
}

/** The security id a record is stored under (see the module comment). */
export function securityIdOf(q: CotahistQuote, c: Classification): string {
  if (c.market === "call" || c.market === "put") {
    return `${q.codneg}:${
      q.datven === null ? "none" : new Date(q.datven).toISOString().slice(0, 10).replaceAll("-", "")
    }`;
  }
  const base = isinOf(q.codisi) ?? `B3:${q.codneg}`;
  if (c.market === "fractional") return `${base}:F`;
  if (c.market === "term") return `${base}:T${q.prazot}`;
  return base;
}

/**
 * Standard lot size (shares per round lot), inferred: 1 for fractional lines and FIIs; 100 for
 * options and term contracts; for shares, units, BDRs and ETFs the quotation factor when quoted per
 * 1,000 (FATCOT > 1, the old lots of 1,000), else 100 when the instrument also trades in the
 * fractional market (`hasFractional`) or is a share or unit, else 1.
 */
export function lotSizeOf(
  q: Pick<CotahistQuote, "fatcot">,
  c: Classification,
  hasFractional: boolean,
): number {
  if (c.market === "fractional" || c.shareClass === "FII") return 1;
  if (c.market !== "spot") return 100;
  if (q.fatcot > 1) return q.fatcot;
  return hasFractional || c.assetClass === "equity" || c.assetClass === "unit" ? 100 : 1;
}
