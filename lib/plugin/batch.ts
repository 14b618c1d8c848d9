/**
 * Batch plugins over a panel: the panel goes to the plugin as a Parquet file in its working folder
 * (`input/panel.parquet`, long format `date, security_id, <fields…>`, rows date-major so row `t·N + i` is
 * cell `(t, i)`), `generate(params, data)` answers with a signal or target weights for the whole panel —
 * a Parquet file it wrote (dense: one DOUBLE column of T·N values in the same order; or long: `date,
 * security_id, value`) or an inline `T × N` array — validated against the panel's shape.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { join, relative, resolve } from "node:path";
import type { Panel } from "../panel/types.ts";
import { PluginError } from "./errors.ts";
import { type PluginSession, startPlugin } from "./launch.ts";
import { type PluginManifest, requireMode } from "./manifest.ts";
import { WireDate } from "./marshal.ts";
import { validateParams } from "../strategy/params.ts";
import { readDenseDoubles, writeParquet } from "./parquet.ts";
import { checkGenerate, type MatrixRef } from "./protocol.ts";

/** Options of `runBatchPlugin`. */
export interface BatchRunOptions {
  readonly params?: Readonly<Record<string, unknown>>;
  /** Panel fields to send (default: the OHLCV / adjusted / ret fields the panel has). */
  readonly fields?: readonly string[];
}

/** A batch plugin's answer on the panel's grid. */
export interface BatchOutput {
  readonly output: "signal" | "weights";
  /** `T × N` date-major, NaN = no value / no opinion. */
  readonly matrix: Float64Array;
  readonly params: Record<string, unknown>;
}

const DEFAULT_FIELDS = ["open", "high", "low", "close", "volume", "adj_open", "adj_close", "ret"];
const DAY_MS = 86_400_000;

/**
 * Runs a batch plugin on a panel. Failures throw a `PluginError` naming the plugin, the call and the
 * reason (with stderr); the working folder is removed either way.
 *
 * @example
 * ```ts
 * const { matrix } = await runBatchPlugin(await loadManifest("example_pandas"), panel, { params: { lookback: 60 } });
 * backtest(panel, { known: matrix }, { lag: 1 });
 * ```
 */
export async function runBatchPlugin(
  manifest: PluginManifest,
  panel: Panel,
  options: BatchRunOptions = {},
): Promise<BatchOutput> {
  requireMode(manifest, "batch");
  const output = manifest.output!;
  const params = validateParams(manifest.name, manifest.params, options.params);
  const fields = options.fields ?? DEFAULT_FIELDS.filter((f) => panel.fields[f] !== undefined);
  for (const f of fields) {
    if (!panel.fields[f]) {
      throw new RangeError(
        `${manifest.name}: the panel has no field "${f}" (fields: ${Object.keys(panel.fields).join(", ")})`,
      );
    }
  }
  const T = panel.dates.length;
  const N = panel.securityIds.length;
  const session = await startPlugin(manifest, { params, output, periods_per_year: panel.periodsPerYear });
  try {
    await writePanel(join(session.workDir, "input", "panel.parquet"), panel, fields);
    const reply = await session.call<Record<string, MatrixRef>>(
      "generate",
      {
        params,
        data: {
          panel: { $parquet: "input/panel.parquet" },
          dates: Array.from(panel.dates, (d) => new WireDate(d)),
          security_ids: panel.securityIds,
          fields,
          n_dates: T,
          n_securities: N,
          periods_per_year: panel.periodsPerYear,
        },
      },
      `generate (${T} dates × ${N} securities)`,
      (r) => checkGenerate(r, output),
    );
    const matrix = await readMatrix(session, reply[output], panel, output);
    await session.close();
    return { output, matrix, params };
  } catch (e) {
    await session.kill();
    throw e;
  }
}

/** Writes the panel in the long, date-major layout the plugins read. */
async function writePanel(path: string, panel: Panel, fields: readonly string[]): Promise<void> {
  const T = panel.dates.length;
  const N = panel.securityIds.length;
  const daily = panel.dates.every((d) => d % DAY_MS === 0);
  const date = daily
    ? {
      type: "date" as const,
      values: Int32Array.from({ length: T * N }, (_, k) => panel.dates[Math.floor(k / N)] / DAY_MS),
    }
    : {
      type: "timestamp_ms" as const,
      values: Float64Array.from({ length: T * N }, (_, k) => panel.dates[Math.floor(k / N)]),
    };
  await writeParquet(path, {
    date,
    security_id: {
      type: "dictionary",
      values: Int32Array.from({ length: T * N }, (_, k) => k % N),
      dictionary: panel.securityIds,
    },
    ...Object.fromEntries(fields.map((f) => [f, { type: "double" as const, values: panel.fields[f] }])),
  });
}

