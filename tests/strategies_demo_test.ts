/**
 * Every strategy in `strategies/` on the demo data (the deterministic synthetic universe with its
 * SELIC/CDI series and the S&P 500 sample, built once into a temp folder), each tested on its defining
 * behaviour with the expected holdings recomputed here independently from the panel; then the
 * simulator on the demo (NAV identity, splits, dividends, reconciliation with adjusted returns), and
 * the tasks end to end (`run`, reuse, `compare`, `strategies`).
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { buildDemoData } from "../lib/demo/build.ts";
import { readPanel } from "../lib/panel/load.ts";
import { asOf, readSeries, type Series } from "../lib/panel/series.ts";
import type { Panel } from "../lib/panel/types.ts";
import {
  type CorporateEvents,
  marketFromPanel,
  readCorporateEvents,
  simulatePortfolio,
} from "../lib/portfolio/mod.ts";
import { openSnapshot } from "../lib/snapshot/catalog.ts";
import { discoverStrategies } from "../lib/strategy/registry.ts";
import { generateWeights } from "../lib/strategy/run.ts";
import { main as compareMain } from "../lib/cli/compare.ts";
import { main as runMain } from "../lib/cli/run.ts";
import { main as strategiesMain } from "../lib/cli/strategies.ts";
import { capture } from "./fixtures/capture.ts";
import { assertAlmostEquals } from "./_assert.ts";
import { tradePairs } from "../strategies/pairs_trading.ts";
import { validateParams } from "../lib/strategy/params.ts";

const dir = await Deno.makeTempDir({ prefix: "quantnb-strategies-demo-" });
const snapshotsDir = join(dir, "snapshots"), runsDir = join(dir, "runs");
await buildDemoData({ db: join(dir, "store.duckdb"), snapshotsDir, signalFile: join(dir, "signal.parquet") });
const snap = await openSnapshot("demo", snapshotsDir);
const panel: Panel = await readPanel(snap.conn, {});
const series: Record<string, Series> = {
  CDI: await readSeries(snap.conn, "CDI"),
  SELIC: await readSeries(snap.conn, "SELIC"),
};
const events: CorporateEvents = await readCorporateEvents(snap.conn, panel.dates, panel.securityIds);
const spx = await readPanel(snap.conn, { assetClass: "index", fields: ["close"] });
snap.close();
const registry = await discoverStrategies();
const T = panel.dates.length, N = panel.securityIds.length;
const benchmark = { id: "SPX", close: asOf({ dates: spx.dates, values: spx.fields.close }, panel.dates) };
const ctxSeries = { CDI: asOf(series.CDI, panel.dates), SELIC: asOf(series.SELIC, panel.dates) };
const close = panel.fields.adj_close, ret = panel.fields.ret;

async function weightsOf(name: string, params: Record<string, unknown> = {}): Promise<Float64Array> {
  return (await generateWeights(registry.get(name), panel, params, {
    series: ctxSeries,
    benchmark,
    registry,
  })).weights;
}

/** Names with a positive (negative) weight on row t. */
function held(w: Float64Array, t: number, sign = 1): number[] {
  const out: number[] = [];
  for (let i = 0; i < N; i++) if (Math.sign(w[t * N + i]) === sign) out.push(i);
  return out;
}

/** The k securities with the highest score on row t among the finite ones (ties by index). */
function topBy(score: (i: number) => number, k: number): number[] {
  return Array.from({ length: N }, (_, i) => i).filter((i) => Number.isFinite(score(i)))
    .sort((a, b) => score(b) - score(a) || a - b).slice(0, k).sort((a, b) => a - b);
}

/** Compounded return of security i over rows (from, to]. */
function compounded(i: number, from: number, to: number): number {
  let g = 1;
  for (let t = from + 1; t <= to; t++) {
    if (!Number.isFinite(ret[t * N + i])) return NaN;
    g *= 1 + ret[t * N + i];
  }
  return Number.isFinite(close[to * N + i]) ? g - 1 : NaN;
}

/** Sample std of security i's returns over rows (to − n, to]. */
function volatility(i: number, to: number, n: number): number {
  let s = 0, s2 = 0;
  for (let t = to - n + 1; t <= to; t++) {
    const r = ret[t * N + i];
    if (!Number.isFinite(r)) return NaN;
    s += r;
    s2 += r * r;
  }
  return Number.isFinite(close[to * N + i]) ? Math.sqrt((s2 - (s * s) / n) / (n - 1)) : NaN;
}

