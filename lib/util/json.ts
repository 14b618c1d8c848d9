/**
 * JSON that keeps every number: `JSON.stringify` turns NaN and ±Infinity into `null`, losing the
 * difference between "undefined" and "infinite". Here NaN stays `null` (missing / undefined) and
 * ±Infinity are written as the strings `"Infinity"` / `"-Infinity"`; `parseJsonNumbers` reads them
 * back, so a value round-trips exactly.
 */

/**
 * `JSON.stringify` with the sentinel: NaN → `null`, ±Infinity → `"Infinity"` / `"-Infinity"`.
 * Typed arrays are written as arrays.
 *
 * @example
 * ```ts
 * stringifyJson({ sharpe: Infinity, beta: NaN }); // => '{"sharpe":"Infinity","beta":null}'
 * ```
 */
export function stringifyJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_key, v) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      return Array.from(v as unknown as ArrayLike<number>);
    }
    if (typeof v !== "number" || Number.isFinite(v)) return v;
    return Number.isNaN(v) ? null : v > 0 ? "Infinity" : "-Infinity";
  }, space);
}

/**
 * Parses JSON written by `stringifyJson`: `"Infinity"` / `"-Infinity"` become numbers again and,
 * with `nullAsNaN`, `null` becomes NaN.
 *
 * @example
 * ```ts
 * parseJsonNumbers('{"sharpe":"Infinity","beta":null}', true); // => { sharpe: Infinity, beta: NaN }
 * ```
 */
export function parseJsonNumbers(text: string, nullAsNaN = false): unknown {
  return JSON.parse(text, (_key, v) => {
    if (v === "Infinity") return Infinity;
    if (v === "-Infinity") return -Infinity;
    return v === null && nullAsNaN ? NaN : v;
  });
}
