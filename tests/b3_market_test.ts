import { deepEqual, equal, ok } from "node:assert/strict";
import {
  classifyQuote,
  codintToIsin,
  type CotahistQuote,
  currencyOn,
  detectSplitsIn,
  isinCheckDigit,
  isValidIsin,
  lotSizeOf,
  type PriceSeries,
  securityIdOf,
  unitsPerBrl,
} from "../lib/ingest/b3/mod.ts";
import { assertAlmostEquals } from "./_assert.ts";

const DAY_MS = 86_400_000;

Deno.test("isinCheckDigit() is ISO 6166's Luhn check", () => {
  // Published ISINs: Apple US0378331005, Petrobras PN BRPETRACNPR6, Ambev ON BRABEVACNOR1,
  // Vale ON BRVALEACNOR0, iShares BOVA11 BRBOVACTF003, Taesa units BRTAEECDAM10.
  for (
    const code of [
      "US0378331005",
      "BRPETRACNPR6",
      "BRABEVACNOR1",
      "BRVALEACNOR0",
      "BRBOVACTF003",
      "BRTAEECDAM10",
    ]
  ) {
    equal(isinCheckDigit(code.slice(0, 11)), Number(code[11]), code);
    ok(isValidIsin(code), code);
  }
  ok(!isValidIsin("BRPETRACNPR5"), "wrong check digit");
  ok(!isValidIsin("PETR  ACPN"), "B3's pre-1995 internal code is no ISIN");
});

Deno.test("codintToIsin() converts B3's pre-1995 internal codes by the layout's table", () => {
  // The converted codes are the ISINs B3 has used since 1995 (Petrobras PN, Vale ON, Itaú PN,
  // Bradesco PN): the table's rule BR + SOCEMI + ACN + OR/PR + check digit reproduces them.
  equal(codintToIsin("PETRACPN  "), "BRPETRACNPR6");
  equal(codintToIsin("VALEACON  "), "BRVALEACNOR0");
  equal(codintToIsin("ITUBACPN  "), "BRITUBACNPR1");
  equal(codintToIsin("BBDCACPN  "), "BRBBDCACNPR8");
  equal(codintToIsin("ABCDACPNA "), `BRABCDACNPA${isinCheckDigit("BRABCDACNPA")}`, "PNA ⇒ identifier PA");
  equal(codintToIsin("XXXXZZON  "), null, "a title type the table does not cover");
});

Deno.test("unitsPerBrl() converts Brazil's old currencies to reais", () => {
  // BCB: R$1 = CR$2,750 (1994-07-01); CR$1 = Cr$1,000 (1993-08-01); Cr$1 = NCz$1 (1990-03-16);
  // NCz$1 = Cz$1,000 (1989-01-16); Cz$1 = Cr$1,000 (1986-02-28).
  equal(unitsPerBrl("R$", Date.UTC(2024, 0, 2)), 1);
  equal(unitsPerBrl("CR$", Date.UTC(1994, 0, 3)), 2750);
  equal(unitsPerBrl("CR$", Date.UTC(1992, 5, 1)), 2.75e6);
  equal(unitsPerBrl("NCZ$", Date.UTC(1989, 5, 1)), 2.75e6);
  equal(unitsPerBrl("CZ$", Date.UTC(1987, 5, 1)), 2.75e9);
  equal(unitsPerBrl("CR$", Date.UTC(1986, 0, 15)), 2.75e12);
  equal(unitsPerBrl("", Date.UTC(1988, 0, 4)), 2.75e9, "blank MODREF: the currency of the day");
  ok(Number.isNaN(unitsPerBrl("US$", Date.UTC(2024, 0, 2))));
  equal(currencyOn(Date.UTC(1994, 6, 1)).name, "Real");
});

