/**
 * Typed arrays in shared memory: a `SharedArrayBuffer`-backed array posted to a Web Worker is seen
 * by both threads, not copied, so the memory of a suite does not grow with its worker count.
 */

/** The typed arrays quantnb shares with workers. */
export type SharedView = Float64Array | Int32Array | Uint8Array;

/**
 * True when `a` lives in a SharedArrayBuffer (posting it to a worker shares it).
 *
 * @example
 * ```ts
 * isShared(new Float64Array(3)); // => false
 * isShared(sharedFloat64(3)); // => true
 * ```
 */
export function isShared(a: ArrayBufferView): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

/** A zero-filled Float64Array of `n` elements in shared memory. */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * n));
}

/** A zero-filled Int32Array of `n` elements in shared memory. */
export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n));
}

/** A zero-filled Uint8Array of `n` elements in shared memory. */
export function sharedUint8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

/**
 * `a` itself when it already lives in shared memory, else a copy of it that does.
 *
 * @example
 * ```ts
 * const s = toShared(Float64Array.of(1, 2)); // same values, SharedArrayBuffer-backed
 * toShared(s) === s; // => true
 * ```
 */
export function toShared<T extends SharedView>(a: T): T {
  if (isShared(a)) return a;
  const copy = new (a.constructor as new (buffer: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(a.byteLength),
  );
  copy.set(a as never);
  return copy;
}
