/**
 * The construction benchmarks' data: 500 return streams × 2,520 days from 5 seeded factors (loadings
 * cycling with the stream index) plus idiosyncratic noise, row-major `T × K`. The same bytes feed the
 * TypeScript and the Python side (`construct_python.py` reads them as float64).
 */
import { createRng } from "../lib/util/rng.ts";

/** The returns matrix and its shape. */
export function constructionCase(streams = 500, bars = 2520, seed = 1): {
  returns: Float64Array;
  streams: number;
  bars: number;
} {
  const rng = createRng(seed);
  const factors = Float64Array.from({ length: bars * 5 }, () => 0.01 * rng.normal());
  const returns = new Float64Array(bars * streams);
  for (let t = 0; t < bars; t++) {
    for (let i = 0; i < streams; i++) {
      returns[t * streams + i] = factors[t * 5 + (i % 5)] * (0.5 + (i % 7) / 7) + 0.01 * rng.normal() +
        0.0002;
    }
  }
  return { returns, streams, bars };
}
