/**
 * Hover on every chart: the value under the pointer, read back from the rendered Plot marks through
 * the plot's own scales, so every builder (ours and any built on `basePlotOptions`) gets it.
 *
 * - Lines: the date (or x) nearest the pointer and every series' value there, with a crosshair.
 * - Bars, cells, stacked segments: the bucket and its value (an SVG `<title>` per element).
 * - Dots (scatters, Q-Q): both coordinates of the nearest dot.
 *
 * Two layers: SVG `<title>` elements (native tooltips, no script: bars, cells, dots, and one band per
 * stretch of a line chart) and a tiny inline script (`HOVER_SCRIPT`, ~2 kB, no network) that reads a
 * compact `data-qn-hover` attribute and draws a themed tooltip and crosshair. The script installs one
 * delegated listener per page, so any number of outputs can carry it.
 */

import { columnSpec, formatQuantity, type FormatSpec, type Quantity } from "./format.ts";

/** A Plot scale descriptor, as `plot.scale(name)` returns it. */
interface PlotScale {
  type: string;
  domain: unknown[];
  range?: number[];
  percent?: boolean;
  bandwidth?: number;
  apply(value: unknown): number;
  invert?(value: number): unknown;
}

type ScaleOf = (name: string) => PlotScale | undefined;

/** Attribute naming the y values' kind of quantity, set by builders whose axis is not percent. */
export const Y_KIND_ATTRIBUTE = "data-qn-y";

/**
 * The `ariaDescription` of a Plot line mark that is a reference, not data (a 45° line, a fitted density):
 * hover leaves it out.
 */
export const REFERENCE = "reference";

/** Attribute carrying the hover data the script reads. */
export const HOVER_ATTRIBUTE = "data-qn-hover";

/** At most this many hover positions per line chart (about one per 2 px of a 960 px chart). */
const MAX_POSITIONS = 480;
/** Stretches of a line chart with a native `<title>` when scripts do not run. */
const FLOOR_BANDS = 60;

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * JSON for an HTML attribute, with `<` and `>` as `\u003c` / `\u003e` (still valid JSON): data
 * names stay inert text whatever reads the page.
 *
 * @example
 * ```ts
 * attributeJson(["<b>"]); // => '["\\u003cb\\u003e"]'
 * ```
 */
export function attributeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
}

/** Sum of `translate(x, y)` transforms from `el` up to (not including) `svg`. */
function offsetOf(el: Element, svg: Element): [number, number] {
  let dx = 0, dy = 0;
  for (let node: Element | null = el; node && node !== svg; node = node.parentElement) {
    const t = /translate\(\s*(-?[\d.e-]+)[\s,]+(-?[\d.e-]+)\s*\)/.exec(node.getAttribute("transform") ?? "");
    if (t) {
      dx += Number(t[1]);
      dy += Number(t[2]);
    }
  }
  return [dx, dy];
}

function inFacet(el: Element, svg: Element): boolean {
  for (let node: Element | null = el.parentElement; node && node !== svg; node = node.parentElement) {
    if (node.getAttribute("aria-label") === "facet") return true;
  }
  return false;
}

/** Points of a Plot path (`M x,y L x,y …`; each `M` starts a new run after a gap). */
function pathPoints(d: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of d.matchAll(/[ML]\s*(-?[\d.]+(?:e-?\d+)?)[\s,]+(-?[\d.]+(?:e-?\d+)?)/g)) {
    out.push([Number(m[1]), Number(m[2])]);
  }
  return out;
}

/** A value-reader for one axis: pixel → the value it stands for, and a formatter for a set of them. */
interface Axis {
  read(px: number): unknown;
  format(values: readonly unknown[]): (v: unknown) => string;
}

/**
 * Kinds a builder can name for its y values: any `Quantity`, or `growth` (a wealth index `1 + r`
 * shown as the cumulative return `r` in percent, e.g. on a log axis).
 */
export type YKind = Quantity | "growth";

