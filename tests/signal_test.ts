import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { parseIsoDate } from "../lib/panel/types.ts";
import {
  formatReport,
  parseSignal,
  parseSignalDate,
  readSignal,
  readSignalTable,
  type Signal,
  validate,
} from "../lib/signal/mod.ts";

const FIXTURES = new URL("./fixtures/signal/", import.meta.url).pathname;
const d = parseIsoDate;
// Tue 2 Jan 2024 … Tue 9 Jan 2024 (6 trading days; 6–7 Jan is a weekend).
const CALENDAR = Float64Array.from(
  ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09"],
  d,
);

Deno.test("parseSignalDate() reads dates, timestamps and zones as UTC epoch ms", () => {
  equal(parseSignalDate("2024-01-02"), Date.UTC(2024, 0, 2));
  equal(parseSignalDate("2024-01-02T08:30:00Z"), Date.UTC(2024, 0, 2, 8, 30));
  equal(parseSignalDate("2024-01-02 16:30:00+01"), Date.UTC(2024, 0, 2, 15, 30));
  equal(parseSignalDate("2024-01-02 16:30"), Date.UTC(2024, 0, 2, 16, 30));
  ok(Number.isNaN(parseSignalDate("2024-02-30")));
  ok(Number.isNaN(parseSignalDate("02/01/2024")));
  ok(Number.isNaN(parseSignalDate("2024-01-02 25:00")));
});

Deno.test("validate() reports every problem kind of a bad CSV with its 1-based data row", async () => {
  const parsed = await readSignal(FIXTURES + "bad_signal.csv");
  const result = validate(parsed, { calendar: CALENDAR, securityIds: ["A", "B", "C"] });
  equal(result.ok, false);
  const found = result.problems.map((p) => [p.row, p.kind, p.column, p.severity]);
  // Rows counted from 1 = first line under the header (see the fixture).
  deepEqual(found, [
    [undefined, "missing_value", "signal", "warning"], // row 14: empty signal = no opinion (one warning)
    [2, "lookahead", "date_avail", "error"], // date_avail 2024-01-01 < date_sig 2024-01-02
    [3, "duplicate", "date_sig", "error"], // (A, 2024-01-02) again, first at row 1
    [4, "wrong_type", "security_id", "error"], // empty id
    [5, "wrong_type", "date_sig", "error"], // 2024-13-45
    [6, "wrong_type", "signal", "error"], // "abc"
    [7, "non_finite", "signal", "error"], // -inf
    [8, "unknown_security", "security_id", "warning"], // ZZZ
    [9, "date_before_calendar", "date_sig", "warning"], // 2023-12-29
    [10, "date_after_calendar", "date_sig", "warning"], // 2024-02-01
    [11, "not_trading_day", "date_sig", "error"], // Saturday 2024-01-06
    [12, "wrong_type", "date_avail", "error"], // "not-a-date"
  ]);
  ok(
    result.problems[0].message.includes("1 row has no signal value") &&
      result.problems[0].message.endsWith("row 14"),
  );
  ok(result.problems[2].message.includes("first seen at row 1"), result.problems[2].message);
  ok(result.problems[10].message.includes("next one: 2024-01-08"), result.problems[10].message);
  const report = formatReport(result);
  ok(report.startsWith("signal INVALID: 8 errors, 4 warnings"), report);
  ok(report.includes("row 11, column date_sig: date_sig 2024-01-06 is not a trading day"), report);
});

Deno.test("readSignal() parses optional columns, timestamps and metadata of a good CSV", async () => {
  const { signal, rows, problems } = await readSignal(FIXTURES + "good_signal.csv");
  deepEqual(problems, []);
  deepEqual(signal.security_id, ["A", "B", "C"]);
  deepEqual([...signal.date_sig], [d("2024-01-02"), d("2024-01-02"), d("2024-01-03")]);
  deepEqual([...signal.date_avail!], [d("2024-01-02"), Date.UTC(2024, 0, 3, 8), d("2024-01-03")]);
  deepEqual([...signal.signal], [1.5, -2, 0.3]);
  deepEqual([...rows], [1, 2, 3]);
  equal(signal.signal_name, "momentum");
  equal(signal.version, "v1");
  const result = validate({ signal, rows, problems }, { calendar: CALENDAR, securityIds: ["A", "B", "C"] });
  deepEqual(result, { ok: true, problems: [] });
  equal(formatReport(result), "signal OK (0 warnings)");
  // counts are grouped by thousands (notebook 04 showed "signal OK (1459303 warnings)")
  const many = Array.from({ length: 1234 }, (_, k) => ({
    severity: "warning" as const,
    kind: "unknown_security" as const,
    row: k + 1,
    message: "not in the panel",
  }));
  const text = formatReport({ ok: true, problems: many }, 1);
  ok(text.startsWith("signal OK (1,234 warnings)\n  warning unknown_security × 1,234\n"), text);
  ok(text.endsWith("… and 1,233 more"), text);
});

