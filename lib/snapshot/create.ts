import { join } from "node:path";
import denoJson from "../../deno.json" with { type: "json" };
import { queryRows, sqlString, type Store } from "../store/db.ts";
import { SECURITY_TABLES, TABLE_DATE_COLUMN, TABLE_KEYS, TABLES } from "../store/schema.ts";
import { writeDirAtomic, writeFileAtomic } from "../util/atomic.ts";
import { sha256File, sha256Hex, stableJson } from "../util/hash.ts";
import { parseIsoDate } from "../panel/types.ts";
import { type Manifest, type ManifestFile, manifestHash, validateSnapshotId } from "./manifest.ts";
import { DEFAULT_SNAPSHOTS, snapshotDir } from "./paths.ts";
import { contentHash, recordVerified } from "./verify.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** What goes into a snapshot. Omit everything for a full snapshot of the store. */
export interface SnapshotOptions {
  snapshotsDir?: string;
  /** Lightweight: keep the N equities with the highest median ADV over [start, end] (plus every index). */
  top?: number;
  /** First date kept (YYYY-MM-DD). */
  start?: string;
  /** Last date kept (YYYY-MM-DD). */
  end?: string;
}

/**
 * Writes snapshot `id`: one Parquet file per store table plus `manifest.json` (ids, per-file sha256,
 * rows, securities, date ranges, source fingerprint, generator parameters, quantnb version, and
 * `manifest_hash` over all of it). Snapshots are immutable: an existing id is refused. A selection
 * with no price row is refused too (an empty snapshot would only mislead; the id is not taken).
 * Files are written into a temp folder that is renamed into place, so a failure leaves nothing
 * behind. Rows are written in key order, so the same store gives byte-identical files.
 *
 * Lightweight snapshots (`top`) rank equities by median ADV (`descriptors.adv`, or close × volume
 * where no ADV is stored) over the selected dates and keep the N most liquid, ties by security_id.
 *
 * @example
 * ```ts
 * const manifest = await createSnapshot(store, "demo-top100", { top: 100, start: "2018-01-01" });
 * manifest.hash; // content identity
 * ```
 */
const SNAPSHOT_KEYS = optionKeys<SnapshotOptions>({ snapshotsDir: true, top: true, start: true, end: true });