function axisOf(scale: PlotScale | undefined, kindHint?: YKind, spacingMs?: number): Axis | undefined {
  if (!scale) return undefined;
  if (scale.bandwidth !== undefined || scale.type === "point" || scale.type === "band") {
    const half = (scale.bandwidth ?? 0) / 2;
    const centers = scale.domain.map((d) => [d, scale.apply(d) + half] as const);
    return {
      read: (px) => centers.reduce((best, c) => (Math.abs(c[1] - px) < Math.abs(best[1] - px) ? c : best))[0],
      format: () => (v) => String(v),
    };
  }
  if (!scale.invert) return undefined;
  const invert = scale.invert.bind(scale);
  if (scale.type === "utc" || scale.type === "time") {
    // Pixel positions carry ~0.001 px of rounding: snap to the day (daily or slower data) or minute.
    const unit = (spacingMs ?? 0) >= 20 * 3_600_000 ? 86_400_000 : 60_000;
    return {
      read: (px) => Math.round((invert(px) as Date).getTime() / unit) * unit,
      format: () => (v) => formatQuantity(v, { kind: "date" }),
    };
  }
  const percent = scale.percent === true;
  const growth = kindHint === "growth";
  const kind: Quantity = percent || growth ? "percent" : (kindHint as Quantity | undefined) ?? "number";
  return {
    read: kind === "count"
      ? (px) => Math.round(invert(px) as number)
      : (px) => (invert(px) as number) / (percent ? 100 : 1) - (growth ? 1 : 0),
    format: (values) => {
      const spec: FormatSpec = columnSpec(kind, values, undefined, { distinct: false });
      return (v) => formatQuantity(v, spec);
    },
  };
}

/** Series names by colour, from the chart's swatch legend (`data-qn-series`) or its colour scale. */
function namesByColor(figure: Element, scaleOf: ScaleOf): Map<string, string> {
  const names = new Map<string, string>();
  const legend = figure.getAttribute?.("data-qn-series");
  if (legend) {
    for (const [name, color] of JSON.parse(legend) as [string, string][]) {
      names.set(color, name);
    }
  }
  const color = scaleOf("color");
  if (color && color.range && color.type === "ordinal") {
    color.domain.forEach((d, k) => {
      const c = (color.range as unknown as string[])[k];
      if (typeof c === "string" && !names.has(c)) names.set(c, String(d));
    });
  }
  return names;
}

function svgTitle(document: Document, text: string): Element {
  const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
  title.textContent = text;
  return title;
}

/** One line series as drawn: its name, colour and points in SVG user units. */
interface DrawnSeries {
  name: string;
  color: string;
  points: [number, number][];
}

function drawnLines(svg: Element, names: Map<string, string>): DrawnSeries[] {
  const series: DrawnSeries[] = [];
  for (const group of svg.querySelectorAll('g[aria-label="line"]')) {
    if (inFacet(group, svg) || group.getAttribute("aria-description") === REFERENCE) continue;
    const [dx, dy] = offsetOf(group, svg);
    for (const path of group.querySelectorAll("path")) {
      const color = path.getAttribute("stroke") ?? group.getAttribute("stroke") ?? "currentColor";
      const points = pathPoints(path.getAttribute("d") ?? "").map(([x, y]) =>
        [x + dx, y + dy] as [number, number]
      );
      if (points.length === 0) continue;
      series.push({ name: names.get(color) ?? "", color, points });
    }
  }
  return series;
}

