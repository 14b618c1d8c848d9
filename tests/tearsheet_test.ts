import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { parseHTML } from "linkedom";
import { backtest } from "../lib/engine/backtest.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import { capacityStats } from "../lib/report/capacity.ts";
import { escapeHtml } from "../lib/report/html.ts";
import { renderSvg } from "../lib/report/render.ts";
import { tearsheet, type TearsheetContext } from "../lib/report/tearsheet.ts";
import { lagDecayChart } from "../lib/report/tearsheet_charts.ts";
import { alignedCumulative, breakevenBps, compoundSeries, lagDecay } from "../lib/report/tearsheet_data.ts";
import { formatValue } from "../lib/report/tearsheet_parts.ts";
import { assertAlmostEquals } from "./_assert.ts";
import { reportSuite } from "./fixtures/report_suite.ts";
import { universeBenchmark } from "../lib/pipeline/suite_file.ts";

const { suite, panel, known } = await reportSuite();
const best = suite.signal.best;
const capacity = capacityStats(panel, known, best.result.config);
const context: TearsheetContext = {
  run_id: "20240105-101500-latent_score-0a1b2c3d4e5f",
  snapshot_id: "demo",
  snapshot_hash: "a147faa76b27f22a3eee7fadded40e1a27c2147af17589c625219a1a0533f150",
  git_sha: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
  created_at: "2024-01-05T10:15:00.000Z",
  signal_name: "latent_score",
  signal_source: "signals/latent score.parquet",
  author: "ana",
  capacity,
  benchmark: universeBenchmark(panel),
};
const html = tearsheet(suite, context);
const doc = parseHTML(html).document;
const SECTIONS: [string, string, number][] = [
  ["section-verdict", "Verdict", 0],
  ["section-headline", "Headline", 2],
  // the returns tear sheet of the best variant's net returns vs the universe (returnsSections)
  ["section-rt-metrics", "Returns: Key metrics", 0],
  ["section-rt-cumulative", "Returns: Cumulative returns", 3],
  ["section-rt-yearly", "Returns: End-of-year returns", 1],
  ["section-rt-monthly", "Returns: Monthly returns", 1],
  ["section-rt-distribution", "Returns: Return distribution", 2],
  ["section-rt-daily", "Returns: Daily returns", 1],
  ["section-rt-rolling", "Returns: Rolling statistics", 4],
  ["section-rt-drawdowns", "Returns: Drawdowns", 2],
  ["section-robustness", "Robustness", 3],
  ["section-capacity", "Capacity", 0],
  ["section-uniqueness", "Uniqueness", 2],
  ["section-factor", "Factor view", 3],
];
const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

Deno.test("tearsheet() renders every section with its id and heading, verdict first", () => {
  const ids = [...doc.querySelectorAll("section")].map((s) => s.getAttribute("id"));
  deepEqual(ids, SECTIONS.map(([id]) => id));
  for (const [id, heading] of SECTIONS) {
    equal(doc.querySelector(`#${id} > h2`)?.textContent, heading, id);
  }
});

Deno.test("tearsheet() draws each chart as one <svg>: 24 in all, where expected", () => {
  equal(count(html, /<svg\b/g), 24);
  for (const [id, , charts] of SECTIONS) {
    equal(doc.querySelectorAll(`#${id} svg`).length, charts, id);
  }
  equal(count(html, /<\/svg>/g), 24, "every svg closed");
});

Deno.test("tearsheet()'s returns sections read the engine's net returns against the universe", () => {
  // the same Sharpe as the engine's summary of the best variant (both empyrical's sharpe_ratio, rf 0)
  const keys = doc.querySelector("#section-rt-metrics")!.textContent!;
  ok(keys.includes(formatValue(best.result.summary.overall.sharpe, "f2")), keys.slice(0, 200));
  // the benchmark column is the equal-weighted universe: its return on a date is the mean of the
  // panel's returns that date (Alphalens' benchmark), here checked on the first traded date by hand
  const bench = universeBenchmark(panel);
  const t = panel.dates.indexOf(best.result.daily.date[0]);
  const N = panel.securityIds.length;
  const row = Array.from(panel.fields.ret.subarray(t * N, (t + 1) * N)).filter((r) => !Number.isNaN(r));
  assertAlmostEquals(bench.ret[t], row.reduce((a, b) => a + b, 0) / row.length, 1e-12);
  ok(
    doc.querySelector("#section-rt-metrics th")!.parentElement!.textContent!.includes(
      "universe (equal weight)",
    ),
  );
  ok(doc.querySelector('.ts-nav a[href="#section-rt-metrics"]'), "the nav links the returns sections");
});

