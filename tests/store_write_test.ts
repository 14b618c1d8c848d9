/**
 * Atomic store writes (`writeStore`), the integrity check (`checkStore`, `deno task store check`)
 * and the writer lock — issue 8 items 1, 9 and 13.
 */
import { deepStrictEqual as deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { openStore, queryRows, StoreBusyError } from "../lib/store/db.ts";
import { checkStore } from "../lib/store/check.ts";
import { StoreLockedError } from "../lib/store/lock.ts";
import { StoreIntegrityError, writeStore } from "../lib/store/write_store.ts";
import { writeTables } from "../lib/store/write.ts";
import { main as storeMain } from "../lib/cli/store.ts";
import { sha256File } from "../lib/util/hash.ts";
import {
  capture,
  handTables,
  listDir,
  tableCounts,
  TWO_SECURITIES_STORE,
  twoSecurities,
} from "./fixtures/foundation/helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;

const BASE = twoSecurities();
const BASE_COUNTS = TWO_SECURITIES_STORE;

/** A temp folder with a store holding BASE, written by `writeStore`. */
async function baseStore(): Promise<{ dir: string; db: string }> {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-write-" });
  const db = `${dir}/store.duckdb`;
  await writeStore(db, (store) => writeTables(store, BASE, { source: "hand", params: {} }));
  return { dir, db };
}

/** Spawns `deno eval` of `code` (with `DB` defined) and resolves once it printed `ready`. */
async function holder(code: string, db: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", `const DB = ${JSON.stringify(db)};\n${code}`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`holder exited before ready: ${text}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return child;
}

Deno.test("writeStore() publishes a load atomically and discards a failed one", async (t) => {
  const { dir, db } = await baseStore();
  await t.step("the load is published, its counts logged, no temp file left", async () => {
    const store = await openStore(db, { readOnly: true });
    try {
      deepEqual(await tableCounts(store.conn), { ...BASE_COUNTS, ingest_log: 1 });
      const [log] = await queryRows(store.conn, "SELECT source, rows, counts FROM ingest_log");
      // 2 + 6 + 1 + 2 + 3 = 14 rows loaded.
      deepEqual(log, { source: "hand", rows: 14, counts: JSON.stringify(BASE_COUNTS) });
    } finally {
      store.close();
    }
    deepEqual(await listDir(dir), [".store.duckdb.verified", "store.duckdb", "store.duckdb.lock"]);
  });
  await t.step("a body that throws after writing leaves the file byte-identical", async () => {
    const hash = await sha256File(db);
    await rejects(
      writeStore(db, async (store) => {
        await writeTables(store, handTables([["CCC", "2024-01-05", 5]]));
        throw new Error("boom after a committed transaction");
      }),
      /boom/,
    );
    equal(await sha256File(db), hash);
    deepEqual((await listDir(dir)).filter((n) => n.includes(".tmp-")), []);
  });
  await t.step("readers are not blocked; an open reader keeps the store it opened", async () => {
    const reader = await openStore(db, { readOnly: true });
    try {
      await writeStore(db, (store) => writeTables(store, handTables([["CCC", "2024-01-05", 5]])));
      deepEqual(await queryRows(reader.conn, "SELECT count(*) AS n FROM prices"), [{ n: 6 }]);
      const fresh = await openStore(db, { readOnly: true });
      deepEqual(await queryRows(fresh.conn, "SELECT count(*) AS n FROM prices"), [{ n: 7 }]);
      fresh.close();
    } finally {
      reader.close();
    }
  });
});

Deno.test("writeStore() removes what interrupted loads left behind, and nothing else", async () => {
  const { dir, db } = await baseStore();
  await Deno.writeTextFile(`${dir}/.store.duckdb.tmp-0123456789ab`, "half a copy");
  await Deno.writeTextFile(`${dir}/.store.duckdb.tmp-0123456789ab.wal`, "half a log");
  // A load killed while stamping the published file as verified leaves the stamp's temp file.
  await Deno.writeTextFile(`${dir}/.store.duckdb.verified.tmp-0123456789ab`, "half a stamp");
  await Deno.writeTextFile(`${dir}/.other.duckdb.tmp-0123456789ab`, "another store's");
  const lines: string[] = [];
  await writeStore(db, (store) => writeTables(store, handTables([["CCC", "2024-01-05", 5]])), {
    log: (line) => lines.push(line),
  });
  deepEqual(lines, ["removed 3 leftover file(s) of an interrupted load (0 MB)"]);
  deepEqual((await listDir(dir)).filter((n) => n.includes(".tmp-")), [".other.duckdb.tmp-0123456789ab"]);
});

Deno.test("checkStore() and `store check` find duplicate keys, orphans and unlogged rows; loads refuse", async (t) => {
  const { db } = await baseStore();
  await t.step("a clean store passes (exit 0)", async () => {
    const out = await capture(() => storeMain(["check", "--db", db]));
    equal(out.code, 0, out.err);
    match(out.out, /prices\s+6\s+ok/);
    match(out.out, /ok: no problems/);
  });
  // Corrupt it the way a half-replayed load did: a duplicate (AAA, 2024-01-02) and a price of an
  // unknown security, written directly without a logged load.
  const direct = await openStore(db);
  await direct.conn.run(`INSERT INTO prices VALUES ('AAA', DATE '2024-01-02', 1, 1, 1, 1, 1),
    ('ZZZ', DATE '2024-01-02', 1, 1, 1, 1, 1)`);
  direct.close();
  await t.step("each problem is named with its table, count and an example", async () => {
    const store = await openStore(db, { readOnly: true });
    const check = await checkStore(store);
    store.close();
    equal(check.ok, false);
    deepEqual(check.tables, { ...BASE_COUNTS, prices: 8 });
    deepEqual(check.problems.map((p) => [p.table, p.kind, p.rows]), [
      ["prices", "duplicate_keys", 1],
      ["prices", "orphans", 1],
      ["prices", "counts", 2], // 8 rows, the last load left 6
    ]);
    match(
      check.problems[0].message,
      /1 key\(s\) \(security_id, date\) appear more than once.*\(AAA, 2024-01-02\)/,
    );
    match(
      check.problems[1].message,
      /1 row\(s\) of 1 security id\(s\) missing from securities; e\.g\. "ZZZ"/,
    );
    match(check.problems[2].message, /prices: 8 row\(s\), but the last load \(hand, .*\) left 6/);
  });
  await t.step("`store check` exits 1 listing them", async () => {
    const out = await capture(() => storeMain(["check", "--db", db]));
    equal(out.code, 1);
    match(out.out, /prices\s+8\s+duplicate_keys, orphans, counts/);
    match(out.out, /3 problem\(s\):/);
    const json = await capture(() => storeMain(["check", "--db", db, "--json"]));
    equal(JSON.parse(json.out).problems.length, 3);
  });
  await t.step("a load refuses to write to it and leaves it untouched", async () => {
    const hash = await sha256File(db);
    await rejects(writeStore(db, async () => {}), (e: unknown) => {
      ok(e instanceof StoreIntegrityError && e.when === "before");
      match(e.message, /fails its integrity check; refusing to write to it/);
      return true;
    });
    equal(await sha256File(db), hash);
  });
});

Deno.test("writeStore() does not publish a load that would leave the store inconsistent", async () => {
  const { db } = await baseStore();
  const hash = await sha256File(db);
  await rejects(
    writeStore(db, async (store) => {
      await store.conn.run("INSERT INTO prices VALUES ('ZZZ', DATE '2024-01-02', 1, 1, 1, 1, 1)");
    }),
    (e: unknown) => {
      ok(e instanceof StoreIntegrityError && e.when === "after");
      match(e.message, /would leave store .* inconsistent; nothing was written/);
      match(e.message, /prices: 1 row\(s\) of 1 security id\(s\) missing from securities/);
      return true;
    },
  );
  equal(await sha256File(db), hash);
});

Deno.test("a second writer waits for the first, then names it and says what to do", async (t) => {
  const { db } = await baseStore();
  const child = await holder(
    `import { writeStore } from "./lib/store/write_store.ts";
     await writeStore(DB, async () => { console.log("ready"); await new Promise((r) => setTimeout(r, 2500)); });`,
    db,
  );
  await t.step("a short wait fails with the holder's pid and command", async () => {
    await rejects(writeStore(db, async () => {}, { waitMs: 300 }), (e: unknown) => {
      ok(e instanceof StoreLockedError);
      equal(e.holder?.pid, child.pid);
      match(e.message, new RegExp(`is being written by PID ${child.pid} \\(.*deno eval.*, since `));
      match(e.message, new RegExp(`kill ${child.pid}\\): a stopped load leaves the store as it was`));
      return true;
    });
  });
  await t.step("a longer wait succeeds once the first load is done", async () => {
    const lines: string[] = [];
    await writeStore(db, (store) => writeTables(store, handTables([["CCC", "2024-01-05", 5]])), {
      waitMs: 20_000,
      log: (line) => lines.push(line),
    });
    match(lines[0], new RegExp(`being written by PID ${child.pid} .*; waiting up to 20 s`));
    const store = await openStore(db, { readOnly: true });
    deepEqual(await queryRows(store.conn, "SELECT count(*) AS n FROM prices"), [{ n: 7 }]);
    store.close();
  });
  await child.status;
});

Deno.test("a read-write handle in another process is named, for readers and writers", async () => {
  const { db } = await baseStore();
  const child = await holder(
    `import { openStore } from "./lib/store/db.ts";
     const s = await openStore(DB); console.log("ready"); await new Promise((r) => setTimeout(r, 3000)); s.close();`,
    db,
  );
  await rejects(openStore(db, { readOnly: true, waitMs: 200 }), (e: unknown) => {
    ok(e instanceof StoreBusyError);
    equal(e.pid, child.pid);
    match(e.message, new RegExp(`open in another process \\(PID ${child.pid}: .*deno eval`));
    match(e.message, /Close it there .* or wait for it to exit, then retry/);
    return true;
  });
  // The direct handle holds the writer lock, so a load waits for it rather than copying under it.
  await rejects(writeStore(db, async () => {}, { waitMs: 200 }), StoreLockedError);
  child.kill("SIGKILL");
  await child.status;
});

Deno.test("a write-ahead log left by a killed direct write is checked before it is replayed", async (t) => {
  const { dir, db } = await baseStore();
  // A direct read-write handle commits a duplicate row and is killed before it checkpoints.
  const child = await holder(
    `import { openStore } from "./lib/store/db.ts";
     const s = await openStore(DB);
     await s.conn.run("INSERT INTO prices VALUES ('AAA', DATE '2024-01-02', 1, 1, 1, 1, 1)");
     console.log("ready"); await new Promise((r) => setTimeout(r, 60_000));`,
    db,
  );
  child.kill("SIGKILL");
  await child.status;
  ok((await listDir(dir)).includes("store.duckdb.wal"));
  const hashes = [await sha256File(db), await sha256File(`${db}.wal`)];
  await t.step(
    "a load refuses, leaves file and log untouched, and says how to get the old state",
    async () => {
      await rejects(writeStore(db, async () => {}), (e: unknown) => {
        ok(e instanceof StoreIntegrityError);
        match(e.message, /fails its integrity check once its write-ahead log is replayed/);
        match(e.message, /move .*store\.duckdb\.wal away \(keep a copy\) to get that state back/);
        return true;
      });
      deepEqual([await sha256File(db), await sha256File(`${db}.wal`)], hashes);
    },
  );
  await t.step("without the log, the store is the one before the direct write", async () => {
    await Deno.rename(`${db}.wal`, `${dir}/kept.wal`);
    const store = await openStore(db, { readOnly: true });
    const check = await checkStore(store);
    store.close();
    deepEqual(check.problems, []);
    equal(check.tables.prices, 6);
  });
});

Deno.test("`deno task store` has --help and refuses unknown commands with exit 2", async () => {
  const help = await capture(() => storeMain(["--help"]));
  equal(help.code, 0);
  match(help.out, /^deno task store <command>/);
  match(help.out, /check {16}integrity of every table/);
  const bad = await capture(() => storeMain(["repair"]));
  equal(bad.code, 2);
  match(bad.err, /^error: unknown command "repair"/);
});
