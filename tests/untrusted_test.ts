/**
 * Notebook outputs through JupyterLab's own HTML sanitiser (`Sanitizer` of @jupyterlab/apputils 4.7.6,
 * what JupyterLab applies to the outputs of a notebook it does not trust): tables keep their numbers,
 * alignment and rules; charts leave their title and a note saying how to see them, not loose tick
 * labels; trusted outputs (and exported pages) show the charts as before.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { Sanitizer } from "@jupyterlab/apputils/lib/sanitizer.js";
import { parseHTML } from "linkedom";
import { equityChart } from "../lib/report/charts.ts";
import { renderTable } from "../lib/report/html.ts";
import { withHoverScript } from "../lib/report/hover.ts";
import { renderSvg } from "../lib/report/render.ts";
import { notebookHtml, trustedPage, UNTRUSTED_NOTE_CLASS } from "../lib/report/untrusted.ts";
import { mediaBundle } from "../lib/nb/show.ts";
import { chromiumPath, openBrowser } from "./_browser.ts";

const sanitizer = new Sanitizer();

/**
 * Notebook 6's sanitiser, when Debian's jupyter-notebook (6.4.12) is installed: its bundled
 * `components/sanitizer` called as its `base/js/security.js` calls it for untrusted outputs, with
 * `allowedStyles: {}` (every inline style dropped).
 */
const NOTEBOOK6_SANITIZER = "/usr/lib/python3/dist-packages/notebook/static/components/sanitizer/index.js";
const notebook6 = await Deno.readTextFile(NOTEBOOK6_SANITIZER).then((source) => {
  let sanitizer: { sanitize(html: string, options: object): string } | undefined;
  new Function("define", source)((factory: () => { defaultSanitizer: typeof sanitizer }) => {
    sanitizer = factory().defaultSanitizer;
  });
  return (html: string) => sanitizer!.sanitize(html, { allowedStyles: {} });
}, () => undefined);

/** 300 weekdays from 2020-01-01 of a steady 0.1% a day (a chart with a title and dated ticks). */
function chartHtml(): string {
  const dates = Float64Array.from({ length: 300 }, (_, t) => Date.UTC(2020, 0, 1) + t * 86_400_000);
  const cum = Float64Array.from(dates, (_, t) => 1.001 ** (t + 1) - 1);
  return renderSvg(equityChart({ dates, series: { strategy: cum }, title: "Cumulative return" }));
}

/** Text a reader sees: text nodes outside elements collapsed by `height:0;overflow:hidden`. */
function visibleText(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const hidden = (el: Element | null): boolean => {
    for (; el; el = el.parentElement) {
      if (el.hasAttribute("hidden")) return true;
      const style = (el.getAttribute("style") ?? "").replace(/\s/g, "");
      if (/height:0(px)?;/.test(style) && /overflow:hidden/.test(style)) return true;
      if (/display:none/.test(style)) return true;
    }
    return false;
  };
  const parts: string[] = [];
  const walk = (node: Node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3 && !hidden(child.parentElement)) parts.push(child.textContent ?? "");
      else if (child.nodeType === 1) walk(child);
    }
  };
  walk(document.body);
  return parts.join(" ").replace(/\s+/g, " ").trim();
}

Deno.test("a chart output under JupyterLab's sanitiser shows its title and the trust note, no loose ticks", async () => {
  const bundle = await mediaBundle(equityChart({
    dates: Float64Array.from({ length: 300 }, (_, t) => Date.UTC(2020, 0, 1) + t * 86_400_000),
    series: { strategy: Float64Array.from({ length: 300 }, (_, t) => 1.001 ** (t + 1) - 1) },
    title: "Cumulative return",
  }));
  const html = bundle["text/html"] as string;
  const clean = sanitizer.sanitize(html);
  ok(!/<svg|<style|<script/.test(clean), "the sanitiser removes svg, style and script");
  // Without the box, the SVG's text is what the reader got: "Cumulative return … 2020 … strategy …"
  const bare = visibleText(sanitizer.sanitize(withHoverScript(chartHtml())));
  match(bare, /Cumulative return .*(Apr|2020|%)/, "unboxed, tick labels spill out as text");
  const seen = visibleText(clean);
  match(seen, /^Cumulative return 1 chart not shown: this notebook is not trusted/);
  ok(!/\d{4}|%/.test(seen.replace(/NOTEBOOK\.ipynb/, "")), `no tick label visible: ${seen}`);
  match(clean, new RegExp(`class="${UNTRUSTED_NOTE_CLASS}"`), "the note survives");
});

