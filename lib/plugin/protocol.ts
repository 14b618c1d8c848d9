/**
 * The plugin protocol, version 1: JSON lines over stdin/stdout, one request `{"id", "method", "params"}`
 * answered by one `{"id", "result"}` (or `{"id", "error": {"message", "type", "traceback"}}`).
 *
 * | mode   | method                       | params                                  | result                                   |
 * | ------ | ---------------------------- | --------------------------------------- | ---------------------------------------- |
 * | both   | `initialize`                 | `{config: {plugin, mode, params, …}}`   | `{protocol: 1, …}`                        |
 * | stream | `on_candle`                  | `{candle, context}`                     | a signal                                 |
 * | stream | `on_alert`                   | `{alert, context}`                      | a signal                                 |
 * | stream | `on_exit`                    | `{context}`                             | anything (ignored)                       |
 * | batch  | `generate`                   | `{params, data}`                        | `{signal: M}` or `{weights: M}`          |
 * | both   | `shutdown`                   | `{}`                                    | `null`, then exit 0                      |
 *
 * A signal is `{type: "entry" | "exit" | "hold", price?: number > 0, size?: number > 0, reason?: string}`
 * and nothing else: `price` makes its order a limit for the next bar (filled only if that bar reaches it),
 * `size` is the entry's fraction of equity. `M` is `{"$parquet": "path inside the working folder"}` or an inline `T × N` array of
 * arrays. Every reply is checked here before use; see `marshal.ts` for NaN, ±Infinity and dates.
 */

/** The protocol version manifests and `initialize` replies must state. */
export const PROTOCOL_VERSION = 1;

/** A stream plugin's decision for one candle or alert. */
export interface PluginSignal {
  readonly type: "entry" | "exit" | "hold";
  readonly price?: number;
  readonly size?: number;
  readonly reason?: string;
}

/** Where a batch plugin put its matrix. */
export type MatrixRef = { readonly $parquet: string } | readonly (readonly number[])[];

const SIGNAL_KEYS = new Set(["type", "price", "size", "reason"]);

/**
 * Problems with a stream reply (empty when it is a valid signal).
 *
 * @example
 * ```ts
 * checkSignal({ type: "buy" }); // => ['type: expected "entry", "exit" or "hold", found "buy"']
 * ```
 */
export function checkSignal(reply: unknown): string[] {
  if (!reply || typeof reply !== "object" || Array.isArray(reply)) {
    return [`expected a signal object {type, price?, size?, reason?}, found ${show(reply)}`];
  }
  const r = reply as Record<string, unknown>;
  const problems = Object.keys(r).filter((k) => !SIGNAL_KEYS.has(k)).map((k) =>
    `${k}: not a signal field (fields: type, price, size, reason)`
  );
  if (r.type !== "entry" && r.type !== "exit" && r.type !== "hold") {
    problems.push(`type: expected "entry", "exit" or "hold", found ${show(r.type)}`);
  }
  for (const key of ["price", "size"] as const) {
    if (
      r[key] !== undefined && r[key] !== null &&
      !(typeof r[key] === "number" && Number.isFinite(r[key]) && r[key] > 0)
    ) {
      problems.push(`${key}: expected a finite number > 0, found ${show(r[key])}`);
    }
  }
  if (r.reason !== undefined && r.reason !== null && typeof r.reason !== "string") {
    problems.push(`reason: expected a text, found ${show(r.reason)}`);
  }
  return problems;
}

/** Problems with an `initialize` reply. */
export function checkInitialize(reply: unknown): string[] {
  const protocol = (reply as { protocol?: unknown } | null)?.protocol;
  return reply && typeof reply === "object" && protocol === PROTOCOL_VERSION
    ? []
    : [`expected {"protocol": ${PROTOCOL_VERSION}, …}, found ${show(reply)}`];
}

/** Problems with a `generate` reply expecting `output` (`signal` or `weights`). */
export function checkGenerate(reply: unknown, output: "signal" | "weights"): string[] {
  if (!reply || typeof reply !== "object" || Array.isArray(reply)) {
    return [`expected {"${output}": {"$parquet": path} | [[…]]}, found ${show(reply)}`];
  }
  const r = reply as Record<string, unknown>;
  const extra = Object.keys(r).filter((k) => k !== output);
  if (extra.length) return [`expected only "${output}" (this plugin's output), found ${extra.join(", ")}`];
  const m = r[output];
  if (
    m && typeof m === "object" && !Array.isArray(m) &&
    typeof (m as { $parquet?: unknown }).$parquet === "string"
  ) {
    return [];
  }
  if (Array.isArray(m) && m.every((row) => Array.isArray(row) && row.every((v) => typeof v === "number"))) {
    return [];
  }
  return [`${output}: expected {"$parquet": "file.parquet"} or an array of number arrays, found ${show(m)}`];
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
