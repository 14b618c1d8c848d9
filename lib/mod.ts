/**
 * quantnb: a quantitative-research workbench. Data flows one way:
 * ingest → store → snapshot → panel → engine → results → track / report.
 *
 * @example
 * ```ts
 * import { backtest, loadPanel, readSignal, show } from "quantnb";
 * const panel = await loadPanel({ snapshot: "demo" });
 * const { signal } = await readSignal("data/demo_signal.csv");
 * await show(backtest(panel, signal, { lag: 1 }));
 * ```
 * @module
 */
export * from "./panel/types.ts";
export * from "./panel/make_panel.ts";
export * from "./panel/load.ts";
export * from "./store/db.ts";
export * from "./store/tables.ts";
export * from "./store/write.ts";
export * from "./ingest/mod.ts";
export * from "./snapshot/mod.ts";
export * from "./signal/mod.ts";
export * from "./engine/mod.ts";
export * as metrics from "./metrics/mod.ts";
export * from "./suite/mod.ts";
export * from "./track/mod.ts";
export * from "./nb/mod.ts";
export * from "./report/charts.ts";
export { renderSvg } from "./report/render.ts";
export { createRng, type Rng } from "./util/rng.ts";
export * from "./demo/build.ts";
