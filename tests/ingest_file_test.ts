import { deepStrictEqual as deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { queryRows, type Store } from "../lib/store/db.ts";
import { writeTables } from "../lib/store/write.ts";
import { detectDateFormat } from "../lib/ingest/date_format.ts";
import { InputError, type InputProblem } from "../lib/ingest/errors.ts";
import { ingestFile, type IngestFileOptions } from "../lib/ingest/file.ts";
import { handTables, tableCounts, tempStore } from "./fixtures/foundation/helpers.ts";

/** Writes `text` to `dir/name` and returns the path. */
async function file(dir: string, name: string, text: string): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, text);
  return path;
}

/** The rows of `prices` for one security as [date, open, close, volume]. */
async function prices(store: Store, id: string): Promise<unknown[]> {
  const rows = await queryRows(
    store.conn,
    `SELECT date::VARCHAR AS d, open, close, volume FROM prices WHERE security_id = '${id}' ORDER BY date`,
  );
  return rows.map((r) => [r.d, r.open, r.close, r.volume]);
}

/**
 * Asserts that ingesting `path` throws an `InputError` for that file whose problems are exactly
 * `expected`, that the message names file, rows and columns, and that the store is unchanged.
 */
async function assertRejected(
  store: Store,
  path: string,
  options: IngestFileOptions,
  expected: InputProblem[],
): Promise<void> {
  const before = await tableCounts(store.conn);
  const ids = await queryRows(store.conn, "SELECT security_id FROM securities ORDER BY 1");
  await rejects(ingestFile(store, path, options), (e: unknown) => {
    ok(e instanceof InputError, String(e));
    equal(e.file, path);
    deepEqual(e.problems, expected);
    match(
      e.message,
      new RegExp(`^${path.replaceAll(".", "\\.")}: ${expected.length} problem\\(s\\), nothing was written`),
    );
    for (const p of expected) {
      const where = `${p.row !== undefined ? `row ${p.row}` : "file"}${
        p.column ? `, column "${p.column}"` : ""
      }`;
      ok(e.message.includes(`  ${where}: expected ${p.expected}, found ${p.found}`), e.message);
    }
    return true;
  });
  deepEqual(await tableCounts(store.conn), before, "nothing written");
  deepEqual(
    await queryRows(store.conn, "SELECT security_id FROM securities ORDER BY 1"),
    ids,
    "no new securities",
  );
}

Deno.test("detectDateFormat() recognises the common formats", () => {
  equal(detectDateFormat(["2020-01-31", "2020-02-03"]), "%Y-%m-%d");
  equal(detectDateFormat(["20200131", "20200203"]), "%Y%m%d");
  equal(detectDateFormat(["01/31/2020", "02/03/2020"]), "%m/%d/%Y");
  equal(detectDateFormat(["31/01/2020", "03/02/2020"]), "%d/%m/%Y");
  equal(detectDateFormat(["31.01.2020", "3.2.2020"]), "%d.%m.%Y");
  // Ambiguous until a day > 12 shows up: 02/03 alone is read month-first.
  equal(detectDateFormat(["02/03/2020"]), "%m/%d/%Y");
  equal(detectDateFormat(["02/03/2020", "14/03/2020"]), "%d/%m/%Y");
  // 20200230 is not a calendar date (no Feb 30).
  equal(detectDateFormat(["20200230"]), undefined);
  equal(detectDateFormat(["", " "]), undefined);
  // One bad cell does not defeat detection (the row checks report it).
  equal(detectDateFormat(["2020-01-02", "2020-01-xx", "2020-01-03"]), "%Y-%m-%d");
});

