// External plugins over the JSON-lines protocol: the round trip of NaN / ±Infinity / dates, every failure
// mode (each with its error, the plugin's stderr, and nothing left behind), the scrubbed environment, and
// the shipped examples against quantnb's own computations (crossSignals/sma for example_sma; the momentum
// z-score recomputed below for example_pandas). Needs python3 (+ python3-pandas for example_pandas).

import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { backtest } from "../lib/engine/backtest.ts";
import { crossSignals, fromSignals } from "../lib/engine/timeseries/mod.ts";
import { sma } from "../lib/indicators/mod.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import { PluginError } from "../lib/plugin/errors.ts";
import { startPlugin } from "../lib/plugin/launch.ts";
import { loadManifest } from "../lib/plugin/manifest.ts";
import { WireDate } from "../lib/plugin/marshal.ts";
import { runBatchPlugin } from "../lib/plugin/batch.ts";
import { backtestStreamPlugin, runStreamPlugin } from "../lib/plugin/stream.ts";
import { createRng } from "../lib/util/rng.ts";
import { assertAllClose } from "./_assert.ts";

const fixtures = (name: string) => new URL(`./fixtures/plugins/${name}`, import.meta.url).pathname;
const DAY = 86_400_000;

function walk(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  let p = 100;
  return Float64Array.from({ length: n }, () => (p *= 1 + 0.02 * rng.normal()));
}

/** Temp folders plugins of this name left behind. */
async function leftovers(name: string): Promise<string[]> {
  const dir = Deno.env.get("TMPDIR") ?? "/tmp";
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.name.startsWith(`quantnb-plugin-${name}-`)) out.push(e.name);
  return out;
}

Deno.test("the protocol carries NaN, ±Infinity and dates both ways", async () => {
  const session = await startPlugin(await loadManifest(fixtures("echo")), {});
  const value = {
    x: [1.5, NaN, Infinity, -Infinity, 0, -0.25],
    day: new WireDate(Date.UTC(2020, 0, 2)),
    at: new WireDate(Date.UTC(2020, 0, 2, 14, 30, 5, 250)),
    nested: { s: "ç", n: null, b: true },
  };
  const reply = await session.call<Record<string, unknown>>("echo", { value }, "echo", () => []);
  await session.close();
  deepEqual(reply.types, {
    x: ["float", "nan", "+inf", "-inf", "int", "float"],
    day: "date 2020-01-02",
    at: "datetime 2020-01-02T14:30:05.250000+00:00",
    nested: { s: "str", n: "NoneType", b: "bool" },
  });
  const back = reply.value as typeof value;
  deepEqual(back.x, value.x); // Object.is: NaN, ±Infinity and -0.25 come back as sent
  equal(back.day instanceof WireDate && back.day.ms, Date.UTC(2020, 0, 2));
  equal(back.at instanceof WireDate && back.at.ms, Date.UTC(2020, 0, 2, 14, 30, 5, 250));
  const made = reply.made as [number, number, WireDate];
  ok(Number.isNaN(made[0]));
  equal(made[1], -Infinity);
  equal(made[2].ms, Date.UTC(2021, 2, 4));
});

Deno.test("a misbehaving plugin fails with its error, its stderr, and nothing left behind", async (t) => {
  const plugin = await loadManifest(fixtures("misbehaving"));
  const close = walk(10, 1);
  const dates = Float64Array.from(close, (_, k) => Date.UTC(2024, 0, 1) + k * DAY);
  const cases: [string, string, RegExp][] = [
    ["sleep", "timeout", /timed out after 5 s/],
    ["exit1", "exit", /exited with code 1 before answering/],
    ["garbage", "invalid-json", /invalid JSON reply .*: this is not json/],
    [
      "wrong_shape",
      "invalid-reply",
      /type: expected "entry", "exit" or "hold", found "buy"; size: expected a finite number > 0, found -1/,
    ],
    ["crash", "crash", /crashed \(signal SIGSEGV\) before answering/],
    ["raise", "plugin-error", /raised ValueError: bad bar/],
    ["nan_token", "invalid-json", /NaN and ±Infinity must be sent as \{"\$f": "NaN"\}/],
  ];
  for (const [mode, failure, reason] of cases) {
    await t.step(mode, async () => {
      const error = await runStreamPlugin(plugin, { close, dates }, { params: { mode, at: 3 } }).then(
        () => undefined,
        (e) => e,
      );
      ok(error instanceof PluginError, `${mode}: expected a PluginError, found ${error}`);
      equal(error.failure, failure);
      equal(error.plugin, "misbehaving");
      equal(error.call, "on_candle (bar 3, 2024-01-04)");
      match(error.message, reason);
      match(error.message, /^plugin "misbehaving": on_candle \(bar 3, 2024-01-04\) failed: /);
      match(error.stderr, new RegExp(`misbehaving at bar 3: ${mode}`));
      deepEqual(await leftovers("misbehaving"), []);
    });
  }
  await t.step("no_init", async () => {
    await rejects(
      runStreamPlugin(plugin, close, { params: { mode: "no_init" } }),
      /initialize failed: invalid reply: expected \{"protocol": 1, …\}, found \{"hello":"world"\}/,
    );
  });
  await t.step("unknown parameter", async () => {
    await rejects(
      runStreamPlugin(plugin, close, { params: { mood: "ok" } }),
      /strategy "misbehaving": 1 invalid parameter\n {2}- mood: expected a known parameter \(mode, at\), found unknown parameter "mood" = "ok"/,
    );
  });
});

