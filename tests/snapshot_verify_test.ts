/**
 * Snapshots are verified when opened (issue 8 item 3): a rewritten file, an edited manifest or a
 * renamed folder is refused naming the file; opening is cheap (metadata against the verified cache,
 * full hashes only where it changed); empty selections are refused (item 10); a corrupt manifest or
 * a missing file gets a message naming it, not DuckDB's SQL (item 15).
 */
import { deepStrictEqual as deepEqual, equal, ok, rejects } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { generateUniverse } from "../lib/ingest/synthetic.ts";
import { loadPanel } from "../lib/panel/load.ts";
import {
  checkSnapshot,
  createSnapshot,
  listSnapshots,
  type Manifest,
  openSnapshot,
  SnapshotIntegrityError,
  verifySnapshot,
} from "../lib/snapshot/mod.ts";
import { main as snapshotCli } from "../lib/cli/snapshot.ts";
import { writeTables } from "../lib/store/write.ts";
import { capture, listDir, tempStore } from "./fixtures/foundation/helpers.ts";

/** Canonical JSON (keys sorted, undefined dropped) and its sha256, written here independently of lib/util/hash.ts. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
async function sha256Text(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A store with 12 synthetic securities over ~3 months and snapshots `ids` of it. */
async function fixture(ids: string[]) {
  const t = await tempStore();
  await writeTables(
    t.store,
    generateUniverse({ nSecurities: 12, years: 0.25, seed: 4, start: "2014-01-02" }),
    {
      source: "synthetic",
      params: {},
    },
  );
  const snaps = `${t.dir}/snaps`;
  const manifests: Record<string, Manifest> = {};
  for (const id of ids) manifests[id] = await createSnapshot(t.store, id, { snapshotsDir: snaps });
  return { ...t, snaps, manifests };
}

/** Asserts `fn` rejects with a SnapshotIntegrityError naming `file` and including `detail`. */
async function refused(fn: () => Promise<unknown>, file: string, detail: string): Promise<void> {
  await rejects(fn, (e: Error) => {
    ok(e instanceof SnapshotIntegrityError, `${e.name}: ${e.message}`);
    equal((e as SnapshotIntegrityError).file, file);
    ok(e.message.includes(detail), e.message);
    ok(!/SELECT|read_parquet|LINE \d/.test(e.message), e.message);
    return true;
  });
}

Deno.test("the manifest carries a hash of its own: sha256 of its canonical JSON without that field", async () => {
  const { store, manifests } = await fixture(["s"]);
  store.close();
  const { manifest_hash, ...rest } = manifests.s;
  equal(manifest_hash, await sha256Text(JSON.stringify(canonical(rest))));
});

