/**
 * Protocol conformance checks for a plugin (`deno task python strategy test NAME`): the manifest, the
 * start and `initialize`, answers to every call on a synthetic series or panel (with a missing bar and
 * dates), determinism (same input ⇒ same answer), the declared parameter bounds, a clean shutdown, and
 * a backtest of the result. Each check reports pass/fail with the reason.
 */
import { fromSignals } from "../engine/timeseries/from_signals.ts";
import { makePanel } from "../panel/make_panel.ts";
import { createRng } from "../util/rng.ts";
import { runBatchPlugin } from "./batch.ts";
import { loadManifest, type PluginManifest } from "./manifest.ts";
import { runStreamPlugin } from "./stream.ts";

/** One check's outcome. */
export interface ConformanceCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly ms: number;
}

const DAY = 86_400_000;

/** A seeded OHLC random walk of `n` daily bars with one missing bar (NaN) in the middle. */
function syntheticBars(n: number, seed: number) {
  const rng = createRng(seed);
  const close = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  let p = 100;
  for (let t = 0; t < n; t++) {
    open[t] = p;
    p *= 1 + 0.015 * rng.normal();
    close[t] = p;
    high[t] = Math.max(open[t], p) * (1 + 0.005 * rng.uniform());
    low[t] = Math.min(open[t], p) * (1 - 0.005 * rng.uniform());
  }
  const gap = Math.floor(n / 2);
  for (const a of [open, high, low, close]) a[gap] = NaN;
  return {
    close,
    open,
    high,
    low,
    dates: Float64Array.from({ length: n }, (_, t) => Date.UTC(2020, 0, 1) + t * DAY),
  };
}

/** Parameter sets at the declared bounds: all minimums, all maximums (numeric parameters only). */
function boundParams(manifest: PluginManifest): Record<string, unknown>[] {
  const lo: Record<string, unknown> = {};
  const hi: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(manifest.params)) {
    if (spec.type !== "number" && spec.type !== "integer") continue;
    if (typeof spec.min === "number") lo[name] = spec.min;
    if (typeof spec.max === "number") hi[name] = spec.max;
  }
  return [lo, hi].filter((p) => Object.keys(p).length > 0);
}

/**
 * Runs every check on the plugin `nameOrDir` (stops after the first failure that makes the rest moot).
 *
 * @example
 * ```ts
 * const checks = await conformance("example_sma");
 * checks.every((c) => c.ok);
 * ```
 */
export async function conformance(nameOrDir: string, pluginsDir?: string): Promise<ConformanceCheck[]> {
  const checks: ConformanceCheck[] = [];
  const run = async (check: string, fn: () => Promise<string>): Promise<boolean> => {
    const t0 = performance.now();
    try {
      const detail = await fn();
      checks.push({ check, ok: true, detail, ms: performance.now() - t0 });
      return true;
    } catch (e) {
      checks.push({ check, ok: false, detail: (e as Error).message, ms: performance.now() - t0 });
      return false;
    }
  };
  let manifest: PluginManifest | undefined;
  if (
    !await run("manifest is valid", async () => {
      manifest = await loadManifest(nameOrDir, pluginsDir);
      return `${manifest.mode} plugin, protocol ${manifest.protocol}, ${
        Object.keys(manifest.params).length
      } parameters`;
    })
  ) return checks;
  const m = manifest!;
  if (m.mode === "stream") {
    const bars = syntheticBars(300, 7);
    const alerts = [{ t: 10, name: "conformance", data: { value: NaN, note: "test alert" } }];
    let first: Awaited<ReturnType<typeof runStreamPlugin>> | undefined;
    if (
      !await run(
        "answers initialize, on_candle × 300 (one bar NaN), on_alert, on_exit; exits 0",
        async () => {
          first = await runStreamPlugin(m, bars, { alerts });
          const n = first.entries.reduce((a, b) => a + b, 0);
          return `${first.calls} calls, ${n} entries, ${first.exits.reduce((a, b) => a + b, 0)} exits`;
        },
      )
    ) return checks;
    await run("is deterministic (same input, same signals)", async () => {
      const again = await runStreamPlugin(m, bars, { alerts });
      const same = again.entries.every((v, k) => v === first!.entries[k]) &&
        again.exits.every((v, k) => v === first!.exits[k]) &&
        again.size.every((v, k) => Object.is(v, first!.size[k]));
      if (!same) throw new Error("a second run on the same bars gave different signals");
      return "identical";
    });
    for (const params of boundParams(m)) {
      await run(`runs at the parameter bounds ${JSON.stringify(params)}`, async () => {
        const s = await runStreamPlugin(m, bars, { params });
        return `${s.entries.reduce((a, b) => a + b, 0)} entries`;
      });
    }
    await run("its signals backtest through fromSignals", () => {
      const r = fromSignals(bars, first!.entries, first!.exits, { size: first!.size, fill: "nextOpen" });
      return Promise.resolve(
        `${r.trades!.length} trades, total return ${(r.stats.total_return[0] * 100).toFixed(2)}%`,
      );
    });
    return checks;
  }
  const T = 300;
  const ids = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"];
  const rng = createRng(11);
  const close = new Float64Array(T * ids.length);
  ids.forEach((_, i) => {
    let p = 50 + 10 * i;
    for (let t = 0; t < T; t++) close[t * ids.length + i] = p *= 1 + 0.02 * rng.normal();
  });
  close[40 * ids.length + 2] = NaN;
  const ret = close.map((c, k) => (k >= ids.length ? c / close[k - ids.length] - 1 : NaN));
  const panel = makePanel({
    dates: Array.from({ length: T }, (_, t) => Date.UTC(2020, 0, 1) + t * DAY),
    securityIds: ids,
    fields: { close, ret },
  });
  let first: Float64Array | undefined;
  if (
    !await run(`answers initialize and generate on a ${T} × ${ids.length} panel; exits 0`, async () => {
      const out = await runBatchPlugin(m, panel);
      first = out.matrix;
      const valid = out.matrix.filter((v) => !Number.isNaN(v)).length;
      return `${out.output}: ${valid} of ${out.matrix.length} cells set`;
    })
  ) return checks;
  await run("is deterministic (same input, same output)", async () => {
    const again = await runBatchPlugin(m, panel);
    if (!again.matrix.every((v, k) => Object.is(v, first![k]))) {
      throw new Error("a second run gave a different matrix");
    }
    return "identical";
  });
  for (const params of boundParams(m)) {
    await run(`runs at the parameter bounds ${JSON.stringify(params)}`, async () => {
      const out = await runBatchPlugin(m, panel, { params });
      return `${out.matrix.filter((v) => !Number.isNaN(v)).length} cells set`;
    });
  }
  return checks;
}