Deno.test("ingestFile() loads CSV prices with default and explicit column mappings", async (t) => {
  const { dir, store } = await tempStore();
  try {
    await t.step("default mapping is case-insensitive; Ticker stands for security_id", async () => {
      const path = await file(
        dir,
        "upper.csv",
        "Ticker,DATE,Open,High,Low,CLOSE,Volume\nAAA,2020-01-02,9.5,10.5,9,10,100\nAAA,2020-01-03,10,11.5,10,11,200\nBBB,2020-01-02,50,51,49,50.25,300\n",
      );
      const r = await ingestFile(store, path);
      deepEqual(r, {
        file: path,
        table: "prices",
        rows: 3,
        securities: 2,
        dateFormat: "%Y-%m-%d",
        inserted: 3,
        replaced: 0,
        warnings: [],
        mapping: {
          security_id: "Ticker",
          date: "DATE",
          open: "Open",
          high: "High",
          low: "Low",
          close: "CLOSE",
          volume: "Volume",
        },
      });
      deepEqual(await prices(store, "AAA"), [["2020-01-02", 9.5, 10, 100], ["2020-01-03", 10, 11, 200]]);
      deepEqual(await prices(store, "BBB"), [["2020-01-02", 50, 50.25, 300]]);
      // New securities are registered, listed on their first date.
      deepEqual(
        await queryRows(
          store.conn,
          "SELECT security_id, listed::VARCHAR AS listed FROM securities ORDER BY 1",
        ),
        [{ security_id: "AAA", listed: "2020-01-02" }, { security_id: "BBB", listed: "2020-01-02" }],
      );
      deepEqual(
        (await queryRows(store.conn, "SELECT date::VARCHAR AS d FROM calendar ORDER BY 1")).map((x) => x.d),
        ["2020-01-02", "2020-01-03"],
      );
    });

    await t.step("--map picks Adj Close over Close; --security names an id-less file", async () => {
      const path = await file(
        dir,
        "yahoo.csv",
        "Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,74.06,75.15,73.80,75.09,73.84,135480400\n2020-01-03,74.29,75.14,74.13,74.36,73.12,146322800\n",
      );
      const r = await ingestFile(store, path, {
        security: "AAPL",
        map: { date: "Date", close: "Adj Close" },
      });
      equal(r.mapping.close, "Adj Close");
      equal(r.mapping.security_id, undefined);
      deepEqual(await prices(store, "AAPL"), [
        ["2020-01-02", 74.06, 73.84, 135480400],
        ["2020-01-03", 74.29, 73.12, 146322800],
      ]);
    });

    await t.step("a close-only correction updates close and keeps the other columns", async () => {
      const path = await file(
        dir,
        "fix.csv",
        "security_id,date,close\nAAA,2020-01-03,11.25\nAAA,2020-01-06,12\n",
      );
      await ingestFile(store, path);
      // 2020-01-03 keeps open 10 and volume 200 from upper.csv; the new 2020-01-06 has no open/volume.
      deepEqual(await prices(store, "AAA"), [
        ["2020-01-02", 9.5, 10, 100],
        ["2020-01-03", 10, 11.25, 200],
        ["2020-01-06", null, 12, null],
      ]);
    });
  } finally {
    store.close();
  }
});

Deno.test("ingestFile() detects the date format", async (t) => {
  const { dir, store } = await tempStore();
  try {
    // The same two days (2020-03-04 and 2020-03-16) written five ways.
    const cases: [string, string, string][] = [
      ["%Y-%m-%d", "2020-03-04", "2020-03-16"],
      ["%Y%m%d", "20200304", "20200316"],
      ["%m/%d/%Y", "03/04/2020", "03/16/2020"],
      ["%d/%m/%Y", "04/03/2020", "16/03/2020"],
      ["%d.%m.%Y", "04.03.2020", "16.03.2020"],
    ];
    for (const [format, a, b] of cases) {
      await t.step(format, async () => {
        const id = `S${format.replace(/\W/g, "")}`;
        const path = await file(dir, `${id}.csv`, `date,close\n${a},1\n${b},2\n`);
        const r = await ingestFile(store, path, { security: id });
        equal(r.dateFormat, format);
        deepEqual(await prices(store, id), [["2020-03-04", null, 1, null], ["2020-03-16", null, 2, null]]);
      });
    }
    await t.step("timestamps keep their date; an explicit format wins over detection", async () => {
      const path = await file(dir, "ts.csv", "date,close\n2020-03-04 16:00:00,1\n");
      await ingestFile(store, path, { security: "TS" });
      deepEqual(await prices(store, "TS"), [["2020-03-04", null, 1, null]]);
      // 01/02/2020 read day-first only when told so.
      const dm = await file(dir, "dm.csv", "date,close\n01/02/2020,1\n");
      await ingestFile(store, dm, { security: "DM", dateFormat: "%d/%m/%Y" });
      deepEqual(await prices(store, "DM"), [["2020-02-01", null, 1, null]]);
    });
  } finally {
    store.close();
  }
});

