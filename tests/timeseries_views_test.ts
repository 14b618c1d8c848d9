// Notebook views of time-series results: quantnb's fromSignals / maCrossoverGrid / runEvents render
// themselves (Symbol.for("Jupyter.display")) with their key numbers, one chart and the first trades.

import { equal, match } from "node:assert/strict";
import { crossSignals, fromSignals, maCrossoverGrid, runEvents, sampleBars, sma } from "../lib/mod.ts";

const html = (x: unknown) =>
  ((x as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]())["text/html"];

Deno.test("time-series results render themselves in a notebook", () => {
  const spx = sampleBars();
  const { entries, exits } = crossSignals(sma(spx.close, 20), sma(spx.close, 100));
  const r = fromSignals(spx, entries, exits, { feesBps: 10 });
  const view = html(r);
  match(view, /fromSignals<\/div>.*1 column\(s\) · 2000-01-03 → 2020-04-17/s);
  match(view, new RegExp(`Sharpe.*${r.stats.sharpe[0].toFixed(2)}`, "s"));
  equal((view.match(/<svg/g) ?? []).length, 1);
  match(view, /First 10 of \d+ trades/);
  const grid = html(maCrossoverGrid(spx, { fast: [5, 10], slow: [50, 100] }, { top: 2 }));
  match(grid, /Grid<\/div>.*4 combinations, ranked by sharpe/s);
  match(grid, /#1 fast=\d+ slow=\d+/);
  const events = html(runEvents(spx, {
    onBar(bar, ctx) {
      if (entries[bar.t] && ctx.position() === 0) ctx.buy();
    },
  }));
  match(events, /runEvents<\/div>.*5105 bars · \d+ orders/s);
  equal(JSON.stringify(Object.keys(r)).includes("Jupyter"), false); // the display stays out of the data
});
