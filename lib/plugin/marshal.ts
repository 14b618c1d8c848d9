/**
 * Value marshalling of the plugin protocol, both ways: finite numbers as JSON numbers; NaN, Infinity and
 * −Infinity as `{"$f": "NaN" | "Infinity" | "-Infinity"}`; dates as `{"$date": "YYYY-MM-DD"}` (UTC
 * midnights) or `{"$date": "…T…Z"}` (timestamps); files as `{"$parquet": "relative/path"}` (left as is).
 * Typed arrays travel as JSON arrays. The Python side is `lib/python/sdk/quantnb_plugin.py`.
 */

/** A date value as it travels: epoch ms wrapped so it cannot be mistaken for a number. */
export class WireDate {
  constructor(readonly ms: number) {}
  toWire(): { $date: string } {
    const iso = new Date(this.ms).toISOString();
    return { $date: this.ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso };
  }
}

/**
 * Serialises a request to one JSON line (no newline): tagging non-finite numbers, `WireDate`s and `Date`s.
 *
 * @example
 * ```ts
 * toWireJson({ close: NaN, date: new WireDate(Date.UTC(2024, 0, 2)) });
 * // => '{"close":{"$f":"NaN"},"date":{"$date":"2024-01-02"}}'
 * ```
 */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    if (raw instanceof WireDate) return raw.toWire();
    if (raw instanceof Date) return new WireDate(raw.getTime()).toWire();
    if (typeof v === "number" && !Number.isFinite(v)) {
      return { $f: Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity" };
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      return Array.from(v as unknown as ArrayLike<number>);
    }
    return v;
  });
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/**
 * Parses one reply line: `{"$f": …}` back to numbers, `{"$date": …}` to `WireDate`s. Throws a
 * `SyntaxError` (the caller names the plugin and the call) on invalid JSON or an unknown `$f` tag.
 *
 * @example
 * ```ts
 * fromWireJson('{"x":{"$f":"-Infinity"},"d":{"$date":"2024-01-02"}}'); // => { x: -Infinity, d: WireDate(…) }
 * ```
 */
export function fromWireJson(text: string): unknown {
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$f") {
        if (!(v.$f in SPECIAL)) throw new SyntaxError(`unknown number tag {"$f": ${JSON.stringify(v.$f)}}`);
        return SPECIAL[v.$f];
      }
      if (keys.length === 1 && keys[0] === "$date") {
        const ms = typeof v.$date === "string" && /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(v.$date)
          ? Date.parse(v.$date.length === 10 ? `${v.$date}T00:00:00Z` : v.$date)
          : NaN;
        if (Number.isNaN(ms)) throw new SyntaxError(`bad date tag {"$date": ${JSON.stringify(v.$date)}}`);
        return new WireDate(ms);
      }
    }
    return v;
  });
}