const ROWS = [400, 1000, 1700, 2400]; // decision rows well after every warm-up

Deno.test("the registry loads every strategy of the issue, none broken", () => {
  deepEqual(registry.errors, []);
  deepEqual(registry.entries.map((e) => e.name), [
    "bollinger_breakout",
    "donchian_breakout",
    "equal_weight",
    "low_volatility",
    "ma_crossover",
    "ml_model",
    "momentum_12_1",
    "momentum_sharpe",
    "multifactor",
    "pairs_trading",
    "rate_cycle",
    "regime_filter",
    "rsi_reversion",
    "short_term_reversal",
    "small_cap_momentum",
  ]);
});

Deno.test("factor strategies hold exactly the top N of their score, equal weight", async (t) => {
  await t.step("momentum_12_1: the 50 best returns from t − 252 to t − 21", async () => {
    const w = await weightsOf("momentum_12_1");
    for (const r of ROWS) {
      deepEqual(held(w, r), topBy((i) => compounded(i, r - 252, r - 21), 50), `row ${r}`);
      for (const i of held(w, r)) assertAlmostEquals(w[r * N + i], 1 / 50, 1e-15);
    }
    const w20 = await weightsOf("momentum_12_1", { top_n: 20, lookback: 126, skip: 0 });
    deepEqual(held(w20, 1000), topBy((i) => compounded(i, 1000 - 126, 1000), 20));
  });
  await t.step("momentum_sharpe: the best return per unit of volatility over the same window", async () => {
    const w = await weightsOf("momentum_sharpe");
    for (const r of ROWS) {
      deepEqual(
        held(w, r),
        topBy((i) => compounded(i, r - 252, r - 21) / volatility(i, r - 21, 231), 50),
        `row ${r}`,
      );
    }
  });
  await t.step("low_volatility: the 50 lowest one-year volatilities", async () => {
    const w = await weightsOf("low_volatility");
    for (const r of ROWS) deepEqual(held(w, r), topBy((i) => -volatility(i, r, 252), 50), `row ${r}`);
  });
  await t.step(
    "small_cap_momentum: only names in the smallest 30% by market cap, best momentum first",
    async () => {
      const w = await weightsOf("small_cap_momentum");
      const mcap = panel.fields.mcap;
      for (const r of ROWS) {
        const eligible = Array.from({ length: N }, (_, i) => i)
          .filter((i) => mcap[r * N + i] > 0 && Number.isFinite(compounded(i, r - 252, r - 21)));
        const caps = eligible.map((i) => mcap[r * N + i]).sort((a, b) => a - b);
        const cutoff = caps[Math.ceil(caps.length * 0.3) - 1];
        const small = new Set(eligible.filter((i) => mcap[r * N + i] <= cutoff));
        deepEqual(
          held(w, r),
          topBy((i) => (small.has(i) ? compounded(i, r - 252, r - 21) : NaN), 30),
          `row ${r}`,
        );
      }
    },
  );
  await t.step(
    "multifactor: value alone holds the highest value descriptors; the blend mixes in the others",
    async () => {
      const value = panel.fields.value;
      const w = await weightsOf("multifactor", { w_momentum: 0, w_low_vol: 0, w_value: 1 });
      for (const r of ROWS) {
        // A name needs all three factors even at weight 0: the eligible set is names with 12-1 momentum and vol.
        const ok3 = (i: number) =>
          Number.isFinite(compounded(i, r - 252, r - 21)) && Number.isFinite(volatility(i, r, 252))
            ? value[r * N + i]
            : NaN;
        deepEqual(held(w, r), topBy(ok3, 50), `row ${r}`);
      }
      const blend = await weightsOf("multifactor");
      ok(held(blend, 1000).some((i) => !held(w, 1000).includes(i)), "the blend differs from value alone");
    },
  );
  await t.step("short_term_reversal: last week's 50 worst; long_short also shorts the 50 best", async () => {
    const w = await weightsOf("short_term_reversal");
    for (const r of ROWS) deepEqual(held(w, r), topBy((i) => -compounded(i, r - 5, r), 50), `row ${r}`);
    const ls = await weightsOf("short_term_reversal", { long_short: true });
    const r = 1000;
    deepEqual(held(ls, r, -1), topBy((i) => compounded(i, r - 5, r), 50));
    let net = 0, gross = 0;
    for (let i = 0; i < N; i++) (net += ls[r * N + i], gross += Math.abs(ls[r * N + i]));
    assertAlmostEquals(net, 0, 1e-12);
    assertAlmostEquals(gross, 2, 1e-12);
  });
  await t.step("equal_weight: 1 / (names with a price) each", async () => {
    const w = await weightsOf("equal_weight");
    for (const r of ROWS) {
      const priced = Array.from({ length: N }, (_, i) => i).filter((i) => Number.isFinite(close[r * N + i]));
      deepEqual(held(w, r), priced);
      assertAlmostEquals(w[r * N + priced[0]], 1 / priced.length, 1e-15);
    }
  });
});

