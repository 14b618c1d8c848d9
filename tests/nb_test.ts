import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import {
  autoProgress,
  displayable,
  isDisplayable,
  mediaBundle,
  noProgress,
  plainText,
  progress,
  renderTextTable,
  show,
  stageCallbacks,
  type StageEvent,
  stages,
} from "../lib/nb/mod.ts";
import {
  escapeHtml,
  formatCell,
  formatNumber,
  isDateKey,
  isPercentKey,
  renderTable,
  tableOf,
} from "../lib/report/html.ts";
import { barChart } from "../lib/report/charts.ts";

const fractiles = [
  { fractile: 1, mean_ret: -0.00042, sharpe: -0.61 },
  { fractile: 5, mean_ret: 0.00118, sharpe: 1.234 },
];

Deno.test("formatNumber() formats percentages, integers, large and small values, never in exponent form", () => {
  equal(formatNumber(0.12345, { percent: true }), "12.35%");
  equal(formatNumber(-0.2, { percent: true }), "-20.00%");
  equal(formatNumber(1234567), "1,234,567");
  // 3 significant digits, but never fewer than the integer digits
  equal(formatNumber(1234.5678), "1,235");
  equal(formatNumber(1.234), "1.23");
  equal(formatNumber(0.034512), "0.0345");
  equal(formatNumber(-0.51234), "-0.512");
  equal(formatNumber(0.00001234), "0.000012"); // plain numbers stop at 6 decimals
  equal(formatNumber(NaN), "—");
  equal(formatNumber(null), "—");
  equal(formatNumber(-Infinity), "-∞");
});

Deno.test("isPercentKey() and isDateKey() read column names", () => {
  for (
    const key of ["ret", "mean_ret", "maxDrawdown", "ann_vol", "annualReturn", "hit_rate", "net", "gross"]
  ) {
    ok(isPercentKey(key), key);
  }
  // turnover is mean daily Σ|Δw| of the $1/$1 book, a ratio: "200.00%" misled (issue 10)
  for (const key of ["sharpe", "ic", "volume", "return_count", "t_stat", "turnover"]) {
    ok(!isPercentKey(key), key);
  }
  for (const key of ["date", "date_sig", "date_avail", "start_date"]) ok(isDateKey(key), key);
  for (const key of ["sig", "update", "mandate"]) ok(!isDateKey(key), key);
});

Deno.test("formatCell() shows dates, years and ids as such", () => {
  equal(formatCell("date", Date.UTC(2024, 0, 2), {}), "2024-01-02");
  equal(formatCell("date", Date.UTC(2024, 0, 2, 9, 30), {}), "2024-01-02 09:30");
  equal(formatCell("when", new Date(Date.UTC(2024, 5, 30)), {}), "2024-06-30");
  equal(formatCell("year", 2024, {}), "2024");
  equal(formatCell("n", 12500, {}), "12,500");
  equal(formatCell("beta", 0.5, { percent: ["beta"] }), "50.00%");
  equal(formatCell("ret", 0.5, { plain: ["ret"] }), "0.500");
  equal(formatCell("ret", 0.5, { formats: { ret: "bps" } }), "5,000.0");
  equal(formatCell("name", "PETR4", {}), "PETR4");
  equal(formatCell("x", undefined, {}), "—");
});

Deno.test("tableOf() accepts records, columns and scalar records", async (t) => {
  await t.step("records: union of keys in first-seen order", () => {
    const view = tableOf([{ a: 1 }, { b: 2, a: 3 }]);
    deepEqual(view.columns, ["a", "b"]);
    equal(view.cell(1, 0), 3);
    equal(view.cell(0, 1), undefined);
  });
  await t.step("columns of arrays and typed arrays", () => {
    const view = tableOf({ year: [2023, 2024], ret: new Float64Array([0.1, -0.05]) });
    equal(view.nRows, 2);
    equal(view.cell(1, 1), -0.05);
    throws(() => tableOf({ a: [1, 2], b: [1] }), {
      name: "RangeError",
      message: /"b" has 1 rows, expected 2/,
    });
  });
  await t.step("scalars become key/value rows", () => {
    const view = tableOf({ sharpe: 1.2, maxDrawdown: -0.3 });
    equal(view.keyValue, true);
    deepEqual([view.cell(1, 0), view.cell(1, 1)], ["maxDrawdown", -0.3]);
  });
});

