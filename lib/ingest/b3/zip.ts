/**
 * Reading ZIP archives (PKWARE APPNOTE 6.3): the central directory (ZIP64 included) gives each
 * entry's method, sizes and offset; an entry is streamed from disk through the runtime's native
 * `DecompressionStream("deflate-raw")` (2.5× faster than a JavaScript inflater in a one-off check on
 * a 250 MB text, see BENCHMARKS.md), so a 250 MB text never sits in memory.
 */

/** One file in the archive. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate (the only two this reader inflates). */
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  offset: number;
}

const EOCD = 0x06054b50, ZIP64_LOCATOR = 0x07064b50, ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50, LOCAL = 0x04034b50;
const READ_CHUNK = 1 << 20;

/** True when the file starts with a ZIP local-header signature. */
export async function isZip(path: string): Promise<boolean> {
  using file = await Deno.open(path);
  const head = new Uint8Array(4);
  const n = await file.read(head);
  return n === 4 && new DataView(head.buffer).getUint32(0, true) === LOCAL;
}

/**
 * The entries of the ZIP archive at `path`, read from its central directory. Throws an `Error` naming
 * the file when it is not a readable ZIP (truncated download, not an archive).
 *
 * @example
 * ```ts
 * const [entry] = await zipEntries("data/raw/b3/COTAHIST_A2024.ZIP");
 * entry.name; // => "COTAHIST_A2024.TXT"
 * ```
 */
export async function zipEntries(path: string): Promise<ZipEntry[]> {
  using file = await Deno.open(path);
  const size = (await file.stat()).size;
  const tailLength = Math.min(size, 22 + 0xffff + 20);
  const tail = await readAt(file, size - tailLength, tailLength);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let e = -1;
  for (let k = tail.length - 22; k >= 0; k--) {
    if (view.getUint32(k, true) === EOCD) {
      e = k;
      break;
    }
  }
  if (e < 0) throw new Error(`${path}: not a ZIP archive (no end-of-central-directory record; truncated?)`);
  let count = view.getUint16(e + 10, true);
  let cdSize = view.getUint32(e + 12, true);
  let cdOffset = view.getUint32(e + 16, true);
  if (e >= 20 && view.getUint32(e - 20, true) === ZIP64_LOCATOR) {
    const at = Number(view.getBigUint64(e - 12, true));
    const record = await readAt(file, at, 56);
    const r = new DataView(record.buffer, record.byteOffset, record.byteLength);
    if (r.getUint32(0, true) !== ZIP64_EOCD) {
      throw new Error(`${path}: broken ZIP64 end-of-central-directory`);
    }
    count = Number(r.getBigUint64(32, true));
    cdSize = Number(r.getBigUint64(40, true));
    cdOffset = Number(r.getBigUint64(48, true));
  }
  if (cdOffset + cdSize > size) {
    throw new Error(`${path}: central directory beyond the end of the file (truncated?)`);
  }
  const cd = await readAt(file, cdOffset, cdSize);
  const c = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  for (let p = 0, k = 0; k < count; k++) {
    if (c.getUint32(p, true) !== CENTRAL) {
      throw new Error(`${path}: broken central directory at entry ${k + 1}`);
    }
    const nameLength = c.getUint16(p + 28, true), extraLength = c.getUint16(p + 30, true);
    const commentLength = c.getUint16(p + 32, true);
    const entry: ZipEntry = {
      name: new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLength)),
      method: c.getUint16(p + 10, true),
      compressedSize: c.getUint32(p + 20, true),
      size: c.getUint32(p + 24, true),
      offset: c.getUint32(p + 42, true),
    };
    applyZip64Extra(entry, c, p + 46 + nameLength, extraLength);
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** ZIP64 extended information (extra field 0x0001): 64-bit sizes/offset for the fields set to 0xFFFFFFFF. */
function applyZip64Extra(entry: ZipEntry, c: DataView, start: number, length: number): void {
  for (let p = start; p + 4 <= start + length;) {
    const id = c.getUint16(p, true), n = c.getUint16(p + 2, true);
    if (id === 1) {
      let q = p + 4;
      const next = () => {
        const v = Number(c.getBigUint64(q, true));
        q += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.offset === 0xffffffff) entry.offset = next();
    }
    p += 4 + n;
  }
}

/**
 * Streams the uncompressed bytes of `entry` of the archive at `path`. Throws when the method is not
 * stored/deflate, or when the inflated size differs from the directory's (a corrupt archive).
 *
 * @example
 * ```ts
 * for await (const chunk of zipEntryChunks(path, entry)) total += chunk.length;
 * ```
 */
export async function* zipEntryChunks(path: string, entry: ZipEntry): AsyncGenerator<Uint8Array> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new Error(
      `${path}: entry ${entry.name} uses compression method ${entry.method}; expected 0 (stored) or 8 (deflate)`,
    );
  }
  using file = await Deno.open(path);
  const local = await readAt(file, entry.offset, 30);
  const l = new DataView(local.buffer, local.byteOffset, local.byteLength);
  if (l.getUint32(0, true) !== LOCAL) throw new Error(`${path}: no local header for entry ${entry.name}`);
  const start = entry.offset + 30 + l.getUint16(26, true) + l.getUint16(28, true);
  const raw = rangeStream(file, start, entry.compressedSize);
  const stream: ReadableStream<Uint8Array> = entry.method === 8
    ? raw.pipeThrough(new DecompressionStream("deflate-raw") as TransformStream<Uint8Array, Uint8Array>)
    : raw;
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += chunk.length;
      yield chunk;
    }
  } catch (error) {
    throw new Error(`${path}: entry ${entry.name} is corrupt (${(error as Error).message})`);
  }
  if (total !== entry.size) {
    throw new Error(
      `${path}: entry ${entry.name} inflated to ${total} bytes, the archive says ${entry.size}`,
    );
  }
}

