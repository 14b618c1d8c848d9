import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { makePanel } from "../lib/panel/make_panel.ts";
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
import { createRng } from "../lib/util/rng.ts";

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
    [2, "lookahead", "date_avail", "error"], // date_avail 2024-01-01 < date_sig 2024-01-02
    [3, "duplicate", "date_sig", "error"], // (A, 2024-01-02) again, first at row 1
    [4, "wrong_type", "security_id", "error"], // empty id
    [5, "wrong_type", "date_sig", "error"], // 2024-13-45
    [6, "wrong_type", "signal", "error"], // "abc"
    [7, "non_finite", "signal", "error"], // NaN
    [8, "unknown_security", "security_id", "warning"], // ZZZ
    [9, "date_before_calendar", "date_sig", "warning"], // 2023-12-29
    [10, "date_after_calendar", "date_sig", "warning"], // 2024-02-01
    [11, "not_trading_day", "date_sig", "error"], // Saturday 2024-01-06
    [12, "wrong_type", "date_avail", "error"], // "not-a-date"
  ]);
  ok(result.problems[1].message.includes("first seen at row 1"), result.problems[1].message);
  ok(result.problems[9].message.includes("next one: 2024-01-08"), result.problems[9].message);
  const report = formatReport(result);
  ok(report.startsWith("signal INVALID: 8 errors, 3 warnings"), report);
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
});

Deno.test("readSignal() reads Parquet with DATE/TIMESTAMP/DOUBLE columns and reports non-finite values", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/signal.parquet`;
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT * FROM (VALUES
         ('A', DATE '2024-01-02', TIMESTAMP '2024-01-02 21:00:00', 0.25::DOUBLE),
         ('B', DATE '2024-01-03', NULL, 'nan'::DOUBLE))
       t(security_id, date_sig, date_avail, signal)) TO '${path}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    const { signal, problems } = await readSignal(path);
    deepEqual(signal.security_id, ["A"]);
    deepEqual([...signal.date_avail!], [Date.UTC(2024, 0, 2, 21)]);
    deepEqual([...signal.signal], [0.25]);
    deepEqual(problems.map((p) => [p.row, p.kind]), [[2, "non_finite"]]);
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

/** A 40-name × 80-day panel of iid normal returns (seeded). */
function randomPanel() {
  const rng = createRng(7);
  const nT = 80, nS = 40;
  const ret = Float64Array.from({ length: nT * nS }, () => 0.02 * rng.normal());
  const dates = Array.from({ length: nT }, (_, t) => Date.UTC(2024, 0, 1) + t * 86_400_000);
  const ids = Array.from({ length: nS }, (_, i) => `S${String(i).padStart(2, "0")}`);
  return { panel: makePanel({ dates, securityIds: ids, fields: { ret } }), dates, ids, ret, nT, nS };
}

/** A Signal dated `date_sig = dates[t]` whose value is `ret[t + shift]` (shift 1 = tomorrow's return). */
function retSignal(shift: number): Signal {
  const { dates, ids, ret, nT, nS } = randomPanel();
  const security_id: string[] = [], date_sig: number[] = [], signal: number[] = [];
  for (let t = 0; t + shift < nT; t++) {
    for (let i = 0; i < nS; i++) {
      security_id.push(ids[i]);
      date_sig.push(dates[t]);
      signal.push(ret[(t + shift) * nS + i]);
    }
  }
  return { security_id, date_sig: Float64Array.from(date_sig), signal: Float64Array.from(signal) };
}

Deno.test("validate() flags a signal equal to the next day's return as lookahead_suspected", () => {
  const { panel } = randomPanel();
  const cheat = validate(retSignal(1), { panel });
  equal(cheat.ok, false);
  deepEqual(cheat.problems.map((p) => p.kind), ["lookahead_suspected"]);
  ok(cheat.problems[0].message.includes("mean Spearman 1.000 over 79 days"), cheat.problems[0].message);
  // The same-day return is realised by the close of date_sig: a legitimate (if useless) signal.
  deepEqual(validate(retSignal(0), { panel }), { ok: true, problems: [] });
  // The return two days ahead is not what the check looks at, and is noise vs the next day.
  deepEqual(validate(retSignal(2), { panel }).problems.map((p) => p.kind), []);
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