Deno.test("ingestFile() loads Parquet files", async () => {
  const { dir, store } = await tempStore();
  try {
    const path = `${dir}/prices.parquet`;
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    await conn.run(`COPY (SELECT * FROM (VALUES
        ('PQ1', DATE '2021-06-01', 100.0, 1000),
        ('PQ1', DATE '2021-06-02', 101.5, 1100),
        ('PQ2', DATE '2021-06-01', 20.0, 50)) t(Symbol, TradeDate, Price, Vol))
      TO '${path}' (FORMAT parquet)`);
    conn.closeSync();
    instance.closeSync();
    const r = await ingestFile(store, path, { map: { date: "TradeDate", close: "Price", volume: "Vol" } });
    equal(r.rows, 3);
    equal(r.securities, 2);
    equal(r.mapping.security_id, "Symbol");
    deepEqual(await prices(store, "PQ1"), [["2021-06-01", null, 100, 1000], [
      "2021-06-02",
      null,
      101.5,
      1100,
    ]]);
    deepEqual(await prices(store, "PQ2"), [["2021-06-01", null, 20, 50]]);
  } finally {
    store.close();
  }
});

Deno.test("ingestFile() names file, row and column of every bad input and writes nothing", async (t) => {
  const { dir, store } = await tempStore();
  try {
    // A store with content, to check that a rejected file leaves it exactly as it was.
    await writeTables(store, handTables([["OLD", "2020-01-02", 5]]));
    const good = "security_id,date,close\nAAA,2020-01-02,10\n";

    await t.step("unparsable date", async () => {
      const path = await file(
        dir,
        "baddate.csv",
        `${good}NEW,2020-01-03,11\nNEW,2020-01-xx,12\nNEW,2020-02-30,13\n`,
      );
      await assertRejected(store, path, {}, [
        { row: 3, column: "date", expected: "a date as %Y-%m-%d (the file's format)", found: '"2020-01-xx"' },
        { row: 4, column: "date", expected: "a date as %Y-%m-%d (the file's format)", found: '"2020-02-30"' },
      ]);
    });
    await t.step("no date parses at all", async () => {
      const path = await file(dir, "nodate.csv", "security_id,date,close\nNEW,soon,1\n");
      await assertRejected(store, path, {}, [{
        row: 1,
        column: "date",
        expected: "a date such as 2020-01-31, 20200131, 01/31/2020 or 31.01.2020 (or pass --date-format)",
        found: '"soon"',
      }]);
    });
    await t.step("negative, zero and non-numeric prices; negative volume; empty close", async () => {
      const path = await file(
        dir,
        "badprice.csv",
        "security_id,date,open,close,volume\nNEW,2020-01-02,1,-1.5,10\nNEW,2020-01-03,0,2,10\nNEW,2020-01-06,1,abc,10\nNEW,2020-01-07,1,2,-3\nNEW,2020-01-08,1,,3\n",
      );
      await assertRejected(store, path, {}, [
        { row: 1, column: "close", expected: "a positive number", found: '"-1.5"' },
        { row: 2, column: "open", expected: "a positive number", found: '"0"' },
        { row: 3, column: "close", expected: "a finite number", found: '"abc"' },
        { row: 4, column: "volume", expected: "a number ≥ 0", found: '"-3"' },
        { row: 5, column: "close", expected: "a number", found: "an empty cell" },
      ]);
    });
    await t.step("duplicate (security_id, date) names both rows", async () => {
      const path = await file(dir, "dup.csv", `${good}NEW,2020-01-02,11\nAAA,2020-01-02,10.5\n`);
      await assertRejected(store, path, {}, [{
        row: 3,
        column: "security_id, date",
        expected: "a unique (security_id, date)",
        found: "a duplicate of row 1",
      }]);
    });
    await t.step("missing required column", async () => {
      const path = await file(dir, "noclose.csv", "security_id,date,price\nNEW,2020-01-02,10\n");
      await assertRejected(store, path, {}, [{
        column: "close",
        expected: 'a required column "close" (map one with --map close=COLUMN)',
        found: "columns security_id, date, price",
      }]);
      const noId = await file(dir, "noid.csv", "date,close\n2020-01-02,10\n");
      await assertRejected(store, noId, {}, [{
        column: "security_id",
        expected:
          'a required column "security_id" (or --security ID) (map one with --map security_id=COLUMN)',
        found: "columns date, close",
      }]);
    });
    await t.step("unknown mapped column and unknown target", async () => {
      const path = await file(dir, "map.csv", good);
      await assertRejected(store, path, { map: { close: "Adj Close", colour: "close" } }, [
        {
          column: "colour",
          expected: "a target column among security_id, date, open, high, low, close, volume",
          found: "colour",
        },
        {
          column: "Adj Close",
          expected: 'a column "Adj Close" (mapped to close)',
          found: "columns security_id, date, close",
        },
      ]);
    });
    await t.step("missing file", async () => {
      await assertRejected(store, `${dir}/nope.csv`, {}, [{
        expected: "an existing CSV or Parquet file",
        found: "no such file",
      }]);
    });
    await t.step("a clean file still loads after all those rejections", async () => {
      const r = await ingestFile(store, await file(dir, "good.csv", good));
      equal(r.rows, 1);
      deepEqual(await tableCounts(store.conn), {
        securities: 2,
        prices: 2,
        corporate_actions: 0,
        descriptors: 0,
        calendar: 1,
        series: 0,
        series_info: 0,
        security_master: 0,
        ticker_history: 0,
        b3_quotes: 0,
        detected_splits: 0,
        ingest_log: 2,
      });
    });
  } finally {
    store.close();
  }
});