Deno.test("readSignal() reads Parquet: missing values are no opinion (one warning), ±Infinity an error", async (t) => {
  const dir = await Deno.makeTempDir();
  const write = async (path: string, rows: string) => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT * FROM (VALUES ${rows}) t(security_id, date_sig, date_avail, signal)) TO '${path}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
  };
  const rows = `('A', DATE '2024-01-02', TIMESTAMP '2024-01-02 21:00:00', 0.25::DOUBLE),
    ('B', DATE '2024-01-03', NULL, 'nan'::DOUBLE), ('C', DATE '2024-01-03', NULL, NULL::DOUBLE)`;
  try {
    await t.step("NaN and NULL are dropped and counted in one warning (typed path = text path)", async () => {
      await write(`${dir}/missing.parquet`, rows);
      const parsed = await readSignal(`${dir}/missing.parquet`);
      deepEqual(parsed.signal.security_id, ["A"]);
      deepEqual([...parsed.signal.date_avail!], [Date.UTC(2024, 0, 2, 21)]);
      deepEqual([...parsed.signal.signal], [0.25]);
      deepEqual([...parsed.rows], [1]);
      deepEqual(parsed.problems.map((p) => [p.row, p.kind, p.severity]), [[
        undefined,
        "missing_value",
        "warning",
      ]]);
      ok(parsed.problems[0].message.startsWith("2 rows have no signal value"), parsed.problems[0].message);
      ok(parsed.problems[0].message.endsWith("rows 2, 3"), parsed.problems[0].message);
      const { securityCodes, ...typed } = parsed; // the typed path also hands over the id codes
      deepEqual(parseSignal(await readSignalTable(`${dir}/missing.parquet`)), typed);
      deepEqual(securityCodes?.names, ["A", "B", "C"]); // every id of the file; codes of the kept rows
      deepEqual([...securityCodes!.codes], [0]);
      equal(validate(parsed).ok, true);
    });
    await t.step("+Infinity is an error naming its row", async () => {
      await write(`${dir}/inf.parquet`, `${rows}, ('D', DATE '2024-01-03', NULL, 'inf'::DOUBLE)`);
      const { signal, problems } = await readSignal(`${dir}/inf.parquet`);
      deepEqual(signal.security_id, ["A"]);
      deepEqual(problems.map((p) => [p.row, p.kind]), [[4, "non_finite"], [undefined, "missing_value"]]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readSignalTable() throws a TypeError naming a missing file", async () => {
  await rejects(() => readSignalTable("/nonexistent/signal.csv"), (e: Error) => {
    ok(e instanceof TypeError && e.message.includes("/nonexistent/signal.csv"), e.message);
    return true;
  });
});

Deno.test("validate() reports missing columns, empty input and no overlap", async (t) => {
  await t.step("missing columns", () => {
    const result = validate({ nRows: 1, columns: { security_id: ["A"], date: ["2024-01-02"] } });
    deepEqual(result.problems.map((p) => [p.kind, p.column]), [
      ["missing_column", "date_sig"],
      ["missing_column", "signal"],
    ]);
    ok(result.problems[0].message.includes("columns present: security_id, date"));
  });
  await t.step("empty table and empty Signal", () => {
    const table = validate({ nRows: 0, columns: { security_id: [], date_sig: [], signal: [] } });
    deepEqual(table.problems.map((p) => p.kind), ["empty"]);
    const empty: Signal = { security_id: [], date_sig: new Float64Array(0), signal: new Float64Array(0) };
    deepEqual(validate(empty).problems.map((p) => p.kind), ["empty"]);
    equal(validate(empty).ok, false);
  });
  await t.step("no row maps onto the panel", () => {
    const signal: Signal = {
      security_id: ["X"],
      date_sig: Float64Array.of(d("2024-01-02")),
      signal: Float64Array.of(1),
    };
    const result = validate(signal, { calendar: CALENDAR, securityIds: ["A"] });
    deepEqual(result.problems.map((p) => [p.row, p.kind]), [[undefined, "no_overlap"], [
      1,
      "unknown_security",
    ]]);
  });
  await t.step("a columnar Signal: row r is entry r − 1, NaN signal and lookahead", () => {
    const signal: Signal = {
      security_id: ["A", "B"],
      date_sig: Float64Array.of(d("2024-01-03"), d("2024-01-03")),
      date_avail: Float64Array.of(d("2024-01-02"), d("2024-01-03")),
      signal: Float64Array.of(1, Infinity),
    };
    const result = validate(signal, { calendar: CALENDAR, securityIds: ["A", "B"] });
    deepEqual(result.problems.map((p) => [p.row, p.kind]), [[1, "lookahead"], [2, "non_finite"]]);
  });
});

Deno.test("parseSignal() keeps the source row of each kept entry", () => {
  const parsed = parseSignal({
    nRows: 3,
    columns: {
      Security_ID: ["A", "B", "C"],
      " date_sig ": ["2024-01-02", "x", "2024-01-02"],
      signal: ["1", "2", "3"],
    },
  });
  deepEqual(parsed.signal.security_id, ["A", "C"]);
  deepEqual([...parsed.rows], [1, 3]);
  deepEqual(parsed.problems.map((p) => [p.row, p.kind, p.column]), [[2, "wrong_type", "date_sig"]]);
});
