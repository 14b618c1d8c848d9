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
  | { readonly type: "string"; readonly values: readonly string[] };

const PLAIN = 0;
const RLE = 3;
const RLE_DICTIONARY = 8;
const PHYSICAL = { double: 5, int32: 1, date: 1, int64: 2, timestamp_ms: 2, string: 6 } as const;

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
  if (column.type !== "string") {
    const data = column.type === "int64" || column.type === "timestamp_ms"
      ? rawBytes(BigInt64Array.from(column.values, (v) => BigInt(v)))
      : rawBytes(column.values);
    return {
      pages: [pageHeader(0, data.length, rows, PLAIN), data],
      dictionaryPageBytes: 0,
      encodings: [PLAIN, RLE],
    };
  }
  // dictionary page (PLAIN strings) + data page of RLE_DICTIONARY indices, bit-packed in runs of ≤ 504
  const index = new Map<string, number>();
  const codes = new Int32Array(rows);
  column.values.forEach((v, k) => {
    let code = index.get(v);
    if (code === undefined) index.set(v, code = index.size);
    codes[k] = code;
  });
  const encoder = new TextEncoder();
  const words = [...index.keys()].map((w) => encoder.encode(w));
  const dict = new Uint8Array(words.reduce((n, w) => n + 4 + w.length, 0));
  let at = 0;
  for (const w of words) {
    new DataView(dict.buffer).setInt32(at, w.length, true);
    dict.set(w, at + 4);
    at += 4 + w.length;
  }
  const width = Math.max(1, Math.ceil(Math.log2(Math.max(2, index.size))));
  const groups = Math.ceil(rows / 8);
  const body: number[] = [width];
  for (let g = 0; g < groups; g += 63) {
    const n = Math.min(63, groups - g);
    body.push((n << 1) | 1);
    const packed = new Uint8Array(n * width);
    for (let j = 0; j < n * 8; j++) {
      const row = (g * 8) + j;
      const code = row < rows ? codes[row] : 0;
      for (let b = 0; b < width; b++) {
        if ((code >> b) & 1) {
          const bit = j * width + b;
          packed[bit >> 3] |= 1 << (bit & 7);
        }
      }
    }
    for (const x of packed) body.push(x);
  }
  const data = Uint8Array.from(body);
  const dictHeader = pageHeader(2, dict.length, index.size, PLAIN);
  return {
    pages: [dictHeader, dict, pageHeader(0, data.length, rows, RLE_DICTIONARY), data],
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
    if (t === "string") meta.i32(6, 0).struct(10, () => meta.struct(1, () => {}));
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
