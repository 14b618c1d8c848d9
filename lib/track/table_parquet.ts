/** Table artifacts of a run: columnar tables stored as `<name>.parquet` (DOUBLE and VARCHAR columns). */
import { appendColumns, type Column } from "../store/write.ts";
import { sqlIdent, sqlString, withMemoryDb } from "./_db.ts";
import type { RunTable } from "./types.ts";

/** The table's columns as store columns, checking that every column has the same length. */
function toColumns(table: RunTable, name: string): Column[] {
  const entries = Object.entries(table);
  if (entries.length === 0) throw new RangeError(`table "${name}": expected at least one column, found none`);
  const rows = entries[0][1].length;
  return entries.map(([column, values]) => {
    if (values.length !== rows) {
      throw new RangeError(
        `table "${name}": column "${column}" has ${values.length} rows, expected ${rows} (as "${
          entries[0][0]
        }")`,
      );
    }
    if (values instanceof Float64Array) return { name: column, type: "DOUBLE", values };
    if (!Array.isArray(values) || values.some((v) => v !== null && typeof v !== "string")) {
      throw new TypeError(
        `table "${name}": column "${column}" must be a Float64Array or an array of strings`,
      );
    }
    return { name: column, type: "VARCHAR", values };
  });
}

/**
 * Writes a columnar table to a Parquet file through an in-memory DuckDB: Float64Array columns become
 * DOUBLE (NaN stored as NULL), string columns VARCHAR, in input order.
 *
 * @example
 * ```ts
 * await writeTableParquet({ trial: Float64Array.of(0, 1), method: ["grid", "grid"] }, "trials.parquet");
 * ```
 */
export async function writeTableParquet(table: RunTable, path: string, name = path): Promise<void> {
  const columns = toColumns(table, name);
  await withMemoryDb(async (conn, t) => {
    const defs = columns.map((c) => `${sqlIdent(c.name)} ${c.type}`).join(", ");
    await conn.run(`CREATE TEMP TABLE ${t} (${defs})`);
    await appendColumns(conn, t, columns);
    await conn.run(`COPY ${t} TO ${sqlString(path)} (FORMAT parquet)`);
  });
}

/**
 * Reads a table written by `writeTableParquet`: numeric columns as Float64Array (NULL → NaN), every
 * other column as strings (NULL → null).
 *
 * @example
 * ```ts
 * const { trial, method } = await readTableParquet("runs/x/trials.parquet");
 * ```
 */
export async function readTableParquet(path: string): Promise<RunTable> {
  return await withMemoryDb(async (conn) => {
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(path)})`);
    const types = reader.columnTypes();
    const columns = reader.getColumns();
    const out: Record<string, Float64Array | (string | null)[]> = {};
    reader.columnNames().forEach((column, k) => {
      const values = columns[k];
      const numeric = ["DOUBLE", "FLOAT", "BIGINT", "INTEGER"].includes(types[k].toString());
      out[column] = numeric
        ? Float64Array.from(values, (v) => v === null ? NaN : Number(v))
        : values.map((v) => v === null ? null : String(v));
    });
    return out;
  });
}
