/**
 * Synthetic instruments built from two securities — a spread `A − β·B` and a ratio `A / B` — that any
 * strategy can trade as if they were securities: they are appended to the panel the strategy sees,
 * and the weights it gives them are mapped back onto their two legs before simulation.
 *
 * Prices come from the legs' adjusted prices (so splits and dividends do not jump the level). The
 * weight of an instrument is its gross exposure as a fraction of NAV:
 * - spread `A − β·B`, weight w: `w · A / (A + |β|·B)` on A and `−w · β·B / (A + |β|·B)` on B (one unit
 *   of the spread is one share of A against β shares of B, in adjusted-price units);
 * - ratio `A / B`, weight w: `w / 2` on A and `−w / 2` on B (dollar-neutral).
 * The instrument's `ret` is its P&L per unit of gross exposure: for a spread `Δlevel / (A + |β|·B)` of
 * the previous close, for a ratio `level_t / level_{t−1} − 1`; `high`/`low` are the larger and the
 * smaller of its open and close; `adv` the smaller of the legs'.
 */
import type { Panel } from "../panel/types.ts";

/** The fields an instrument defines (present in its panel whatever the base panel has). */
const INSTRUMENT_FIELDS = ["close", "adj_close", "open", "adj_open", "high", "low", "ret", "ret_oc", "adv"];

/** A synthetic instrument over securities `a` and `b`. */
export interface InstrumentSpec {
  readonly kind: "spread" | "ratio";
  readonly a: string;
  readonly b: string;
  /** Hedge ratio of a spread (default 1); unused by a ratio. */
  readonly beta?: number;
}

/**
 * Parses `spread:A:B[:beta]` or `ratio:A:B` (the `--instrument` option).
 *
 * @example
 * ```ts
 * parseInstrument("spread:PETR4:PETR3:1.1"); // => { kind: "spread", a: "PETR4", b: "PETR3", beta: 1.1 }
 * ```
 */
export function parseInstrument(text: string): InstrumentSpec {
  const parts = text.split(":");
  const [kind, a, b, beta] = parts;
  const betaValue = beta === undefined ? 1 : Number(beta);
  if (
    (kind !== "spread" && kind !== "ratio") || !a || !b || a === b ||
    parts.length > (kind === "spread" ? 4 : 3) || !Number.isFinite(betaValue)
  ) {
    throw new RangeError(
      `instrument: expected spread:A:B[:beta] or ratio:A:B with two different securities, found "${text}"`,
    );
  }
  return kind === "spread" ? { kind, a, b, beta: betaValue } : { kind, a, b };
}

/**
 * The security id of an instrument in the strategy's panel: `SPREAD(A,B,β)` or `RATIO(A,B)`.
 *
 * @example
 * ```ts
 * instrumentId({ kind: "ratio", a: "A", b: "B" }); // => "RATIO(A,B)"
 * ```
 */
export function instrumentId(spec: InstrumentSpec): string {
  return spec.kind === "spread"
    ? `SPREAD(${spec.a},${spec.b},${spec.beta ?? 1})`
    : `RATIO(${spec.a},${spec.b})`;
}

/**
 * Leg weights of a spread position of gross weight `w` at adjusted prices `pa`, `pb` (see the module
 * doc): `[w·pa / (pa + |β|·pb), −w·β·pb / (pa + |β|·pb)]`, so that |leg a| + |leg b| = |w|.
 *
 * @example
 * ```ts
 * spreadLegs(0.1, 30, 15, 2); // => [0.05, -0.05]
 * ```
 */
export function spreadLegs(w: number, pa: number, pb: number, beta: number): [number, number] {
  const gross = pa + Math.abs(beta) * pb;
  return [(w * pa) / gross, (-w * beta * pb) / gross];
}

/** A strategy's panel with instruments, and the map of its weights back onto the base panel. */
export interface InstrumentPanel {
  readonly panel: Panel;
  /** Weights on `panel` (kept securities, then instruments) → weights on the base panel. */
  toBase(weights: Float64Array): Float64Array;
}

/**
 * The panel a strategy sees when it trades instruments: the `keep` securities of `base` (default:
 * none) followed by one column per instrument, with every field of the base panel plus the fields an
 * instrument defines (see the module doc; NaN for an instrument in any other field). `toBase` maps the strategy's weights
 * back: kept securities keep theirs, each instrument's weight goes to its legs, every other security
 * gets 0 on dates the strategy decided (NaN rows stay NaN), and a leg whose instruments have no
 * opinion that day is held (NaN).
 *
 * @example
 * ```ts
 * const { panel, toBase } = withInstruments(base, [parseInstrument("spread:A:B:1")]);
 * const weights = toBase((await generateWeights(entry, panel)).weights);
 * ```
 */