Deno.test("ingestFile() loads descriptors and corporate actions", async (t) => {
  const { dir, store } = await tempStore();
  try {
    await t.step("descriptors", async () => {
      const path = await file(
        dir,
        "desc.csv",
        "security_id,date,mcap,adv,value,beta\nAAA,2020-01-02,1e9,2.5e6,-0.4,1.1\nAAA,2020-01-03,1.1e9,2.4e6,-0.3,\n",
      );
      const r = await ingestFile(store, path, { table: "descriptors" });
      equal(r.table, "descriptors");
      deepEqual(
        await queryRows(
          store.conn,
          "SELECT date::VARCHAR AS d, mcap, adv, value, beta FROM descriptors ORDER BY date",
        ),
        [
          { d: "2020-01-02", mcap: 1e9, adv: 2.5e6, value: -0.4, beta: 1.1 },
          { d: "2020-01-03", mcap: 1.1e9, adv: 2.4e6, value: -0.3, beta: null },
        ],
      );
      equal(await prices(store, "AAA").then((p) => p.length), 0);
    });
    await t.step("corporate actions, kind case-insensitive", async () => {
      const path = await file(
        dir,
        "ca.csv",
        "Symbol,ExDate,Type,Ratio\nAAA,2020-06-01,Split,2\nAAA,2020-03-02,DIVIDEND,0.25\n",
      );
      await ingestFile(store, path, {
        table: "corporate_actions",
        map: { ex_date: "ExDate", kind: "Type", value: "Ratio" },
      });
      deepEqual(
        await queryRows(
          store.conn,
          "SELECT ex_date::VARCHAR AS d, kind, value FROM corporate_actions ORDER BY ex_date",
        ),
        [{ d: "2020-03-02", kind: "dividend", value: 0.25 }, { d: "2020-06-01", kind: "split", value: 2 }],
      );
    });
    await t.step("a bad action kind or value is refused", async () => {
      const path = await file(
        dir,
        "badca.csv",
        "security_id,ex_date,kind,value\nZZZ,2020-06-01,merger,2\nZZZ,2020-06-02,split,0\n",
      );
      await assertRejected(store, path, { table: "corporate_actions" }, [
        { row: 1, column: "kind", expected: "split or dividend", found: '"merger"' },
        { row: 2, column: "value", expected: "a positive number", found: '"0"' },
      ]);
    });
  } finally {
    store.close();
  }
});