/** The reply's matrix on the panel grid, checked: shape, known dates and ids, no ±Infinity. */
async function readMatrix(
  session: PluginSession,
  ref: MatrixRef,
  panel: Panel,
  output: string,
): Promise<Float64Array> {
  const { manifest, workDir } = session;
  const T = panel.dates.length;
  const N = panel.securityIds.length;
  const bad = (reason: string) => new PluginError(manifest.name, "generate", "invalid-reply", reason);
  let matrix: Float64Array;
  if (Array.isArray(ref)) {
    if (ref.length !== T || ref.some((row) => row.length !== N)) {
      throw bad(
        `${output}: expected ${T} rows of ${N} values, found ${ref.length} rows${
          ref[0] ? ` of ${ref[0].length}` : ""
        }`,
      );
    }
    matrix = Float64Array.from(ref.flat());
  } else {
    const rel = (ref as { $parquet: string }).$parquet;
    const file = resolve(workDir, rel);
    if (relative(workDir, file).startsWith("..")) {
      throw bad(
        `${output}: the Parquet path must be inside the plugin's working folder, found ${rel}`,
      );
    }
    try {
      Deno.statSync(file);
    } catch {
      throw bad(`${output}: the plugin did not write ${rel}`);
    }
    const dense = await readDenseDoubles(file);
    if (dense && dense.length !== T * N) {
      throw bad(`${output}: ${dense.length} values, expected ${T} dates × ${N} securities = ${T * N}`);
    }
    matrix = dense ?? await readParquetMatrix(file, panel, output, bad);
  }
  for (let c = 0; c < matrix.length; c++) {
    if (matrix[c] === Infinity || matrix[c] === -Infinity) {
      throw bad(
        `${output}: ±Infinity at date ${
          new Date(panel.dates[Math.floor(c / N)]).toISOString().slice(0, 10)
        }, security ${panel.securityIds[c % N]} (use NaN for no value)`,
      );
    }
  }
  return matrix;
}

async function readParquetMatrix(
  file: string,
  panel: Panel,
  output: string,
  bad: (reason: string) => PluginError,
): Promise<Float64Array> {
  const T = panel.dates.length;
  const N = panel.securityIds.length;
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    const src = `read_parquet('${file.replaceAll("'", "''")}')`;
    let columns: { name: string; type: string }[];
    try {
      columns = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjects().map((r) => ({
        name: String(r.column_name),
        type: String(r.column_type),
      }));
    } catch (e) {
      throw bad(`${output}: cannot read the Parquet file: ${(e as Error).message}`);
    }
    const names = columns.map((c) => c.name);
    const numeric = columns.filter((c) => /DOUBLE|FLOAT|INT|DECIMAL/.test(c.type));
    if (names.includes("security_id") && names.includes("date")) {
      const value = numeric.find((c) => c.name !== "date" && c.name !== "security_id");
      if (!value) {
        throw bad(`${output}: the long layout needs a numeric value column beside date and security_id`);
      }
      const reader = await conn.runAndReadAll(
        `SELECT epoch_ms(date::TIMESTAMP)::DOUBLE AS d, security_id::VARCHAR AS s, "${value.name}"::DOUBLE AS v FROM ${src}`,
      );
      const [d, s, v] = reader.getColumns();
      const dateIndex = new Map(Array.from(panel.dates, (x, t) => [x, t]));
      const secIndex = new Map(panel.securityIds.map((x, i) => [x, i]));
      const matrix = new Float64Array(T * N).fill(NaN);
      for (let k = 0; k < d.length; k++) {
        const t = dateIndex.get(Number(d[k]));
        const i = secIndex.get(String(s[k]));
        if (t === undefined) {
          throw bad(
            `${output}: row ${k} has a date not in the panel: ${new Date(Number(d[k])).toISOString()}`,
          );
        }
        if (i === undefined) throw bad(`${output}: row ${k} has a security_id not in the panel: ${s[k]}`);
        matrix[t * N + i] = v[k] === null ? NaN : Number(v[k]);
      }
      return matrix;
    }
    if (numeric.length !== 1 || columns.length !== 1) {
      throw bad(
        `${output}: expected one numeric column of ${T} × ${N} values (dense) or date, security_id, value (long), found columns ${
          columns.map((c) => `${c.name} ${c.type}`).join(", ")
        }`,
      );
    }
    const reader = await conn.runAndReadAll(`SELECT "${numeric[0].name}"::DOUBLE FROM ${src}`);
    const [values] = reader.getColumns();
    if (values.length !== T * N) {
      throw bad(`${output}: ${values.length} values, expected ${T} dates × ${N} securities = ${T * N}`);
    }
    return Float64Array.from(values, (x) => (x === null ? NaN : Number(x)));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
