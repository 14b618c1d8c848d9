/**
 * The store's integrity check: what primary and foreign keys would enforce, plus the ingest log's
 * record of what the last load left behind. Generic over every table of `TABLE_KEYS`.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlIdent, sqlString, type Store } from "./db.ts";
import { TABLE_KEYS, TABLES } from "./schema.ts";

/** What a problem is about. */
export type StoreProblemKind = "duplicate_keys" | "orphans" | "counts";

/** One integrity problem of one table. */
export interface StoreProblem {
  table: string;
  kind: StoreProblemKind;
  /** Rows concerned (for duplicates: rows beyond the first of each key). */
  rows: number;
  /** A readable sentence: what, how many, one example. */
  message: string;
}

/** The outcome of `checkStore`. */
export interface StoreCheck {
  ok: boolean;
  /** Row count of every table of `TABLE_KEYS` present in the store. */
  tables: Record<string, number>;
  problems: StoreProblem[];
  /** The last load that recorded its row counts, when there is one. */
  lastLoad?: { source: string; loaded_at: string; counts: Record<string, number> };
}

/** The JSON stamped into `ingest_log.counts` by loads written before counts were recorded. */
export const UNKNOWN_COUNTS = "{}";

/**
 * Checks the store's integrity, for every table of `TABLE_KEYS`:
 * - `duplicate_keys`: two rows with the same key;
 * - `orphans`: a row whose `security_id` is not in `securities` (any table with that column);
 * - `counts`: a table whose row count differs from what the last load recorded in `ingest_log`
 *   (rows written outside a load, or a load that was half applied).
 *
 * @example
 * ```ts
 * const check = await checkStore(store);
 * if (!check.ok) console.log(check.problems.map((p) => p.message).join("\n"));
 * ```
 */
export async function checkStore(store: Store): Promise<StoreCheck> {
  const conn = store.conn;
  const present = new Set(
    (await queryRows(conn, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"))
      .map((r) => r.table_name as string),
  );
  const withSecurity = new Set(
    (await queryRows(
      conn,
      "SELECT table_name FROM information_schema.columns WHERE table_schema = 'main' AND column_name = 'security_id'",
    )).map((r) => r.table_name as string),
  );
  const tables: Record<string, number> = {};
  const problems: StoreProblem[] = [];
  for (const table of TABLES.filter((t) => present.has(t))) {
    const t = sqlIdent(table);
    const keys = TABLE_KEYS[table];
    const [{ n }] = await queryRows(conn, `SELECT count(*) AS n FROM ${t}`);
    tables[table] = n as number;
    const cols = keys.map(sqlIdent).join(", ");
    const [dup] = await queryRows(
      conn,
      `SELECT count(*) AS keys, coalesce(sum(c - 1), 0) AS extra FROM (
         SELECT count(*) AS c FROM ${t} GROUP BY ${cols} HAVING count(*) > 1)`,
    );
    if ((dup.keys as number) > 0) {
      problems.push({
        table,
        kind: "duplicate_keys",
        rows: dup.extra as number,
        message: `${table}: ${dup.keys} key(s) (${
          keys.join(", ")
        }) appear more than once, ${dup.extra} extra row(s); e.g. (${await duplicateExample(conn, t, keys)})`,
      });
    }
    if (table !== "securities" && withSecurity.has(table) && present.has("securities")) {
      const [orphan] = await queryRows(
        conn,
        `SELECT count(*) AS n, count(DISTINCT security_id) AS ids, min(security_id) AS example
         FROM ${t} ANTI JOIN securities USING (security_id)`,
      );
      if ((orphan.n as number) > 0) {
        problems.push({
          table,
          kind: "orphans",
          rows: orphan.n as number,
          message:
            `${table}: ${orphan.n} row(s) of ${orphan.ids} security id(s) missing from securities; e.g. ${
              JSON.stringify(orphan.example)
            }`,
        });
      }
    }
  }
  const lastLoad = await lastRecordedLoad(conn, present);
  if (lastLoad) {
    for (const [table, expected] of Object.entries(lastLoad.counts)) {
      if (!(table in tables) || tables[table] === expected) continue;
      problems.push({
        table,
        kind: "counts",
        rows: Math.abs(tables[table] - expected),
        message: `${table}: ${
          tables[table]
        } row(s), but the last load (${lastLoad.source}, ${lastLoad.loaded_at}) left ${expected}`,
      });
    }
  }
  return { ok: problems.length === 0, tables, problems, ...(lastLoad ? { lastLoad } : {}) };
}

/** The smallest duplicated key of a table, as `a, b` text. */
async function duplicateExample(
  conn: DuckDBConnection,
  table: string,
  keys: readonly string[],
): Promise<string> {
  const cols = keys.map(sqlIdent).join(", ");
  const [row] = await queryRows(
    conn,
    `SELECT concat_ws(', ', ${keys.map((k) => `${sqlIdent(k)}::VARCHAR`).join(", ")}) AS k FROM ${table}
     GROUP BY ${cols} HAVING count(*) > 1 ORDER BY ${cols} LIMIT 1`,
  );
  return row.k as string;
}

/** Row counts of every `TABLE_KEYS` table present, as `ingest_log.counts` records them. */
export async function rowCounts(conn: DuckDBConnection): Promise<Record<string, number>> {
  const [row] = await queryRows(
    conn,
    `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${sqlIdent(t)}) AS ${sqlIdent(t)}`).join(", ")}`,
  );
  return row as Record<string, number>;
}

async function lastRecordedLoad(
  conn: DuckDBConnection,
  present: Set<string>,
): Promise<StoreCheck["lastLoad"]> {
  if (!present.has("ingest_log")) return undefined;
  const [hasCounts] = await queryRows(
    conn,
    "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'ingest_log' AND column_name = 'counts'",
  );
  if (!hasCounts.n) return undefined;
  const [row] = await queryRows(
    conn,
    `SELECT source, strftime(loaded_at, '%Y-%m-%d %H:%M:%S') AS at, counts FROM ingest_log
     WHERE counts IS NOT NULL AND counts <> ${sqlString(UNKNOWN_COUNTS)}
     ORDER BY ingest_log.loaded_at DESC, rowid DESC LIMIT 1`,
  );
  if (!row) return undefined;
  return {
    source: row.source as string,
    loaded_at: row.at as string,
    counts: JSON.parse(row.counts as string),
  };
}
