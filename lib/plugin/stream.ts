/**
 * Stream plugins over bars: `on_candle` for every bar (and `on_alert` for every alert on its bar), the
 * replies turned into entry/exit masks, per-entry sizes and limit-price hints that `fromSignals` takes.
 * The context each call gets holds the position the signals so far imply (−1, 0, 1): fills are simulated
 * afterwards, so a stream plugin decides from the data and its own state, never from fills.
 */
import { type Bars, resolveBars } from "../engine/timeseries/bars.ts";
import {
  type Direction,
  fromSignals,
  type FromSignalsOptions,
  type FromSignalsResult,
} from "../engine/timeseries/from_signals.ts";
import { startPlugin } from "./launch.ts";
import { type PluginManifest, requireMode } from "./manifest.ts";
import { WireDate } from "./marshal.ts";
import { validateParams } from "../strategy/params.ts";
import { checkSignal, type PluginSignal } from "./protocol.ts";

/** An external event delivered to `on_alert` after the candle of its bar. */
export interface PluginAlert {
  /** Bar index, or `date` (epoch ms): the alert goes to the first bar on or after it. */
  readonly t?: number;
  readonly date?: number;
  readonly name: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Options of `runStreamPlugin`. */
export interface StreamRunOptions {
  /** Parameter values (validated against the manifest; defaults fill the rest). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Which instrument of the bars the plugin trades (default 0). */
  readonly instrument?: number;
  /** How entries/exits read, for the implied position in the context (default `long`). */
  readonly direction?: Direction;
  readonly alerts?: readonly PluginAlert[];
  /** Volume per bar (length T), passed in each candle. */
  readonly volume?: ArrayLike<number>;
  /** Called every 250 bars and at the end with (bars done, bars). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The plugin's signals, aligned with the bars. */
export interface StreamSignals {
  readonly entries: Uint8Array;
  readonly exits: Uint8Array;
  /** `size` of each entry reply (NaN where none). */
  readonly size: Float64Array;
  /** `price` of the replies (NaN where none): a limit for that signal's order in `backtestStreamPlugin`. */
  readonly price: Float64Array;
  /** `reason` of each bar's last non-hold reply (null where none). */
  readonly reasons: (string | null)[];
  /** The resolved parameters the plugin ran with. */
  readonly params: Record<string, unknown>;
  /** Number of protocol calls made. */
  readonly calls: number;
}

/**
 * Runs a stream plugin over one instrument's bars. Any failure (timeout, exit, crash, invalid JSON, an
 * invalid reply) throws a `PluginError` naming the call and bar, with the plugin's stderr; nothing is
 * returned half done.
 *
 * @example
 * ```ts
 * const plugin = await loadManifest("example_sma");
 * const signals = await runStreamPlugin(plugin, { close, dates }, { params: { fast: 10, slow: 30 } });
 * fromSignals({ close, dates }, signals.entries, signals.exits);
 * ```
 */
export async function runStreamPlugin(
  manifest: PluginManifest,
  prices: Bars | ArrayLike<number>,
  options: StreamRunOptions = {},
): Promise<StreamSignals> {
  requireMode(manifest, "stream");
  const bars = resolveBars(prices);
  const T = bars.nDates;
  const K = bars.nInstruments;
  const k = options.instrument ?? 0;
  if (!(Number.isInteger(k) && k >= 0 && k < K)) {
    throw new RangeError(`instrument must be in [0, ${K}), found ${k}`);
  }
  if (options.volume && options.volume.length !== T) {
    throw new RangeError(`volume has ${options.volume.length} values, expected ${T} bars`);
  }
  const params = validateParams(manifest.name, manifest.params, options.params);
  const alertsAt = alertsByBar(options.alerts ?? [], bars.dates, T);
  const direction = options.direction ?? "long";
  const entries = new Uint8Array(T);
  const exits = new Uint8Array(T);
  const size = new Float64Array(T).fill(NaN);
  const price = new Float64Array(T).fill(NaN);
  const reasons: (string | null)[] = new Array(T).fill(null);
  let position = 0;
  let calls = 1;
  const session = await startPlugin(manifest, {
    params,
    instrument: bars.names[k],
    n_bars: T,
    direction,
    fields: ["open", "high", "low", "close", ...(options.volume ? ["volume"] : [])].filter((f) =>
      f === "close" || f === "volume" || bars[f as "open"] !== undefined
    ),
  });
  const dateOf = (t: number) => (bars.dates ? new WireDate(bars.dates[t]) : null);
  const where = (t: number) =>
    `bar ${t}${bars.dates ? `, ${new Date(bars.dates[t]).toISOString().slice(0, 10)}` : ""}`;
  const apply = (t: number, s: PluginSignal) => {
    if (s.type === "hold") return;
    const entry = s.type === "entry";
    entries[t] = entry ? 1 : 0;
    exits[t] = entry ? 0 : 1;
    if (entry && s.size !== undefined && s.size !== null) size[t] = s.size;
    if (s.price !== undefined && s.price !== null) price[t] = s.price;
    reasons[t] = s.reason ?? null;
    if (direction === "long") position = entry ? 1 : 0;
    else if (direction === "short") position = entry ? -1 : 0;
    else position = entry ? 1 : -1;
  };
  try {
    for (let t = 0; t < T; t++) {
      const i = t * K + k;
      const candle = {
        t,
        date: dateOf(t),
        open: bars.open ? bars.open[i] : bars.close[i],
        high: bars.high ? bars.high[i] : bars.close[i],
        low: bars.low ? bars.low[i] : bars.close[i],
        close: bars.close[i],
        ...(options.volume ? { volume: options.volume[t] } : {}),
      };
      const context = { bar_index: t, n_bars: T, position };
      apply(t, await session.call("on_candle", { candle, context }, `on_candle (${where(t)})`, checkSignal));
      calls++;
      for (const alert of alertsAt.get(t) ?? []) {
        const payload = { name: alert.name, date: dateOf(t), data: alert.data ?? {} };
        const reply = await session.call<PluginSignal>(
          "on_alert",
          { alert: payload, context: { bar_index: t, n_bars: T, position } },
          `on_alert "${alert.name}" (${where(t)})`,
          checkSignal,
        );
        apply(t, reply);
        calls++;
      }
      if ((t + 1) % 250 === 0 || t === T - 1) options.onProgress?.(t + 1, T);
    }
    await session.call(
      "on_exit",
      { context: { bar_index: T - 1, n_bars: T, position } },
      "on_exit",
      () => [],
    );
    calls++;
    await session.close();
  } catch (e) {
    await session.kill();
    throw e;
  }
  return { entries, exits, size, price, reasons, params, calls };
}

/** Alerts grouped by the bar they are delivered at (by index, or the first bar on/after their date). */
function alertsByBar(alerts: readonly PluginAlert[], dates: Float64Array | undefined, T: number) {
  const out = new Map<number, PluginAlert[]>();
  alerts.forEach((a, n) => {
    let t = a.t;
    if (t === undefined && a.date !== undefined) {
      if (!dates) throw new RangeError(`alert ${n} ("${a.name}") has a date but the bars have none: give t`);
      t = dates.findIndex((d) => d >= a.date!);
      if (t < 0) throw new RangeError(`alert ${n} ("${a.name}") is after the last bar`);
    }
    if (!(Number.isInteger(t) && t! >= 0 && t! < T)) {
      throw new RangeError(`alert ${n} ("${a.name}"): t must be a bar index in [0, ${T}), found ${a.t}`);
    }
    out.set(t!, [...(out.get(t!) ?? []), a]);
  });
  return out;
}

/**
 * A stream plugin backtested end to end: `runStreamPlugin`, then `fromSignals` on its entries/exits with
 * the plugin's per-entry sizes (a reply's `size` is a fraction of equity unless `sizeType` says else) and
 * limit prices (a reply's `price`: the order fills on the next bar only if it trades there, else lapses).
 *
 * @example
 * ```ts
 * const { result } = await backtestStreamPlugin(plugin, spx, { params: { fast: 20 }, feesBps: 10 });
 * result.stats.sharpe[0];
 * ```
 */
export async function backtestStreamPlugin(
  manifest: PluginManifest,
  prices: Bars | ArrayLike<number>,
  options: StreamRunOptions & Omit<FromSignalsOptions, "priceColumn" | "size" | "limitPrice"> = {},
): Promise<{ signals: StreamSignals; result: FromSignalsResult }> {
  const bars = resolveBars(prices);
  const signals = await runStreamPlugin(manifest, bars, options);
  const k = options.instrument ?? 0;
  const { params: _p, alerts: _a, volume: _v, onProgress: _o, instrument: _i, ...simulation } = options;
  const result = fromSignals(bars, signals.entries, signals.exits, {
    ...simulation,
    priceColumn: bars.nInstruments > 1 ? [k] : undefined,
    size: signals.size,
    limitPrice: signals.price,
  });
  return { signals, result };
}
