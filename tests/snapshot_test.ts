import {
  deepStrictEqual as deepEqual,
  equal,
  match,
  notEqual,
  ok,
  rejects,
  throws,
} from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { generateUniverse } from "../lib/ingest/synthetic.ts";
import {
  createSnapshot,
  listSnapshots,
  type Manifest,
  openSnapshot,
  readManifest,
  storeFingerprint,
  validateSnapshotId,
  verifySnapshot,
} from "../lib/snapshot/mod.ts";
import { main as snapshotCli } from "../lib/cli/snapshot.ts";
import { queryRows, type Store } from "../lib/store/db.ts";
import { TABLES } from "../lib/store/schema.ts";
import { writeTables } from "../lib/store/write.ts";
import { isoDate } from "../lib/panel/types.ts";
import { capture, listDir, tempStore } from "./fixtures/foundation/helpers.ts";

const FILES = TABLES.map((t) => `${t}.parquet`);
const SEED = 3;

/** SHA-256 hex of a file, computed here independently of lib/util/hash.ts. */
async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A store with a 30-security × 1-year synthetic universe (seed 3, 252 trading days from 2014-01-02)
 * plus an index security IDX priced on every calendar day. `last` is the calendar's last day.
 */
async function fixtureStore(): Promise<{ dir: string; db: string; store: Store; last: string }> {
  const t = await tempStore();
  const params = { seed: SEED, nSecurities: 30, years: 1, start: "2014-01-02" };
  const tables = generateUniverse(params);
  await writeTables(t.store, tables, { source: "synthetic", params });
  const dates = tables.calendar;
  const close = Float64Array.from(dates, (_, k) => 1000 + k);
  await writeTables(t.store, {
    securities: [{
      security_id: "IDX",
      name: "Index",
      industry: "Index",
      asset_class: "index",
      listed: dates[0],
      delisted: null,
    }],
    prices: {
      security_id: Array.from(dates, () => "IDX"),
      date: dates,
      open: close,
      high: close,
      low: close,
      close,
      volume: new Float64Array(dates.length),
    },
  }, { source: "index", params: {} });
  return { ...t, last: isoDate(dates[dates.length - 1]) };
}

