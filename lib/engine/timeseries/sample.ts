/** The bundled S&P 500 sample as time-series bars (examples, benchmarks, tests), without a store. */
import { samplePath } from "../../ingest/sample.ts";

/**
 * Reads `vega-datasets/data/sp500-2000.csv` (daily S&P 500 OHLC, 2000-01-03 → 2020-04-17) into bars with
 * UTC-midnight dates, named `SPX`.
 *
 * @example
 * ```ts
 * const spx = sampleBars(); // { close, open, high, low, dates, names: ["SPX"] }
 * ```
 */
export function sampleBars(): {
  close: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  volume: Float64Array;
  dates: Float64Array;
  names: string[];
} {
  const lines = Deno.readTextFileSync(samplePath()).trim().split("\n").slice(1).map((l) => l.split(","));
  const col = (k: number) => Float64Array.from(lines, (l) => Number(l[k]));
  return {
    dates: Float64Array.from(lines, (l) => Date.parse(`${l[0]}T00:00:00Z`)),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(6),
    names: ["SPX"],
  };
}
