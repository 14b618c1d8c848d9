import { deepEqual, match, ok, throws } from "node:assert/strict";
import {
  barChart,
  drawdownChart,
  equityChart,
  heatmapChart,
  histogramChart,
  icChart,
  priceChart,
} from "../lib/report/charts.ts";
import { asFloat64, rollingMean, toDates } from "../lib/report/chart_data.ts";
import { chartDefaults, plotDocument } from "../lib/report/chart_theme.ts";
import { renderSvg } from "../lib/report/render.ts";

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

Deno.test("plotDocument() gives a server-side document when there is no DOM", () => {
  const doc = plotDocument();
  deepEqual(doc.createElement("div").tagName.toLowerCase(), "div");
  ok(doc === plotDocument(), "one shared document");
});

Deno.test("equityChart() draws one line per series at positions computed from the layout", () => {
  const html = renderSvg(
    equityChart({
      dates: dates(2),
      series: { a: new Float64Array([0, 0.1]), b: new Float64Array([0, 0.05]) },
    }),
  );
  assertOneSvg(html);
  // y domain [0%, 10%] (zero rule and data, no nice) maps to [height - marginBottom, marginTop] = [228, 20];
  // x spans [marginLeft, width - marginRight] = [56, 700].
  deepEqual(markPaths(html, "line"), ["M56,228L700,20", "M56,228L700,124"]);
  match(html, /class="qn-legend"/);
  match(html, />a<\/span>/);
  match(html, new RegExp(`background:${chartDefaults.palette[1]}`));
  deepEqual(
    html,
    renderSvg(equityChart({
      dates: dates(2),
      series: { a: new Float64Array([0, 0.1]), b: new Float64Array([0, 0.05]) },
    })),
    "byte-stable",
  );
});

Deno.test("equityChart() rejects a series whose length differs from dates", () => {
  throws(() => equityChart({ dates: dates(3), series: { a: [0, 1] } }), {
    name: "RangeError",
    message: /2 values, expected 3/,
  });
});

Deno.test("drawdownChart() draws an area down from 0 and refuses positive drawdowns", () => {
  const html = renderSvg(drawdownChart({ dates: dates(3), drawdown: new Float64Array([0, -0.1, -0.05]) }));
  assertOneSvg(html);
  deepEqual(markPaths(html, "area").length, 1);
  deepEqual(markPaths(html, "line").length, 1);
  throws(() => drawdownChart({ dates: dates(2), drawdown: [0, 0.02] }), {
    name: "RangeError",
    message: /drawdown\[1\] = 0.02/,
  });
});

Deno.test("barChart() draws one bar per label, coloured by sign, with value labels", () => {
  const html = renderSvg(
    barChart({ labels: ["2022", "2023", "2024"], values: [0.5, -0.25, 1], title: "Sharpe" }),
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
  match(renderSvg(barChart({ labels: ["q1"], values: [0.0123], percent: true })), />1\.2%<\/text>/);
});

Deno.test("icChart() draws per-period rules and a rolling-mean line", () => {
  const ic = new Float64Array([0.1, -0.1, 0.3, NaN, 0.2, 0.0]);
  const html = renderSvg(icChart({ dates: dates(6), ic, window: 2 }));
  assertOneSvg(html);
  const rules = /<g[^>]*aria-label="rule"[^>]*>([\s\S]*?)<\/g>/.exec(html)![1];
  deepEqual(count(rules, /<line\b/g), 5, "one rule per finite IC");
  deepEqual(markPaths(html, "line").length, 1);
  match(html, /2-period mean/);
});

Deno.test("rollingMean() averages the finite values of the trailing window", () => {
  // by hand: windows of 2 → [1], [1,NaN], [NaN,3], [3,5]
  deepEqual([...rollingMean([1, NaN, 3, 5], 2, 1)], [1, 1, 3, 4]);
  deepEqual([...rollingMean([1, 2, 3, 4], 2)], [1, 1.5, 2.5, 3.5]);
  ok(Number.isNaN(rollingMean([1, 2, 3], 3, 3)[1]));
  throws(() => rollingMean([1], 0), RangeError);
});

Deno.test("histogramChart() bins the finite values into counts", () => {
  const values = [0.05, 0.15, 0.15, 0.25, 0.25, 0.25, NaN];
  const html = renderSvg(histogramChart({ values, bins: 10 }));
  assertOneSvg(html);
  const group = /<g[^>]*aria-label="rect"[^>]*>([\s\S]*?)<\/g>/.exec(html)![1];
  const heights = [...group.matchAll(/height="([^"]+)"/g)].map((m) => Number(m[1]));
  deepEqual(heights.length, 3, "three non-empty bins");
  // counts 1, 2, 3 on y domain [0, 3] over 228 - 20 = 208 px: 208/3 px per count, less the 0.5 px inset
  // at top and bottom → 69.33 - 1, 138.67 - 1, 208 - 1.
  deepEqual(heights, [68.33, 137.67, 207]);
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
});

Deno.test("heatmapChart() draws a cell and a label per finite value", () => {
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
  throws(() => heatmapChart({ rows: ["a"], cols: ["b"], values: [1, 2] }), {
    name: "RangeError",
    message: /rows × cols = 1/,
  });
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