/** Simple moving average of security i over rows (t − n, t]. */
function smaAt(i: number, t: number, n: number): number {
  let s = 0;
  for (let k = t - n + 1; k <= t; k++) s += close[k * N + i];
  return s / n;
}

Deno.test("time-series strategies follow their entry and exit rules, bar by bar", async (t) => {
  await t.step("ma_crossover: long exactly while SMA(50) > SMA(200); EMA differs", async () => {
    const w = await weightsOf("ma_crossover");
    for (const i of [0, 7, 123, 321]) {
      for (let r = 300; r < T; r += 37) {
        if (!Number.isFinite(close[r * N + i]) || !Number.isFinite(close[(r - 199) * N + i])) continue;
        equal(w[r * N + i] > 0, smaAt(i, r, 50) > smaAt(i, r, 200), `security ${i}, row ${r}`);
      }
    }
    const e = await weightsOf("ma_crossover", { ma: "ema" });
    ok(e.some((x, c) => (x > 0) !== (w[c] > 0)), "EMA crossovers differ from SMA ones");
  });
  /** Entry and exit bars of every name: where the weight turns positive and back to zero. */
  function transitions(w: Float64Array) {
    const entries: [number, number][] = [], exits: [number, number][] = [];
    for (let i = 0; i < N; i++) {
      for (let r = 1; r < T; r++) {
        const [a, b] = [w[(r - 1) * N + i] > 0, w[r * N + i] > 0];
        if (!a && b) entries.push([r, i]);
        if (a && !b && Number.isFinite(close[r * N + i])) exits.push([r, i]);
      }
    }
    return { entries, exits };
  }
  await t.step(
    "rsi_reversion: enters only below RSI 30, exits only above RSI 55 (Wilder RSI recomputed)",
    async () => {
      const { rsi } = await import("../lib/indicators/oscillators.ts");
      const w = await weightsOf("rsi_reversion");
      const { entries, exits } = transitions(w);
      ok(entries.length > 500 && exits.length > 500, `${entries.length} entries, ${exits.length} exits`);
      const cache = new Map<number, Float64Array>();
      const rsiOf = (i: number) => {
        if (!cache.has(i)) {
          cache.set(
            i,
            rsi(Float64Array.from({ length: T }, (_, t) => close[t * N + i]), 14),
          );
        }
        return cache.get(i)!;
      };
      for (const [r, i] of entries.slice(0, 300)) {
        ok(
          rsiOf(i)[r] < 30,
          `entry of ${i} at ${r}: RSI ${rsiOf(i)[r]}`,
        );
      }
      for (const [r, i] of exits.slice(0, 300)) {
        ok(
          rsiOf(i)[r] > 55,
          `exit of ${i} at ${r}: RSI ${rsiOf(i)[r]}`,
        );
      }
    },
  );
  await t.step(
    "bollinger_breakout: enters on a close above the upper band, exits below the middle",
    async () => {
      const w = await weightsOf("bollinger_breakout");
      const { entries, exits } = transitions(w);
      ok(entries.length > 500);
      const band = (i: number, r: number) => {
        const m = smaAt(i, r, 20);
        let ss = 0;
        for (let k = r - 19; k <= r; k++) ss += (close[k * N + i] - m) ** 2;
        return { middle: m, upper: m + 2 * Math.sqrt(ss / 20) }; // population std (Bollinger)
      };
      for (const [r, i] of entries.slice(0, 300)) {
        ok(
          close[r * N + i] > band(i, r).upper,
          `entry of ${i} at ${r}`,
        );
      }
      for (const [r, i] of exits.slice(0, 300)) {
        ok(
          close[r * N + i] < band(i, r).middle,
          `exit of ${i} at ${r}`,
        );
      }
    },
  );
  await t.step("donchian_breakout: enters on a close above the previous 55-bar high", async () => {
    const w = await weightsOf("donchian_breakout");
    const { entries } = transitions(w);
    ok(entries.length > 300);
    const factor = (c: number) => panel.fields.adj_close[c] / panel.fields.close[c];
    for (const [r, i] of entries.slice(0, 300)) {
      let high = -Infinity;
      for (let k = r - 55; k < r; k++) {
        high = Math.max(high, panel.fields.high[k * N + i] * factor(k * N + i));
      }
      ok(close[r * N + i] > high, `entry of ${i} at ${r}: ${close[r * N + i]} vs ${high}`);
    }
  });
});

