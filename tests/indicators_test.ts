// Indicators: each against values worked out by hand (in the comment beside it) and against pandas
// (tests/fixtures/indicators/pandas_reference.json, written by
// `/usr/bin/python3 tests/fixtures/indicators/pandas_reference.py > tests/fixtures/indicators/pandas_reference.json`
// with Debian's pandas 1.5.3 / numpy 1.24.2; the script states the pandas call behind each series).

import { equal, throws } from "node:assert/strict";
import {
  atr,
  bollinger,
  bySecurity,
  bySecurityOf,
  donchian,
  ema,
  macd,
  rollingMax,
  rollingMean,
  rollingMin,
  rollingStd,
  rollingZscore,
  rsi,
  sma,
  trueRange,
  wilderRma,
} from "../lib/indicators/mod.ts";
import { createRng } from "../lib/util/rng.ts";
import { assertAllClose } from "./_assert.ts";

const f = (...v: number[]) => new Float64Array(v);
const ref = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/indicators/pandas_reference.json", import.meta.url)),
) as Record<string, (number | null)[]>;
const series = (name: string) => Float64Array.from(ref[name], (v) => v ?? NaN);
const [close, high, low, closeGap] = ["close", "high", "low", "close_gap"].map(series);

Deno.test("sma() averages the last n values and is NaN wherever its window holds a NaN", () => {
  assertAllClose(sma(f(1, 2, 3, 4, 5), 3), f(NaN, NaN, 2, 3, 4)); // (1+2+3)/3, (2+3+4)/3, (3+4+5)/3
  assertAllClose(sma(f(1, 2, NaN, 4, 5, 6), 2), f(NaN, 1.5, NaN, NaN, 4.5, 5.5));
  assertAllClose(sma(close, 10), series("sma10"), 1e-10, "pandas rolling(10).mean()");
  assertAllClose(sma(closeGap, 10), series("sma10_gap"), 1e-10, "pandas rolling(10).mean() with a gap");
  assertAllClose(sma(f(7.1, 7.1, 7.1, 7.1), 2), f(NaN, 7.1, 7.1, 7.1), 0); // flat ⇒ exactly the value
});

Deno.test("ema() is seeded with the SMA of the first n values and restarts after a gap", () => {
  // alpha = 2/(3+1) = 0.5: seed (1+2+3)/3 = 2, then 2 + 0.5·(4−2) = 3, 3 + 0.5·(5−3) = 4
  assertAllClose(ema(f(1, 2, 3, 4, 5), 3), f(NaN, NaN, 2, 3, 4));
  // alpha = 2/3: seed 1.5, 1.5 + ⅔·1.5 = 2.5; gap; two valid values again ⇒ seed (5+7)/2 = 6, 6 + ⅔·3 = 8
  assertAllClose(ema(f(1, 2, 3, NaN, 5, 7, 9), 2), f(NaN, 1.5, 2.5, NaN, NaN, 6, 8), 1e-15);
  assertAllClose(
    ema(close, 10),
    series("ema10"),
    1e-10,
    "pandas ewm(span=10, adjust=False) from the SMA seed",
  );
  assertAllClose(ema(closeGap, 10), series("ema10_gap"), 1e-10, "per-run seeded ewm with a gap");
});

Deno.test("wilderRma() smooths with alpha 1/n from an SMA seed", () => {
  // seed (1+2+3)/3 = 2, then 2 + (6 − 2)/3
  assertAllClose(wilderRma(f(1, 2, 3, 6), 3), f(NaN, NaN, 2, 2 + 4 / 3), 1e-15);
  assertAllClose(wilderRma(close, 10), series("wilder10"), 1e-10, "pandas ewm(alpha=1/10, adjust=False)");
});

Deno.test("rsi() is Wilder's RSI, first value at bar n", () => {
  // changes 1, 1, −1; n = 2: avg gain (1+1)/2 = 1, avg loss 0 ⇒ 100; then gain 1 + ½(0 − 1) = ½,
  // loss 0 + ½(1 − 0) = ½ ⇒ 100 · ½ / (½ + ½) = 50
  assertAllClose(rsi(f(1, 2, 3, 2), 2), f(NaN, NaN, 100, 50));
  assertAllClose(rsi(f(5, 5, 5, 5), 2), f(NaN, NaN, 50, 50)); // no change at all ⇒ neutral 50 (documented)
  assertAllClose(rsi(close), series("rsi14"), 1e-9, "pandas Wilder RSI(14)");
  assertAllClose(rsi(closeGap), series("rsi14_gap"), 1e-9, "pandas Wilder RSI(14) with a gap");
});