export function withInstruments(
  base: Panel,
  specs: readonly InstrumentSpec[],
  keep: readonly string[] = [],
): InstrumentPanel {
  const T = base.dates.length, N = base.securityIds.length;
  const index = new Map(base.securityIds.map((id, i) => [id, i]));
  const find = (id: string, what: string) => {
    const i = index.get(id);
    if (i === undefined) throw new RangeError(`${what}: security "${id}" is not in the panel`);
    return i;
  };
  const kept = keep.map((id) => find(id, "kept security"));
  const legs = specs.map((s) => [find(s.a, instrumentId(s)), find(s.b, instrumentId(s))] as const);
  const adjClose = base.fields.adj_close, adjOpen = base.fields.adj_open ?? base.fields.adj_close;
  if (specs.length && !adjClose) throw new RangeError("instruments need the panel's adj_close field");
  const M = kept.length + specs.length;
  const fields: Record<string, Float64Array> = {};
  for (const name of new Set([...Object.keys(base.fields), ...(specs.length ? INSTRUMENT_FIELDS : [])])) {
    const values = base.fields[name];
    const out = new Float64Array(T * M).fill(NaN);
    if (values) { for (let t = 0; t < T; t++) kept.forEach((i, j) => (out[t * M + j] = values[t * N + i])); }
    fields[name] = out;
  }
  specs.forEach((spec, s) => {
    const [a, b] = legs[s], j = kept.length + s, beta = spec.beta ?? 1;
    const level = (m: Float64Array, t: number) =>
      spec.kind === "spread" ? m[t * N + a] - beta * m[t * N + b] : m[t * N + a] / m[t * N + b];
    const gross = (m: Float64Array, t: number) => m[t * N + a] + Math.abs(beta) * m[t * N + b];
    for (let t = 0; t < T; t++) {
      const close = level(adjClose, t), open = level(adjOpen, t), c = t * M + j;
      const prev = t > 0 ? level(adjClose, t - 1) : NaN;
      const values: Record<string, number> = {
        close,
        adj_close: close,
        open,
        adj_open: open,
        high: Math.max(open, close),
        low: Math.min(open, close),
        ret: spec.kind === "spread"
          ? (close - prev) / (t > 0 ? gross(adjClose, t - 1) : NaN)
          : close / prev - 1,
        ret_oc: spec.kind === "spread" ? (close - open) / gross(adjOpen, t) : close / open - 1,
        adv: base.fields.adv ? Math.min(base.fields.adv[t * N + a], base.fields.adv[t * N + b]) : NaN,
      };
      for (const name of Object.keys(fields)) fields[name][c] = values[name] ?? NaN;
    }
  });
  const panel: Panel = {
    dates: base.dates,
    securityIds: [...kept.map((i) => base.securityIds[i]), ...specs.map(instrumentId)],
    industries: [...kept.map((i) => base.industries[i]), ...specs.map(() => "instrument")],
    fields,
    periodsPerYear: base.periodsPerYear,
  };
  return {
    panel,
    toBase(weights) {
      if (weights.length !== T * M) {
        throw new RangeError(`instrument weights have ${weights.length} cells, expected ${T} × ${M}`);
      }
      const out = new Float64Array(T * N).fill(NaN);
      const isLeg = new Uint8Array(N);
      for (const [a, b] of legs) isLeg[a] = isLeg[b] = 1;
      for (let t = 0; t < T; t++) {
        let decided = false;
        for (let j = 0; j < M && !decided; j++) decided = !Number.isNaN(weights[t * M + j]);
        if (!decided) continue;
        for (let i = 0; i < N; i++) if (!isLeg[i]) out[t * N + i] = 0;
        kept.forEach((i, j) => (out[t * N + i] = weights[t * M + j]));
        specs.forEach((spec, s) => {
          const w = weights[t * M + kept.length + s];
          if (Number.isNaN(w)) return;
          const [a, b] = legs[s];
          const [wa, wb] = spec.kind === "spread"
            ? spreadLegs(w, adjClose[t * N + a], adjClose[t * N + b], spec.beta ?? 1)
            : [w / 2, -w / 2];
          out[t * N + a] = (Number.isNaN(out[t * N + a]) ? 0 : out[t * N + a]) +
            (Number.isFinite(wa) ? wa : 0);
          out[t * N + b] = (Number.isNaN(out[t * N + b]) ? 0 : out[t * N + b]) +
            (Number.isFinite(wb) ? wb : 0);
        });
      }
      return out;
    },
  };
}