Deno.test("pairs_trading trades same-industry pairs: opposite legs, z-score entries, exits and stops", async () => {
  const params = validateParams("pairs_trading", registry.get("pairs_trading").params, {});
  const pairs = tradePairs(panel, params);
  ok(pairs.length >= 10, `${pairs.length} pairs traded`);
  let entries = 0;
  for (const p of pairs) {
    equal(panel.industries[p.a], panel.industries[p.b], "same industry");
    for (let k = 0; k < p.position.length; k++) {
      const [before, now, z] = [k > 0 ? p.position[k - 1] : 0, p.position[k], p.z[k]];
      if (before === 0 && now !== 0) {
        entries++;
        ok(
          Math.abs(z) > 2 && Math.abs(z) <= 4 && Math.sign(z) === -now,
          `entry at z = ${z}, position ${now}`,
        );
      }
      if (before !== 0 && now === 0 && p.from + k !== p.to) {
        ok(!Number.isFinite(z) || Math.abs(z) < 0.5 || Math.abs(z) > 4, `exit at z = ${z}`);
      }
    }
    equal(p.position[p.position.length - 1], 0, "flat at the end of the trading period");
  }
  ok(entries > 20, `${entries} entries`);
  const w = await weightsOf("pairs_trading");
  // On a bar with one open pair the legs have opposite signs and a gross of 1 / n_pairs.
  const p = pairs.find((q) => q.position.some((s) => s !== 0))!;
  const k = p.position.findIndex((s) => s !== 0);
  const [wa, wb] = [w[(p.from + k) * N + p.a], w[(p.from + k) * N + p.b]];
  ok(Math.sign(wa) === p.position[k] && Math.sign(wb) === -Math.sign(wa * p.beta[k]));
  assertAlmostEquals(Math.abs(wa) + Math.abs(wb), 0.1, 1e-12);
});

Deno.test("regime and rate strategies: the book follows the benchmark trend and the policy rate", async (t) => {
  await t.step("regime_filter: momentum's target while SPX > its 200-day SMA, cash otherwise", async () => {
    const w = await weightsOf("regime_filter");
    const inner = await weightsOf("momentum_12_1");
    const level = benchmark.close;
    let on = 0, off = 0;
    for (let r = 400; r < T; r++) {
      let s = 0;
      for (let k = r - 199; k <= r; k++) s += level[k];
      const riskOn = level[r] > s / 200;
      let latest = r;
      while (held(inner, latest).length === 0 && Number.isNaN(inner[latest * N])) latest--;
      for (const i of [0, 10, 200]) {
        const expected = riskOn ? inner[latest * N + i] : 0;
        equal(w[r * N + i], expected, `row ${r}, security ${i}`);
      }
      riskOn ? on++ : off++;
    }
    ok(on > 500 && off > 100, `${on} risk-on and ${off} risk-off days`);
  });
  await t.step(
    "rate_cycle: equal-weight equities exactly while SELIC is below its level 63 bars ago",
    async () => {
      const w = await weightsOf("rate_cycle");
      const selic = ctxSeries.SELIC;
      let falling = 0;
      for (let r = 63; r < T; r++) {
        const invested = held(w, r).length > 0;
        equal(invested, selic[r] < selic[r - 63], `row ${r}`);
        if (invested) falling++;
      }
      ok(falling > 100 && falling < T - 400, `${falling} days in equities`);
    },
  );
});

