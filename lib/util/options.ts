/**
 * Option bags checked at the door: a misspelt option (`{ lagg: 2 }`) is an error naming it, the
 * closest valid name and every valid one — never silently ignored (the CLIs already refuse unknown
 * flags; the library does the same).
 */

/** Levenshtein distance between two short strings (option names). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/**
 * The valid name closest to `name` (case-insensitive edit distance at most 2, or one containing the
 * other), if any.
 *
 * @example
 * ```ts
 * closestName("lagg", ["lag", "tcBps"]); // => "lag"
 * ```
 */
export function closestName(name: string, valid: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const c = candidate.toLowerCase();
    const d = c.includes(lower) || lower.includes(c) ? 1 : distance(lower, c);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= 2 ? best : undefined;
}

/**
 * Throws a `TypeError` when `options` has a key outside `valid`: `where: unknown option "lagg"
 * (did you mean "lag"?); valid options: lag, residualize, …`. Undefined and null bags pass.
 *
 * @example
 * ```ts
 * checkOptions("backtest", { lag: 1 }, ["lag", "tcBps"]); // ok
 * checkOptions("backtest", { lagg: 1 }, ["lag", "tcBps"]); // TypeError: backtest: unknown option "lagg" (did you mean "lag"?) …
 * ```
 */
export function checkOptions(where: string, options: unknown, valid: readonly string[]): void {
  if (options === undefined || options === null || typeof options !== "object") return;
  const allowed = new Set(valid);
  const unknown = Object.keys(options).filter((key) => !allowed.has(key));
  if (unknown.length === 0) return;
  const named = unknown.map((key) => {
    const near = closestName(key, valid);
    return `"${key}"${near ? ` (did you mean "${near}"?)` : ""}`;
  });
  throw new TypeError(
    `${where}: unknown option${unknown.length > 1 ? "s" : ""} ${named.join(", ")}; valid options: ${
      valid.join(", ")
    }`,
  );
}

/**
 * The keys of an options type as a checked list: the compiler makes sure every key of `T` is listed
 * once and nothing else is (a record with a `true` per key), so `checkOptions` can never reject a
 * real option.
 *
 * @example
 * ```ts
 * const KEYS = optionKeys<{ lag?: number; tcBps?: number }>({ lag: true, tcBps: true }); // ["lag", "tcBps"]
 * ```
 */
export function optionKeys<T>(keys: { [K in keyof Required<T>]: true }): (keyof T & string)[] {
  return Object.keys(keys) as (keyof T & string)[];
}
