/**
 * A minimal Parquet writer for handing panels to plugins: one row group, uncompressed, REQUIRED columns,
 * DOUBLE and INT32/INT64 values PLAIN (NaN kept as NaN), strings dictionary-encoded. Typed arrays go into
 * the file as bytes, so a 500 × 2520 panel is written in milliseconds; any Parquet reader (DuckDB,
 * pyarrow, the plugin SDK's own reader) reads it. Files are written atomically (temp + rename).
 */
import { writeFileAtomic } from "../util/atomic.ts";

/** A column to write: doubles, 32/64-bit integers (optionally DATE / TIMESTAMP(ms, UTC)), or strings. */
export type ParquetColumn =
  | { readonly type: "double"; readonly values: Float64Array }
  | { readonly type: "int32" | "date"; readonly values: Int32Array }
  | { readonly type: "int64" | "timestamp_ms"; readonly values: Float64Array }
  | { readonly type: "string"; readonly values: readonly string[] }
  /** Strings given as codes into `dictionary` (a panel's security ids: `codes[t·N + i] = i`). */
  | { readonly type: "dictionary"; readonly values: Int32Array; readonly dictionary: readonly string[] };

const PLAIN = 0;
const RLE = 3;
const RLE_DICTIONARY = 8;
const PHYSICAL = {
  double: 5,
  int32: 1,
  date: 1,
  int64: 2,
  timestamp_ms: 2,
  string: 6,
  dictionary: 6,
} as const;

