import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { openStore, queryRows } from "../lib/store/db.ts";
import { InputError } from "../lib/ingest/errors.ts";
import { importCorporateActions, loadCotahistFile } from "../lib/ingest/b3/mod.ts";
import { loadSeriesCsv, parseIndexHistoryJson, parseSgsJson } from "../lib/ingest/series/mod.ts";
import { parseDay, parseDecimal } from "../lib/ingest/text_csv.ts";
import { readSeries } from "../lib/panel/series.ts";
import { writeFixtureFiles } from "./fixtures/b3/cotahist.ts";

async function withFixtureStore(
  fn: (store: Awaited<ReturnType<typeof openStore>>, dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-b3-events-" });
  const store = await openStore(":memory:");
  try {
    const files = await writeFixtureFiles(dir);
    await loadCotahistFile(store, files.zip, { keep: ["stocks", "units", "fractional"] });
    await fn(store, dir);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("parseDecimal() and parseDay() read Brazilian and ISO forms", () => {
  deepEqual(
    ["100,00000000000", "0,043739", "130.000,12", "101,005.64", "1.5", "12", "1,234", "x", ""].map(
      parseDecimal,
    ),
    [100, 0.043739, 130000.12, 101005.64, 1.5, 12, 1234, NaN, NaN],
  );
  deepEqual(["02/01/2024", "2024-01-02", "31/02/2024", "2024-1-2"].map(parseDay), [
    Date.UTC(2024, 0, 2),
    Date.UTC(2024, 0, 2),
    NaN,
    NaN,
  ]);
});

Deno.test("importCorporateActions() stores B3's published events", async (t) => {
  await withFixtureStore(async (store, dir) => {
    const csv = join(dir, "proventos.csv");
    // Semicolon-separated with decimal commas, as a Brazilian spreadsheet exports it.
    await Deno.writeTextFile(
      csv,
      [
        "isin;ticker;label;last_date_prior;ex_date;factor;rate",
        "BRPETRACNPR6;;DESDOBRAMENTO;09/02/2024;;100,00000000000;",
        ";ABCD3;GRUPAMENTO;;2024-03-01;0,10000000000;",
        "BRTAEECDAM10;;DIVIDENDO;28/03/2024;;;0,50",
        "BRTAEECDAM10;;JRS CAP PROPRIO;28/03/2024;;;0,25",
        "BRABCDACNOR3;;Bonificação;;2024-05-02;10;",
      ].join("\n"),
    );
    const r = await importCorporateActions(store, csv);
    await t.step("labels, factors and the data com → ex-date rule", async () => {
      deepEqual([r.events, r.rows, r.splits, r.dividends], [5, 5, 4, 1]);
      const rows = await queryRows(
        store.conn,
        "SELECT security_id, ex_date::VARCHAR AS d, kind, value FROM corporate_actions ORDER BY security_id, ex_date",
      );
      deepEqual(rows.map((x) => [x.security_id, x.d, x.kind, x.value]), [
        ["BRABCDACNOR3", "2024-03-01", "split", 0.1], // GRUPAMENTO: factor = new per old
        ["BRABCDACNOR3", "2024-05-02", "split", 1.1], // BONIFICACAO 10% ⇒ 1 + 10/100
        // DESDOBRAMENTO 100% ⇒ 2-for-1; data com Fri 2024-02-09 ⇒ ex-date Wed 2024-02-14 (after Carnival),
        // on the spot and the fractional-lot security alike.
        ["BRPETRACNPR6", "2024-02-14", "split", 2],
        ["BRPETRACNPR6:F", "2024-02-14", "split", 2],
        // Dividend 0.50 + JCP 0.25 with data com Thu 2024-03-28 ⇒ ex Mon 2024-04-01 (Good Friday closed).
        ["BRTAEECDAM10", "2024-04-01", "dividend", 0.75],
      ]);
    });
    await t.step("re-importing changes nothing", async () => {
      await importCorporateActions(store, csv);
      const [c] = await queryRows(store.conn, "SELECT count(*) AS n FROM corporate_actions");
      equal(c.n, 5);
    });
    await t.step("every bad row is named and nothing is written", async () => {
      const bad = join(dir, "bad.csv");
      await Deno.writeTextFile(
        bad,
        [
          "isin,ticker,label,last_date_prior,ex_date,factor,rate",
          "BRPETRACNPR6,,CISAO,,2024-06-03,50,",
          "BRPETRACNPR6,,DESDOBRAMENTO,,31/02/2024,100,",
          "BRPETRACNPR6,,DESDOBRAMENTO,,2024-06-03,abc,",
          "BRXXXXACNOR1,,DIVIDENDO,,2024-06-03,,1.0",
          "BRPETRACNPR6,,DESDOBRAMENTO,,2024-07-01,300,",
        ].join("\n"),
      );
      await rejects(importCorporateActions(store, bad), (e: unknown) => {
        if (!(e instanceof InputError)) return false;
        deepEqual(e.problems.map((p) => [p.row, p.column, p.found]), [
          [1, "label", '"CISAO"'],
          [2, "ex_date", '"31/02/2024"'],
          [3, "factor", '"abc"'],
          [4, "isin", '"BRXXXXACNOR1"'],
        ]);
        return true;
      });
      const [c] = await queryRows(store.conn, "SELECT count(*) AS n FROM corporate_actions");
      equal(c.n, 5, "the valid 5th row was not written either");
    });
  });
});

Deno.test("parseSgsJson() and parseIndexHistoryJson() read the public sources' answers", () => {
  // Shapes as the BCB SGS API and B3's GetPortfolioDay answer (values written for this test).
  const cdi = parseSgsJson(
    '[{"data":"02/01/2024","valor":"0.043739"},{"data":"03/01/2024","valor":"0.043739"}]',
    "CDI.json",
  );
  deepEqual([Array.from(cdi.dates), Array.from(cdi.values)], [[Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)], [
    0.043739,
    0.043739,
  ]]);
  const ibov = parseIndexHistoryJson(
    JSON.stringify({
      results: [
        { day: 3, rateValue1: "103,921.59", rateValue2: null, rateValue3: "115,165.55" },
        { day: 4, rateValue1: "103,513.64", rateValue2: "112,244.94" },
      ],
    }),
    2022,
    "IBOV_2022.json",
  );
  deepEqual(Array.from(ibov.dates, (d) => new Date(d).toISOString().slice(0, 10)), [
    "2022-01-03",
    "2022-01-04",
    "2022-02-04",
    "2022-03-03",
  ]);
  deepEqual(Array.from(ibov.values), [103921.59, 103513.64, 112244.94, 115165.55]);
  throws(
    () => parseSgsJson('[{"data":"02/01/2024","valor":"x"}]', "CDI.json"),
    (e: unknown) => e instanceof InputError && e.problems[0].column === "valor" && e.problems[0].row === 1,
  );
  throws(
    () => parseIndexHistoryJson('{"results":[{"day":30,"rateValue2":"1.0"}]}', 2022, "IBOV.json"),
    (e: unknown) => e instanceof InputError && e.problems[0].column === "day" && e.problems[0].row === 1,
  );
});

Deno.test("loadSeriesCsv() reads the central bank's CSV export", async () => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-series-" });
  const store = await openStore(":memory:");
  try {
    const file = join(dir, "cdi.csv");
    await Deno.writeTextFile(file, '"data";"valor"\n"02/01/2024";"0,043739"\n"03/01/2024";"0,043739"\n');
    const r = await loadSeriesCsv(store, "CDI", file);
    deepEqual([r.rows, r.start, r.end], [2, "2024-01-02", "2024-01-03"]);
    const cdi = await readSeries(store.conn, "CDI");
    deepEqual([cdi.unit, Array.from(cdi.values)], ["percent_per_day", [0.043739, 0.043739]]);
    const dup = join(dir, "dup.csv");
    await Deno.writeTextFile(dup, "date,value\n2024-01-02,1\n2024-01-02,2\n");
    await rejects(
      loadSeriesCsv(store, "IBOV", dup),
      /row 2, column "date": expected one row per date, found a repeat of row 1/,
    );
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
