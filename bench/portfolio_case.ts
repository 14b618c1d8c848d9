/**
 * The benchmark case of the portfolio simulator, shared by `portfolio_bench.ts` and the side-by-side
 * runner: a seeded random market of 500 names × 2,520 days (≈ 10 years) and target weights that change
 * every day (random, fully invested), simulated with the Brazilian tax model, 5 bps commission, 10 bps
 * slippage, whole shares and cash at 10% a year.
 */
import { syntheticCalendar } from "../lib/ingest/calendar.ts";
import type { MarketData, SimulationOptions } from "../lib/portfolio/mod.ts";
import { createRng } from "../lib/util/rng.ts";

/** Days and names of the case. */
export const T = 2520, N = 500;

/** The settings of both cases (`schedule` set per case). */
export const SETTINGS: SimulationOptions = {
  capital: 10_000_000,
  lot: 1,
  commission: { bps: 5 },
  slippage: { bps: 10 },
  cashRate: { kind: "constant", annual: 0.1 },
  tax: "brazil",
};

/** The market (open = previous close × a small gap) and the daily target weights. */
export function portfolioCase(seed = 1): { market: MarketData; weights: Float64Array } {
  const rng = createRng(seed);
  const open = new Float64Array(T * N), close = new Float64Array(T * N);
  const price = Float64Array.from({ length: N }, () => 10 + 90 * rng.uniform());
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      open[t * N + i] = price[i] * Math.exp(0.003 * rng.normal());
      price[i] = open[t * N + i] * Math.exp(0.018 * rng.normal());
      close[t * N + i] = price[i];
    }
  }
  const weights = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    let sum = 0;
    for (let i = 0; i < N; i++) sum += weights[t * N + i] = 0.5 + rng.uniform();
    for (let i = 0; i < N; i++) weights[t * N + i] /= sum;
  }
  const market: MarketData = {
    dates: syntheticCalendar("2010-01-04", T),
    securityIds: Array.from({ length: N }, (_, i) => `S${String(i).padStart(3, "0")}`),
    open,
    close,
  };
  return { market, weights };
}
