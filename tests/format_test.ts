import { deepEqual, equal, ok } from "node:assert/strict";
import { columnSpec, formatQuantity, quantityOf, valueSpec } from "../lib/report/format.ts";
import { formatAlike, formatTable, isNumericText } from "../lib/report/html.ts";
import { columnTable } from "../lib/report/tearsheet_parts.ts";
import { parseHTML } from "linkedom";

const column = (kind: Parameters<typeof columnSpec>[0], values: number[]) => {
  const spec = columnSpec(kind, values);
  return values.map((v) => formatQuantity(v, spec));
};

Deno.test("formatQuantity() has one rule per kind of quantity", () => {
  equal(formatQuantity(0.12345, { kind: "percent" }), "12.35%");
  equal(formatQuantity(-0.2, { kind: "percent" }), "-20.00%");
  equal(formatQuantity(12.5, { kind: "percent" }), "1,250.00%");
  equal(formatQuantity(1.7512, { kind: "ratio" }), "1.75");
  equal(formatQuantity(0.00123, { kind: "bps" }), "12.3"); // 0.00123 × 1e4 = 12.3 bps
  equal(formatQuantity(12500, { kind: "count" }), "12,500");
  equal(formatQuantity(1234.5, { kind: "money" }), "1,234.50");
  equal(formatQuantity(2.5e9, { kind: "money" }), "2.50B");
  equal(formatQuantity(3.25e6, { kind: "money" }), "3.25M");
  equal(formatQuantity(Date.UTC(2024, 0, 2), { kind: "date" }), "2024-01-02");
  equal(formatQuantity(Date.UTC(2024, 0, 2, 9, 30), { kind: "date" }), "2024-01-02 09:30");
  equal(formatQuantity(new Date(Date.UTC(2024, 5, 30)), { kind: "ratio" }), "2024-06-30");
  equal(formatQuantity("PETR4", { kind: "ratio" }), "PETR4");
  for (const missing of [NaN, null, undefined]) equal(formatQuantity(missing, { kind: "percent" }), "—");
  equal(formatQuantity(-Infinity, { kind: "ratio" }), "-∞");
  // a value that rounds to zero prints unsigned, never "-0.00"
  equal(formatQuantity(-0.0001, { kind: "ratio" }), "0.00");
  equal(formatQuantity(-0.00001, { kind: "percent" }), "0.00%");
});

Deno.test("columnSpec() fixes decimals per column: same digits in a column, no exponent, no false ties", () => {
  // issue 10: "1.40 / 0.446 / 0.163" in one column → one rule, 2 decimals for ratios
  deepEqual(column("ratio", [1.4, 0.446, 0.163]), ["1.40", "0.45", "0.16"]);
  // ICs: at 3 decimals 0.0185 and 0.0191 both print 0.019, so the column takes 4
  deepEqual(column("ratio", [0.0183, 0.0185, 0.0191]), ["0.0183", "0.0185", "0.0191"]);
  // issue 10: turnover rounded until variants looked identical → distinct values stay distinct
  deepEqual(column("ratio", [0.5712, 0.5698, 0.5701]), ["0.5712", "0.5698", "0.5701"]);
  // issue 10: `show(result.daily)` mixed 8.41e-5 with 0.0355 → daily returns in percent, 4 decimals
  deepEqual(column("percent", [8.41e-5, 3.55e-4]), ["0.0084%", "0.0355%"]);
  deepEqual(column("percent", [0.1248, 0.1247, -0.09]), ["12.48%", "12.47%", "-9.00%"]);
  deepEqual(column("count", [12, 1500]), ["12", "1,500"]);
  deepEqual(column("count", [48.3, 50]), ["48.3", "50.0"]);
  // plain numbers: 3 significant digits of the (lower) median magnitude, here 0.5
  deepEqual(column("number", [123.4, 0.5]), ["123.400", "0.500"]);
  deepEqual(column("number", [8.41e-7, 3e-6]), ["0.000001", "0.000003"]);
  equal(columnSpec("ratio", [1.2], 4).decimals, 4, "explicit decimals win");
  equal(columnSpec("ratio", [1.2], undefined, { min: 3 }).decimals, 3, "a minimum");
  equal(valueSpec("ratio", 0.0183).decimals, 3);
  for (const text of column("number", [1e-9, 2e-9, 1e9])) ok(!/e[-+]?\d/.test(text), text);
});