Deno.test("macd() composes EMAs: line, signal, histogram", () => {
  // On a straight line of slope 1 an EMA lags by (1 − α)/α: ⅓-alpha... fast 2 (α ⅔) lags ½, slow 3 (α ½)
  // lags 1, so macd = 1 − ½ = ½ from bar 2; its EMA(2) signal is ½ from bar 3, histogram 0.
  const m = macd(f(1, 2, 3, 4, 5, 6), 2, 3, 2);
  assertAllClose(m.macd, f(NaN, NaN, 0.5, 0.5, 0.5, 0.5), 1e-15);
  assertAllClose(m.signal, f(NaN, NaN, NaN, 0.5, 0.5, 0.5), 1e-15);
  assertAllClose(m.histogram, f(NaN, NaN, NaN, 0, 0, 0), 1e-15);
  const d = macd(close);
  assertAllClose(d.macd, series("macd"), 1e-10, "pandas ema12 − ema26");
  assertAllClose(d.signal, series("macd_signal"), 1e-10, "pandas ema9 of the line");
  assertAllClose(d.histogram, series("macd_hist"), 1e-10);
  equal(d.signal.findIndex((v) => !Number.isNaN(v)), 33); // 26 − 1 + 9 − 1, as TA-Lib's lookback
  throws(() => macd(close, 26, 12), /fast must be < slow/);
});

Deno.test("bollinger() uses the population std", () => {
  // mean(1,2,3) = 2, σ = sqrt(((1−2)² + 0 + (3−2)²)/3) = sqrt(2/3) = 0.816496…
  const b = bollinger(f(1, 2, 3), 3, 2);
  const sd = Math.sqrt(2 / 3);
  assertAllClose(b.middle, f(NaN, NaN, 2));
  assertAllClose(b.upper, f(NaN, NaN, 2 + 2 * sd), 1e-15);
  assertAllClose(b.lower, f(NaN, NaN, 2 - 2 * sd), 1e-15);
  const p = bollinger(close);
  assertAllClose(p.middle, series("bb_middle"), 1e-10, "pandas rolling(20).mean()");
  assertAllClose(p.upper, series("bb_upper"), 1e-9, "pandas mean + 2·rolling(20).std(ddof=0)");
  assertAllClose(p.lower, series("bb_lower"), 1e-9);
});

Deno.test("atr() is Wilder's average of the true range, first value at bar n", () => {
  // TR: bar 0 NaN; bar 1 max(5−4, |5−1.5|, |4−1.5|) = 3.5; bar 2 max(6−3, |6−4.5|, |3−4.5|) = 3
  const [h, l, c] = [f(2, 5, 6), f(1, 4, 3), f(1.5, 4.5, 5)];
  assertAllClose(trueRange(h, l, c), f(NaN, 3.5, 3));
  assertAllClose(atr(h, l, c, 2), f(NaN, NaN, 3.25)); // (3.5 + 3)/2
  assertAllClose(atr(high, low, close), series("atr14"), 1e-10, "pandas TR → seeded ewm(alpha=1/14)");
  throws(() => atr(h, l, f(1)), /aligned/);
});

Deno.test("donchian() takes the rolling max high / min low including bar t", () => {
  const d = donchian(f(2, 4, 3, 1), f(1, 2, 2, 0), 2);
  assertAllClose(d.upper, f(NaN, 4, 4, 3));
  assertAllClose(d.lower, f(NaN, 1, 2, 0));
  assertAllClose(d.middle, f(NaN, 2.5, 3, 1.5));
  const p = donchian(high, low);
  assertAllClose(p.upper, series("donchian_upper20"), 0, "pandas high.rolling(20).max()");
  assertAllClose(p.lower, series("donchian_lower20"), 0, "pandas low.rolling(20).min()");
});

