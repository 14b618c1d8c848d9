/**
 * Technical indicators on typed series. Every function takes `Float64Array` series (any
 * `ArrayLike<number>`; NaN = missing) and returns new `Float64Array`s of the same length, NaN until the
 * window is full and wherever the window holds a NaN. Exponential averages (EMA, Wilder) restart after a
 * gap: they are NaN until `n` valid values follow it, then re-seeded with their SMA (TA-Lib seeding).
 * `bySecurity` applies any of them to each column of a date-major panel matrix.
 *
 * @example
 * ```ts
 * import { bySecurity, rsi, sma } from "./mod.ts";
 * const close = new Float64Array([10, 11, 12, 11, 13, 14]);
 * sma(close, 3); // => [NaN, NaN, 11, 11.333…, 12, 12.666…]
 * const rsi14 = bySecurity(panel.close, T, N, (x) => rsi(x, 14));
 * ```
 *
 * @module
 */
export { ema, sma, wilderRma } from "./moving_average.ts";
export { rollingMax, rollingMean, rollingMin, rollingStd, rollingZscore } from "./rolling.ts";
export { type Macd, macd, rsi } from "./oscillators.ts";
export { type Bollinger, bollinger, type Donchian, donchian } from "./bands.ts";
export { atr, trueRange } from "./volatility.ts";
export { bySecurity, bySecurityOf } from "./by_security.ts";
