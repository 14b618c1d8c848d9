/**
 * A deterministic synthetic policy rate and CDI, on a trading calendar: what the demo's rate-cycle
 * strategy and the simulator's cash rate read (series "SELIC" and "CDI").
 *
 * ## Model
 *
 * The policy rate (a Selic-like target, % a year) moves only at committee meetings, every
 * `meetingGap` trading days (Brazil's COPOM meets eight times a year, ≈ every 31 business days).
 * A cycle state — easing, hold or tightening — persists between meetings with probability
 * `persistence`; a hold turns into easing or tightening with equal odds, an easing or tightening cycle
 * pauses into a hold. Each easing (tightening) meeting cuts (hikes) by 25, 50 or 75 bps (weights
 * 0.3 / 0.5 / 0.2); the rate stays within [`floor`, `cap`] and a cycle reaching a bound turns into a
 * hold. The CDI tracks the target `cdiSpread` below it, published as BCB series 12 is: the daily rate
 * in % per business day, `((1 + (target − spread) / 100)^(1/252) − 1) × 100`, the rate of day d
 * accruing overnight d → d + 1.
 */
import type { SeriesColumns, SeriesInfoRow } from "../store/tables.ts";
import { createRng } from "../util/rng.ts";

/** Parameters of the generator (every field optional; see `DEFAULT_RATES`). */
export interface SyntheticRatesOptions {
  seed?: number;
  /** Target rate on the first day, % a year. */
  start?: number;
  /** Trading days between committee meetings. */
  meetingGap?: number;
  /** Probability that a cycle state carries to the next meeting. */
  persistence?: number;
  /** Bounds of the target rate, % a year. */
  floor?: number;
  cap?: number;
  /** CDI below the target, percentage points a year. */
  cdiSpread?: number;
}

/** The generator's defaults. */
export const DEFAULT_RATES: Readonly<Required<SyntheticRatesOptions>> = Object.freeze({
  seed: 7,
  start: 8.75,
  meetingGap: 31,
  persistence: 0.8,
  floor: 2,
  cap: 15,
  cdiSpread: 0.1,
});

const STEPS = [0.25, 0.5, 0.75];
const STEP_WEIGHTS = [0.3, 0.5, 0.2];

/**
 * Generates series "SELIC" (policy target, `percent_per_year`, as of each trading day) and "CDI"
 * (`percent_per_day`) on `calendar` (epoch ms, ascending), as the store's series columns and info rows.
 *
 * @example
 * ```ts
 * const { series, series_info } = syntheticRates(calendar);
 * series_info.map((s) => s.series_id); // => ["CDI", "SELIC"]
 * ```
 */
export function syntheticRates(
  calendar: Float64Array,
  options: SyntheticRatesOptions = {},
): { series: SeriesColumns; series_info: SeriesInfoRow[] } {
  const o = { ...DEFAULT_RATES, ...options };
  if (!(o.floor < o.cap) || !(o.start >= o.floor && o.start <= o.cap)) {
    throw new RangeError(
      `syntheticRates: need floor < cap and start within them, found ${o.floor}, ${o.cap}, ${o.start}`,
    );
  }
  if (!(Number.isInteger(o.meetingGap) && o.meetingGap >= 1)) {
    throw new RangeError(`syntheticRates: meetingGap must be an integer ≥ 1, found ${o.meetingGap}`);
  }
  const rng = createRng(o.seed);
  const n = calendar.length;
  const target = new Float64Array(n);
  let rate = o.start, state = 0; // −1 easing, 0 hold, +1 tightening
  for (let t = 0; t < n; t++) {
    if (t > 0 && t % o.meetingGap === 0) {
      if (rng.uniform() > o.persistence) state = state === 0 ? (rng.uniform() < 0.5 ? -1 : 1) : 0;
      if (state !== 0) {
        let u = rng.uniform(), k = 0;
        while (k < STEPS.length - 1 && u > STEP_WEIGHTS[k]) u -= STEP_WEIGHTS[k++];
        rate = Math.min(o.cap, Math.max(o.floor, rate + state * STEPS[k]));
        if (rate === o.cap || rate === o.floor) state = 0;
      }
    }
    target[t] = rate;
  }
  const cdi = Float64Array.from(target, (r) => (Math.pow(1 + (r - o.cdiSpread) / 100, 1 / 252) - 1) * 100);
  return {
    series: {
      series_id: [...new Array(n).fill("CDI"), ...new Array(n).fill("SELIC")],
      date: Float64Array.from([...calendar, ...calendar]),
      value: Float64Array.from([...cdi, ...target]),
    },
    series_info: [
      {
        series_id: "CDI",
        name: "CDI (synthetic), daily rate",
        kind: "rate",
        unit: "percent_per_day",
        source: "synthetic",
      },
      {
        series_id: "SELIC",
        name: "Policy rate target (synthetic)",
        kind: "rate",
        unit: "percent_per_year",
        source: "synthetic",
      },
    ],
  };
}
