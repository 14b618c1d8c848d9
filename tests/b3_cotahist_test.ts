import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import {
  CotahistError,
  type CotahistQuote,
  parseCotahist,
  type ParseOptions,
} from "../lib/ingest/b3/cotahist.ts";
import { cotahistPeriod, cotahistTexts } from "../lib/ingest/b3/source.ts";
import { formatQuote, latin1Bytes } from "../lib/ingest/b3/write_cotahist.ts";
import { crc32, zipEntries } from "../lib/ingest/b3/zip.ts";
import { FIXTURE_QUOTES, fixtureText, writeFixtureFiles } from "./fixtures/b3/cotahist.ts";

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let k = 0; k < bytes.length; k += size) yield bytes.subarray(k, k + size);
}

async function parseText(text: string, options: Partial<ParseOptions> = {}, chunk = 997) {
  const quotes: CotahistQuote[] = [];
  const report = await parseCotahist(chunked(latin1Bytes(text), chunk), {
    file: "fixture.txt",
    onQuote: (q) => quotes.push(q),
    ...options,
  });
  return { quotes, report };
}

const day = Date.UTC(2024, 0, 2);

/** PETR4's record typed by hand from the official layout's positions (1-based, inclusive). */
const PETR4_LINE = "01" + // 1-2 TIPREG
  "20240102" + // 3-10 DATA
  "02" + // 11-12 CODBDI
  "PETR4       " + // 13-24 CODNEG
  "010" + // 25-27 TPMERC
  "PETROBRAS   " + // 28-39 NOMRES
  "PN  N2    " + // 40-49 ESPECI
  "   " + // 50-52 PRAZOT
  "R$  " + // 53-56 MODREF
  "0000000003740" + // 57-69 PREABE 37.40
  "0000000003795" + // 70-82 PREMAX 37.95
  "0000000003730" + // 83-95 PREMIN 37.30
  "0000000003771" + // 96-108 PREMED 37.71
  "0000000003782" + // 109-121 PREULT 37.82
  "0000000003781" + // 122-134 PREOFC 37.81
  "0000000003782" + // 135-147 PREOFV 37.82
  "41234" + // 148-152 TOTNEG
  "000000000038123400" + // 153-170 QUATOT
  "000000143763445812" + // 171-188 VOLTOT 1,437,634,458.12
  "0000000000000" + // 189-201 PREEXE
  "0" + // 202 INDOPC
  "99991231" + // 203-210 DATVEN (none)
  "0000001" + // 211-217 FATCOT
  "0000000000000" + // 218-230 PTOEXE
  "BRPETRACNPR6" + // 231-242 CODISI
  "255"; // 243-245 DISMES

Deno.test("formatQuote() writes the official layout's positions", () => {
  equal(PETR4_LINE.length, 245);
  equal(formatQuote(FIXTURE_QUOTES[0]), PETR4_LINE);
  const text = fixtureText("\r\n");
  equal(text.slice(0, 31), "00COTAHIST.2024BOVESPA 20240103");
  // Trailer: 11 records (header + 9 quotes + trailer) at positions 32-42.
  const trailer = text.slice(0, -2).split("\r\n").at(-1)!;
  equal(trailer.slice(0, 42), "99COTAHIST.2024BOVESPA 2024010300000000011");
  equal(trailer.length, 245);
});

