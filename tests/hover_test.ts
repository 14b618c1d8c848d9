// Hover in a real browser (headless Chromium, ignored when none is installed): the inline script shows
// the value under the pointer on lines, bars, heatmap cells and scatters, in a light and a dark page,
// from a self-contained file with no network.

import { equal, match, ok } from "node:assert/strict";
import { barChart, equityChart, heatmapChart } from "../lib/report/charts.ts";
import { qqChart } from "../lib/report/factor_charts.ts";
import { htmlPage } from "../lib/report/html.ts";
import { HOVER_SCRIPT_TAG, withHoverScript } from "../lib/report/hover.ts";
import { renderSvg } from "../lib/report/render.ts";
import { chromiumPath, openBrowser } from "./_browser.ts";

const hasChromium = (await chromiumPath()) !== undefined;
if (!hasChromium) console.warn("hover_test: Chromium not found, browser checks ignored");

const DAY = 86_400_000;
const dates = Float64Array.from({ length: 5 }, (_, t) => Date.UTC(2024, 0, 1) + t * DAY);

function page(): string {
  const charts = [
    equityChart({ dates, series: { Net: [0, 0.01, 0.1234, 0.05, 0.08], Gross: [0, 0.02, 0.2, 0.15, 0.18] } }),
    barChart({ labels: ["2022", "2023", "2024"], values: [0.5, -0.25, 1.3], title: "Sharpe by year" }),
    heatmapChart({
      rows: ["2023", "2024"],
      cols: ["Jan", "Feb"],
      values: [0.01, -0.02, 0.03, 0.004],
      percent: true,
    }),
    qqChart({ theoretical: [-1, 0, 1], sample: [-1.2, 0.1, 0.9] }),
  ];
  return htmlPage({ title: "hover", body: charts.map(renderSvg).join("") });
}

Deno.test("withHoverScript() adds the script once, only where there is a chart", () => {
  const chart = renderSvg(barChart({ labels: ["a"], values: [1] }));
  const once = withHoverScript(chart);
  ok(once.endsWith(HOVER_SCRIPT_TAG));
  equal(withHoverScript(once), once, "idempotent");
  equal(withHoverScript("<table></table>"), "<table></table>");
  const html = page();
  equal((html.match(/class="qn-hover-script"/g) ?? []).length, 1, "one copy per page");
  ok(!/\s(src|href)=["']?(https?:|\/\/|file:)/.test(html), "no external reference");
});

Deno.test({
  name: "hover shows the value under the pointer on lines, bars, cells and dots (headless Chromium)",
  ignore: !hasChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "quantnb-hover-" });
    const file = `${dir}/page.html`;
    await Deno.writeTextFile(file, page());
    const browser = (await openBrowser())!;
    try {
      for (const dark of [false, true]) {
        await t.step(dark ? "dark page" : "light page", async () => {
          await browser.viewport(1100, 2400, { dark });
          await browser.goto(`file://${file}`);
          /** Moves the pointer to a fraction of the k-th element matching `selector`, returns the tooltip. */
          const tipAt = async (selector: string, k: number, fx = 0.5, fy = 0.5) => {
            const box = await browser.evaluate<{ x: number; y: number; w: number; h: number }>(
              `(() => { const r = document.querySelectorAll(${JSON.stringify(selector)})[${k}]` +
                `.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; })()`,
            );
            await browser.mouse(box.x + box.w * fx, box.y + box.h * fy);
            return await browser.evaluate<string>(
              `(() => { const t = document.querySelector(".qn-tip"); ` +
                `return t && t.style.display === "block" ? t.innerText : ""; })()`,
            );
          };
          // line chart: the plot spans x ∈ [56, 940] of 960 → the middle date (t = 2) sits at 50%
          const line = await tipAt("svg", 0, 0.5, 0.5);
          equal(line, "2024-01-03\nNet  12.34%\nGross  20.00%");
          const cross = await browser.evaluate<number>(
            `document.querySelectorAll(".qn-cross circle").length`,
          );
          equal(cross, 2, "a crosshair dot per series");
          equal(
            await browser.evaluate<number>(`document.querySelectorAll(".qn-hover-floor").length`),
            0,
            "the no-script floor is removed once the script runs",
          );
          equal(await tipAt('g[aria-label="bar"] rect', 1), "2023: -0.25");
          equal(await tipAt('g[aria-label="cell"] rect', 1), "2023 · Feb: -2.0%");
          match(
            await tipAt('g[aria-label="dot"] circle', 2),
            /normal quantile: 1\nobserved quantile: 0\.900/,
          );
          // away from any chart: hidden
          await browser.mouse(5, 5);
          equal(await browser.evaluate<string>(`document.querySelector(".qn-tip").style.display`), "none");
          // the tooltip takes the page's theme: dark background in the dark scheme
          const bg = await browser.evaluate<string>(
            `getComputedStyle(document.querySelector(".qn-tip")).backgroundColor`,
          );
          equal(bg, dark ? "rgb(22, 27, 34)" : "rgb(255, 255, 255)");
        });
      }
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
