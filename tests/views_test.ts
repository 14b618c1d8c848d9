import { deepEqual, equal, match, ok } from "node:assert/strict";
import { parseHTML } from "linkedom";
import { isDisplayable, JUPYTER_DISPLAY } from "../lib/nb/displayable.ts";
import { mediaBundle } from "../lib/nb/show.ts";
import { notebookHtml } from "../lib/report/untrusted.ts";
import { backtestView, suiteView, withDisplay } from "../lib/report/views.ts";
import { reportSuite } from "./fixtures/report_suite.ts";
import { backtest } from "../lib/engine/mod.ts";
import { makePanel } from "../lib/panel/make_panel.ts";

const { suite } = await reportSuite();
const best = suite.signal.best;
const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;
const keyValues = (html: string) =>
  Object.fromEntries(
    [...parseHTML(`<div>${html}</div>`).document.querySelectorAll(".qn-keys > div")].map((card) => [
      card.firstElementChild!.textContent,
      card.lastElementChild!.textContent,
    ]),
  );

Deno.test("backtestView() shows the summary numbers, the config, fractiles and one equity chart", () => {
  const r = best.result;
  const html = backtestView(r, "latent_score");
  equal(count(html, /<svg\b/g), 1);
  const keys = keyValues(html);
  equal(keys["Sharpe (net)"], r.summary.overall.sharpe.toFixed(2));
  equal(keys["Sharpe (gross)"], r.summary.overall.sharpe_gross.toFixed(2));
  equal(keys["Max drawdown"], `${(r.summary.overall.max_drawdown * 100).toFixed(2)}%`);
  equal(keys["IC mean"], r.ic.mean.toFixed(3));
  ok(html.includes(`lag ${r.config.lag} · residualize ${r.config.residualize}`));
  // The fractile row: mean earned return per decile in bps, lowest first, with one number of decimals
  // for the whole row (at least 2).
  const cells = [...parseHTML(html).document.querySelectorAll("table tbody td")].map((td) => td.textContent!);
  const bps = Array.from(r.fractiles.mean_return, (m) => m * 1e4);
  const decimals = cells[1].split(".")[1].length;
  ok(decimals >= 2);
  deepEqual(cells.slice(1), bps.map((b) => b.toFixed(decimals)));
  ok(html.includes(">Net<") && html.includes(">Gross<"), "net and gross lines in the legend");
});

Deno.test("backtestView() shows the engine's warnings (a constant signal holds nothing)", () => {
  const ids = "ABCDEFGHIJ".split("");
  const panel = makePanel({
    dates: [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)],
    securityIds: ids,
    fields: { ret: [ids.map(() => null), ids.map((_, i) => 0.01 * i)] },
  });
  const r = backtest(panel, { known: Float64Array.from({ length: 20 }, (_, c) => (c < 10 ? 1 : NaN)) });
  equal(r.warnings.length, 1);
  ok(backtestView(r).includes(`<li>${r.warnings[0]}</li>`));
  ok(backtestView(r).includes("⚠ Warnings"));
  equal(count(backtestView(best.result), /⚠/g), 0);
});

Deno.test("suiteView() shows the verdict, every variant with the best highlighted, and uniqueness", () => {
  const html = suiteView(suite);
  const doc = parseHTML(`<div>${html}</div>`).document;
  ok(doc.querySelector(`.qn-verdict.verdict-${suite.verdict.color}`));
  deepEqual([...doc.querySelectorAll(".qn-verdict li")].map((li) => li.textContent), suite.verdict.reasons);
  const tables = doc.querySelectorAll("table");
  equal(tables.length, 2);
  equal(tables[0].querySelectorAll("tbody tr").length, suite.signal.variants.length);
  equal(tables[0].querySelector("tr.qn-best td")!.textContent, `${best.label} ★`);
  const uniqueness = [...tables[1].querySelectorAll("tbody tr")].map((tr) =>
    [...tr.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent)
  );
  // each column with one number of decimals (at least 2), values as computed
  for (const c of [1, 2]) {
    const decimals = new Set(uniqueness.map((row) => row[c]!.split(".")[1].length));
    equal(decimals.size, 1, `one number of decimals in column ${c}`);
    const d = [...decimals][0];
    ok(d >= 2);
    deepEqual(
      uniqueness.map((row) => row[c]),
      suite.uniqueness.map((u) => (c === 1 ? u.rank_correlation : u.pnl_correlation).toFixed(d)),
    );
  }
  deepEqual(uniqueness.map((row) => row[0]), suite.uniqueness.map((u) => u.baseline));
  equal(count(html, /<svg\b/g), 1);
});

Deno.test("withDisplay() makes results render themselves in Jupyter, invisibly to JSON and keys", async (t) => {
  await t.step("a backtest result displays backtestView as text/html", async () => {
    const r = structuredClone(best.result);
    const keys = Object.keys(r);
    const shown = withDisplay(r);
    equal(shown, r, "same object");
    ok(isDisplayable(shown));
    deepEqual(await shown[JUPYTER_DISPLAY](), { "text/html": notebookHtml(backtestView(r)) });
    deepEqual(Object.keys(shown), keys, "not enumerable");
    equal(JSON.stringify(shown.summary), JSON.stringify(best.result.summary));
  });
  await t.step("a suite displays suiteView, and each of its variants its backtest", async () => {
    const copy = structuredClone(suite);
    const shown = withDisplay(copy);
    deepEqual(await mediaBundle(shown), { "text/html": notebookHtml(suiteView(copy)) });
    match(String((await mediaBundle(shown))["text/html"]), /<script class="qn-hover-script">/);
    const variant = copy.baselines[0].variants[1];
    ok(isDisplayable(variant.result));
    const html = (await mediaBundle(variant.result))["text/html"] as string;
    ok(html.includes(`${copy.baselines[0].name} · ${variant.label}`));
  });
});
