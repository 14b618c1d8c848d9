import { deepStrictEqual as deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { inTransaction, openStore, queryRows } from "../lib/store/db.ts";
import { TABLES } from "../lib/store/schema.ts";
import { writeTables } from "../lib/store/write.ts";
import {
  handTables,
  tableCounts,
  tempStore,
  TWO_SECURITIES_COUNTS,
  TWO_SECURITIES_STORE,
  twoSecurities,
} from "./fixtures/foundation/helpers.ts";

const BASE = twoSecurities();

Deno.test("openStore() creates the schema", async () => {
  const { store } = await tempStore();
  try {
    const rows = await queryRows(
      store.conn,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name",
    );
    deepEqual(rows.map((r) => r.table_name), [...TABLES, "ingest_log"].sort());
    const cols = await queryRows(
      store.conn,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'prices' ORDER BY ordinal_position",
    );
    deepEqual(cols.map((r) => r.column_name), [
      "security_id",
      "date",
      "open",
      "high",
      "low",
      "close",
      "volume",
    ]);
    // The schema rejects an unknown corporate action kind.
    await rejects(
      store.conn.run("INSERT INTO corporate_actions VALUES ('X', DATE '2024-01-02', 'merger', 1)"),
    );
  } finally {
    store.close();
  }
});

Deno.test("writeTables() is an idempotent upsert keyed by (security_id, date)", async (t) => {
  const { store } = await tempStore();
  try {
    await t.step("first load counts every row", async () => {
      const counts = await writeTables(store, BASE, { source: "hand", params: { v: 1 } });
      deepEqual(counts, TWO_SECURITIES_COUNTS);
      deepEqual(await tableCounts(store.conn), { ...TWO_SECURITIES_STORE, ingest_log: 1 });
    });
    await t.step("loading the same tables again changes no table (only the log grows)", async () => {
      await writeTables(store, BASE, { source: "hand", params: { v: 1 } });
      const c = await tableCounts(store.conn);
      deepEqual(c, { ...TWO_SECURITIES_STORE, ingest_log: 2 });
    });
    await t.step("a corrected row replaces the old one, a new row is added", async () => {
      // BBB 2024-01-03 corrected from 21 to 21.5; BBB 2024-01-05 is new.
      const fix = handTables([["BBB", "2024-01-03", 21.5], ["BBB", "2024-01-05", 23]]);
      const counts = await writeTables(store, { prices: fix.prices });
      equal(counts.prices, 2);
      const rows = await queryRows(
        store.conn,
        "SELECT date::VARCHAR AS d, close FROM prices WHERE security_id = 'BBB' ORDER BY date",
      );
      deepEqual(rows, [
        { d: "2024-01-02", close: 20 },
        { d: "2024-01-03", close: 21.5 },
        { d: "2024-01-04", close: 22 },
        { d: "2024-01-05", close: 23 },
      ]);
      // 6 + 1 new price rows; the calendar gains 2024-01-05 only.
      const c = await tableCounts(store.conn);
      equal(c.prices, 7);
      equal(c.calendar, 4);
    });
    await t.step("the ingest log records source and params", async () => {
      const [r] = await queryRows(
        store.conn,
        "SELECT source, params, rows FROM ingest_log ORDER BY loaded_at LIMIT 1",
      );
      // 2 + 6 + 1 + 2 + 3 = 14 rows in the first load.
      deepEqual(r, { source: "hand", params: '{"v":1}', rows: 14 });
    });
  } finally {
    store.close();
  }
});

Deno.test("writeTables() failing midway leaves the store unchanged", async () => {
  const { store } = await tempStore();
  try {
    await writeTables(store, BASE);
    const before = await tableCounts(store.conn);
    const closes = await queryRows(store.conn, "SELECT security_id, date, close FROM prices ORDER BY ALL");
    // Securities load first (a new one, CCC), then prices hold a duplicate (CCC, 2024-01-03) and a
    // correction of AAA: the duplicate fails the load after securities were written in the transaction.
    const bad = handTables([
      ["CCC", "2024-01-02", 5],
      ["CCC", "2024-01-03", 6],
      ["CCC", "2024-01-03", 7],
      ["AAA", "2024-01-02", 99],
    ]);
    await rejects(writeTables(store, bad), (e: Error) => {
      match(e.message, /duplicate key \(security_id, date\) = \(CCC, 2024-01-03\)/);
      return true;
    });
    deepEqual(await tableCounts(store.conn), before);
    deepEqual(
      await queryRows(store.conn, "SELECT security_id, date, close FROM prices ORDER BY ALL"),
      closes,
    );
    deepEqual(await queryRows(store.conn, "SELECT count(*) AS n FROM securities WHERE security_id = 'CCC'"), [
      { n: 0 },
    ]);
  } finally {
    store.close();
  }
});

Deno.test("inTransaction() commits on success and rolls back on a throw", async () => {
  const { store } = await tempStore();
  try {
    await inTransaction(store.conn, () => store.conn.run("INSERT INTO calendar VALUES (DATE '2024-01-02')"));
    await rejects(
      inTransaction(store.conn, async () => {
        await store.conn.run("INSERT INTO calendar VALUES (DATE '2024-01-03')");
        throw new Error("boom");
      }),
      /boom/,
    );
    deepEqual(await queryRows(store.conn, "SELECT date::VARCHAR AS d FROM calendar"), [{ d: "2024-01-02" }]);
  } finally {
    store.close();
  }
});

Deno.test("openStore() read-only", async (t) => {
  const { dir, db, store } = await tempStore();
  await writeTables(store, BASE);
  store.close();

  await t.step("a missing file is a clear error naming the path", async () => {
    await rejects(openStore(`${dir}/missing.duckdb`, { readOnly: true }), (e: Error) => {
      match(e.message, /store not found: .*missing\.duckdb/);
      match(e.message, /deno task demo/);
      return true;
    });
    // …and nothing was created.
    await rejects(Deno.stat(`${dir}/missing.duckdb`), Deno.errors.NotFound);
  });

  await t.step("an existing store opens read-only, reads, and refuses writes", async () => {
    const ro = await openStore(db, { readOnly: true });
    try {
      equal(ro.readOnly, true);
      deepEqual(await queryRows(ro.conn, "SELECT sum(close) AS s FROM prices"), [{ s: 96 }]); // 10+11+12+20+21+22
      await rejects(ro.conn.run("DELETE FROM prices"), /read-only/);
    } finally {
      ro.close();
    }
  });

  await t.step("another process reads the store while this one holds a read-only handle", async () => {
    const ro = await openStore(db, { readOnly: true });
    try {
      const code = `import { openStore, queryRows } from "./lib/store/db.ts";
        const s = await openStore(${JSON.stringify(db)}, { readOnly: true });
        console.log(JSON.stringify(await queryRows(s.conn, "SELECT count(*) AS n FROM prices")));
        s.close();`;
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["eval", "--ext=ts", code],
        cwd: new URL("..", import.meta.url).pathname,
        stdout: "piped",
        stderr: "piped",
      }).output();
      equal(out.code, 0, new TextDecoder().decode(out.stderr));
      deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), [{ n: 6 }]);
      ok(await queryRows(ro.conn, "SELECT 1 AS one"));
    } finally {
      ro.close();
    }
  });
});
