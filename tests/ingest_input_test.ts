/**
 * What a user's file can do wrong, and what a partial file may change (issue 8 items 7, 8, 12, 15;
 * issue 17 item 5: securities metadata). Weekdays cited below were computed with Python's
 * `datetime.date.fromisoformat(d).strftime('%A')`.
 */
import { deepStrictEqual as deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { queryRows, type Store } from "../lib/store/db.ts";
import { InputError, type InputProblem } from "../lib/ingest/errors.ts";
import { ingestFile, type IngestFileOptions } from "../lib/ingest/file.ts";
import { writeStore } from "../lib/store/write_store.ts";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { main as ingestMain } from "../lib/cli/ingest.ts";
import { sha256File } from "../lib/util/hash.ts";
import { capture, tableCounts, tempStore } from "./fixtures/foundation/helpers.ts";

async function file(dir: string, name: string, text: string | Uint8Array): Promise<string> {
  const path = `${dir}/${name}`;
  if (typeof text === "string") await Deno.writeTextFile(path, text);
  else await Deno.writeFile(path, text);
  return path;
}

/** Ingesting `path` throws an InputError with exactly `expected`, and the store is unchanged. */
async function refused(store: Store, path: string, options: IngestFileOptions, expected: InputProblem[]) {
  const before = await tableCounts(store.conn);
  await rejects(ingestFile(store, path, options), (e: unknown) => {
    ok(e instanceof InputError, String(e));
    deepEqual(e.problems, expected);
    return true;
  });
  deepEqual(await tableCounts(store.conn), before);
}

async function rows(store: Store, sql: string): Promise<unknown[][]> {
  return (await queryRows(store.conn, sql)).map((r) => Object.values(r));
}

Deno.test("ingestFile() updates only the columns a file provides and says what it clears", async (t) => {
  const { dir, store } = await tempStore();
  try {
    await ingestFile(
      store,
      await file(
        dir,
        "full.csv",
        "security_id,date,open,high,low,close,volume\nAAA,2020-01-02,9,11,8,10,100\nAAA,2020-01-03,10,12,9,11,200\n",
      ),
    );
    await t.step("a close-only file keeps open, high, low and volume", async () => {
      const r = await ingestFile(
        store,
        await file(dir, "close.csv", "security_id,date,close\nAAA,2020-01-02,10.5\n"),
      );
      deepEqual([r.inserted, r.replaced, r.warnings], [0, 1, []]);
      deepEqual(
        await rows(store, "SELECT open, high, low, close, volume FROM prices WHERE date = DATE '2020-01-02'"),
        [[9, 11, 8, 10.5, 100]],
      );
    });
    await t.step("an empty cell in a provided column clears the stored value, with a warning", async () => {
      const r = await ingestFile(
        store,
        await file(
          dir,
          "vol.csv",
          "security_id,date,close,volume\nAAA,2020-01-03,11,\nAAA,2020-01-06,12,300\n",
        ),
      );
      deepEqual([r.inserted, r.replaced], [1, 1]);
      deepEqual(r.warnings, [{
        column: "volume",
        count: 1,
        rows: [],
        message: "1 stored value(s) of volume cleared: the file's cells are empty there",
      }]);
      deepEqual(await rows(store, "SELECT date::VARCHAR, open, volume FROM prices ORDER BY date"), [
        ["2020-01-02", 9, 100],
        ["2020-01-03", 10, null],
        ["2020-01-06", null, 300],
      ]);
    });
  } finally {
    store.close();
  }
});

Deno.test("ingestFile() refuses ambiguous and implausible dates, reports weekends and OHLC", async (t) => {
  const { dir, store } = await tempStore();
  try {
    await t.step("day/month order that every date allows is an error naming both readings", async () => {
      // Month-first: Thu 2020-01-02, Mon 02-03, Wed 03-04 (no weekend); day-first: Sat 2020-02-01,
      // Mon 03-02, Fri 04-03 (one weekend).
      const path = await file(dir, "dm.csv", "date,close\n01/02/2020,1\n02/03/2020,2\n03/04/2020,3\n");
      await refused(store, path, { security: "DM" }, [{
        column: "date",
        expected:
          "dates that tell the day from the month, or --date-format: every date reads both as %m/%d/%Y (0 on a weekend) and as %d/%m/%Y (1 on a weekend)",
        found: '3 dates such as "01/02/2020", none with a day or month above 12',
      }]);
      const r = await ingestFile(store, path, { security: "DM", dateFormat: "%d/%m/%Y" });
      equal(r.dateFormat, "%d/%m/%Y");
      deepEqual(await rows(store, "SELECT date::VARCHAR FROM prices WHERE security_id = 'DM' ORDER BY 1"), [
        ["2020-02-01"],
        ["2020-03-02"],
        ["2020-04-03"],
      ]);
    });
    await t.step("a day above 12 after the first 2,000 rows settles the order", async () => {
      const lines = Array.from({ length: 2000 }, (_, k) => `S${k},01/02/2020,1`);
      const path = await file(
        dir,
        "late.csv",
        `security_id,date,close\n${lines.join("\n")}\nS9999,13/02/2020,1\n`,
      );
      const r = await ingestFile(store, path);
      equal(r.dateFormat, "%d/%m/%Y");
      deepEqual(await rows(store, "SELECT date::VARCHAR FROM prices WHERE security_id = 'S9999'"), [[
        "2020-02-13",
      ]]);
    });
    await t.step("dates in 1800 or 9999 are refused; --min-date admits older history", async () => {
      const path = await file(dir, "old.csv", "date,close\n1800-01-02,1\n2020-01-02,2\n9999-12-31,3\n");
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const range = (min: string) => `a date between ${min} and ${tomorrow} (older history: pass --min-date)`;
      await refused(store, path, { security: "OLD" }, [
        { row: 1, column: "date", expected: range("1900-01-01"), found: '"1800-01-02"' },
        { row: 3, column: "date", expected: range("1900-01-01"), found: '"9999-12-31"' },
      ]);
      await refused(store, path, { security: "OLD", minDate: "1800-01-01" }, [
        { row: 3, column: "date", expected: range("1800-01-01"), found: '"9999-12-31"' },
      ]);
    });
    await t.step("weekend bars load with a warning naming the rows", async () => {
      // 2020-01-04 is a Saturday, 2020-01-05 a Sunday, 2020-01-06 a Monday.
      const path = await file(dir, "wk.csv", "date,close\n2020-01-04,1\n2020-01-05,2\n2020-01-06,3\n");
      const r = await ingestFile(store, path, { security: "WK" });
      deepEqual(r.warnings, [{
        column: "date",
        count: 2,
        rows: [1, 2],
        message: "2 row(s) fall on a Saturday or Sunday (row 1, 2); loaded as they are",
      }]);
    });
    await t.step("high < low is refused; a close outside [low, high] is a warning", async () => {
      const bad = await file(dir, "hl.csv", "date,high,low,close\n2020-01-06,9,10,9.5\n");
      await refused(store, bad, { security: "HL" }, [{
        row: 1,
        column: "high",
        expected: "high ≥ low",
        found: 'high "9" < low "10"',
      }]);
      const odd = await file(
        dir,
        "oc.csv",
        "date,open,high,low,close\n2020-01-06,10,11,9,10\n2020-01-07,10,11,9,12\n",
      );
      const r = await ingestFile(store, odd, { security: "OC" });
      deepEqual(r.warnings.map((w) => [w.column, w.count, w.rows]), [["close", 1, [2]]]);
      match(r.warnings[0].message, /1 row\(s\) have close outside \[low, high\] \(an adjusted close/);
    });
  } finally {
    store.close();
  }
});

Deno.test("ingestFile() takes paths literally and names every malformed file precisely", async (t) => {
  const { dir, store } = await tempStore();
  try {
    await t.step("a directory is refused", async () => {
      await Deno.mkdir(`${dir}/folder`);
      await refused(store, `${dir}/folder`, {}, [{
        expected: "a file (to load a folder, list its files: dir/*.csv expands in the shell)",
        found: "a directory",
      }]);
    });
    await t.step("a * in a file name is that one file, not a glob", async () => {
      await file(dir, "ab.csv", "security_id,date,close\nAB,2020-01-02,1\n");
      await file(dir, "ac.csv", "security_id,date,close\nAC,2020-01-02,1\n");
      const star = await file(dir, "a*.csv", "security_id,date,close\nSTAR,2020-01-02,1\n");
      const r = await ingestFile(store, star);
      equal(r.rows, 1);
      deepEqual(await rows(store, "SELECT security_id FROM prices"), [["STAR"]]);
    });
    await t.step("a 0-byte file and a header-only file", async () => {
      await refused(store, await file(dir, "empty.csv", ""), {}, [{
        expected: "a CSV with a header row and data rows",
        found: "an empty file (0 bytes)",
      }]);
      await refused(store, await file(dir, "header.csv", "security_id,date,close\n"), {}, [{
        expected: "data rows after the header",
        found: "only the header (security_id, date, close)",
      }]);
    });
    await t.step("a duplicated header column", async () => {
      await refused(
        store,
        await file(dir, "dup.csv", "security_id,date,close,Close\nA,2020-01-02,1,2\n"),
        {},
        [{
          column: "Close",
          expected: "each column named once in the header",
          found: '"close" as column 3 and "Close" as column 4',
        }],
      );
    });
    await t.step("ragged rows name the row and what it has", async () => {
      const path = await file(
        dir,
        "ragged.csv",
        "security_id,date,close\nA,2020-01-02,1\nA,2020-01-03\nA,2020-01-06,1,5\n",
      );
      await refused(store, path, {}, [
        { row: 2, expected: "3 columns (security_id, date, close)", found: '2 column(s): "A,2020-01-03"' },
        {
          row: 3,
          expected: "3 columns (security_id, date, close)",
          found: '4 column(s): "A,2020-01-06,1,5"',
        },
      ]);
    });
    await t.step("a line over DuckDB's 2 MB limit is located, not cut off", async () => {
      const long = "9".repeat(3 * 2 ** 20);
      const path = await file(
        dir,
        "long.csv",
        `security_id,date,close\nA,2020-01-02,1\nA,2020-01-03,${long}\n`,
      );
      await refused(store, path, {}, [{
        row: 2,
        expected: "lines under 2.0 MB (one row per line)",
        found: `a line of 3.0 MB starting "A,2020-01-03,${
          "9".repeat(47)
        }…" (a quote left open, or a file whose line breaks were lost?)`,
      }]);
    });
    await t.step("binary content and text that is not UTF-8", async () => {
      await refused(store, await file(dir, "p.csv", new TextEncoder().encode("PAR1\0\0\0")), {}, [{
        expected: "a text CSV file",
        found: "a Parquet file (name it .parquet, or use `deno task ingest parquet`)",
      }]);
      const latin1 = new Uint8Array([
        ...new TextEncoder().encode("security_id,date,close\nA,2020-01-02,1\n"),
        0x43, // "C", then é in Latin-1 (0xe9): not UTF-8
        0xe9,
        ...new TextEncoder().encode(",2020-01-03,1\n"),
      ]);
      const path = await file(dir, "latin1.csv", latin1);
      await rejects(ingestFile(store, path), (e: unknown) => {
        ok(e instanceof InputError);
        deepEqual(e.problems.map((p) => [p.row, p.expected]), [[2, "UTF-8 text"]]);
        return true;
      });
    });
  } finally {
    store.close();
  }
});

Deno.test("ingestFile() loads securities metadata, so industries reach the panel", async (t) => {
  const { dir, db, store } = await tempStore();
  await ingestFile(
    store,
    await file(
      dir,
      "px.csv",
      "security_id,date,close\nAAA,2020-01-02,10\nAAA,2020-01-03,11\nBBB,2020-01-02,20\nBBB,2020-01-03,21\n",
    ),
  );
  await t.step("names, industries and listing dates by security_id", async () => {
    const r = await ingestFile(
      store,
      await file(
        dir,
        "meta.csv",
        "Ticker,Name,Sector,Listed\nAAA,Alpha Corp,Tech,2001-05-02\nBBB,Beta SA,Energy,\n",
      ),
      { table: "securities", map: { industry: "Sector" } },
    );
    deepEqual([r.table, r.inserted, r.replaced, r.dateFormat], ["securities", 0, 2, "%Y-%m-%d"]);
    // BBB's empty Listed clears the listing date ingest had set from its first price.
    deepEqual(r.warnings.map((w) => [w.column, w.count]), [["Listed", 1]]);
  });
  await t.step("a file without a name column keeps stored names; new ids are named by their id", async () => {
    const r = await ingestFile(
      store,
      await file(
        dir,
        "more.csv",
        "security_id,industry,asset_class\nAAA,Software,Equity\nCCC,Banks,equity\n",
      ),
      { table: "securities" },
    );
    deepEqual([r.inserted, r.replaced], [1, 1]);
    deepEqual(
      await rows(
        store,
        "SELECT security_id, name, industry, asset_class, listed::VARCHAR FROM securities ORDER BY 1",
      ),
      [
        ["AAA", "Alpha Corp", "Software", "equity", "2001-05-02"],
        ["BBB", "Beta SA", "Energy", "equity", null],
        ["CCC", "CCC", "Banks", "equity", null],
      ],
    );
  });
  await t.step("an empty name is refused", async () => {
    await refused(store, await file(dir, "noname.csv", "security_id,name\nAAA,\n"), { table: "securities" }, [
      {
        row: 1,
        column: "name",
        expected: "a name (or leave the column out to keep the stored ones)",
        found: "an empty cell",
      },
    ]);
  });
  await t.step("a bad asset class and a delisting before the listing are refused", async () => {
    await refused(
      store,
      await file(
        dir,
        "bad.csv",
        "security_id,asset_class,listed,delisted\nAAA,common stock,2001-05-02,2000-01-03\n",
      ),
      { table: "securities" },
      [
        {
          row: 1,
          column: "asset_class",
          expected: "an asset class such as equity or index (one lowercase word)",
          found: '"common stock"',
        },
        {
          row: 1,
          column: "delisted",
          expected: "a delisting on or after the listing",
          found: 'delisted "2000-01-03" before listed "2001-05-02"',
        },
      ],
    );
  });
  store.close();
  await t.step("a snapshot's panel carries the user's industries", async () => {
    const snapshotsDir = `${dir}/snapshots`;
    const { openStore } = await import("../lib/store/db.ts");
    const ro = await openStore(db, { readOnly: true });
    await createSnapshot(ro, "meta", { snapshotsDir });
    ro.close();
    const panel = await loadPanel({ snapshot: "meta", snapshotsDir, fields: ["close"] });
    // CCC has no prices: an all-NaN column, still with its industry.
    deepEqual([panel.securityIds, panel.industries], [["AAA", "BBB", "CCC"], [
      "Software",
      "Energy",
      "Banks",
    ]]);
  });
});

Deno.test("`ingest csv A B` is one atomic load: a bad second file leaves the store as it was", async () => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-ingest-cli-" });
  const db = `${dir}/store.duckdb`;
  const good = await file(dir, "good.csv", "security_id,date,close\nAAA,2020-01-04,10\n");
  const bad = await file(dir, "bad.csv", "security_id,date,close\nBBB,2020-01-06,-1\n");
  await writeStore(db, async () => {});
  const hash = await sha256File(db);
  const failed = await capture(() => ingestMain(["csv", good, bad, "--db", db]));
  equal(failed.code, 1);
  match(
    failed.err,
    /bad\.csv: 1 problem\(s\), nothing was written\n {2}row 1, column "close": expected a positive number, found "-1"/,
  );
  equal(await sha256File(db), hash);
  const loaded = await capture(() => ingestMain(["csv", good, "--db", db]));
  equal(loaded.code, 0, loaded.err);
  match(loaded.out, /good\.csv: 1 rows, 1 securities into prices \(1 new, 0 replaced; dates %Y-%m-%d\)/);
  // 2020-01-04 is a Saturday.
  match(loaded.err, /warning: .*good\.csv, column "date": 1 row\(s\) fall on a Saturday or Sunday \(row 1\)/);
});

Deno.test("ingestFile() into an empty table (read straight into it) names bad values the same way", async () => {
  const { dir, store } = await tempStore();
  try {
    const path = await file(
      dir,
      "bad.csv",
      "security_id,date,close\nAAA,2020-01-02,abc\nAAA,2020-01-03,-2\n",
    );
    await refused(store, path, {}, [
      { row: 1, column: "close", expected: "a finite number", found: '"abc"' },
      { row: 2, column: "close", expected: "a positive number", found: '"-2"' },
    ]);
    deepEqual(await rows(store, "SELECT count(*) FROM prices"), [[0]]);
  } finally {
    store.close();
  }
});