Deno.test("createSnapshot() writes Parquet files and a manifest; verify, list and open read them", async (t) => {
  const { dir, store, last } = await fixtureStore();
  const snaps = `${dir}/snapshots`;
  let manifest: Manifest;
  try {
    await t.step("create writes 5 Parquet files + manifest.json with the right keys", async () => {
      manifest = await createSnapshot(store, "full", { snapshotsDir: snaps });
      // + the verified cache (local state, not part of the snapshot)
      deepEqual(await listDir(`${snaps}/full`), [...FILES, ".verified.json", "manifest.json"].sort());
      deepEqual(JSON.parse(await Deno.readTextFile(`${snaps}/full/manifest.json`)), manifest);
      deepEqual(Object.keys(manifest).sort(), [
        "created_at",
        "date_range",
        "files",
        "generator",
        "hash",
        "manifest_hash",
        "quantnb_version",
        "rows",
        "securities",
        "selection",
        "snapshot_id",
        "source",
      ]);
      equal(manifest.snapshot_id, "full");
      match(manifest.hash, /^[0-9a-f]{64}$/);
      ok(Math.abs(Date.parse(manifest.created_at) - Date.now()) < 60_000, manifest.created_at);
      match(manifest.source.fingerprint, /^[0-9a-f]{64}$/);
      equal(manifest.source.fingerprint, await storeFingerprint(store));
      equal(manifest.quantnb_version, denoJson.version);
      deepEqual(manifest.selection, { top: null, start: null, end: null });
      deepEqual(Object.keys(manifest.files).sort(), [...FILES].sort());
      for (const name of FILES) {
        const path = `${snaps}/full/${name}`;
        equal(manifest.files[name].sha256, await sha256(path), name);
        equal(manifest.files[name].bytes, (await Deno.stat(path)).size, name);
      }
      // Counts from the store itself: 31 securities (30 + IDX), 252 calendar days.
      const expected: Record<string, number> = {};
      for (const table of TABLES) {
        const [r] = await queryRows(store.conn, `SELECT count(*) AS n FROM ${table}`);
        expected[table] = r.n as number;
      }
      equal(expected.securities, 31);
      equal(expected.calendar, 252);
      deepEqual(manifest.rows, expected);
      for (const table of TABLES) equal(manifest.files[`${table}.parquet`].rows, expected[table]);
      equal(manifest.securities, 31);
      deepEqual(manifest.date_range.prices, { min: "2014-01-02", max: last });
      deepEqual(manifest.date_range.calendar, { min: "2014-01-02", max: last });
      deepEqual(manifest.generator.map((g) => g.source), ["synthetic", "index"]);
      deepEqual(manifest.generator[0].params, { seed: SEED, nSecurities: 30, years: 1, start: "2014-01-02" });
    });

    await t.step("the same store gives the same hash under another id", async () => {
      const again = await createSnapshot(store, "again", { snapshotsDir: snaps });
      equal(again.hash, manifest.hash);
      equal(again.source.fingerprint, manifest.source.fingerprint);
      equal(again.snapshot_id, "again");
    });

    await t.step("snapshots are immutable: an existing id is refused, files untouched", async () => {
      const before = await Promise.all(FILES.map((f) => Deno.stat(`${snaps}/full/${f}`)));
      const manifestText = await Deno.readTextFile(`${snaps}/full/manifest.json`);
      await rejects(createSnapshot(store, "full", { snapshotsDir: snaps }), Deno.errors.AlreadyExists);
      const after = await Promise.all(FILES.map((f) => Deno.stat(`${snaps}/full/${f}`)));
      deepEqual(
        after.map((s) => [s.size, s.mtime?.getTime()]),
        before.map((s) => [s.size, s.mtime?.getTime()]),
      );
      equal(await Deno.readTextFile(`${snaps}/full/manifest.json`), manifestText);
      deepEqual(await verifySnapshot("full", snaps), []);
      // No temp folder left behind.
      deepEqual(await listDir(snaps), ["again", "full"]);
    });

    await t.step("openSnapshot() views count the manifest's rows", async () => {
      const snap = await openSnapshot("full", snaps);
      try {
        equal(snap.manifest.hash, manifest.hash);
        for (const table of TABLES) {
          const [r] = await queryRows(snap.conn, `SELECT count(*) AS n FROM ${table}`);
          equal(r.n, manifest.rows[table], table);
        }
        // Content equals the store's: the sum of closes agrees.
        const [a] = await queryRows(snap.conn, "SELECT sum(close) AS s FROM prices");
        const [b] = await queryRows(store.conn, "SELECT sum(close) AS s FROM prices");
        ok(Math.abs((a.s as number) - (b.s as number)) < 1e-6);
      } finally {
        snap.close();
      }
      await rejects(openSnapshot("nope", snaps), /snapshot "nope" not found/);
    });

    await t.step(
      "a lightweight snapshot keeps the N most liquid equities + the index, from start",
      async () => {
        const start = "2014-07-01";
        const m = await createSnapshot(store, "top5", { snapshotsDir: snaps, top: 5, start });
        // Hand ranking: median ADV per equity over dates ≥ start, computed in JS, ties by id.
        const rows = await queryRows(
          store.conn,
          `SELECT security_id, adv FROM descriptors WHERE date >= DATE '${start}' ORDER BY security_id, date`,
        );
        const advs = new Map<string, number[]>();
        for (const r of rows) {
          advs.set(r.security_id as string, [...(advs.get(r.security_id as string) ?? []), r.adv as number]);
        }
        const median = (xs: number[]) => {
          const s = [...xs].sort((a, b) => a - b);
          return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        };
        const ranked = [...advs].map(([id, xs]) => [id, median(xs)] as const)
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        const top5 = ranked.slice(0, 5).map((r) => r[0]).sort();

        const snap = await openSnapshot("top5", snaps);
        try {
          const ids = await queryRows(
            snap.conn,
            "SELECT security_id, asset_class FROM securities ORDER BY 1",
          );
          deepEqual(ids.filter((r) => r.asset_class === "equity").map((r) => r.security_id), top5);
          deepEqual(ids.filter((r) => r.asset_class === "index").map((r) => r.security_id), ["IDX"]);
          const priced = await queryRows(snap.conn, "SELECT DISTINCT security_id FROM prices ORDER BY 1");
          deepEqual(priced.map((r) => r.security_id), [...top5, "IDX"].sort());
          for (
            const [table, col] of [["prices", "date"], ["descriptors", "date"], [
              "corporate_actions",
              "ex_date",
            ], ["calendar", "date"]]
          ) {
            const [r] = await queryRows(
              snap.conn,
              `SELECT count(*) AS n FROM ${table} WHERE ${col} < DATE '${start}'`,
            );
            equal(r.n, 0, `${table} has rows before ${start}`);
          }
          // IDX has a price on every calendar day from start.
          const [idx] = await queryRows(
            snap.conn,
            "SELECT count(*) AS n FROM prices WHERE security_id = 'IDX'",
          );
          equal(idx.n, m.rows.calendar);
        } finally {
          snap.close();
        }
        equal(m.securities, 6);
        deepEqual(m.selection, { top: 5, start, end: null });
        equal(m.date_range.prices.min, "2014-07-01");
        notEqual(m.hash, manifest.hash);
      },
    );

    await t.step("listSnapshots() lists snapshots by id and skips other folders", async () => {
      await Deno.mkdir(`${snaps}/junk`);
      await Deno.mkdir(`${snaps}/.half.tmp-0001`);
      const entries = await listSnapshots(snaps);
      deepEqual(entries.map((e) => e.snapshot_id), ["again", "full", "top5"]);
      const full = entries[1];
      deepEqual(full, {
        snapshot_id: "full",
        manifest_id: "full",
        hash: manifest.hash,
        created_at: manifest.created_at,
        securities: 31,
        rows: manifest.rows.prices,
        start: "2014-01-02",
        end: last,
        problem: null,
      });
      deepEqual(await listSnapshots(`${dir}/nowhere`), []);
    });

    await t.step("tampering with prices.parquet is detected and named", async () => {
      const path = `${snaps}/again/prices.parquet`;
      const original = await sha256(path);
      await Deno.writeFile(path, new Uint8Array([0]), { append: true });
      const problems = await verifySnapshot("again", snaps);
      deepEqual(problems, [{ file: "prices.parquet", expected: original, found: await sha256(path) }]);
      const cli = await capture(() => snapshotCli(["verify", "again", "--snapshots", snaps]));
      equal(cli.code, 1);
      match(cli.err, /MISMATCH prices\.parquet: expected [0-9a-f]{64}, found [0-9a-f]{64}/);
      // An intact snapshot verifies with exit 0.
      const ok0 = await capture(() => snapshotCli(["verify", "full", "--snapshots", snaps]));
      equal(ok0.code, 0);
      match(ok0.out, /snapshot full: every file matches its manifest/);
    });

    await t.step("a missing file or an extra file is a mismatch too", async () => {
      await Deno.remove(`${snaps}/top5/calendar.parquet`);
      await Deno.writeTextFile(`${snaps}/top5/notes.txt`, "x");
      const problems = await verifySnapshot("top5", snaps);
      deepEqual(problems.map((p) => [p.file, p.found]), [["calendar.parquet", "missing"], [
        "notes.txt",
        "present",
      ]]);
    });
  } finally {
    store.close();
  }
});

