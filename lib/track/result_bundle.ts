/**
 * A run's full result as one file, `result.bin`, so an identical rerun can hand back exactly what was
 * computed without computing it again. Any JSON-like value whose leaves may be typed arrays
 * (`Float64Array`, `Float32Array`, `Int32Array`, `Uint8Array`, …) round-trips bit for bit, NaN and
 * ±Infinity included (plain JSON would turn them into `null`).
 *
 * Layout (then gzip): `QNB1`, the header length (u32, little endian), the header — the value as JSON
 * with each typed array replaced by `{"$typed": kind, "offset": bytes, "length": n}` and each
 * non-finite number by `{"$number": "NaN" | "Infinity" | "-Infinity"}` — padded to 8 bytes, then the
 * arrays' bytes, each 8-byte aligned.
 */

const MAGIC = "QNB1";

const KINDS = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
} as const;

type Kind = keyof typeof KINDS;
type Typed = InstanceType<(typeof KINDS)[Kind]>;

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/**
 * Encodes `value` (plain objects, arrays, strings, numbers, booleans, null and typed arrays; no
 * cycles) into gzip-compressed bytes. `undefined` properties are dropped as in JSON.
 *
 * @example
 * ```ts
 * const bytes = await encodeResult({ sharpe: NaN, net: Float64Array.of(0.01, -0.02) });
 * (await decodeResult(bytes) as { sharpe: number }).sharpe; // => NaN
 * ```
 */
export async function encodeResult(value: unknown): Promise<Uint8Array> {
  const arrays: Typed[] = [];
  let offset = 0;
  const header = JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    const raw = key === "" ? v : (this as Record<string, unknown>)[key]; // before toJSON
    if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
      const kind = raw.constructor.name as Kind;
      if (!(kind in KINDS)) throw new TypeError(`encodeResult: ${kind} is not supported`);
      const ref = { $typed: kind, offset, length: (raw as Typed).length };
      arrays.push(raw as Typed);
      offset += align8(raw.byteLength);
      return ref;
    }
    if (typeof raw === "number" && !Number.isFinite(raw)) return { $number: String(raw) };
    if (typeof raw === "bigint") throw new TypeError("encodeResult: bigint is not supported");
    return v;
  });
  const head = new TextEncoder().encode(header);
  const dataStart = align8(8 + head.length);
  const bytes = new Uint8Array(dataStart + offset);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, head.length, true);
  bytes.set(head, 8);
  let at = dataStart;
  for (const array of arrays) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += align8(array.byteLength);
  }
  return await pipe(bytes, new CompressionStream("gzip"));
}

/**
 * Decodes bytes written by `encodeResult` back into the value, typed arrays and non-finite numbers
 * restored. Throws a `TypeError` when the bytes are not such a bundle.
 *
 * @example
 * ```ts
 * const result = await decodeResult(await Deno.readFile("runs/x/result.bin"));
 * ```
 */
export async function decodeResult(compressed: Uint8Array): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await pipe(compressed, new DecompressionStream("gzip"));
  } catch (error) {
    throw new TypeError(`not a result bundle (gzip: ${(error as Error).message})`);
  }
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new TypeError(`not a result bundle (expected the "${MAGIC}" header)`);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const dataStart = bytes.byteOffset + align8(8 + length);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  return JSON.parse(header, (_key, v) => {
    if (v && typeof v === "object" && typeof v.$typed === "string") {
      const Type = KINDS[v.$typed as Kind];
      if (!Type) throw new TypeError(`not a result bundle (unknown array kind ${v.$typed})`);
      const start = dataStart + v.offset;
      // Copy out: a view would keep the whole decompressed buffer alive.
      return new Type((bytes.buffer as ArrayBuffer).slice(start, start + v.length * Type.BYTES_PER_ELEMENT));
    }
    if (v && typeof v === "object" && typeof v.$number === "string") return Number(v.$number);
    return v;
  });
}

async function pipe(
  bytes: Uint8Array,
  transform: { readable: ReadableStream<Uint8Array>; writable: WritableStream<BufferSource> },
): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