Deno.test("parseCotahist() decodes every field of the 01 record", async (t) => {
  const { quotes, report } = await parseText(fixtureText("\r\n"));
  await t.step("header, trailer, counts", () => {
    deepEqual(report.header, {
      file_name: "COTAHIST.2024",
      origin: "BOVESPA",
      generated: Date.UTC(2024, 0, 3),
    });
    equal(report.trailer?.records, 11);
    equal(report.records, 11);
    equal(report.quotes, 9);
    equal(report.kept, 9);
    deepEqual(report.warnings, []);
    equal(report.problemCount, 0);
  });
  await t.step("a spot stock, field by field (values from PETR4_LINE above)", () => {
    deepEqual(quotes[0], {
      line: 2,
      tipreg: 1,
      date: day,
      codbdi: "02",
      codneg: "PETR4",
      tpmerc: 10,
      nomres: "PETROBRAS",
      especi: "PN  N2",
      prazot: "",
      modref: "R$",
      preabe: 37.4,
      premax: 37.95,
      premin: 37.3,
      premed: 37.71,
      preult: 37.82,
      preofc: 37.81,
      preofv: 37.82,
      totneg: 41234,
      quatot: 38123400,
      voltot: 1437634458.12,
      preexe: 0,
      indopc: 0,
      datven: null,
      fatcot: 1,
      ptoexe: 0,
      codisi: "BRPETRACNPR6",
      dismes: 255,
    });
  });
  await t.step("FATCOT 1000: prices per share (PREULT 12900.00 per 1,000 shares → 12.90)", () => {
    const q = quotes[1];
    equal(q.fatcot, 1000);
    deepEqual([q.preabe, q.premax, q.premin, q.premed, q.preult], [12.5, 13, 12.25, 12.74, 12.9]);
    equal(q.voltot, 38220, "VOLTOT is currency, not per share");
  });
  await t.step("a call option: strike, expiry, market 070", () => {
    const q = quotes[4];
    deepEqual([q.codneg, q.tpmerc, q.codbdi, q.preexe, q.datven], [
      "PETRA400",
      70,
      "78",
      38.15,
      Date.UTC(2024, 0, 19),
    ]);
  });
  await t.step("unit, fractional, ETF, FII, BDR, term", () => {
    deepEqual(
      quotes.map((q) => [q.codneg, q.codbdi, q.tpmerc, q.especi, q.prazot, q.codisi]),
      [
        ["PETR4", "02", 10, "PN  N2", "", "BRPETRACNPR6"],
        ["ABCD3", "02", 10, "ON  NM", "", "BRABCDACNOR3"],
        ["TAEE11", "02", 10, "UNT     N2", "", "BRTAEECDAM10"],
        ["PETR4F", "96", 20, "PN  N2", "", "BRPETRACNPR6"],
        ["PETRA400", "78", 70, "PN  N2", "", "BRPETRACNPR6"],
        ["BOVA11", "14", 10, "CI", "", "BRBOVACTF003"],
        ["HGLG11", "12", 10, "CI  ER", "", "BRHGLGCTF004"],
        ["AAPL34", "02", 10, "DRN", "", "BRAAPLBDR004"],
        ["PETR4T", "62", 30, "PN  N2", "030", "BRPETRACNPR6"],
      ],
    );
  });
  await t.step("LF line ends and 1-byte chunks give the same records", async () => {
    const lf = await parseText(fixtureText("\n"), {}, 1);
    deepEqual(lf.quotes, quotes);
    deepEqual(lf.report.warnings, []);
  });
});

Deno.test("parseCotahist() prefilter decodes only the markets asked for", async () => {
  const { quotes, report } = await parseText(fixtureText(), { prefilter: (tpmerc) => tpmerc === 10 });
  deepEqual(quotes.map((q) => q.codneg), ["PETR4", "ABCD3", "TAEE11", "BOVA11", "HGLG11", "AAPL34"]);
  equal(report.quotes, 9);
  equal(report.kept, 6);
});

