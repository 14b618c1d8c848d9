import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { parseHTML } from "linkedom";
import {
  barChart,
  drawdownChart,
  equityChart,
  heatmapChart,
  histogramChart,
  icChart,
  prefersLog,
  priceChart,
} from "../lib/report/charts.ts";
import { asFloat64, rollingMean, toDates } from "../lib/report/chart_data.ts";
import { chartDefaults, plotDocument, quantityLabel } from "../lib/report/chart_theme.ts";
import { qqChart } from "../lib/report/factor_charts.ts";
import { profileChart, weightsChart } from "../lib/report/optimize_charts.ts";
import { monthlyStackChart } from "../lib/report/portfolio_charts.ts";
import { lagDecayChart } from "../lib/report/tearsheet_charts.ts";
import { renderSvg } from "../lib/report/render.ts";
import { assertAlmostEquals } from "./_assert.ts";

const DAY = 86_400_000;
const dates = (n: number) => Float64Array.from({ length: n }, (_, t) => Date.UTC(2024, 0, 1) + t * DAY);
const count = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;

/** The `d` attribute of every path inside the mark groups with the given aria-label. */
function markPaths(html: string, label: string): string[] {
  const groups = html.matchAll(new RegExp(`<g[^>]*aria-label="${label}"[^>]*>([\\s\\S]*?)</g>`, "g"));
  return [...groups].flatMap((group) => [...group[1].matchAll(/\sd="([^"]*)"/g)].map((m) => m[1]));
}

/** Every http(s) URL in the markup except the SVG namespace declaration. */
function urls(html: string): string[] {
  return [...html.matchAll(/https?:\/\/[^\s"'<>]*/g)].map((m) => m[0])
    .filter((url) => url !== "http://www.w3.org/2000/svg" && url !== "http://www.w3.org/1999/xlink");
}

function assertOneSvg(html: string): void {
  deepEqual(count(html, /<svg\b/g), 1, "exactly one <svg> per chart");
  deepEqual(urls(html), [], "no external URL");
}

/** The chart's hover data (the `data-qn-hover` JSON of its svg). */
function hover(html: string) {
  const svg = parseHTML(`<div>${html}</div>`).document.querySelector("svg")!;
  return JSON.parse(svg.getAttribute("data-qn-hover")!);
}

/** Text of the y (or x) axis label, arrow dropped. */
function axisLabel(html: string, axis: "x" | "y"): string {
  const g = parseHTML(`<div>${html}</div>`).document.querySelector(`g[aria-label="${axis}-axis label"]`);
  return (g?.textContent ?? "").replace(/[↑↓←→]/g, "").trim();
}

Deno.test("plotDocument() gives a server-side document when there is no DOM", () => {
  const doc = plotDocument();
  deepEqual(doc.createElement("div").tagName.toLowerCase(), "div");
  ok(doc === plotDocument(), "one shared document");
});

Deno.test("charts follow the page's theme, size to their cell and keep titles out of the headings", () => {
  const html = renderSvg(equityChart({
    dates: dates(2),
    series: { a: [0, 0.1], b: [0, 0.05] },
    title: "Cumulative return — $1/$1 book",
    subtitle: "net of 10 bps",
  }));
  const doc = parseHTML(`<div>${html}</div>`).document;
  const figure = doc.querySelector("figure")!;
  equal(figure.getAttribute("class"), "qn-chart tex2jax_ignore", "MathJax leaves the $ alone");
  equal(doc.querySelectorAll("h2, h3").length, 0, "no page headings (JupyterLab sized them as sections)");
  equal(doc.querySelector(".qn-chart-title")!.textContent, "Cumulative return — $1/$1 book");
  equal(doc.querySelector(".qn-chart-subtitle")!.textContent, "net of 10 bps");
  const svg = doc.querySelector("svg")!;
  equal(svg.getAttribute("fill"), "currentColor", "ink follows the text colour");
  const style = svg.getAttribute("style")!;
  match(style, /background:transparent/);
  ok(!/white|#fff/i.test(style), style);
  match(style, /width:100%/, "fills its cell (viewBox scaling)");
  match(figure.getAttribute("style")!, new RegExp(`max-width:${Math.round(chartDefaults.width * 1.6)}px`));
  for (const el of doc.querySelectorAll("[fill], [stroke]")) {
    for (const attr of ["fill", "stroke"]) {
      const value = el.getAttribute(attr);
      ok(!value || !/^(white|#fff(fff)?|black|#000(000)?)$/i.test(value), `${attr}=${value}`);
    }
  }
});

Deno.test("equityChart() draws one line per series at positions computed from the layout", () => {
  const series = { a: new Float64Array([0, 0.1]), b: new Float64Array([0, 0.05]) };
  const html = renderSvg(equityChart({ dates: dates(2), series }));
  assertOneSvg(html);
  // linear (wealth 1 … 1.1, below the 2.5× that picks log): y domain [0%, 10%] maps to
  // [height − marginBottom, marginTop] = [248, 20]; x spans [marginLeft, width − marginRight] = [56, 940].
  deepEqual(markPaths(html, "line"), ["M56,248L940,20", "M56,248L940,134"]);
  match(html, /class="qn-legend"/);
  match(html, />a<\/span>/);
  match(html, new RegExp(`background:${chartDefaults.palette[1]}`));
  equal(axisLabel(html, "y"), "Cumulative return (%)", "the axis names its quantity");
  equal(html, renderSvg(equityChart({ dates: dates(2), series })), "byte-stable");
});

Deno.test("equityChart() takes a log axis when a linear one would flatten a series", () => {
  // gross reaches wealth 21 (+2,000%), net 3 (+200%): 21 / 1 > 2.5 → log
  ok(prefersLog({ gross: [0, 20], net: [0, 2] }));
  ok(!prefersLog({ net: [0, 0.3, -0.1] }));
  const html = renderSvg(equityChart({ dates: dates(3), series: { gross: [0, 4, 20], net: [0, 1, 2] } }));
  equal(axisLabel(html, "y"), "Cumulative return (%, log scale)");
  // growth of 1 on a log axis: wealth 1 → 5 → 21 for gross; equal ratios give equal steps, so
  // y(1) − y(5) : y(5) − y(21) = ln 5 : ln 4.2
  const [gross] = markPaths(html, "line");
  const ys = [...gross.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
  assertAlmostEquals((ys[0] - ys[1]) / (ys[1] - ys[2]), Math.log(5) / Math.log(4.2), 0.01);
  // ticks read as cumulative returns
  const ticks = [...html.matchAll(/aria-label="y-axis tick label"[\s\S]*?<\/g>/g)][0][0];
  match(ticks, />0%</);
  match(ticks, />\+?400%</);
  // hover still reports cumulative returns (wealth − 1), in percent
  const h = hover(html);
  deepEqual(h.s.map((s: { v: string[] }) => s.v.at(-1)), ["2,000.00%", "200.00%"]);
  // ticks stay inside the data's range: wealth 1 → 2.95 ticks at 1, 1.5, 2 (0%, 50%, 100%), not at 3
  // (+200%), which Plot would draw above the frame, over the axis label (seen in 05_strategies)
  const near = renderSvg(equityChart({ dates: dates(3), series: { a: [0, 0.5, 1.95] }, scale: "log" }));
  const nearTicks = [...near.matchAll(/aria-label="y-axis tick label"[\s\S]*?<\/g>/g)][0][0];
  deepEqual([...nearTicks.matchAll(/>([^<>]+%)</g)].map((m) => m[1]), ["0%", "50%", "100%"]);
  const linear = renderSvg(equityChart({ dates: dates(3), series: { gross: [0, 4, 20] }, scale: "linear" }));
  equal(axisLabel(linear, "y"), "Cumulative return (%)");
});

Deno.test("equityChart() shades periods behind the lines", () => {
  const d = dates(10);
  const html = renderSvg(
    equityChart({ dates: d, series: { a: d.map((_, t) => t / 100) }, shade: [{ from: d[2], to: d[5] }] }),
  );
  const rect = parseHTML(`<div>${html}</div>`).document.querySelector('g[aria-label="rect"] rect')!;
  // x: 56 + (t / 9) × 884 → t = 2: 252.44, t = 5: 547.11
  assertAlmostEquals(Number(rect.getAttribute("x")), 56 + (2 / 9) * 884, 0.01);
  assertAlmostEquals(Number(rect.getAttribute("width")), (3 / 9) * 884, 0.01);
});

Deno.test("equityChart() rejects a series whose length differs from dates", () => {
  throws(() => equityChart({ dates: dates(3), series: { a: [0, 1] } }), {
    name: "RangeError",
    message: /2 values, expected 3/,
  });
});

Deno.test("line charts carry hover: each date and every series' value, at the drawn positions", () => {
  const html = renderSvg(equityChart({
    dates: dates(3),
    series: { Net: [0, 0.1234, 0.05], Gross: [0, 0.2, 0.15] },
    scale: "linear",
  }));
  const h = hover(html);
  equal(h.k, "x");
  deepEqual(h.x, [56, 498, 940], "x positions of the three dates");
  deepEqual(h.l, ["2024-01-01", "2024-01-02", "2024-01-03"]);
  deepEqual(h.s.map((s: { n: string }) => s.n), ["Net", "Gross"], "series named from the legend");
  deepEqual(h.s[0].v, ["0.00%", "12.34%", "5.00%"]);
  deepEqual(h.s[1].v, ["0.00%", "20.00%", "15.00%"]);
  // y of the hover dots = the drawn path's points (domain [0, 20%] → [248, 20])
  deepEqual(h.s[0].y, [248, 107.3, 191]);
  equal(h.t, 20);
  equal(h.b, 248);
  // the no-script floor: native <title> tooltips over stretches of the chart
  const floor = parseHTML(`<div>${html}</div>`).document.querySelectorAll(".qn-hover-floor rect title");
  equal(floor.length, 3);
  equal(floor[1].textContent, "2024-01-02\nNet: 12.34%\nGross: 20.00%");
});

Deno.test("drawdownChart() fills the first series, dashes the others, and refuses positive drawdowns", () => {
  const html = renderSvg(drawdownChart({ dates: dates(3), drawdown: new Float64Array([0, -0.1, -0.05]) }));
  assertOneSvg(html);
  deepEqual(markPaths(html, "area").length, 1);
  deepEqual(markPaths(html, "line").length, 1);
  equal(axisLabel(html, "y"), "Drawdown (%)");
  const two = renderSvg(drawdownChart({
    dates: dates(3),
    series: { Net: [0, -0.1, -0.05], Gross: [0, -0.08, -0.02] },
  }));
  deepEqual(markPaths(two, "area").length, 1, "only the first series is filled");
  const lines = parseHTML(`<div>${two}</div>`).document.querySelectorAll('g[aria-label="line"]');
  equal(lines.length, 2);
  equal(
    lines[1].getAttribute("stroke-dasharray"),
    "5,3",
    "gross dashed: overlapping drawdowns stay distinct",
  );
  equal(lines[1].getAttribute("stroke"), chartDefaults.palette[1]);
  throws(() => drawdownChart({ dates: dates(2), drawdown: [0, 0.02] }), {
    name: "RangeError",
    message: /drawdown\[1\] = 0.02/,
  });
});

Deno.test("barChart() draws one bar per label, coloured by sign, with value labels and tooltips", () => {
  const html = renderSvg(
    barChart({ labels: ["2022", "2023", "2024"], values: [0.5, -0.25, 1], title: "Sharpe by year — lag1" }),
  );
  assertOneSvg(html);
  const bars = /<g[^>]*aria-label="bar"[^>]*>([\s\S]*?)<\/g>/.exec(html)![1];
  deepEqual(count(bars, /<rect\b/g), 3);
  deepEqual([...bars.matchAll(/fill="([^"]+)"/g)].map((m) => m[1]), [
    chartDefaults.positive,
    chartDefaults.negative,
    chartDefaults.positive,
  ]);
  for (const label of ["0.50", "-0.25", "1.00"]) match(html, new RegExp(`>${label}</text>`));
  deepEqual([...bars.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]), [
    "2022: 0.50",
    "2023: -0.25",
    "2024: 1.00",
  ]);
  equal(axisLabel(html, "y"), "Sharpe", "the quantity, read from the title");
  match(renderSvg(barChart({ labels: ["q1"], values: [0.0123], percent: true })), />1\.2%<\/text>/);
});

Deno.test("quantityLabel() names an axis from a chart title", () => {
  equal(
    quantityLabel(undefined, "Mean daily return by fractile (bps) — lag1_off"),
    "Mean daily return (bps)",
  );
  equal(quantityLabel(undefined, "Net Sharpe by year"), "Net Sharpe");
  equal(quantityLabel(undefined, "IC distribution"), "IC");
  equal(quantityLabel(undefined, "Drawdown", true), "Drawdown (%)");
  equal(quantityLabel("Weight", "anything", true), "Weight (%)");
  equal(quantityLabel(undefined, undefined), null);
});

Deno.test("icChart() draws every period's IC, a rolling-mean line, and hovers both", () => {
  const ic = new Float64Array([0.1, -0.1, 0.3, NaN, 0.2, 0.0]);
  const html = renderSvg(icChart({ dates: dates(6), ic, window: 2 }));
  assertOneSvg(html);
  deepEqual(markPaths(html, "area").length, 1, "one path for all the daily ICs (not a rule per day)");
  deepEqual(markPaths(html, "line").length, 2, "the mean line, and the invisible daily line (hover)");
  match(html, /2-period mean/);
  equal(axisLabel(html, "y"), "Rank IC");
  const h = hover(html);
  const byName = Object.fromEntries(h.s.map((s: { n: string; v: string[] }) => [s.n, s.v]));
  // IC column: ratio, 2 significant digits of the median |IC| 0.1 → 2 decimals
  deepEqual(byName["IC"], ["0.10", "-0.10", "0.30", null, "0.20", "0.00"]);
  // 2-period mean over the finite values (at least 1): 0.1, (0.1 − 0.1) / 2, (−0.1 + 0.3) / 2, 0.3, 0.2, 0.1
  deepEqual(byName["2-period mean"], ["0.10", "0.00", "0.10", "0.30", "0.20", "0.10"]);
});

Deno.test("rollingMean() averages the finite values of the trailing window", () => {
  // by hand: windows of 2 → [1], [1,NaN], [NaN,3], [3,5]
  deepEqual([...rollingMean([1, NaN, 3, 5], 2, 1)], [1, 1, 3, 4]);
  deepEqual([...rollingMean([1, 2, 3, 4], 2)], [1, 1.5, 2.5, 3.5]);
  ok(Number.isNaN(rollingMean([1, 2, 3], 3, 3)[1]));
  throws(() => rollingMean([1], 0), RangeError);
});

Deno.test("histogramChart() bins the finite values into counts, with an optional normal fit", () => {
  // 4 equal bins over [0, 2]: [0, .5) {0}, [.5, 1) {}, [1, 1.5) {1, 1}, [1.5, 2] {2, 2, 2}
  const values = [0, 1, 1, 2, 2, 2, NaN];
  const html = renderSvg(histogramChart({ values, bins: 4, normal: true, title: "Daily returns" }));
  assertOneSvg(html);
  const group = /<g[^>]*aria-label="rect"[^>]*>([\s\S]*?)<\/g>/.exec(html)![1];
  const heights = [...group.matchAll(/height="([^"]+)"/g)].map((m) => Number(m[1]));
  // counts 1, 2, 3 on y domain [0, 3] over 248 − 20 = 228 px: 76 px per count, less the 0.5 px inset
  // at top and bottom
  deepEqual(heights, [75, 151, 227]);
  deepEqual([...group.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1].split(": ")[1]), ["1", "2", "3"]);
  // normal fit: mean 4/3, sd (ddof 1) = √(3⅓ / 5) = 0.8165; at the mean the curve is
  // n · w · φ(0) / sd = 6 · 0.5 · 0.398942 / 0.8165 = 1.4658 counts → y = 248 − 1.4658 · 76 = 136.60
  const fit = /aria-description="reference"[^>]*>\s*<path d="([^"]*)"/.exec(html)![1];
  const ys = [...fit.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
  assertAlmostEquals(Math.min(...ys), 248 - 1.4658 * 76, 0.05);
  equal(axisLabel(html, "x"), "Daily returns");
  equal(axisLabel(html, "y"), "Count");
  throws(() => histogramChart({ values: [NaN] }), { name: "RangeError", message: /no finite values/ });
});

Deno.test("priceChart() uses a log y axis", () => {
  const html = renderSvg(priceChart({ dates: dates(3), series: { px: [10, 100, 1000] } }));
  assertOneSvg(html);
  // log scale: equal ratios give equal steps, so the 3 points are collinear and evenly spaced in y
  const [d] = markPaths(html, "line");
  const ys = [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
  deepEqual(ys.length, 3);
  ok(Math.abs((ys[0] - ys[1]) - (ys[1] - ys[2])) < 0.02, `${ys}`);
  equal(axisLabel(html, "y"), "Price (log scale)");
  // prices: plain numbers, 3 significant digits of the median (100) → no decimals
  deepEqual(hover(html).s[0].v, ["10", "100", "1,000"]);
});

Deno.test("heatmapChart() draws a cell, a label and a tooltip per finite value", () => {
  const html = renderSvg(heatmapChart({
    rows: ["2023", "2024"],
    cols: ["Jan", "Feb", "Mar"],
    values: [0.01, -0.02, 0.03, NaN, 0.05, -0.01],
    percent: true,
  }));
  assertOneSvg(html);
  const cells = /<g[^>]*aria-label="cell"[^>]*>([\s\S]*?)<\/g>/.exec(html)![1];
  deepEqual(count(cells, /<rect\b/g), 5);
  for (const label of ["1.0", "-2.0", "3.0", "5.0", "-1.0"]) match(html, new RegExp(`>${label}</text>`));
  deepEqual([...cells.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]), [
    "2023 · Jan: 1.0%",
    "2023 · Feb: -2.0%",
    "2023 · Mar: 3.0%",
    "2024 · Feb: 5.0%",
    "2024 · Mar: -1.0%",
  ]);
  // named axes (issue 10: every axis names its quantity): an axis label each, names in the hover
  const named = renderSvg(heatmapChart({
    rows: ["0", "1"],
    cols: ["3", "5"],
    values: [1.5, 1.2, 0.9, 1.1],
    xLabel: "fractile",
    yLabel: "lag",
  }));
  equal(axisLabel(named, "x"), "fractile");
  equal(axisLabel(named, "y"), "lag");
  match(named, /<title>lag 0 · fractile 3: 1\.50<\/title>/);
  throws(() => heatmapChart({ rows: ["a"], cols: ["b"], values: [1, 2] }), {
    name: "RangeError",
    message: /rows × cols = 1/,
  });
});

Deno.test("scatters hover the nearest dot with both coordinates, lines with dots hover by x", () => {
  const qq = renderSvg(qqChart({ theoretical: [-1, 0, 1], sample: [-1.2, 0.1, 0.9] }));
  const h = hover(qq);
  equal(h.k, "p", "the 45° reference line is not a series");
  deepEqual(h.p.map((p: [number, number, string]) => p[2]), [
    // plain numbers: integers as such; 3 significant digits of the median |y| (0.9)
    "normal quantile: -1\nobserved quantile: -1.200",
    "normal quantile: 0\nobserved quantile: 0.100",
    "normal quantile: 1\nobserved quantile: 0.900",
  ]);
  const lag = renderSvg(lagDecayChart({ lags: [0, 1, 2], series: { off: [1.4, 1.1, 0.9] } }));
  const l = hover(lag);
  equal(l.k, "x");
  deepEqual(l.l, ["0", "1", "2"]);
});

Deno.test("renderSvg() rounds geometry to 2 decimals and leaves text alone", () => {
  const doc = plotDocument();
  const svg = doc.createElementNS("http://www.w3.org/2000/svg", "svg") as unknown as SVGSVGElement;
  const path = doc.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M0.123456,244.99999999999997L-0.0001,3");
  path.setAttribute("transform", "translate(40,70.00000000000006)");
  const text = doc.createElementNS("http://www.w3.org/2000/svg", "text");
  text.textContent = "0.12345";
  svg.appendChild(path);
  svg.appendChild(text);
  const html = renderSvg(svg);
  match(html, /d="M0.12,245L0,3"/);
  match(html, /transform="translate\(40,70\)"/);
  match(html, />0.12345</);
});

Deno.test("toDates() and asFloat64() convert columnar inputs", () => {
  deepEqual(toDates([Date.UTC(2024, 0, 2)])[0].toISOString(), "2024-01-02T00:00:00.000Z");
  const f = new Float64Array([1]);
  ok(asFloat64(f) === f);
  deepEqual([...asFloat64([1, 2])], [1, 2]);
});

Deno.test("weightsChart() and profileChart() name their axes and hover the value under the pointer", () => {
  // weights of two streams on three days: the hover reads each stream's own weight (not a running stack)
  const w = renderSvg(weightsChart({
    dates: dates(3),
    names: ["erc", "hrp"],
    weights: [0.6, 0.4, 0.7, 0.3, 0.25, 0.75],
    title: "Weights",
  }));
  equal(axisLabel(w, "y"), "Weight (%)");
  const h = hover(w);
  deepEqual(h.s.map((s: { n: string; v: string[] }) => [s.n, s.v]), [
    ["erc", ["60.00%", "70.00%", "25.00%"]],
    ["hrp", ["40.00%", "30.00%", "75.00%"]],
  ]);
  const p = renderSvg(profileChart({
    labels: ["0", "1", "2"],
    series: { best: [1.2, 1.5, 0.9] },
    title: "sharpe by lag",
    xLabel: "lag",
  }));
  equal(axisLabel(p, "x"), "lag");
  equal(axisLabel(p, "y"), "sharpe");
  // monthly bars: the quantity from the title ("(%)" alone in the portfolio tear sheet before)
  const months = [Date.UTC(2020, 0, 1), Date.UTC(2020, 1, 1)];
  const turnover = renderSvg(
    monthlyStackChart({ months, series: { t: [0.1, 0.2] }, percent: true, title: "Turnover by month" }),
  );
  equal(axisLabel(turnover, "y"), "Turnover (%)");
});