/** `length` bytes of `file` from `offset`, as a byte stream read in 1 MiB pieces. */
function rangeStream(file: Deno.FsFile, offset: number, length: number): ReadableStream<Uint8Array> {
  let position = offset;
  const end = offset + length;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (position >= end) {
        controller.close();
        return;
      }
      const piece = await readAt(file, position, Math.min(READ_CHUNK, end - position));
      if (piece.length === 0) {
        controller.error(new Error(`unexpected end of file at byte ${position}`));
        return;
      }
      position += piece.length;
      controller.enqueue(piece);
    },
  });
}

/** Up to `length` bytes of `file` at `offset` (fewer only at the end of the file). */
async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(out.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return out.subarray(0, filled);
}

/** One file to put in an archive: its bytes, or a function streaming them (for files too big to hold). */
export interface ZipInput {
  name: string;
  data: Uint8Array | (() => AsyncIterable<Uint8Array>);
}

/**
 * Writes a ZIP archive of deflated entries (CRC-32, sizes, central directory), the way B3 ships
 * COTAHIST files; used for synthetic market files and tests. Entries are streamed through the native
 * `CompressionStream`, so a 250 MB text needs no more memory than a chunk. Written to a temp file and
 * renamed into place. Sizes must stay below 4 GiB.
 *
 * @example
 * ```ts
 * await writeZip("COTAHIST_A2024.ZIP", [{ name: "COTAHIST_A2024.TXT", data: latin1Bytes(text) }]);
 * ```
 */
export async function writeZip(path: string, inputs: readonly ZipInput[]): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  const central: Uint8Array[] = [];
  try {
    using file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    let offset = 0;
    for (const input of inputs) {
      const name = new TextEncoder().encode(input.name);
      const local = new Uint8Array(30 + name.length);
      const l = new DataView(local.buffer);
      l.setUint32(0, LOCAL, true);
      l.setUint16(4, 20, true);
      l.setUint16(8, 8, true);
      l.setUint16(26, name.length, true);
      local.set(name, 30);
      await writeAllTo(file, local);
      let crc = 0xffffffff, size = 0, compressedSize = 0;
      const source = typeof input.data === "function" ? input.data() : once(input.data);
      const plain = ReadableStream.from(source).pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            crc = crc32Update(crc, chunk);
            size += chunk.length;
            controller.enqueue(chunk);
          },
        }),
      );
      for await (
        const chunk of plain.pipeThrough(
          new CompressionStream("deflate-raw") as unknown as TransformStream<Uint8Array, Uint8Array>,
        )
      ) {
        await writeAllTo(file, chunk);
        compressedSize += chunk.length;
      }
      crc = (crc ^ 0xffffffff) >>> 0;
      l.setUint32(14, crc, true);
      l.setUint32(18, compressedSize, true);
      l.setUint32(22, size, true);
      await file.seek(offset, Deno.SeekMode.Start);
      await writeAllTo(file, local);
      await file.seek(0, Deno.SeekMode.End);
      const entry = new Uint8Array(46 + name.length);
      const c = new DataView(entry.buffer);
      c.setUint32(0, CENTRAL, true);
      c.setUint16(4, 20, true);
      c.setUint16(6, 20, true);
      c.setUint16(10, 8, true);
      c.setUint32(16, crc, true);
      c.setUint32(20, compressedSize, true);
      c.setUint32(24, size, true);
      c.setUint16(28, name.length, true);
      c.setUint32(42, offset, true);
      entry.set(name, 46);
      central.push(entry);
      offset += local.length + compressedSize;
    }
    const cdSize = central.reduce((n, e) => n + e.length, 0);
    for (const entry of central) await writeAllTo(file, entry);
    const end = new Uint8Array(22);
    const e = new DataView(end.buffer);
    e.setUint32(0, EOCD, true);
    e.setUint16(8, inputs.length, true);
    e.setUint16(10, inputs.length, true);
    e.setUint32(12, cdSize, true);
    e.setUint32(16, offset, true);
    await writeAllTo(file, end);
    await file.sync();
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  await Deno.rename(tmp, path);
}

async function* once(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield data;
}

async function writeAllTo(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let k = 0; k < bytes.length;) k += await file.write(bytes.subarray(k));
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, the ZIP checksum) of `data`. */
export function crc32(data: Uint8Array): number {
  return (crc32Update(0xffffffff, data) ^ 0xffffffff) >>> 0;
}

/** The running (not yet finalised) CRC-32 state after `data`. */
function crc32Update(state: number, data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = state;
  for (let k = 0; k < data.length; k++) crc = crcTable[(crc ^ data[k]) & 0xff] ^ (crc >>> 8);
  return crc;
}
