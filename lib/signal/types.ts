/**
 * A signal in the contract's shape: one row per (security_id, date_sig), columnar.
 *
 * - `security_id`: which security.
 * - `date_sig`: the trading day (epoch ms) whose close the signal was computed at.
 * - `date_avail`: when it could first be known (epoch ms); defaults to `date_sig`. Never before `date_sig`.
 * - `signal`: the score; larger = more attractive (long the top fractile).
 */
export interface Signal {
  readonly security_id: readonly string[];
  readonly date_sig: Float64Array;
  readonly date_avail?: Float64Array;
  readonly signal: Float64Array;
  readonly signal_name?: string;
  readonly region?: string;
  readonly universe?: string;
  readonly version?: string;
}