Deno.test("the simulator on the demo: NAV identity, splits and dividends reconcile with adjusted returns", async () => {
  const market = marketFromPanel(panel, { events, series });
  const w = await weightsOf("momentum_12_1");
  const r = simulatePortfolio(market, w, {
    lot: 100,
    tax: "brazil",
    commission: { bps: 5 },
    slippage: { bps: 10 },
    cashRate: { kind: "series", id: "CDI" },
  });
  const s0 = panel.dates.indexOf(r.dates[0]);
  const mark = new Float64Array(N).fill(NaN);
  for (let t = 0; t <= s0; t++) {
    for (let i = 0; i < N; i++) {
      if (panel.fields.close[t * N + i] > 0) mark[i] = panel.fields.close[t * N + i];
    }
  }
  for (let k = 0; k < r.dates.length; k++) {
    let value = r.daily.cash[k];
    for (let i = 0; i < N; i++) {
      const c = panel.fields.close[(s0 + k) * N + i];
      if (c > 0) mark[i] = c;
      if (r.shares[k * N + i] !== 0) value += r.shares[k * N + i] * mark[i];
    }
    assertAlmostEquals(r.daily.nav[k], value, 1e-6 * value, `NAV identity at ${k}`);
  }
  ok(r.totals.dividends > 0 && r.totals.tax_paid > 0 && r.totals.interest > 0);
  // One name that splits and pays dividends, held at 100% with daily rebalancing at the close,
  // fractional, no costs: each day's NAV return is the adjusted close-to-close return — exactly on a
  // split (shares × ratio), and on an ex-dividend day up to (c + D) / p vs c / (p − D) (the dividend
  // is received in cash and reinvested at that close; back-adjustment scales the past instead).
  const splits = new Set<number>(), dividends = new Map<number, number>();
  events.t.forEach((t, e) => {
    if (events.i[e] === 0 && events.split[e] !== 1) splits.add(t);
    if (events.i[e] === 0 && events.dividend[e] !== 0) dividends.set(t, events.dividend[e]);
  });
  const name = Array.from({ length: N }, (_, i) => i).find((i) =>
    events.t.some((_, e) => events.i[e] === i && events.split[e] !== 1) &&
    events.t.some((_, e) => events.i[e] === i && events.dividend[e] !== 0) &&
    Number.isFinite(panel.fields.close[i]) && Number.isFinite(panel.fields.close[(T - 1) * N + i])
  )!;
  ok(name !== undefined, "a demo name with both a split and dividends over the whole period");
  const one = new Float64Array(T * N);
  for (let t = 0; t < T; t++) one[t * N + name] = 1;
  const b = simulatePortfolio(market, one, { schedule: "daily", execution: "next_close", fractional: true });
  let nSplit = 0, nDividend = 0;
  const s1 = panel.dates.indexOf(b.dates[0]);
  for (let k = 2; k < b.dates.length; k++) {
    const t = s1 + k, c = t * N + name;
    const e = Array.from(events.t.keys()).find((e) => events.t[e] === t && events.i[e] === name);
    const [p, now] = [panel.fields.close[c - N], panel.fields.close[c]];
    if (e !== undefined && events.dividend[e] !== 0) {
      nDividend++;
      const d = events.dividend[e];
      assertAlmostEquals(b.daily.ret[k], (now + d) / p - 1, 1e-12, `ex-dividend bar ${k}: (c + D) / p − 1`);
      assertAlmostEquals(
        b.daily.ret[k],
        ret[c],
        (d * Math.abs(now - p + d)) / (p * (p - d)) + 1e-12,
        `bar ${k}`,
      );
    } else {
      assertAlmostEquals(b.daily.ret[k], ret[c], 1e-12, `bar ${k}`);
    }
    if (e !== undefined && events.split[e] !== 1) {
      nSplit++;
      assertAlmostEquals(
        b.shares[k * N + name],
        b.shares[(k - 1) * N + name] * events.split[e],
        1e-9 * b.shares[k * N + name],
      );
    }
  }
  ok(nSplit >= 1 && nDividend >= 4, `${nSplit} splits, ${nDividend} dividends`);
});