Deno.test("opening a snapshot verifies it and refuses a mismatch, naming the file", async (t) => {
  const { store, snaps, manifests } = await fixture(["s"]);
  store.close();
  const dir = `${snaps}/s`;
  const files = Object.keys(manifests.s.files).length; // one Parquet file per store table
  await t.step("files changed in the second they were verified are rehashed once, then trusted", async () => {
    // createSnapshot recorded every hash; the files it wrote in the second it recorded them ("racy":
    // changed in the very second they were hashed) are rehashed once. How many that is depends on how
    // fast the machine wrote them, so the expected set is read from the cache createSnapshot left.
    const cache = JSON.parse(await Deno.readTextFile(`${dir}/.verified.json`)).files as Record<
      string,
      { ctime: number; verified_s: number }
    >;
    equal(Object.keys(cache).length, files);
    const racy = Object.keys(cache).filter((f) => Math.floor(cache[f].ctime / 1000) >= cache[f].verified_s);
    await new Promise((r) => setTimeout(r, 1100));
    deepEqual((await checkSnapshot("s", snaps)).rehashed.sort(), racy.sort());
    deepEqual((await checkSnapshot("s", snaps)).rehashed, []); // cheap: metadata only
  });
  await t.step("without the cache every file is hashed once, then the cache vouches again", async () => {
    await Deno.remove(`${dir}/.verified.json`);
    equal((await checkSnapshot("s", snaps)).rehashed.length, files);
    await new Promise((r) => setTimeout(r, 1100));
    equal((await checkSnapshot("s", snaps)).rehashed.length, 0);
  });
  await t.step("prices.parquet rewritten with closes × 3 (the observed tampering) is refused", async () => {
    const original = await Deno.readFile(`${dir}/prices.parquet`);
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT * REPLACE (close * 3 AS close) FROM read_parquet('${dir}/prices.parquet'))
       TO '${dir}/tampered.parquet' (FORMAT parquet, COMPRESSION zstd)`,
    );
    conn.closeSync();
    db.closeSync();
    await Deno.rename(`${dir}/tampered.parquet`, `${dir}/prices.parquet`);
    await refused(
      () => loadPanel({ snapshot: "s", snapshotsDir: snaps, fields: ["close"] }),
      "prices.parquet",
      "prices.parquet",
    );
    await Deno.writeFile(`${dir}/prices.parquet`, original);
    deepEqual((await checkSnapshot("s", snaps)).rehashed, ["prices.parquet"]); // restored: verified again
  });
  await t.step(
    "a same-size in-place edit with its mtime put back is caught (ctime, then the hash)",
    async () => {
      const path = `${dir}/descriptors.parquet`;
      const bytes = await Deno.readFile(path);
      const before = await Deno.stat(path);
      const edited = bytes.slice();
      edited[Math.floor(edited.length / 2)] ^= 0xff;
      await new Promise((r) => setTimeout(r, 5));
      await Deno.writeFile(path, edited);
      await Deno.utime(path, before.atime!, before.mtime!);
      await refused(() => openSnapshot("s", snaps), "descriptors.parquet", "has sha256");
      await Deno.writeFile(path, bytes);
      await checkSnapshot("s", snaps);
    },
  );
  await t.step("a missing file is named, not DuckDB's SQL", async () => {
    await Deno.rename(`${dir}/calendar.parquet`, `${dir}/../calendar.bak`);
    await refused(() => openSnapshot("s", snaps), "calendar.parquet", "calendar.parquet is missing");
    await Deno.rename(`${dir}/../calendar.bak`, `${dir}/calendar.parquet`);
  });
  await t.step("an edit to the manifest's metadata is refused", async () => {
    const text = await Deno.readTextFile(`${dir}/manifest.json`);
    const m = JSON.parse(text);
    await Deno.writeTextFile(
      `${dir}/manifest.json`,
      JSON.stringify({ ...m, selection: { ...m.selection, top: 5 } }),
    );
    await refused(() => openSnapshot("s", snaps), "manifest.json", "was edited");
    const problems = await verifySnapshot("s", snaps);
    deepEqual(problems.map((p) => p.file), ["manifest.json"]);
    // Editing a file's hash in the manifest to match a tampered file breaks the content hash instead.
    await Deno.writeTextFile(`${dir}/manifest.json`, text);
    deepEqual(await verifySnapshot("s", snaps), []);
  });
});

Deno.test("a renamed folder is listed under its own id, flagged, and refused at open", async () => {
  const { store, snaps, manifests } = await fixture(["a"]);
  store.close();
  await Deno.rename(`${snaps}/a`, `${snaps}/b`);
  const [entry] = await listSnapshots(snaps);
  equal(entry.snapshot_id, "b");
  equal(entry.manifest_id, "a");
  equal(entry.hash, manifests.a.hash);
  ok(entry.problem?.includes(`manifest says snapshot_id "a"`), entry.problem ?? "");
  await refused(
    () => openSnapshot("b", snaps),
    "manifest.json",
    `says snapshot_id "a", but its folder is "b"`,
  );
  const cli = await capture(() => snapshotCli(["list", "--snapshots", snaps]));
  ok(cli.out.startsWith("b ") && cli.out.includes(`! its manifest says snapshot_id "a"`), cli.out);
});

Deno.test("a corrupt or unsealed manifest is named", async (t) => {
  const { store, snaps } = await fixture(["c", "old"]);
  store.close();
  await t.step("not JSON", async () => {
    await Deno.writeTextFile(`${snaps}/c/manifest.json`, "{ truncated");
    await rejects(
      openSnapshot("c", snaps),
      (e: Error) => e.message.includes(`${snaps}/c/manifest.json is not valid JSON`),
    );
    const [entry] = await listSnapshots(snaps);
    ok(entry.problem?.includes("is not valid JSON"), entry.problem ?? "");
    const cli = await capture(() => snapshotCli(["list", "--snapshots", snaps]));
    ok(cli.out.split("\n")[0].startsWith('c                    ! snapshot "c":'), cli.out);
  });
  await t.step("JSON but not a manifest", async () => {
    await Deno.writeTextFile(`${snaps}/c/manifest.json`, `{"snapshot_id": "c", "hash": 3}`);
    await rejects(
      openSnapshot("c", snaps),
      /manifest\.json is not a snapshot manifest: field "hash" should be a string/,
    );
  });
  await t.step(
    "unsealed (written before manifest_hash): files verified, a warning, verify says why",
    async () => {
      const m = JSON.parse(await Deno.readTextFile(`${snaps}/old/manifest.json`));
      delete m.manifest_hash;
      await Deno.writeTextFile(`${snaps}/old/manifest.json`, JSON.stringify(m));
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (...parts: unknown[]) => warnings.push(parts.join(" "));
      try {
        (await openSnapshot("old", snaps)).close();
      } finally {
        console.warn = warn;
      }
      ok(warnings[0]?.includes(`snapshot "old": manifest.json has no manifest_hash`), warnings.join());
      deepEqual((await verifySnapshot("old", snaps)).map((p) => [p.file, p.expected]), [[
        "manifest.json",
        "a manifest_hash",
      ]]);
    },
  );
});

Deno.test("createSnapshot() refuses a selection with no price row and leaves the id free", async () => {
  const { store, snaps } = await fixture([]);
  try {
    await rejects(createSnapshot(store, "late", { snapshotsDir: snaps, start: "2030-01-01" }), (e: Error) => {
      ok(e.message.startsWith(`snapshot "late" refused: --start 2030-01-01 selects 0 price rows`), e.message);
      ok(e.message.includes("price rows, 2014-01-02 → "), e.message);
      return true;
    });
    deepEqual(await listDir(snaps), []); // no folder, no temp folder
    const m = await createSnapshot(store, "late", { snapshotsDir: snaps, start: "2014-02-03" });
    ok(m.rows.prices > 0);
  } finally {
    store.close();
  }
  const empty = await tempStore();
  try {
    await rejects(
      createSnapshot(empty.store, "e", { snapshotsDir: `${empty.dir}/s` }),
      /the whole store selects 0 price rows/,
    );
  } finally {
    empty.store.close();
  }
});