Deno.test("quantityOf() reads a column or metric name as its kind of quantity", () => {
  const kinds: Record<string, string> = {
    max_drawdown: "percent",
    annual_return: "percent",
    "Ann. vol": "percent",
    hit_rate: "percent",
    mean_ret: "percent",
    net: "percent",
    gross: "percent",
    coverage: "percent",
    sharpe: "ratio",
    "Sharpe (net)": "ratio",
    ic_t_stat: "ratio",
    "IC mean": "ratio",
    rank_correlation: "ratio",
    turnover: "ratio", // mean daily Σ|Δw|: a ratio, not a percentage (issue 10)
    "Turnover/day": "ratio",
    tc_bps: "bps",
    "Mean daily return (bps)": "bps",
    n_days: "count",
    n_long: "count", // a count word wins over "long"
    trades: "count",
    max_drawdown_duration: "count",
    recovery_time: "count",
    adv: "money",
    "Avg mcap": "money",
    entry_price: "money",
    date: "date",
    date_sig: "date",
    start_date: "date",
    year: "raw",
    seed: "raw",
    probabilistic_sharpe: "percent",
    seconds: "number",
  };
  for (const [name, kind] of Object.entries(kinds)) equal(quantityOf(name), kind, name);
});

Deno.test("formatTable() formats each column with one spec and right-aligns numbers", () => {
  const daily = {
    date: Float64Array.of(Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)),
    net: Float64Array.of(8.41e-5, 0.0355),
    turnover: Float64Array.of(2, 1.5),
    n_long: Float64Array.of(50, 49),
  };
  const table = formatTable(daily);
  deepEqual(table.rows, [
    ["2024-01-02", "0.0084%", "2.00", "50"],
    ["2024-01-03", "3.5500%", "1.50", "49"],
  ]);
  deepEqual(table.numeric, [false, true, true, true]);
  equal(table.header, true);
  // pre-formatted numbers still right-align; text does not
  const pre = formatTable([{ metric: "sharpe", a: "1.50", b: "-12.00%" }, {
    metric: "x",
    a: "—",
    b: "1.2M",
  }]);
  deepEqual(pre.numeric, [false, true, true]);
  // a record of scalars: key/value rows with no "metric / value" header over non-metrics (issue 10)
  const scalars = formatTable({ signal_name: "vendor sentiment", rows: 1_200_000, sharpe: 1.754 });
  equal(scalars.header, false);
  deepEqual(scalars.rows, [["signal_name", "vendor sentiment"], ["rows", "1,200,000"], ["sharpe", "1.75"]]);
  deepEqual(formatAlike("turnover", [0.5, 0.625, 0.125]), ["0.50", "0.63", "0.13"]);
  ok(isNumericText("-12.50%") && isNumericText("1,234") && isNumericText("2.50B") && isNumericText("—"));
  ok(!isNumericText("lag1_off") && !isNumericText("2024-01-02"));
});

Deno.test("columnTable() keeps one number of decimals per column", () => {
  const rows = [{ ic: 0.0183, sharpe: 1.7 }, { ic: 0.0191, sharpe: 1.75 }, { ic: 0.0185, sharpe: 0.4 }];
  const html = columnTable(rows, [
    { label: "IC", value: (r) => r.ic, format: "f3" },
    { label: "Sharpe", value: (r) => r.sharpe, format: "f2" },
  ]);
  const cells = [...parseHTML(html).document.querySelectorAll("tbody tr")].map((tr) =>
    [...tr.querySelectorAll("td")].map((td) => td.textContent)
  );
  deepEqual(cells, [["0.0183", "1.70"], ["0.0191", "1.75"], ["0.0185", "0.40"]]);
});