Deno.test("a plugin gets a scrubbed environment and its own working folder", async () => {
  Deno.env.set("QUANTNB_TEST_SECRET", "do-not-leak");
  const session = await startPlugin(await loadManifest(fixtures("misbehaving")), {
    params: { mode: "env", at: 0 },
  });
  const seen = JSON.parse(await Deno.readTextFile(join(session.workDir, "env.json")));
  const workDir = session.workDir;
  await session.close();
  Deno.env.delete("QUANTNB_TEST_SECRET");
  equal(seen.cwd, workDir);
  equal(seen.env.HOME, workDir);
  equal(seen.env.QUANTNB_TEST_SECRET, undefined);
  const allowed = [
    "PATH",
    "HOME",
    "TMPDIR",
    "LANG",
    "LC_ALL",
    "TZ",
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "PYTHONNOUSERSITE",
    "PYTHONHASHSEED",
    "QUANTNB_PLUGIN",
    "MPLBACKEND",
    "MPLCONFIGDIR",
    "LC_CTYPE", // set by Python itself for the C.UTF-8 locale
  ];
  deepEqual(Object.keys(seen.env).filter((k) => !allowed.includes(k)), []);
  await rejects(Deno.stat(workDir), Deno.errors.NotFound); // removed at close
});

Deno.test("example_sma (stdlib only) gives crossSignals' signals and backtests end to end", async () => {
  const close = walk(1500, 9);
  close[700] = NaN; // a missing bar restarts both averages, as sma() does
  const dates = Float64Array.from(close, (_, k) => Date.UTC(2015, 0, 1) + k * DAY);
  const plugin = await loadManifest("example_sma");
  const { signals, result } = await backtestStreamPlugin(plugin, { close, dates }, {
    params: { fast: 5, slow: 20 },
    feesBps: 10,
  });
  const ref = crossSignals(sma(close, 5), sma(close, 20));
  deepEqual(signals.entries, ref.entries);
  deepEqual(signals.exits, ref.exits);
  ok(signals.entries.reduce((a, b) => a + b, 0) > 20);
  equal(signals.calls, 1500 + 2); // on_candle per bar, initialize, on_exit
  const vec = fromSignals({ close, dates }, ref.entries, ref.exits, { feesBps: 10 });
  deepEqual(result.stats, vec.stats);
  match(signals.reasons.find((r) => r !== null)!, /sma5 crossed (above|below) sma20/);
});

Deno.test("on_alert gets each alert on its bar and its reply counts", async () => {
  const close = walk(40, 4);
  const dates = Float64Array.from(close, (_, k) => Date.UTC(2024, 0, 1) + k * DAY);
  // misbehaving in "ok" mode: entry at bar 1 from on_candle, holds on alerts (the base class answers hold)
  const plugin = await loadManifest(fixtures("misbehaving"));
  const s = await runStreamPlugin(plugin, { close, dates }, {
    params: { mode: "ok" },
    alerts: [{ t: 5, name: "earnings" }, {
      date: Date.UTC(2024, 0, 10, 12),
      name: "news",
      data: { score: NaN },
    }],
  });
  equal(s.calls, 40 + 2 + 2);
  equal(s.entries[1], 1);
  await rejects(
    runStreamPlugin(plugin, close, { alerts: [{ t: 99, name: "x" }] }),
    /t must be a bar index in \[0, 40\)/,
  );
});