Deno.test("parseCotahist() reports every malformed line with file, line, field and text", async (t) => {
  const lines = fixtureText("\n").slice(0, -1).split("\n");
  const set = (line: string, at: number, text: string) =>
    line.slice(0, at - 1) + text + line.slice(at - 1 + text.length);
  const bad = [...lines];
  bad[1] = bad[1].slice(0, 200); // line 2: short record
  bad[2] = bad[2] + "XYZ"; // line 3: long record
  bad[3] = set(bad[3], 109, "00000000A3533"); // line 4: PREULT with a letter
  bad[4] = set(bad[4], 3, "20240230"); // line 5: February 30th
  bad[5] = set(bad[5], 1, "02"); // line 6: unknown record type
  bad[6] = set(bad[6], 203, "20241345"); // line 7: DATVEN month 13
  const text = bad.join("\n") + "\n";
  const { quotes, report } = await parseText(text);
  await t.step("each problem names line, field, expected and found", () => {
    deepEqual(report.problems, [
      { file: "fixture.txt", line: 2, field: "record length", expected: "245 bytes", found: "200 bytes" },
      { file: "fixture.txt", line: 3, field: "record length", expected: "245 bytes", found: "248 bytes" },
      { file: "fixture.txt", line: 4, field: "PREULT", expected: "13 digits", found: '"00000000A3533"' },
      {
        file: "fixture.txt",
        line: 5,
        field: "DATA",
        expected: "a real date AAAAMMDD between 1900 and 2100",
        found: '"20240230"',
      },
      {
        file: "fixture.txt",
        line: 6,
        field: "TIPREG",
        expected: 'a record type "00", "01" or "99"',
        found: '"02"',
      },
      {
        file: "fixture.txt",
        line: 7,
        field: "DATVEN",
        expected: "a real date AAAAMMDD between 1900 and 2100",
        found: '"20241345"',
      },
    ]);
    equal(report.problemCount, 6);
  });
  await t.step("the well-formed lines are kept and the file goes on", () => {
    deepEqual(quotes.map((q) => q.line), [8, 9, 10]);
    equal(report.records, 11, "malformed lines still count as records");
    deepEqual(report.warnings, []);
  });
  await t.step("--strict stops at the first malformed line", async () => {
    await rejects(
      parseText(text, { strict: true }),
      (e: unknown) =>
        e instanceof CotahistError &&
        e.message === "fixture.txt: line 2, record length: expected 245 bytes, found 200 bytes",
    );
  });
  await t.step("a 50 KB line is reported by its length, not buffered", async () => {
    const huge = [lines[0], "01" + "9".repeat(50_000), ...lines.slice(1)].join("\n");
    const r = await parseText(huge, {}, 4096);
    deepEqual(r.report.problems.map((p) => [p.line, p.found]), [[2, "50002 bytes"]]);
    equal(r.quotes.length, 9);
  });
});

Deno.test("parseCotahist() checks the trailer's record count", async () => {
  const lines = fixtureText("\r\n").split("\r\n");
  lines.splice(3, 1); // drop one quote: the trailer still says 11
  const { report } = await parseText(lines.join("\r\n"));
  deepEqual(report.warnings, [
    "fixture.txt: the trailer counts 11 records, the file has 10 (header and trailer included)",
  ]);
  const headless = await parseText(lines.slice(1).join("\r\n"));
  ok(headless.report.warnings.includes("fixture.txt: no header record (00)"));
});

Deno.test("cotahistTexts() reads the ZIP variant and the TXT alike", async () => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-b3-" });
  try {
    const files = await writeFixtureFiles(dir);
    const [entry] = await zipEntries(files.zip);
    deepEqual([entry.name, entry.method, entry.size], ["COTAHIST_D02012024.TXT", 8, fixtureText().length]);
    const read = async (path: string) => {
      const out: CotahistQuote[] = [];
      for (const text of await cotahistTexts(path)) {
        await parseCotahist(text.chunks(), { file: text.label, onQuote: (q) => out.push(q) });
      }
      return out;
    };
    const fromZip = await read(files.zip);
    equal(fromZip.length, 9);
    deepEqual(fromZip, await read(files.crlf));
    deepEqual(fromZip, await read(files.lf));
    const [text] = await cotahistTexts(files.zip);
    equal(text.label, `${files.zip}!COTAHIST_D02012024.TXT`);
    // A truncated download is not a readable ZIP.
    const truncated = join(dir, "COTAHIST_A2023.ZIP");
    await Deno.writeFile(truncated, (await Deno.readFile(files.zip)).subarray(0, 100));
    await rejects(
      cotahistTexts(truncated),
      /not a ZIP archive \(no end-of-central-directory record; truncated\?\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("crc32() is the ZIP checksum", () => {
  // CRC-32/ISO-HDLC check value of "123456789" (the catalogue's standard check): 0xCBF43926.
  equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("cotahistPeriod() reads B3's file names", () => {
  deepEqual(cotahistPeriod("data/raw/b3/COTAHIST_A2024.ZIP"), {
    kind: "yearly",
    year: 2024,
    start: Date.UTC(2024, 0, 1),
    end: Date.UTC(2024, 11, 31),
  });
  deepEqual(cotahistPeriod("COTAHIST_M022024.ZIP"), {
    kind: "monthly",
    year: 2024,
    month: 2,
    start: Date.UTC(2024, 1, 1),
    end: Date.UTC(2024, 1, 29),
  });
  equal(cotahistPeriod("cotahist_d02012024.txt")?.start, day);
  equal(cotahistPeriod("COTAHIST.1990.TXT")?.year, 1990);
  equal(cotahistPeriod("COTAHIST_D31022024.ZIP"), null);
  equal(cotahistPeriod("prices.csv"), null);
});
