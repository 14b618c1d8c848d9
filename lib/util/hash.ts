/**
 * Content hashes: SHA-256 through `node:crypto` (files streamed), and a canonical JSON so equal
 * configs hash equally whatever their key order.
 */
import { createHash } from "node:crypto";

/**
 * SHA-256 of a string (UTF-8) or bytes, as 64 lower-case hex characters.
 *
 * @example
 * ```ts
 * await sha256Hex("abc"); // => "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function sha256Hex(data: string | Uint8Array): Promise<string> {
  // node:crypto's digest is synchronous: no async op for the few hundred bytes of a config
  return Promise.resolve(createHash("sha256").update(data).digest("hex"));
}

/**
 * SHA-256 of a file's bytes, as 64 hex characters, streamed in chunks (memory stays flat for
 * snapshot Parquet files of hundreds of MB).
 *
 * @example
 * ```ts
 * await sha256File("snapshots/s1/prices.parquet"); // => "9f86d0…"
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(1 << 20);
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    hash.update(buffer.subarray(0, n));
  }
  return hash.digest("hex");
}

/** The JSON-ready canonical form: sorted keys, typed arrays as arrays, `toJSON` applied, cycles refused. */
function canonical(value: unknown, seen: Set<object>): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) throw new TypeError("stableJson: value contains a cycle");
  seen.add(value);
  let out: unknown;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    out = Array.from(value as unknown as ArrayLike<number | bigint>, (x) => canonical(x, seen));
  } else if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    out = canonical((value as { toJSON(): unknown }).toJSON(), seen);
  } else if (Array.isArray(value)) {
    out = value.map((x) => canonical(x, seen));
  } else {
    const record: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source).sort()) record[key] = canonical(source[key], seen);
    out = record;
  }
  seen.delete(value);
  return out;
}

/**
 * Canonical JSON: object keys sorted (recursively), typed arrays written as plain arrays, bigints as
 * strings, `toJSON` honoured (Dates become ISO strings); otherwise `JSON.stringify` rules (NaN and
 * ±Infinity become `null`, `undefined` properties are dropped). Throws a `TypeError` on cycles.
 *
 * @example
 * ```ts
 * stableJson({ b: 1, a: new Float64Array([0.5]) }); // => '{"a":[0.5],"b":1}'
 * ```
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(canonical(value, new Set())) ?? "null";
}

/**
 * Short config hash: the first 12 hex characters of `sha256(stableJson(value))` (48 bits; collisions
 * are negligible for a run registry).
 *
 * @example
 * ```ts
 * await configHash({ lag: 1, fractiles: 5 }) === await configHash({ fractiles: 5, lag: 1 }); // => true
 * ```
 */
export async function configHash(value: unknown): Promise<string> {
  return (await sha256Hex(stableJson(value))).slice(0, 12);
}