Deno.test({
  name: "a chart output under Notebook 6's sanitiser (no inline styles) hides its SVG text too",
  ignore: notebook6 === undefined,
  async fn() {
    const html = (await mediaBundle(equityChart({
      dates: Float64Array.from({ length: 300 }, (_, t) => Date.UTC(2020, 0, 1) + t * 86_400_000),
      series: { strategy: Float64Array.from({ length: 300 }, (_, t) => 1.001 ** (t + 1) - 1) },
      title: "Cumulative return",
    })))["text/html"] as string;
    const clean = notebook6!(html);
    ok(!/height:0/.test(clean), "Notebook 6 drops the inline style the box also carries");
    const seen = visibleText(clean);
    // before the hidden attribute (height:0 alone) this was "… 1 chart not shown … 2020-01-02 strategy:
    // 0.10% …", 300 points' hover text (screenshot nb6_untrusted_03_suite.png of session 4)
    match(seen, /^Cumulative return 1 chart not shown: this notebook is not trusted/);
    ok(!/\d{4}|%/.test(seen.replace(/NOTEBOOK\.ipynb/, "")), `no tick label visible: ${seen}`);
  },
});

Deno.test("a table output keeps its numbers, right alignment and rules under the sanitiser", async () => {
  const rows = [{ year: 2023, ret: 0.1234, sharpe: 1.4, n_trades: 1200 }, {
    year: 2024,
    ret: -0.05,
    sharpe: 0.446,
    n_trades: 30,
  }];
  const html = (await mediaBundle(rows))["text/html"] as string;
  const clean = sanitizer.sanitize(html);
  equal(visibleText(clean), visibleText(html), "same visible text");
  // formatTable: percent 2 decimals, ratio 2 decimals, counts grouped without decimals
  match(visibleText(clean), /year ret sharpe n_trades 2023 12\.34% 1\.40 1,200 2024 -5\.00% 0\.45 30/);
  const cells = [...clean.matchAll(/<td style="([^"]*)"/g)].map((m) => m[1]);
  equal(cells.length, 8);
  ok(cells.every((style) => /text-align:right/.test(style)), "numbers stay right-aligned");
  ok(
    cells.every((style) => /border-bottom:1px solid rgba\(127,127,127,0\.28\)/.test(style)),
    "row rules stay",
  );
  equal(renderTable(rows), html, "a table is not boxed (it has no chart)");
});

Deno.test("trusted outputs and exported pages show the chart as before", () => {
  const plain = withHoverScript(chartHtml());
  const output = notebookHtml(chartHtml());
  equal(trustedPage(output), plain, "the export strips what was added for untrusted outputs");
  equal(notebookHtml(output), output, "idempotent");
  equal(notebookHtml("<b>no chart</b>"), "<b>no chart</b>");
  deepEqual(output.match(/<svg\b/g)?.length, plain.match(/<svg\b/g)?.length, "same SVGs");
});

const hasChromium = (await chromiumPath()) !== undefined;

Deno.test({
  name: "in Chromium the trusted output shows the chart and hides the note; the sanitised one the reverse",
  ignore: !hasChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const output = notebookHtml(chartHtml());
    const dir = await Deno.makeTempDir({ prefix: "quantnb-untrusted-" });
    const browser = (await openBrowser())!;
    try {
      await browser.viewport(1000, 800);
      const measure = async (html: string) => {
        const file = `${dir}/page.html`;
        await Deno.writeTextFile(file, `<!doctype html><meta charset="utf-8"><body>${html}</body>`);
        await browser.goto(`file://${file}`);
        return await browser.evaluate<{ chart: number; note: number }>(`(() => {
          const svg = [...document.querySelectorAll("svg")].reduce((h, s) => Math.max(h, s.getBoundingClientRect().height), 0);
          const box = document.querySelector(".qn-trusted-only");
          const note = document.querySelector(".${UNTRUSTED_NOTE_CLASS}");
          return { chart: box ? Math.min(box.getBoundingClientRect().height, svg || 1e9) : 0,
            note: note ? note.getBoundingClientRect().height : 0 };
        })()`);
      };
      const trusted = await measure(output);
      ok(trusted.chart > 200, `trusted: chart ${trusted.chart} px tall`);
      equal(trusted.note, 0, "trusted: no note");
      const untrusted = await measure(sanitizer.sanitize(output));
      equal(untrusted.chart, 0, "untrusted: the chart's leftovers take no room");
      ok(untrusted.note > 10, `untrusted: note ${untrusted.note} px tall`);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