/** Thrift compact protocol writer (the subset Parquet's metadata needs). */
class Compact {
  bytes: number[] = [];
  private last: number[] = [0];
  varint(n: number): void {
    let v = BigInt(n);
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v) b |= 0x80;
      this.bytes.push(b);
    } while (v);
  }
  private zigzag(n: number): void {
    const v = BigInt(n);
    this.varint(Number(v >= 0n ? v << 1n : ((-v) << 1n) - 1n));
  }
  private field(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1];
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, n: number): this {
    this.field(id, 5);
    this.zigzag(n);
    return this;
  }
  i64(id: number, n: number): this {
    this.field(id, 6);
    this.zigzag(n);
    return this;
  }
  bool(id: number, value: boolean): this {
    this.field(id, value ? 1 : 2);
    return this;
  }
  binary(id: number, text: string): this {
    const b = new TextEncoder().encode(text);
    this.field(id, 8);
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }
  struct(id: number, body: () => void): this {
    this.field(id, 12);
    this.inner(body);
    return this;
  }
  /** A list of structs (`body(item)` writes each one's fields), of i32 or of strings. */
  list<T>(
    id: number,
    type: "struct" | "i32" | "string",
    items: readonly T[],
    body?: (item: T) => void,
  ): this {
    const code = type === "struct" ? 12 : type === "i32" ? 5 : 8;
    this.field(id, 9);
    if (items.length < 15) this.bytes.push((items.length << 4) | code);
    else {
      this.bytes.push(0xf0 | code);
      this.varint(items.length);
    }
    for (const item of items) {
      if (type === "struct") this.inner(() => body!(item));
      else if (type === "i32") this.zigzag(item as number);
      else {
        const b = new TextEncoder().encode(item as string);
        this.varint(b.length);
        for (const x of b) this.bytes.push(x);
      }
    }
    return this;
  }
  private inner(body: () => void): void {
    this.last.push(0);
    body();
    this.bytes.push(0);
    this.last.pop();
  }
  stop(): Uint8Array {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

/** One encoded column: its pages' bytes and where the data page starts within them. */
interface EncodedColumn {
  readonly pages: Uint8Array[];
  readonly dictionaryPageBytes: number;
  readonly encodings: number[];
}

function pageHeader(type: 0 | 2, size: number, count: number, encoding: number): Uint8Array {
  const h = new Compact().i32(1, type).i32(2, size).i32(3, size);
  if (type === 0) h.struct(5, () => h.i32(1, count).i32(2, encoding).i32(3, RLE).i32(4, RLE));
  else h.struct(7, () => h.i32(1, count).i32(2, PLAIN));
  return h.stop();
}

function rawBytes(values: Float64Array | Int32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function encodeColumn(column: ParquetColumn, rows: number): EncodedColumn {
  if (column.type === "string") {
    const index = new Map<string, number>();
    const codes = new Int32Array(rows);
    column.values.forEach((v, k) => {
      let code = index.get(v);
      if (code === undefined) index.set(v, code = index.size);
      codes[k] = code;
    });
    return encodeDictionary(codes, [...index.keys()]);
  }
  if (column.type === "dictionary") return encodeDictionary(column.values, column.dictionary);
  const data = column.type === "int64" || column.type === "timestamp_ms"
    ? rawBytes(BigInt64Array.from(column.values, (v) => BigInt(v)))
    : rawBytes(column.values);
  return {
    pages: [pageHeader(0, data.length, rows, PLAIN), data],
    dictionaryPageBytes: 0,
    encodings: [PLAIN, RLE],
  };
}

/** A dictionary page (PLAIN strings) + a data page of RLE_DICTIONARY codes, bit-packed in runs of ≤ 504. */
function encodeDictionary(codes: Int32Array, dictionary: readonly string[]): EncodedColumn {
  const rows = codes.length;
  const encoder = new TextEncoder();
  const words = dictionary.map((w) => encoder.encode(w));
  const dict = new Uint8Array(words.reduce((n, w) => n + 4 + w.length, 0));
  const view = new DataView(dict.buffer);
  let at = 0;
  for (const w of words) {
    view.setInt32(at, w.length, true);
    dict.set(w, at + 4);
    at += 4 + w.length;
  }
  const width = Math.max(1, Math.ceil(Math.log2(Math.max(2, dictionary.length))));
  if (width > 24) throw new RangeError(`writeParquet: ${dictionary.length} distinct strings is too many`);
  for (let k = 0; k < rows; k++) {
    if (!(codes[k] >= 0 && codes[k] < dictionary.length)) {
      throw new RangeError(
        `writeParquet: code ${codes[k]} at row ${k} is not in the dictionary of ${dictionary.length}`,
      );
    }
  }
  const groups = Math.ceil(rows / 8);
  const runs = Math.ceil(groups / 63);
  const data = new Uint8Array(1 + runs + groups * width);
  data[0] = width;
  let pos = 1;
  for (let g = 0; g < groups; g += 63) {
    const n = Math.min(63, groups - g);
    data[pos++] = (n << 1) | 1; // < 128: a one-byte varint header
    let acc = 0;
    let bits = 0;
    for (let row = g * 8, end = (g + n) * 8; row < end; row++) {
      acc |= (row < rows ? codes[row] : 0) << bits;
      bits += width;
      while (bits >= 8) {
        data[pos++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
  }
  const dictHeader = pageHeader(2, dict.length, dictionary.length, PLAIN);
  return {
    pages: [dictHeader, dict, pageHeader(0, pos, rows, RLE_DICTIONARY), data.subarray(0, pos)],
    dictionaryPageBytes: dictHeader.length + dict.length,
    encodings: [PLAIN, RLE, RLE_DICTIONARY],
  };
}

/**
 * Writes columns of equal length to a Parquet file (atomically).
 *
 * @example
 * ```ts
 * await writeParquet("panel.parquet", {
 *   date: { type: "date", values: Int32Array.of(19725, 19726) },
 *   close: { type: "double", values: Float64Array.of(10.5, NaN) },
 * });
 * ```
 */
export async function writeParquet(
  path: string,
  columns: Readonly<Record<string, ParquetColumn>>,
): Promise<void> {
  const names = Object.keys(columns);
  if (names.length === 0) throw new RangeError(`writeParquet ${path}: no columns`);
  const rows = columns[names[0]].values.length;
  for (const name of names) {
    if (columns[name].values.length !== rows) {
      throw new RangeError(
        `writeParquet ${path}: column "${name}" has ${columns[name].values.length} values, expected ${rows}`,
      );
    }
  }
  const parts: Uint8Array[] = [new TextEncoder().encode("PAR1")];
  let offset = 4;
  const chunks = names.map((name) => {
    const enc = encodeColumn(columns[name], rows);
    const start = offset;
    const size = enc.pages.reduce((n, p) => n + p.length, 0);
    parts.push(...enc.pages);
    offset += size;
    return { name, column: columns[name], enc, start, size };
  });
  const meta = new Compact().i32(1, 1);
  meta.list(2, "struct", [null, ...chunks], (c) => {
    if (c === null) {
      meta.binary(4, "schema").i32(5, chunks.length);
      return;
    }
    meta.i32(1, PHYSICAL[c.column.type]).i32(3, 0).binary(4, c.name);
    const t = c.column.type;
    if (t === "string" || t === "dictionary") meta.i32(6, 0).struct(10, () => meta.struct(1, () => {}));
    else if (t === "date") meta.i32(6, 6).struct(10, () => meta.struct(6, () => {}));
    else if (t === "timestamp_ms") {
      meta.i32(6, 9).struct(10, () =>
        meta.struct(8, () => {
          meta.bool(1, true);
          meta.struct(2, () => meta.struct(1, () => {}));
        }));
    }
  });
  meta.i64(3, rows);
  meta.list(4, "struct", [0], () => {
    meta.list(1, "struct", chunks, (c) => {
      meta.i64(2, c.start);
      meta.struct(3, () => {
        meta.i32(1, PHYSICAL[c.column.type]);
        meta.list(2, "i32", c.enc.encodings);
        meta.list(3, "string", [c.name]);
        meta.i32(4, 0).i64(5, rows).i64(6, c.size).i64(7, c.size).i64(9, c.start + c.enc.dictionaryPageBytes);
        if (c.enc.dictionaryPageBytes) meta.i64(11, c.start);
      });
    });
    meta.i64(2, offset - 4).i64(3, rows);
  });
  meta.binary(6, "quantnb");
  const footer = meta.stop();
  const length = new Uint8Array(4);
  new DataView(length.buffer).setInt32(0, footer.length, true);
  parts.push(footer, length, new TextEncoder().encode("PAR1"));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  await writeFileAtomic(path, out);
}

/** Thrift compact protocol reader: structs as `Map<field id, value>`. */
class CompactReader {
  constructor(private readonly bytes: Uint8Array, public pos = 0) {}
  private varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * scale;
      if (!(b & 0x80)) return result;
      scale *= 128;
    }
  }
  private zigzag(): number {
    const n = this.varint();
    return n % 2 ? -(n + 1) / 2 : n / 2;
  }
  value(type: number): unknown {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3:
        return this.bytes[this.pos++];
      case 4:
      case 5:
      case 6:
        return this.zigzag();
      case 7: {
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case 8: {
        const n = this.varint();
        const v = this.bytes.subarray(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case 9:
      case 10: {
        const head = this.bytes[this.pos++];
        const size = head >> 4 === 15 ? this.varint() : head >> 4;
        const elem = head & 0x0f;
        return Array.from(
          { length: size },
          () => (elem === 1 || elem === 2 ? this.bytes[this.pos++] === 1 : this.value(elem)),
        );
      }
      case 11: {
        const size = this.varint();
        const types = size ? this.bytes[this.pos++] : 0;
        return Array.from({ length: size }, () => [this.value(types >> 4), this.value(types & 0x0f)]);
      }
      case 12:
        return this.struct();
      default:
        throw new RangeError(`thrift: unknown compact type ${type}`);
    }
  }
  struct(): Map<number, unknown> {
    const fields = new Map<number, unknown>();
    let last = 0;
    for (;;) {
      const head = this.bytes[this.pos++];
      if (head === 0) return fields;
      const id = head >> 4 ? last + (head >> 4) : this.zigzag();
      fields.set(id, this.value(head & 0x0f));
      last = id;
    }
  }
}

/**
 * Reads a Parquet file holding one uncompressed, PLAIN-encoded, non-null DOUBLE column (what the plugin
 * SDK's `write_parquet` makes of a float array) straight into a Float64Array; `undefined` for any other
 * layout (the caller then reads it with DuckDB).
 *
 * @example
 * ```ts
 * const values = await readDenseDoubles("output/signal.parquet"); // Float64Array | undefined
 * ```
 */
export async function readDenseDoubles(path: string): Promise<Float64Array | undefined> {
  const bytes = await Deno.readFile(path);
  const n = bytes.length;
  const magic = (at: number) =>
    bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 && bytes[at + 3] === 0x31;
  if (n < 12 || !magic(0) || !magic(n - 4)) return undefined;
  const metaLength = new DataView(bytes.buffer, bytes.byteOffset + n - 8, 4).getInt32(0, true);
  const meta = new CompactReader(bytes, n - 8 - metaLength).struct();
  const schema = meta.get(2) as Map<number, unknown>[];
  const groups = (meta.get(4) ?? []) as Map<number, unknown>[];
  if (schema.length !== 2 || schema[1].get(1) !== 5 || (schema[1].get(3) ?? 0) !== 0) return undefined;
  const rows = Number(meta.get(3));
  const out = new Float64Array(rows);
  let filled = 0;
  for (const group of groups) {
    const chunk = ((group.get(1) as Map<number, unknown>[])[0].get(3)) as Map<number, unknown>;
    if ((chunk.get(4) ?? 0) !== 0 || chunk.get(11) !== undefined) return undefined; // compressed or dictionary
    let pos = Number(chunk.get(9));
    const values = Number(chunk.get(5));
    for (let seen = 0; seen < values;) {
      const reader = new CompactReader(bytes, pos);
      const header = reader.struct();
      const body = reader.pos;
      pos = body + Number(header.get(3));
      if (header.get(1) !== 0) return undefined; // only v1 data pages
      const page = header.get(5) as Map<number, unknown>;
      const count = Number(page.get(1));
      if (page.get(2) !== PLAIN) return undefined;
      out.set(new Float64Array(bytes.slice(body, body + 8 * count).buffer), filled);
      filled += count;
      seen += count;
    }
  }
  return filled === rows ? out : undefined;
}
