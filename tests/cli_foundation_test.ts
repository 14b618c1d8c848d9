import { deepStrictEqual as deepEqual, equal, match, ok } from "node:assert/strict";
import { main as ingestCli } from "../lib/cli/ingest.ts";
import { main as snapshotCli } from "../lib/cli/snapshot.ts";
import { main as demoCli } from "../lib/cli/demo.ts";
import { openStore, queryRows } from "../lib/store/db.ts";
import { readManifest } from "../lib/snapshot/paths.ts";
import { capture, listDir } from "./fixtures/foundation/helpers.ts";

const CLIS = { ingest: ingestCli, snapshot: snapshotCli, demo: demoCli };

Deno.test("ingest, snapshot and demo tasks print help and refuse unknown flags", async (t) => {
  for (const [name, main] of Object.entries(CLIS)) {
    await t.step(`${name} --help exits 0 with the usage`, async () => {
      const r = await capture(() => main(["--help"]));
      equal(r.code, 0);
      ok(r.out.startsWith(`deno task ${name}`), r.out);
      match(r.out, /--db PATH/);
      equal(r.err, "");
      equal((await capture(() => main(["-h"]))).code, 0);
    });
    await t.step(`${name} --bogus exits 2 naming the flag, with the usage`, async () => {
      const r = await capture(() => main(["--bogus"]));
      equal(r.code, 2);
      match(r.err, /^error: .*'--bogus'/);
      ok(r.err.includes(`deno task ${name}`), r.err);
    });
  }
  await t.step("missing or unknown commands are usage errors", async () => {
    const dir = await Deno.makeTempDir();
    const db = ["--db", `${dir}/x.duckdb`];
    const noSource = await capture(() => ingestCli(db));
    equal(noSource.code, 2);
    match(noSource.err, /missing <source>/);
    const noCommand = await capture(() => snapshotCli(db));
    equal(noCommand.code, 2);
    match(noCommand.err, /missing <command>/);
    const unknown = await capture(() => snapshotCli(["delete", "x", ...db]));
    equal(unknown.code, 2);
    match(unknown.err, /unknown command "delete"/);
    const badMap = await capture(() => ingestCli(["csv", `${dir}/a.csv`, "--map", "close", ...db]));
    equal(badMap.code, 2);
    match(badMap.err, /--map expects target=column pairs, found "close"/);
  });
});

Deno.test("ingest synthetic → snapshot create → list → verify, end to end", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-cli-" });
  const db = `${dir}/quant.duckdb`;
  const where = ["--db", db, "--snapshots", `${dir}/snaps`];

  await t.step("ingest synthetic --securities 20 --years 1", async () => {
    const r = await capture(() =>
      ingestCli([
        "synthetic",
        "--securities",
        "20",
        "--years",
        "1",
        "--seed",
        "5",
        "--start",
        "2014-01-02",
        ...where,
      ])
    );
    equal(r.code, 0, r.err);
    // 20 securities, 252 trading days (1 year × 252).
    match(
      r.out,
      /^synthetic: \{"securities":20,"prices":\d+,"corporate_actions":\d+,"descriptors":\d+,"calendar":252,"series":0,"series_info":0\}/,
    );
    const store = await openStore(db, { readOnly: true });
    try {
      deepEqual(await queryRows(store.conn, "SELECT count(*) AS n FROM securities"), [{ n: 20 }]);
      const [log] = await queryRows(store.conn, "SELECT source, params FROM ingest_log");
      equal(log.source, "synthetic");
      const params = JSON.parse(log.params as string);
      deepEqual([params.seed, params.nSecurities, params.years], [5, 20, 1]);
    } finally {
      store.close();
    }
  });

  await t.step("ingest csv with --map and --security", async () => {
    const csv = `${dir}/acme.csv`;
    await Deno.writeTextFile(csv, "Day,Last\n03.02.2014,10\n04.02.2014,10.5\n");
    const r = await capture(() =>
      ingestCli(["csv", csv, "--map", "date=Day,close=Last", "--security", "ACME", ...where])
    );
    equal(r.code, 0, r.err);
    equal(r.out, `${csv}: 2 rows, 1 securities into prices (2 new, 0 replaced; dates %d.%m.%Y)`);
    const bad = `${dir}/bad.csv`;
    await Deno.writeTextFile(bad, "security_id,date,close\nX,2014-02-03,-1\n");
    const e = await capture(() => ingestCli(["csv", bad, ...where]));
    equal(e.code, 1);
    match(
      e.err,
      /bad\.csv: 1 problem\(s\), nothing was written\n {2}row 1, column "close": expected a positive number, found "-1"/,
    );
  });

  await t.step("snapshot create x", async () => {
    const r = await capture(() => snapshotCli(["create", "x", ...where]));
    equal(r.code, 0, r.err);
    const m = await readManifest("x", `${dir}/snaps`);
    // 20 synthetic securities + ACME.
    equal(m.securities, 21);
    match(
      r.out,
      new RegExp(
        `^snapshot x {2}hash ${m.hash.slice(0, 16)} {2}21 securities {2}${m.rows.prices} price rows`,
      ),
    );
    const again = await capture(() => snapshotCli(["create", "x", ...where]));
    equal(again.code, 1);
    match(again.err, /already exists/);
    const badTop = await capture(() => snapshotCli(["create", "y", "--top", "zero", ...where]));
    equal(badTop.code, 2); // a usage error, as the help says
    match(badTop.err, /--top expects an integer ≥ 1, found "zero"/);
    deepEqual(await listDir(`${dir}/snaps`), ["x"]);
  });

  await t.step("snapshot list", async () => {
    const m = await readManifest("x", `${dir}/snaps`);
    const r = await capture(() => snapshotCli(["list", ...where]));
    equal(r.code, 0);
    const lines = r.out.split("\n");
    equal(lines.length, 1);
    ok(lines[0].startsWith(`x${" ".repeat(19)} ${m.hash.slice(0, 12)}     21 securities`), lines[0]);
    ok(lines[0].includes(`${m.rows.prices} rows  2014-01-02 → ${m.date_range.prices.max}`), lines[0]);
    const empty = await capture(() => snapshotCli(["list", "--snapshots", `${dir}/none`]));
    equal(empty.out, `no snapshots in ${dir}/none/`);
  });

  await t.step("snapshot verify x", async () => {
    const r = await capture(() => snapshotCli(["verify", "x", ...where]));
    equal(r.code, 0, r.err);
    equal(r.out, "snapshot x: every file matches its manifest");
    await Deno.writeFile(`${dir}/snaps/x/descriptors.parquet`, new Uint8Array([1]), { append: true });
    const bad = await capture(() => snapshotCli(["verify", "x", ...where]));
    equal(bad.code, 1);
    match(bad.err, /^MISMATCH descriptors\.parquet: expected [0-9a-f]{64}, found [0-9a-f]{64}$/);
    const missing = await capture(() => snapshotCli(["verify", "nope", ...where]));
    equal(missing.code, 1);
    match(missing.err, /snapshot "nope" not found/);
  });
});