Deno.test("tearsheet() is self-contained: no http(s) or file URL except the SVG namespace, no src", () => {
  const urls = [...html.matchAll(/(?:https?|file):\/\/[^\s"'<>)]*/g)].map((m) => m[0])
    .filter((url) => url !== "http://www.w3.org/2000/svg" && url !== "http://www.w3.org/1999/xlink");
  deepEqual(urls, []);
  equal(count(html, /\ssrc=/g), 0);
  equal(count(html, /<link\b/g), 0);
  ok(html.startsWith("<!doctype html>"));
});

Deno.test("tearsheet() shows the verdict colour, as a word and a class, and every reason", () => {
  const { color, reasons } = suite.verdict;
  ok(reasons.length >= 4, "the fixture produces several reasons");
  const panelEl = doc.querySelector("#section-verdict .qn-verdict")!;
  ok(panelEl.classList.contains(`verdict-${color}`));
  ok(panelEl.textContent!.includes(color.toUpperCase()));
  deepEqual([...panelEl.querySelectorAll("li")].map((li) => li.textContent), reasons);
  for (const reason of reasons) ok(html.includes(escapeHtml(reason)), reason);
  ok(doc.querySelector(`header .ts-badge.verdict-${color}`), "badge at the top");
  equal(doc.querySelectorAll(".qn-lamp-on").length, 1, "one lit lamp");
});

Deno.test("tearsheet() shows numbers as computed from the daily series, formatted to 2 decimals / percent", () => {
  const row = doc.querySelector("#section-headline tr.qn-best")!;
  const cells = [...row.querySelectorAll("td")].map((td) => td.textContent);
  equal(cells[0], `${best.label} ★`);
  // Sharpe recomputed here from daily net returns: mean / std (ddof 1) · √252.
  const net = best.result.daily.net;
  const m = net.reduce((s, x) => s + x, 0) / net.length;
  const sd = Math.sqrt(net.reduce((s, x) => s + (x - m) ** 2, 0) / (net.length - 1));
  equal(cells[1], ((m / sd) * Math.sqrt(252)).toFixed(2));
  equal(cells[1], best.result.summary.overall.sharpe.toFixed(2));
  equal(cells[2], best.result.summary.overall.sharpe_gross.toFixed(2));
  // Annual return = CAGR of the net series over 252-day years.
  const wealth = net.reduce((w, x) => w * (1 + x), 1);
  equal(cells[3], `${((wealth ** (252 / net.length) - 1) * 100).toFixed(2)}%`);
  equal(cells[7], `${(best.result.summary.overall.hit_rate * 100).toFixed(2)}%`);
  equal(doc.querySelectorAll("#section-headline tbody tr").length, suite.signal.variants.length);
  const numeric = [...row.querySelectorAll("td")].slice(1);
  ok(numeric.every((td) => td.getAttribute("style")!.includes("text-align:right")), "numbers right-aligned");
});

Deno.test("tearsheet() capacity shows the holdings' ADV and mcap, or says how to get them", () => {
  const text = doc.querySelector("#section-capacity")!.textContent!;
  ok(text.includes(formatValue(capacity.avg_adv_long, "compact")));
  ok(text.includes(formatValue(capacity.avg_mcap_short, "compact")));
  const without = parseHTML(tearsheet(suite, { ...context, capacity: undefined })).document;
  ok(
    without.querySelector("#section-capacity")!.textContent!.includes("capacityStats(panel, known, config)"),
  );
});

Deno.test("tearsheet() footer holds everything needed to reproduce the run", () => {
  const footer = doc.querySelector("footer#section-reproduce")!;
  for (
    const value of [
      context.run_id,
      context.snapshot_id,
      context.snapshot_hash,
      context.git_sha,
      context.created_at,
    ]
  ) {
    ok(footer.textContent!.includes(value), value);
  }
  equal(
    footer.querySelector(".ts-command")!.textContent,
    "deno task suite --snapshot demo --signal 'signals/latent score.parquet' --preset standard",
  );
  deepEqual(
    JSON.parse(footer.querySelector(".ts-config")!.textContent!),
    JSON.parse(JSON.stringify({ preset: suite.preset, best: best.result.config })),
  );
});

Deno.test("tearsheet() escapes a signal name holding markup everywhere it appears", () => {
  const evil = `<script>alert("x")</script>`;
  const page = tearsheet({ ...suite, signal: { ...suite.signal, name: evil } }, {
    ...context,
    signal_name: evil,
    signal_source: undefined,
  });
  // the only script is the page's hover script (once), never the name
  equal(count(page, /<script/gi), 1);
  equal(count(page, /<script class="qn-hover-script">/g), 1);
  ok(page.includes("&lt;script&gt;"));
  equal(parseHTML(page).document.querySelector("h1")!.textContent, evil);
});

Deno.test("capacityStats() averages descriptors over the engine's legs, by hand", async (t) => {
  // 10 names, deciles: short = lowest value, long = highest (average ranks for ties).
  const values = [
    [5, 3, 9, 1, 7, 2, 8, 4, 10, 6], // short D (3), long I (8)
    [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], // short J (9), long A (0)
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], // all tied: rank 5.5 each, percentile 45, no position (issue 9)
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  ];
  const grid = (f: (t: number, i: number) => number) =>
    Array.from({ length: 4 }, (_, t) => Array.from({ length: 10 }, (_, i) => f(t, i)));
  const make = (ret: number[][]) =>
    makePanel({
      dates: [0, 1, 2, 3].map((t) => Date.UTC(2024, 0, 2 + t)),
      securityIds: "ABCDEFGHIJ".split(""),
      fields: { ret, adv: grid((t, i) => 100 * (t + 1) + i), mcap: grid((t, i) => 1000 * (t + 1) + 10 * i) },
    });
  const toy = make(grid((t, i) => 0.001 * (i + 1) * (t % 2 ? 1 : -1)));
  const toyKnown = Float64Array.from(values.flat());
  await t.step(
    "lag 0: held days 1–2 (day 3 holds the all-tied row: nothing), descriptors at the prior close",
    () => {
      const s = capacityStats(toy, toyKnown, { slices: ["overall"] });
      // long: I at day 0 (adv 108, mcap 1080), A at day 1 (200, 2000); short: D (103, 1030), J (209, 2090).
      assertAlmostEquals(s.avg_adv_long, (108 + 200) / 2, 1e-9);
      assertAlmostEquals(s.avg_adv_short, (103 + 209) / 2, 1e-9);
      assertAlmostEquals(s.avg_mcap_long, (1080 + 2000) / 2, 1e-9);
      assertAlmostEquals(s.avg_mcap_short, (1030 + 2090) / 2, 1e-9);
      deepEqual([s.n_days, s.n_long, s.n_short], [2, 1, 1]);
      equal(s.n_days, backtest(toy, { known: toyKnown }, {}).summary.overall.n_days);
    },
  );
  await t.step("lag 1 holds each value one day later", () => {
    const s = capacityStats(toy, toyKnown, { lag: 1 });
    // day 2 holds day 0's legs (I, D) at day-1 descriptors; day 3 holds day 1's (A, J) at day 2's.
    assertAlmostEquals(s.avg_adv_long, (208 + 300) / 2, 1e-9);
    assertAlmostEquals(s.avg_adv_short, (203 + 309) / 2, 1e-9);
    equal(s.n_days, 2);
  });
  await t.step("a missing return drops a name; below mincos the day holds nothing, as in the engine", () => {
    const ret = grid((t, i) => (t === 3 && i === 4 ? NaN : 0.001 * (i + 1)));
    const gapped = make(ret);
    const s = capacityStats(gapped, toyKnown, {});
    assertAlmostEquals(s.avg_adv_long, (108 + 200) / 2, 1e-9);
    equal(s.n_days, backtest(gapped, { known: toyKnown }, {}).summary.overall.n_days);
    equal(s.n_days, 2);
    // Day 3 (9 names at mincos 9) holds the all-tied row: no position under any cut-offs; days 1–2
    // at [20, 80]: 10 names → 2 short (100·1/10 < 20), 2 long (100·8/10 ≥ 80).
    equal(capacityStats(gapped, toyKnown, { mincos: 9 }).n_days, 2);
    const wide = capacityStats(gapped, toyKnown, { mincos: 9, fractile: [20, 80] });
    deepEqual([wide.n_days, wide.n_short, wide.n_long], [2, 2, 2]);
    equal(
      wide.n_days,
      backtest(gapped, { known: toyKnown }, { mincos: 9, fractile: [20, 80] }).summary.overall.n_days,
    );
  });
  await t.step("on the suite fixture it selects the same legs as the engine (every variant)", () => {
    for (const v of suite.signal.variants) {
      const s = capacityStats(panel, known, v.result.config);
      equal(s.n_days, v.result.summary.overall.n_days, v.label);
      assertAlmostEquals(s.n_long, v.result.summary.overall.n_long, 1e-12, v.label);
      assertAlmostEquals(s.n_short, v.result.summary.overall.n_short, 1e-12, v.label);
    }
  });
  await t.step("a known matrix of the wrong size is a RangeError naming both sizes", () => {
    throws(() => capacityStats(toy, new Float64Array(3)), /3 cells, expected 4 dates × 10 securities/);
  });
});

Deno.test("compoundSeries(), alignedCumulative(), lagDecay(), breakevenBps() by hand", async (t) => {
  await t.step("compoundSeries compounds and skips NaN", () => {
    const c = compoundSeries([0.1, NaN, 0.1, -0.5]);
    [0.1, 0.1, 0.21, -0.395].forEach((x, k) => assertAlmostEquals(c[k], x, 1e-12));
  });
  await t.step(
    "alignedCumulative puts runs on the union of dates, NaN before start, carried over gaps",
    () => {
      const { dates, series } = alignedCumulative([
        { name: "a", daily: { date: Float64Array.of(1, 2, 4), net: Float64Array.of(0.1, 0.1, 0.1) } },
        { name: "b", daily: { date: Float64Array.of(3, 4), net: Float64Array.of(0.5, -0.5) } },
        { name: "a", daily: { date: Float64Array.of(4), net: Float64Array.of(0.2) } },
      ]);
      deepEqual([...dates], [1, 2, 3, 4]);
      deepEqual(Object.keys(series), ["a", "b", "a (2)"]);
      [0.1, 0.21, 0.21, 0.331].forEach((x, k) => assertAlmostEquals(series.a[k], x, 1e-12));
      deepEqual([...series.b].map((x) => Math.round(x * 1e12) / 1e12), [NaN, NaN, 0.5, -0.25]);
    },
  );
  await t.step("lagDecay gives Sharpe by lag per residualize mode", () => {
    const { lags, series } = lagDecay(suite.signal.variants, 10);
    deepEqual(lags, [0, 1, 2]);
    deepEqual(Object.keys(series), ["off", "industry"]);
    const sharpe = (label: string) =>
      suite.signal.variants.find((v) => v.label === label)!.result.summary.overall.sharpe;
    deepEqual([...series.industry], ["lag0_industry", "lag1_industry", "lag2_industry"].map(sharpe));
    deepEqual(lagDecay(suite.signal.variants, 5), { lags: [], series: {} });
  });
  await t.step("breakevenBps = 1e4 · Σgross / Σturnover", () => {
    equal(breakevenBps({ gross: [0.001, 0.003], turnover: [0.5, 1.5] }), 20);
    ok(Number.isNaN(breakevenBps({ gross: [0.001], turnover: [0] })));
  });
});

Deno.test("lagDecayChart() draws one <svg> with a line and labelled dots per mode", () => {
  const out = renderSvg(
    lagDecayChart({ lags: [0, 1, 2], series: { off: [1.5, 1.2, NaN], industry: [1, 0.8, 0.6] } }),
  );
  equal(count(out, /<svg\b/g), 1);
  equal(count(out, /<circle\b/g), 5, "NaN point left out");
  ok(out.includes(">1.20<") && out.includes(">0.60<"));
  ok(out.includes("qn-legend"));
  throws(() => lagDecayChart({ lags: [0, 1], series: { off: [1] } }), /"off" has 1 values, expected 2/);
});