export async function createSnapshot(
  store: Store,
  id: string,
  options: SnapshotOptions = {},
): Promise<Manifest> {
  checkOptions("createSnapshot", options, SNAPSHOT_KEYS);
  validateSnapshotId(id);
  const { snapshotsDir = DEFAULT_SNAPSHOTS, top, start, end } = options;
  if (start) parseIsoDate(start);
  if (end) parseIsoDate(end);
  if (top !== undefined && !(Number.isInteger(top) && top > 0)) {
    throw new RangeError(`--top must be a positive integer, found ${top}`);
  }
  const finalDir = snapshotDir(id, snapshotsDir);
  const dateFilter = (column: string) =>
    [start ? `${column} >= DATE ${sqlString(start)}` : "", end ? `${column} <= DATE ${sqlString(end)}` : ""]
      .filter(Boolean).join(" AND ") || "TRUE";
  const selected = top === undefined ? "SELECT security_id FROM securities" : `
    SELECT security_id FROM securities WHERE asset_class <> 'equity'
    UNION ALL
    SELECT security_id FROM (
      SELECT p.security_id, median(coalesce(d.adv, p.close * p.volume)) AS liquidity
      FROM prices p JOIN securities s USING (security_id)
      LEFT JOIN descriptors d USING (security_id, date)
      WHERE s.asset_class = 'equity' AND ${dateFilter("p.date")}
      GROUP BY p.security_id
      ORDER BY liquidity DESC NULLS LAST, p.security_id
      LIMIT ${top})`;

  const conn = store.conn;
  const files: Record<string, ManifestFile> = {};
  const rows: Record<string, number> = {};
  const dateRange: Manifest["date_range"] = {};
  let written: Manifest | undefined;
  await writeDirAtomic(finalDir, async (tmp) => {
    for (const table of TABLES) {
      const dateColumn = TABLE_DATE_COLUMN[table];
      const where = [
        SECURITY_TABLES.includes(table) ? `security_id IN (${selected})` : "",
        dateColumn ? dateFilter(dateColumn) : "",
      ].filter(Boolean).join(" AND ") || "TRUE";
      const file = join(tmp, `${table}.parquet`);
      await conn.run(
        `COPY (SELECT * FROM ${table} WHERE ${where} ORDER BY ${TABLE_KEYS[table].join(", ")})
         TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      const [stats] = await queryRows(
        conn,
        `SELECT count(*) AS n${
          dateColumn ? `, min(${dateColumn})::VARCHAR AS lo, max(${dateColumn})::VARCHAR AS hi` : ""
        }
         FROM read_parquet(${sqlString(file)})`,
      );
      rows[table] = stats.n as number;
      if (dateColumn) {
        dateRange[table] = { min: (stats.lo as string) ?? null, max: (stats.hi as string) ?? null };
      }
      files[`${table}.parquet`] = {
        sha256: await sha256File(file),
        rows: stats.n as number,
        bytes: (await Deno.stat(file)).size,
      };
      if (table === "prices" && rows.prices === 0) throw await emptySelection(store, id, options);
    }
    const manifest: Manifest = {
      snapshot_id: id,
      hash: await contentHash({ files }),
      created_at: new Date().toISOString(),
      quantnb_version: denoJson.version,
      source: { db: store.path, fingerprint: await storeFingerprint(store) },
      selection: { top: top ?? null, start: start ?? null, end: end ?? null },
      files,
      rows,
      securities: rows.securities,
      date_range: dateRange,
      generator: (await queryRows(
        conn,
        "SELECT source, params, strftime(loaded_at, '%Y-%m-%dT%H:%M:%SZ') AS loaded_at FROM ingest_log ORDER BY loaded_at",
      )).map((r) => ({
        source: r.source as string,
        params: JSON.parse(r.params as string),
        loaded_at: r.loaded_at as string,
      })),
    };
    written = { ...manifest, manifest_hash: await manifestHash(manifest) };
    await writeFileAtomic(join(tmp, "manifest.json"), JSON.stringify(written, null, 2) + "\n");
    await recordVerified(tmp, Object.fromEntries(Object.entries(files).map(([k, f]) => [k, f.sha256])));
  });
  return written!;
}

/** The error for a selection without price rows, saying what the store holds. */
async function emptySelection(store: Store, id: string, options: SnapshotOptions): Promise<RangeError> {
  const [all] = await queryRows(
    store.conn,
    "SELECT count(*) AS n, min(date)::VARCHAR AS lo, max(date)::VARCHAR AS hi FROM prices",
  );
  const { top, start, end } = options;
  const selection = [
    top !== undefined ? `--top ${top}` : "",
    start ? `--start ${start}` : "",
    end ? `--end ${end}` : "",
  ].filter(Boolean).join(" ") || "the whole store";
  return new RangeError(
    `snapshot "${id}" refused: ${selection} selects 0 price rows (the store ${store.path} has ${all.n} price rows${
      all.n ? `, ${all.lo} → ${all.hi}` : ""
    }); an empty snapshot would only mislead, so nothing was written and the id is still free`,
  );
}

/**
 * An order-independent fingerprint of the store's content: sha256 over each table's row count and
 * XOR of row hashes. Two stores with the same rows have the same fingerprint.
 */
export async function storeFingerprint(store: Store): Promise<string> {
  const parts: Record<string, string> = {};
  for (const table of TABLES) {
    const [r] = await queryRows(
      store.conn,
      `SELECT count(*) AS n, bit_xor(hash(t))::VARCHAR AS h FROM ${table} t`,
    );
    parts[table] = `${r.n}:${r.h ?? 0}`;
  }
  return await sha256Hex(stableJson(parts));
}