Deno.test("batch replies are read dense, long or inline, and checked against the panel", async (t) => {
  const T = 30;
  const ids = ["A", "B", "C", "D"];
  const N = ids.length;
  const close = walk(T * N, 3);
  const panel = makePanel({
    dates: Array.from({ length: T }, (_, k) => Date.UTC(2023, 0, 2) + k * DAY),
    securityIds: ids,
    fields: { close },
  });
  const plugin = await loadManifest(fixtures("bad_batch"));
  const expected = Float64Array.from({ length: T * N }, (_, k) => (Math.floor(k / N) + 1) / 1000 + (k % N));
  for (const mode of ["ok", "inline"]) {
    await t.step(mode, async () => {
      const out = await runBatchPlugin(plugin, panel, { params: { mode } });
      equal(out.output, "weights");
      assertAllClose(out.matrix, expected, 1e-15);
    });
  }
  await t.step("long (missing cells are NaN)", async () => {
    const out = await runBatchPlugin(plugin, panel, { params: { mode: "long" } });
    assertAllClose(out.matrix, expected.map((v, k) => ((Math.floor(k / N) + (k % N)) % 3 ? v : NaN)), 1e-15);
  });
  const bad: [string, RegExp][] = [
    ["short", /weights: 119 values, expected 30 dates × 4 securities = 120/],
    ["inf", /weights: ±Infinity at date 2023-01-03, security B/],
    [
      "outside",
      /the Parquet path must be inside the plugin's working folder, found \.\.\/elsewhere\.parquet/,
    ],
    ["missing", /the plugin did not write output\/never_written\.parquet/],
    ["unknown_id", /row 0 has a security_id not in the panel: NOPE/],
    ["both_keys", /expected only "weights" \(this plugin's output\), found signal/],
  ];
  for (const [mode, reason] of bad) {
    await t.step(mode, async () => {
      const error = await runBatchPlugin(plugin, panel, { params: { mode } }).catch((e) => e);
      ok(error instanceof PluginError, `${mode}: ${error}`);
      match(error.message, /^plugin "bad_batch": generate/);
      match(error.message, reason);
    });
  }
  deepEqual(await leftovers("bad_batch"), []);
});

Deno.test("example_pandas computes the momentum z-score quantnb computes, and backtests", async () => {
  const T = 80;
  const N = 7;
  const rng = createRng(12);
  const close = walk(T * N, 5).map((v) => (rng.uniform() < 0.05 ? NaN : v));
  const ret = close.map((c, k) => (k >= N ? c / close[k - N] - 1 : NaN));
  const ids = Array.from({ length: N }, (_, i) => `S${i}`);
  const panel = makePanel({
    dates: Array.from({ length: T }, (_, k) => Date.UTC(2022, 0, 3) + k * DAY),
    securityIds: ids,
    fields: { close, ret },
  });
  const plugin = await loadManifest("example_pandas");
  const { matrix } = await runBatchPlugin(plugin, panel, { params: { lookback: 20, skip: 3, min_names: 4 } });
  // expected: m = close[t−3] / close[t−20] − 1; z = (m − mean) / sample std across the valid names of t
  const expected = new Float64Array(T * N).fill(NaN);
  for (let t = 20; t < T; t++) {
    const m = ids.map((_, i) => close[(t - 3) * N + i] / close[(t - 20) * N + i] - 1);
    const valid = m.filter((x) => !Number.isNaN(x));
    if (valid.length < 4) continue;
    const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
    const sd = Math.sqrt(valid.reduce((a, b) => a + (b - mean) ** 2, 0) / (valid.length - 1));
    m.forEach((x, i) => (expected[t * N + i] = (x - mean) / sd));
  }
  assertAllClose(matrix, expected, 1e-12);
  // the Python signal through the cross-sectional backtest: the same numbers as quantnb's own matrix
  const fromPython = backtest(panel, { known: matrix }, { mincos: 4, fractile: 3 }).summary.overall;
  const fromQuantnb = backtest(panel, { known: expected }, { mincos: 4, fractile: 3 }).summary.overall;
  ok(Number.isFinite(fromPython.sharpe) && fromPython.sharpe !== 0);
  assertAllClose([fromPython.sharpe, fromPython.annual_return], [
    fromQuantnb.sharpe,
    fromQuantnb.annual_return,
  ], 1e-9);
});
