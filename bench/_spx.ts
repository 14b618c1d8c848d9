/** The bundled S&P 500 sample (5,104 daily bars, 2000-01-03 → 2020-04-17) as time-series bars. */
import { samplePath } from "../lib/ingest/sample.ts";

/** Reads `vega-datasets/data/sp500-2000.csv` into OHLC bars with UTC-midnight dates. */
export function spxBars(): { [K in "close" | "open" | "high" | "low" | "dates"]: Float64Array } {
  const lines = Deno.readTextFileSync(samplePath()).trim().split("\n").slice(1);
  const col = (k: number) => Float64Array.from(lines, (l) => Number(l.split(",")[k]));
  return {
    dates: Float64Array.from(lines, (l) => Date.parse(`${l.slice(0, 10)}T00:00:00Z`)),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
  };
}