Deno.test("rollingMin() and rollingMax() agree with a naive scan, NaN windows included", () => {
  assertAllClose(rollingMin(f(3, 1, 2, 5, NaN, 4, 2, 6), 2), f(NaN, 1, 1, 2, NaN, NaN, 2, 2));
  assertAllClose(rollingMax(f(3, 1, 2, 5, NaN, 4, 2, 6), 2), f(NaN, 3, 2, 5, NaN, NaN, 4, 6));
  assertAllClose(rollingMin(closeGap, 7), series("min7_gap"), 0, "pandas rolling(7).min()");
  assertAllClose(rollingMax(closeGap, 7), series("max7_gap"), 0, "pandas rolling(7).max()");
  const rng = createRng(7);
  const x = Float64Array.from(
    { length: 3000 },
    () => (rng.uniform() < 0.01 ? NaN : Math.round(rng.uniform() * 50)),
  );
  for (const n of [1, 3, 17, 250]) {
    const naiveMin = new Float64Array(x.length).fill(NaN);
    const naiveMax = new Float64Array(x.length).fill(NaN);
    for (let t = n - 1; t < x.length; t++) {
      const w = x.subarray(t - n + 1, t + 1);
      if (w.some(Number.isNaN)) continue;
      naiveMin[t] = Math.min(...w);
      naiveMax[t] = Math.max(...w);
    }
    assertAllClose(rollingMin(x, n), naiveMin, 0, `min n=${n}`);
    assertAllClose(rollingMax(x, n), naiveMax, 0, `max n=${n}`);
  }
});

Deno.test("rollingStd() and rollingZscore() match pandas and stay exact on long, offset series", () => {
  assertAllClose(rollingStd(f(1, 2, 4), 2), f(NaN, Math.SQRT1_2, Math.SQRT2), 1e-15); // sqrt(½), sqrt(2)
  assertAllClose(rollingStd(f(1, 2, 4), 2, 0), f(NaN, 0.5, 1), 1e-15);
  assertAllClose(rollingStd(f(5, 5, 5, 5), 3), f(NaN, NaN, 0, 0), 0); // flat window ⇒ exactly 0
  assertAllClose(rollingZscore(f(1, 2, 3), 3), f(NaN, NaN, 1), 1e-15); // (3 − 2)/1
  assertAllClose(rollingZscore(f(5, 5, 5), 2), f(NaN, NaN, NaN)); // no scale ⇒ NaN
  assertAllClose(rollingStd(close, 10), series("std10"), 1e-10, "pandas rolling(10).std()");
  assertAllClose(rollingStd(closeGap, 10), series("std10_gap"), 1e-10, "pandas rolling(10).std() with a gap");
  assertAllClose(rollingZscore(close, 10), series("zscore10"), 1e-9, "pandas (x − mean)/std");
  // 100,000 values around 1e6: running updates must not drift from a direct two-pass window
  const rng = createRng(3);
  const x = Float64Array.from({ length: 100_000 }, () => 1e6 + rng.uniform());
  const [mean, sd] = [rollingMean(x, 20), rollingStd(x, 20)];
  for (const t of [19, 50_000, 99_999]) {
    const w = x.subarray(t - 19, t + 1);
    const m = w.reduce((a, b) => a + b, 0) / 20;
    const s = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / 19);
    assertAllClose([mean[t], sd[t]], [m, s], 1e-9, `t=${t}`);
  }
  throws(() => rollingStd(close, 1), /window must be an integer ≥ 2/);
  throws(() => sma(close, 0), /window must be an integer ≥ 1/);
});

Deno.test("bySecurity() applies a series indicator to every column of a date-major matrix", () => {
  // 3 dates × 2 securities, t * 2 + i: security 0 = 1, 2, 3; security 1 = 10, 20, 40
  const m = f(1, 10, 2, 20, 3, 40);
  assertAllClose(bySecurity(m, 3, 2, (x) => sma(x, 2)), f(NaN, NaN, 1.5, 15, 2.5, 30));
  const tr = bySecurityOf(
    [f(2, 2, 5, 5), f(1, 1, 4, 4), f(1.5, 1.5, 4.5, 4.5)],
    2,
    2,
    ([h, l, c]) => trueRange(h, l, c),
  );
  assertAllClose(tr, f(NaN, NaN, 3.5, 3.5));
  throws(
    () => bySecurity(m, 2, 2, (x) => x),
    /matrix 1 must hold nDates × nSecurities = 2 × 2 = 4 values, found 6/,
  );
  throws(() => bySecurity(m, 3, 2, (x) => x.subarray(1)), /returned 2 values for security 0, expected 3/);
});