const quote = (over: Partial<CotahistQuote>): CotahistQuote => ({
  line: 2,
  tipreg: 1,
  date: Date.UTC(2024, 0, 2),
  codbdi: "02",
  codneg: "PETR4",
  tpmerc: 10,
  nomres: "PETROBRAS",
  especi: "PN  N2",
  prazot: "",
  modref: "R$",
  preabe: 1,
  premax: 1,
  premin: 1,
  premed: 1,
  preult: 1,
  preofc: 1,
  preofv: 1,
  totneg: 1,
  quatot: 100,
  voltot: 100,
  preexe: 0,
  indopc: 0,
  datven: null,
  fatcot: 1,
  ptoexe: 0,
  codisi: "BRPETRACNPR6",
  dismes: 1,
  ...over,
});

Deno.test("classifyQuote() and securityIdOf() sort records into the store's classes", () => {
  const cases: [Partial<CotahistQuote>, string | null, string, string, string][] = [
    [{}, "stocks", "equity", "PN", "BRPETRACNPR6"],
    [
      { codbdi: "08", especi: "ON", codneg: "OIBR3", codisi: "BROIBRACNOR1" },
      "stocks",
      "equity",
      "ON",
      "BROIBRACNOR1",
    ],
    [
      { especi: "UNT     N2", codneg: "TAEE11", codisi: "BRTAEECDAM10" },
      "units",
      "unit",
      "UNIT",
      "BRTAEECDAM10",
    ],
    [{ codbdi: "14", especi: "CI", codisi: "BRBOVACTF003" }, "etf", "etf", "ETF", "BRBOVACTF003"],
    [{ codbdi: "12", especi: "CI  ER", codisi: "BRHGLGCTF004" }, "fii", "fii", "FII", "BRHGLGCTF004"],
    [{ especi: "DRN", codisi: "BRAAPLBDR004" }, "bdr", "bdr", "BDR", "BRAAPLBDR004"],
    [{ codbdi: "96", tpmerc: 20, codneg: "PETR4F" }, "fractional", "fractional", "PN", "BRPETRACNPR6:F"],
    [{ codbdi: "62", tpmerc: 30, prazot: "030" }, "term", "term", "PN", "BRPETRACNPR6:T030"],
    [
      { codbdi: "82", tpmerc: 80, codneg: "PETRM400", datven: Date.UTC(2024, 0, 19) },
      "options",
      "option",
      "PN",
      "PETRM400:20240119",
    ],
    [{ codisi: "PETRACPN  \u0001\u0017" }, "stocks", "equity", "PN", "BRPETRACNPR6"],
    [{ codisi: "PETR  ACPN" }, "stocks", "equity", "PN", "B3:PETR4"],
  ];
  for (const [over, kind, assetClass, shareClass, id] of cases) {
    const q = quote(over);
    const c = classifyQuote(q)!;
    deepEqual(
      [c.kind, c.assetClass, c.shareClass, securityIdOf(q, c)],
      [kind, assetClass, shareClass, id],
      JSON.stringify(over),
    );
  }
  equal(classifyQuote(quote({ codbdi: "10", especi: "DIR PRE N2" })), null, "subscription rights");
  equal(classifyQuote(quote({ tpmerc: 12 })), null, "option exercise");
  equal(classifyQuote(quote({ codbdi: "14", especi: "DEB" })), null, "debentures");
});

Deno.test("lotSizeOf() infers the standard lot", () => {
  const c = (over: Partial<CotahistQuote>) => classifyQuote(quote(over))!;
  equal(lotSizeOf({ fatcot: 1 }, c({}), true), 100, "shares: 100");
  equal(lotSizeOf({ fatcot: 1000 }, c({}), false), 1000, "quoted per 1,000: lots of 1,000");
  equal(lotSizeOf({ fatcot: 1 }, c({ codbdi: "12", especi: "CI" }), false), 1, "FII: 1");
  equal(lotSizeOf({ fatcot: 1 }, c({ especi: "DRN" }), false), 1, "BDR without a fractional market: 1");
  equal(lotSizeOf({ fatcot: 1 }, c({ especi: "DRN" }), true), 100, "BDR with a fractional market: 100");
  equal(lotSizeOf({ fatcot: 1 }, c({ codbdi: "96", tpmerc: 20 }), true), 1, "fractional lines: 1");
  equal(lotSizeOf({ fatcot: 1 }, c({ codbdi: "78", tpmerc: 70 }), true), 100, "options: 100");
});