Deno.test("validateSnapshotId() refuses ids that are not plain folder names", async () => {
  for (const id of ["demo", "demo-2024.01_v2", "A", "x".repeat(64)]) equal(validateSnapshotId(id), id);
  for (const id of ["..", "a/b", "", ".hidden", "a..b", "../x", "a b", "x".repeat(65), "é"]) {
    throws(() => validateSnapshotId(id), RangeError, JSON.stringify(id));
  }
  const { dir, store } = await tempStore();
  try {
    await rejects(createSnapshot(store, "../evil", { snapshotsDir: `${dir}/snaps` }), RangeError);
    await rejects(createSnapshot(store, "a/b", { snapshotsDir: `${dir}/snaps` }), RangeError);
    deepEqual((await listDir(dir)).filter((name) => !name.startsWith("store.duckdb")), []);
    await rejects(readManifest("..", `${dir}/snaps`), RangeError);
  } finally {
    store.close();
  }
});

Deno.test("createSnapshot() failing leaves no folder behind", async (t) => {
  const { dir, store } = await tempStore();
  const snaps = `${dir}/snapshots`;
  try {
    await writeTables(store, generateUniverse({ nSecurities: 5, years: 0.1, seed: 1 }));
    await t.step("bad options are refused before anything is written", async () => {
      await rejects(
        createSnapshot(store, "s", { snapshotsDir: snaps, end: "2014-13-01" }),
        /YYYY-MM-DD, found "2014-13-01"/,
      );
      await rejects(createSnapshot(store, "s", { snapshotsDir: snaps, start: "01/02/2014" }), RangeError);
      await rejects(
        createSnapshot(store, "s", { snapshotsDir: snaps, top: 0 }),
        /--top must be a positive integer/,
      );
      deepEqual(await listDir(snaps), []);
    });
    await t.step("a failure after some files were written removes the temp folder", async () => {
      // calendar is the last table written: securities, prices, … are already in the temp folder.
      await store.conn.run("DROP TABLE calendar");
      await rejects(createSnapshot(store, "s", { snapshotsDir: snaps }), /calendar/);
      deepEqual(await listDir(snaps), []);
    });
  } finally {
    store.close();
  }
});