Deno.test({
  name: "tasks end to end: strategies list/show, run (recorded, reused), compare",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const common = ["--snapshots", snapshotsDir, "--runs", runsDir];
    await t.step("strategies list and show", async () => {
      const list = await capture(() => strategiesMain(["list"]));
      equal(list.code, 0);
      match(list.out, /15 strategies/);
      match(list.out, /pairs_trading\s+pairs/);
      const show = await capture(() => strategiesMain(["show", "momentum_12_1"]));
      match(show.out, /top_n\s+integer\s+50\s+an integer in \[1, 2000\]\s+names held/);
    });
    const ids: string[] = [];
    await t.step("run momentum_12_1 with B3-style settings: a recorded run and its tear sheet", async () => {
      const args = [
        "momentum_12_1",
        "--snapshot",
        "demo",
        "--lot",
        "100",
        "--commission-bps",
        "5",
        "--slippage-bps",
        "10",
        "--tax",
        "brazil",
        "--cash-rate",
        "cdi",
        "--benchmark",
        "SPX",
        ...common,
      ];
      const out = await capture(() => runMain(args));
      equal(out.code, 0, out.err);
      const id = /run (\S+)/.exec(out.out)![1];
      ids.push(id);
      const run = JSON.parse(await Deno.readTextFile(join(runsDir, id, "run.json")));
      equal(run.kind, "strategy");
      equal(run.tags.strategy, "momentum_12_1");
      equal(run.params.simulation.lot, 100);
      ok(run.metrics.tax_paid > 0 && Number.isFinite(run.metrics.beta));
      const html = await Deno.readTextFile(join(runsDir, id, "tearsheet.html"));
      for (const s of ["headline", "exposure", "costs", "positions", "trades", "reproduce"]) {
        ok(html.includes(`id="section-${s}"`), `section ${s}`);
      }
      // five of its own, and the returns tear sheet's 14 against SPX (returns_tearsheet_test.ts)
      equal((html.match(/<svg\b/g) ?? []).length, 19);
      for (const s of ["metrics", "cumulative", "monthly", "rolling", "drawdowns"]) {
        ok(html.includes(`id="section-rt-${s}"`), `returns section ${s}`);
      }
      match(html, /<th[^>]*>momentum_12_1<\/th><th[^>]*>SPX<\/th>/, "the metrics table's benchmark column");
      for (const table of ["trades", "positions", "taxes", "monthly_costs", "daily"]) {
        ok((await Deno.stat(join(runsDir, id, `${table}.parquet`))).size > 0, table);
      }
      const again = await capture(() => runMain(args));
      match(again.out, /identical run already recorded; reused/);
      // The same config under another author is recorded under the new label, not returned as the old run.
      const other = await capture(() => runMain([...args, "--author", "someone-else"]));
      const otherId = /run (\S+)/.exec(other.out)![1];
      ok(otherId !== id && !/reused/.test(other.out), other.out);
      equal(
        JSON.parse(await Deno.readTextFile(join(runsDir, otherId, "run.json"))).tags.author,
        "someone-else",
      );
    });
    await t.step("run low_volatility, then compare the two", async () => {
      const out = await capture(() => runMain(["low_volatility", "--snapshot", "demo", ...common]));
      equal(out.code, 0, out.err);
      ids.push(/run (\S+)/.exec(out.out)![1]);
      const html = join(dir, "compare.html");
      const cmp = await capture(() => compareMain([...ids, "--runs", runsDir, "--out", html]));
      equal(cmp.code, 0, cmp.err);
      match(cmp.out, /correlation of daily returns/);
      const page = await Deno.readTextFile(html);
      equal((page.match(/<svg\b/g) ?? []).length, 2);
    });
    await t.step("parameter errors name the strategy, the parameter, the range and the value", async () => {
      const out = await capture(() =>
        runMain(["ma_crossover", "--snapshot", "demo", "--param", "fast=500", "--param", "ma=wma", ...common])
      );
      equal(out.code, 1);
      match(out.err, /strategy "ma_crossover": 2 invalid parameters/);
      match(out.err, /fast: expected an integer in \[2, 250\], found "500"/);
      match(out.err, /ma: expected one of sma, ema, found "wma"/);
    });
  },
});