/** 60 sessions of a flat series at 100 with 1,000 shares a day, then `change` applied from day 30. */
function series(id: string, change: { price?: number; volume?: number } = {}): PriceSeries {
  const days = Float64Array.from({ length: 60 }, (_, t) => Date.UTC(2024, 0, 1) + t * DAY_MS);
  const after = (t: number, before: number, factor = 1) => (t >= 30 ? before * factor : before);
  return {
    security_id: id,
    days,
    open: Float64Array.from(days, (_, t) => after(t, 100, change.price)),
    close: Float64Array.from(days, (_, t) => after(t, 100, change.price)),
    volume: Float64Array.from(days, (_, t) => after(t, 1000, change.volume)),
  };
}

Deno.test("detectSplitsIn() scores the evidence of a split", async (t) => {
  const flat = ["B", "C", "D", "E"].map((id) => series(id));
  await t.step("a 2-for-1 split: price halves, shares traded double, nothing else moves", () => {
    const [s] = detectSplitsIn([series("A", { price: 0.5, volume: 2 }), ...flat], new Map());
    // g = 50/100, M = median(log g) = 0 (the other four are flat) ⇒ e = |log 0.5 + log 2| = 0,
    // s_p = 1; v = 2000/1000 = 2 ⇒ s_v = 1; l = 50/100 ⇒ s_l = 1; |M| = 0 ⇒ s_m = 1: confidence 1.
    deepEqual(
      [
        s.security_id,
        s.ex_date,
        s.ratio,
        s.price_ratio,
        s.volume_ratio,
        s.level_ratio,
        s.market_move,
        s.status,
      ],
      ["A", Date.UTC(2024, 0, 31), 2, 2, 2, 0.5, 0, "applied"],
    );
    assertAlmostEquals(s.confidence, 1, 1e-12);
  });
  await t.step("a 1-to-10 reverse split", () => {
    const [s] = detectSplitsIn([series("A", { price: 10, volume: 0.1 }), ...flat], new Map());
    deepEqual([s.ratio, s.status], [0.1, "applied"]);
  });
  await t.step("a −50% crash on unchanged volume is not applied", () => {
    const [s] = detectSplitsIn([series("A", { price: 0.5 }), ...flat], new Map());
    // v = 1 ⇒ s_v = 1 − |0 − log 2| / log 2 = 0 ⇒ confidence = 1 · 0.25 · 1 · 1 = 0.25 < 0.5.
    assertAlmostEquals(s.confidence, 0.25, 1e-12);
    equal(s.status, "rejected");
  });
  await t.step("a market-wide halving is no split, even with volume doubling", () => {
    const all = ["A", "B", "C", "D", "E"].map((id) => series(id, { price: 0.5, volume: 2 }));
    deepEqual(detectSplitsIn(all, new Map()), []);
  });
  await t.step("a name that stands still while the market halves is no reverse split", () => {
    const market = ["B", "C", "D", "E"].map((id) => series(id, { price: 0.5 }));
    deepEqual(detectSplitsIn([series("A"), ...market], new Map()), [], "|M| = log 2 > 0.3 ⇒ s_m = 0");
  });
  await t.step("a published split within 5 sessions takes over", () => {
    const [s] = detectSplitsIn(
      [series("A", { price: 0.5, volume: 2 }), ...flat],
      new Map([["A", [Date.UTC(2024, 0, 30)]]]),
    );
    equal(s.status, "published");
  });
});