Deno.test("renderTable() writes an escaped, right-aligned HTML table", () => {
  const html = renderTable([{ name: "a<b", ret: 0.1, n: 1500 }], { caption: "Fractiles" });
  match(html, /<caption[^>]*>Fractiles<\/caption>/);
  match(html, /<th style="[^"]*text-align:left;[^"]*">name<\/th>/);
  match(html, /<td style="[^"]*text-align:left;">a&lt;b<\/td>/);
  match(html, /<td style="[^"]*text-align:right;">10.00%<\/td>/);
  match(html, /<td style="[^"]*text-align:right;">1,500<\/td>/);
  const cut = renderTable({ x: [1, 2, 3] }, { maxRows: 2 });
  equal((cut.match(/<tr>/g) ?? []).length, 1 + 2 + 1, "header, 2 rows, the note");
  match(cut, /… 1 more row</);
  equal(escapeHtml(`<a href="x">&</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
});

Deno.test("renderTextTable() aligns numbers right and text left", () => {
  // mean_ret: percent with 3 significant digits of the median |x| (0.042%) → 4 decimals for both rows
  equal(
    renderTextTable(fractiles),
    [
      "fractile  mean_ret  sharpe",
      "--------  --------  ------",
      "       1  -0.0420%   -0.61",
      "       5   0.1180%    1.23",
    ].join("\n"),
  );
  // a record of scalars: no "metric / value" header
  equal(
    renderTextTable({ sharpe: 1.234, maxDrawdown: -0.2 }),
    ["sharpe          1.23", "maxDrawdown  -20.00%"].join("\n"),
  );
});

Deno.test("show() outside Jupyter prints a plain-text table", async () => {
  const printed: string[] = [];
  await show(fractiles, { print: (text) => printed.push(text) });
  deepEqual(printed, [renderTextTable(fractiles)]);
  await show(barChart({ labels: ["a"], values: [1], title: "Sharpe by year" }), {
    print: (t) => printed.push(t),
  });
  equal(printed[1], "[chart: Sharpe by year] (shows in a notebook; renderSvg(chart) gives its HTML)");
  await show(42, { print: (t) => printed.push(t) });
  equal(printed[2], "42");
});

Deno.test("mediaBundle() sends charts and tables as text/html", async () => {
  const chart = await mediaBundle(barChart({ labels: ["a"], values: [1] }));
  deepEqual(Object.keys(chart), ["text/html"]);
  match(
    String(chart["text/html"]),
    // the figure, its SVG boxed for untrusted notebooks (untrusted_test.ts), then the hover script
    /^<style>[^<]*<\/style><figure[^>]*class="qn-chart tex2jax_ignore"[\s\S]*<div class="qn-trusted-only" hidden[^>]*><svg[\s\S]*<\/figure><script class="qn-hover-script">/,
  );
  const table = await mediaBundle(fractiles);
  match(String(table["text/html"]), /^<table[\s\S]*-0.0420%[\s\S]*<\/table>$/);
  deepEqual(await mediaBundle("hi"), { "text/plain": "hi" });
});

Deno.test("displayable() attaches a hidden Jupyter display method", async () => {
  const result = displayable({ sharpe: 1.5 }, () => "<b>1.5</b>");
  ok(isDisplayable(result));
  ok(!isDisplayable({ sharpe: 1.5 }));
  equal(JSON.stringify(result), '{"sharpe":1.5}');
  deepEqual(Object.keys(result), ["sharpe"]);
  deepEqual(await mediaBundle(result), { "text/html": "<b>1.5</b>" });
  equal(await plainText(result), "[text/html] (shows in a notebook)");
});

/** A fake clock advancing `step` ms per call after the first. */
function fakeClock(step: number): { now: () => number; advance: () => void } {
  let time = 0;
  return { now: () => time, advance: () => void (time += step) };
}

Deno.test("progress() in lines mode prints one line per 10% and a final line", async () => {
  const out: string[] = [];
  const clock = fakeClock(10);
  const bar = progress(100, { label: "steps", mode: "lines", write: (s) => out.push(s), now: clock.now });
  for (let k = 0; k < 100; k++) {
    clock.advance();
    bar.tick();
  }
  await bar.done();
  // at 10%, 20%, …, 90%: 10k ticks after 100k ms, eta = elapsed × (1 − f) / f = (10 − k) × 100 ms;
  // 100% is left to the final line
  const expected = Array.from({ length: 9 }, (_, j) => {
    const k = j + 1;
    return `steps: ${10 * k}/100 (${10 * k}%) · ${(k / 10).toFixed(1)} s · eta ${
      ((10 - k) / 10).toFixed(1)
    } s\n`;
  });
  deepEqual(out, [...expected, "steps: done 100/100 (100%) · 1.0 s\n"]);
});

Deno.test("progress() in lines mode also prints every 5 s when steps are slow", () => {
  const out: string[] = [];
  const clock = fakeClock(2000);
  const bar = progress(1000, { label: "job", mode: "lines", write: (s) => out.push(s), now: clock.now });
  for (let k = 0; k < 9; k++) {
    clock.advance();
    bar.tick();
  }
  // ticks at 2, 4, 6 s …: a line once 5 s have passed since the last → after ticks 3, 6, 9
  deepEqual(out.map((line) => line.split(" ·")[0]), [
    "job: 3/1000 (0%)",
    "job: 6/1000 (1%)",
    "job: 9/1000 (1%)",
  ]);
  equal(out[0], "job: 3/1000 (0%) · 6.0 s · eta 33:14\n");
});

Deno.test("progress() in tty mode redraws one line with \\r and ends it", async () => {
  const out: string[] = [];
  const clock = fakeClock(200);
  const bar = progress(2, { label: "job", mode: "tty", write: (s) => out.push(s), now: clock.now });
  clock.advance();
  bar.tick();
  clock.advance();
  bar.tick();
  await bar.done();
  equal(out.length, 3);
  equal(out[0], `\rjob [${"#".repeat(12)}${".".repeat(12)}] 1/2 (50%) · 0.2 s · eta 0.2 s\x1b[K`);
  ok(out.every((s) => s.startsWith("\r")));
  ok(out[2].endsWith("\n") && out[2].includes("2/2 (100%)"));
});

Deno.test("progress() refuses a bad total and the jupyter mode outside a kernel", () => {
  throws(() => progress(-1), RangeError);
  throws(() => progress(3, { mode: "jupyter" }), TypeError);
});

Deno.test("stages() reports every step with its time, in lines mode and as events", async () => {
  const out: string[] = [];
  const events: StageEvent[] = [];
  const clock = fakeClock(500);
  const job = stages("suite", {
    mode: "lines",
    write: (s) => out.push(s),
    now: clock.now,
    onEvent: (e) => events.push(e),
  });
  job.stage("load panel");
  clock.advance(); // +0.5 s
  clock.advance(); // +1.0 s
  job.stage("run", 4);
  for (let k = 0; k < 4; k++) {
    clock.advance();
    job.tick();
  }
  job.stage("record");
  clock.advance();
  await job.done();
  // one start and one end event per stage, a tick per unit, then done — each with its time
  deepEqual(events.map((e) => `${e.type}:${"stage" in e ? e.stage : ""}`), [
    "start:load panel",
    "end:load panel",
    "start:run",
    "tick:run",
    "tick:run",
    "tick:run",
    "tick:run",
    "end:run",
    "start:record",
    "end:record",
    "done:",
  ]);
  deepEqual(events.filter((e) => e.type === "end").map((e) => (e as { ms: number }).ms), [1000, 2000, 500]);
  equal(events.at(-1)!.at, 3500);
  // lines: each stage announced and closed with its time; the counted stage every 10% (here each 25%)
  deepEqual(out, [
    "suite: load panel …\n",
    "suite: load panel done 1.0 s\n",
    "suite: run (4) …\n",
    "suite: run 1/4 (25%) · 0.5 s · eta 1.5 s\n",
    "suite: run 2/4 (50%) · 1.0 s · eta 1.0 s\n",
    "suite: run 3/4 (75%) · 1.5 s · eta 0.5 s\n",
    "suite: run done 2.0 s\n",
    "suite: record …\n",
    "suite: record done 0.5 s\n",
    "suite: done in 3.5 s\n",
  ]);
});

Deno.test("stages() on a terminal keeps finished stages and redraws the current one", async () => {
  const out: string[] = [];
  const clock = fakeClock(300);
  const job = stages("report", { mode: "tty", write: (s) => out.push(s), now: clock.now });
  job.stage("02_backtest");
  clock.advance();
  job.stage("03_suite", 2);
  clock.advance();
  job.tick();
  await job.done();
  deepEqual(out, [
    "\rreport · 02_backtest 0.0 s\x1b[K",
    "\rreport · 02_backtest ✓ 0.3 s\x1b[K\n",
    `\rreport · 03_suite [${".".repeat(24)}] 0/2 (0%) · 0.0 s\x1b[K`,
    `\rreport · 03_suite [${"#".repeat(12)}${".".repeat(12)}] 1/2 (50%) · 0.3 s · eta 0.3 s\x1b[K`,
    "\rreport · 03_suite ✓ 1/2 · 0.3 s\x1b[K\n",
    "report: done in 0.6 s\n",
  ]);
  throws(() => stages("x", { mode: "lines", write: () => {} }).tick(), /tick\(\) before any stage/);
});

Deno.test("autoProgress() stays quiet off a terminal and passes a given sink through", () => {
  equal(autoProgress("x", false), noProgress);
  if (!Deno.stdout.isTerminal()) equal(autoProgress("x"), noProgress, "no terminal, no kernel: quiet");
  const seen: string[] = [];
  const sink = autoProgress("x", { stage: (name) => seen.push(name), tick: () => seen.push("tick") });
  sink.stage("load");
  sink.tick();
  deepEqual(seen, ["load", "tick"]);
});

Deno.test("stageCallbacks() turns a job's onStage / onProgress into stages with counts", async () => {
  const events: StageEvent[] = [];
  const job = stages("suite", { mode: "lines", write: () => {}, onEvent: (e) => events.push(e) });
  const { onStage, onProgress } = stageCallbacks(job);
  onStage("loading panel");
  onStage("running suite");
  onProgress(1, 3); // the running stage learns its total, no new stage
  onProgress(3, 3); // two units at once
  onStage("recording run");
  await job.done();
  deepEqual(
    events.filter((e) => e.type !== "tick").map((e) => `${e.type} ${"stage" in e ? e.stage : ""}`),
    [
      "start loading panel",
      "end loading panel",
      "start running suite",
      "end running suite",
      "start recording run",
      "end recording run",
      "done ",
    ],
  );
  const run = events.find((e) => e.type === "end" && e.stage === "running suite") as {
    count: number;
    total: number;
  };
  deepEqual([run.count, run.total], [3, 3]);
});