/** Median spacing in ms of pixel positions on a time axis (undefined on other axes). */
function timeSpacing(scale: PlotScale | undefined, px: readonly number[]): number | undefined {
  if (!scale?.invert || (scale.type !== "utc" && scale.type !== "time") || px.length < 2) return undefined;
  const ms = px.map((p) => (scale.invert!(p) as Date).getTime());
  const gaps = ms.slice(1).map((m, k) => m - ms[k]).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

/** Hover data of a line chart: positions along x, their labels and each series' y and value text. */
function lineHover(svg: Element, scaleOf: ScaleOf, names: Map<string, string>, yKind?: YKind) {
  const lines = drawnLines(svg, names);
  if (lines.length === 0) return undefined;
  const all = [...new Set(lines.flatMap((s) => s.points.map(([px]) => px)))].sort((a, b) => a - b);
  const x = axisOf(scaleOf("x"), undefined, timeSpacing(scaleOf("x"), all)), y = axisOf(scaleOf("y"), yKind);
  if (!x || !y) return undefined;
  const step = Math.max(1, Math.ceil(all.length / MAX_POSITIONS));
  const xs = all.filter((_, k) => k % step === 0 || k === all.length - 1);
  const gap = all.length > 1 ? (all[all.length - 1] - all[0]) / (all.length - 1) : Infinity;
  const at = lines.map((s) => {
    const sorted = [...s.points].sort((a, b) => a[0] - b[0]);
    let j = 0;
    return xs.map((px) => {
      while (j + 1 < sorted.length && Math.abs(sorted[j + 1][0] - px) <= Math.abs(sorted[j][0] - px)) j++;
      return Math.abs(sorted[j][0] - px) <= Math.max(0.6, gap / 2) ? sorted[j][1] : NaN;
    });
  });
  const values = at.map((ys) => ys.map((py) => (Number.isNaN(py) ? NaN : (y.read(py) as number))));
  const formatY = y.format(values.flat());
  const xValues = xs.map((px) => x.read(px));
  const formatX = x.format(xValues);
  return {
    k: "x",
    x: xs.map(round1),
    l: xValues.map(formatX),
    s: lines.map((s, k) => ({
      n: s.name,
      c: s.color,
      y: at[k].map((py) => (Number.isNaN(py) ? null : round1(py))),
      v: values[k].map((v) => (Number.isNaN(v) ? null : formatY(v))),
    })),
  };
}

/** Plot area of the chart in user units: the x scale's and y scale's pixel ranges. */
function plotArea(scaleOf: ScaleOf): [number, number, number, number] | undefined {
  const xr = scaleOf("x")?.range, yr = scaleOf("y")?.range;
  if (!xr || !yr) return undefined;
  return [Math.min(...xr), Math.max(...xr), Math.min(...yr), Math.max(...yr)];
}

/** Native tooltips over stretches of a line chart, for pages where scripts do not run. */
function lineFloor(svg: Element, document: Document, hover: ReturnType<typeof lineHover>, scaleOf: ScaleOf) {
  const area = plotArea(scaleOf);
  if (!hover || !area) return;
  const [left, right, top, bottom] = area;
  const n = hover.x.length;
  const bands = Math.min(FLOOR_BANDS, n);
  const group = document.createElementNS("http://www.w3.org/2000/svg", "g");
  group.setAttribute("class", "qn-hover-floor");
  group.setAttribute("fill", "transparent");
  for (let b = 0; b < bands; b++) {
    const from = Math.floor((b * n) / bands), to = Math.floor(((b + 1) * n) / bands) - 1;
    const mid = Math.floor((from + to) / 2);
    const x1 = b === 0 ? left : (hover.x[from - 1] + hover.x[from]) / 2;
    const x2 = b === bands - 1 ? right : (hover.x[to] + hover.x[to + 1]) / 2;
    const lines = [
      hover.l[mid],
      ...hover.s.filter((s) => s.v[mid] !== null).map((s) => `${s.n ? `${s.n}: ` : ""}${s.v[mid]}`),
    ];
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("x", String(round1(x1)));
    rect.setAttribute("y", String(round1(top)));
    rect.setAttribute("width", String(round1(Math.max(0, x2 - x1))));
    rect.setAttribute("height", String(round1(bottom - top)));
    rect.appendChild(svgTitle(document, lines.join("\n")));
    group.appendChild(rect);
  }
  svg.appendChild(group);
}

/**
 * `<title>` on every bar, bin or stacked segment without one: its bucket (a band's label, or the
 * range `a – b` on a continuous axis) and its value (from the zero line, or the segment's height).
 */
function barTitles(svg: Element, document: Document, scaleOf: ScaleOf, yKind?: YKind): void {
  const xs = scaleOf("x"), ys = scaleOf("y");
  const horizontal = ys?.bandwidth !== undefined && xs?.bandwidth === undefined;
  const bandScale = horizontal ? ys : xs, valueScale = horizontal ? xs : ys;
  const band = axisOf(bandScale), value = axisOf(valueScale, yKind);
  if (!band || !value || !valueScale?.invert) return;
  const ranged = bandScale?.bandwidth === undefined;
  const zero = valueScale.apply(0);
  const rects: { rect: Element; label: unknown[]; v: number }[] = [];
  for (const group of svg.querySelectorAll('g[aria-label="bar"], g[aria-label="rect"]')) {
    if (inFacet(group, svg)) continue;
    const [dx, dy] = offsetOf(group, svg);
    for (const rect of group.querySelectorAll("rect")) {
      if (rect.querySelector("title")) continue;
      const num = (name: string) => Number(rect.getAttribute(name) ?? 0);
      const [x, y, w, h] = [num("x") + dx, num("y") + dy, num("width"), num("height")];
      const [lo, hi] = horizontal ? [x, x + w] : [y + h, y];
      const at = (px: number) => value.read(px) as number;
      const v = Math.abs(lo - zero) < 1 ? at(hi) : Math.abs(hi - zero) < 1 ? at(lo) : at(hi) - at(lo);
      const label = ranged
        ? (horizontal ? [band.read(y + h), band.read(y)] : [band.read(x), band.read(x + w)])
        : [band.read(horizontal ? y + h / 2 : x + w / 2)];
      rects.push({ rect, label, v });
    }
  }
  const formatV = value.format(rects.map((r) => r.v));
  const formatLabel = band.format(rects.flatMap((r) => r.label));
  for (const { rect, label, v } of rects) {
    rect.appendChild(svgTitle(document, `${label.map(formatLabel).join(" – ")}: ${formatV(v)}`));
  }
}

/** Hover data of a scatter: each dot's position and both coordinates, for the nearest-dot tooltip. */
function dotHover(svg: Element, document: Document, scaleOf: ScaleOf, yKind?: YKind) {
  const x = axisOf(scaleOf("x")), y = axisOf(scaleOf("y"), yKind);
  if (!x || !y) return undefined;
  const dots: { el: Element; px: number; py: number }[] = [];
  for (const group of svg.querySelectorAll('g[aria-label="dot"]')) {
    if (inFacet(group, svg)) continue;
    const [dx, dy] = offsetOf(group, svg);
    for (const circle of group.querySelectorAll("circle")) {
      const px = Number(circle.getAttribute("cx") ?? 0) + dx,
        py = Number(circle.getAttribute("cy") ?? 0) + dy;
      dots.push({ el: circle, px, py });
    }
  }
  if (dots.length === 0) return undefined;
  const xv = dots.map((d) => x.read(d.px)), yv = dots.map((d) => y.read(d.py));
  const fx = x.format(xv), fy = y.format(yv);
  const xLabel = axisLabel(svg, "x"), yLabel = axisLabel(svg, "y");
  const texts = dots.map((_, k) =>
    `${xLabel ? `${xLabel}: ` : ""}${fx(xv[k])}\n${yLabel ? `${yLabel}: ` : ""}${fy(yv[k])}`
  );
  dots.forEach((d, k) => {
    if (!d.el.querySelector("title")) d.el.appendChild(svgTitle(document, texts[k]));
  });
  return { k: "p", p: dots.map((d, k) => [round1(d.px), round1(d.py), texts[k]]) };
}

/** The text of an axis label (`↑ Sharpe`, `lag (days) →`) without its arrow. */
function axisLabel(svg: Element, axis: "x" | "y"): string {
  const text = svg.querySelector(`g[aria-label="${axis}-axis label"] text`)?.textContent ?? "";
  return text.replace(/[↑↓←→]/g, "").trim();
}

/**
 * Adds hover to a rendered Plot chart, in place: `<title>`s on bars, cells and dots that lack one, a
 * native-tooltip floor over line charts, and the `data-qn-hover` attribute `HOVER_SCRIPT` reads (line
 * charts: positions along x with each series' value; scatters: every dot). Values are formatted by
 * the axis: dates, percent on percent axes, else the kind named by the svg's `data-qn-y` (default a
 * plain number), with fixed decimals across the chart. `scaleOf` is Plot's `plot.scale`.
 *
 * @example
 * ```ts
 * const svg = Plot.plot({ document: plotDocument(), marks: [Plot.lineY(values, { x: dates })] });
 * attachHover(svg, svg, (name) => svg.scale(name));
 * ```
 */
export function attachHover(figure: Element, svg: Element, scaleOf: ScaleOf): void {
  if (svg.hasAttribute(HOVER_ATTRIBUTE) || svg.querySelector(".qn-hover-floor")) return;
  const document = svg.ownerDocument;
  const yKind = (svg.getAttribute(Y_KIND_ATTRIBUTE) ?? undefined) as YKind | undefined;
  const names = namesByColor(figure, scaleOf);
  barTitles(svg, document, scaleOf, yKind);
  const lines = lineHover(svg, scaleOf, names, yKind);
  if (lines) {
    const area = plotArea(scaleOf)!;
    svg.setAttribute(HOVER_ATTRIBUTE, attributeJson({ ...lines, t: round1(area[2]), b: round1(area[3]) }));
    lineFloor(svg, document, lines, scaleOf);
    return;
  }
  const dots = dotHover(svg, document, scaleOf, yKind);
  if (dots) svg.setAttribute(HOVER_ATTRIBUTE, attributeJson(dots));
}

/**
 * The hover script: one delegated `pointermove` listener per page (installed once, whatever the
 * number of charts or outputs carrying it). Over a chart with `data-qn-hover` it shows the nearest
 * x position (line charts: crosshair, a dot per series, the date and every series' value) or the
 * nearest dot (scatters); over any other chart element with a `<title>` it shows that text. The
 * tooltip takes the notebook's theme (JupyterLab's `--jp-*` variables, the report's `--qn-*`).
 */
export const HOVER_SCRIPT = `(function(){
if(window.__qnHover)return;window.__qnHover=1;
var NS="http://www.w3.org/2000/svg",tip,cur;
function box(){if(!tip){tip=document.createElement("div");tip.className="qn-tip";
tip.style.cssText="position:fixed;z-index:10000;pointer-events:none;display:none;padding:5px 8px;border-radius:4px;font:12px/1.45 system-ui,sans-serif;white-space:pre;background:var(--qn-tip-bg,var(--jp-layout-color0,#fff));color:var(--qn-tip-fg,var(--jp-content-font-color1,#1f2328));border:1px solid rgba(127,127,127,0.5);box-shadow:0 2px 8px rgba(0,0,0,0.25)";
document.body.appendChild(tip);}return tip;}
function place(e){var t=tip,w=t.offsetWidth,h=t.offsetHeight,x=e.clientX+14,y=e.clientY+14;
if(x+w>innerWidth-4)x=e.clientX-w-14;if(y+h>innerHeight-4)y=e.clientY-h-14;t.style.left=Math.max(4,x)+"px";t.style.top=Math.max(4,y)+"px";}
function show(e,rows){var t=box();t.textContent="";rows.forEach(function(r,i){var d=document.createElement("div");
if(r[1]){var s=document.createElement("span");s.style.cssText="display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px;background:"+r[1];d.appendChild(s);}
d.appendChild(document.createTextNode(r[0]));if(i===0)d.style.fontWeight="600";t.appendChild(d);});t.style.display="block";place(e);}
function clear(){if(tip)tip.style.display="none";if(cur){var g=cur.querySelector(".qn-cross");if(g)g.remove();cur=null;}}
function local(svg,e){var m=svg.getScreenCTM();if(!m)return null;var p=svg.createSVGPoint();p.x=e.clientX;p.y=e.clientY;return p.matrixTransform(m.inverse());}
function data(svg){if(svg.__qn===undefined){var a=svg.getAttribute("data-qn-hover");svg.__qn=a?JSON.parse(a):null;
var f=svg.querySelector(".qn-hover-floor");if(f&&svg.__qn)f.remove();}return svg.__qn;}
function cross(svg,x,d,i){var g=svg.querySelector(".qn-cross");if(!g){g=document.createElementNS(NS,"g");g.setAttribute("class","qn-cross");g.setAttribute("pointer-events","none");svg.appendChild(g);}
g.textContent="";var l=document.createElementNS(NS,"line");l.setAttribute("x1",x);l.setAttribute("x2",x);l.setAttribute("y1",d.t);l.setAttribute("y2",d.b);
l.setAttribute("stroke","currentColor");l.setAttribute("stroke-opacity","0.45");l.setAttribute("stroke-dasharray","3,3");g.appendChild(l);
d.s.forEach(function(s){if(s.y[i]===null)return;var c=document.createElementNS(NS,"circle");c.setAttribute("cx",x);c.setAttribute("cy",s.y[i]);c.setAttribute("r",3.5);
c.setAttribute("fill",s.c);c.setAttribute("style","stroke:var(--qn-tip-bg,var(--jp-layout-color0,#fff))");g.appendChild(c);});cur=svg;}
document.addEventListener("pointermove",function(e){var el=e.target;if(!el||!el.closest){return clear();}
var svg=el.closest("svg");if(!svg||!svg.closest(".qn-chart")){return clear();}
var d=data(svg),p;if(d&&(p=local(svg,e))){if(d.k==="x"){var lo=0,hi=d.x.length-1;while(hi-lo>1){var mid=(lo+hi)>>1;if(d.x[mid]<p.x)lo=mid;else hi=mid;}
var i=Math.abs(d.x[lo]-p.x)<=Math.abs(d.x[hi]-p.x)?lo:hi;if(cur&&cur!==svg)clear();cross(svg,d.x[i],d,i);
var rows=[[d.l[i]]];d.s.forEach(function(s){if(s.v[i]!==null)rows.push([(s.n?s.n+"  ":"")+s.v[i],s.c]);});return show(e,rows);}
if(d.k==="p"){var best=-1,bd=Infinity,m=svg.getScreenCTM(),r=24/(m?Math.abs(m.a):1);d.p.forEach(function(q,k){var dd=Math.hypot(q[0]-p.x,q[1]-p.y);if(dd<bd){bd=dd;best=k;}});
if(best>=0&&bd<=r){return show(e,d.p[best][2].split("\\n").map(function(s){return[s];}));}return clear();}}
var under=document.elementsFromPoint(e.clientX,e.clientY);for(var u=0;u<under.length;u++){var node=under[u];if(!svg.contains(node))continue;
for(;node&&node!==svg;node=node.parentNode){var t=node.querySelector&&node.querySelector(":scope>title");if(t){node.setAttribute("data-qn-tip",t.textContent);t.remove();}
var text=node.getAttribute&&node.getAttribute("data-qn-tip");if(text){return show(e,text.split("\\n").map(function(s){return[s];}));}}}
clear();},{passive:true});
})();`;

/** Marks the inline hover script so pages can keep one copy (`export.ts` deduplicates). */
export const HOVER_SCRIPT_TAG = `<script class="qn-hover-script">${HOVER_SCRIPT}</script>`;

/**
 * The HTML with the hover script appended when it holds a chart with hover (`data-qn-hover` or a
 * `<title>` inside a quantnb chart) and does not carry the script yet.
 *
 * @example
 * ```ts
 * const html = withHoverScript(renderSvg(chart)); // "<figure …>…</figure><script class=\"qn-hover-script\">…"
 * ```
 */
export function withHoverScript(html: string): string {
  if (html.includes('class="qn-hover-script"')) return html;
  if (!html.includes(HOVER_ATTRIBUTE) && !(html.includes("qn-chart") && html.includes("<title>"))) {
    return html;
  }
  return html + HOVER_SCRIPT_TAG;
}
