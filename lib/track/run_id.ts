/** Run ids: `<yyyymmdd-hhmmss>-<slug of experiment>-<config_hash>`. */

/**
 * A filesystem- and URL-safe slug: lower case, runs of anything but `[a-z0-9]` become one `-`, trimmed,
 * at most 40 characters; `"run"` when nothing is left.
 *
 * @example
 * ```ts
 * slugify("Momentum 12-1 (US)"); // => "momentum-12-1-us"
 * ```
 */
export function slugify(text: string): string {
  const slug = text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40)
    .replace(/-+$/, "");
  return slug || "run";
}

/**
 * Builds a run id from the creation time (UTC), the experiment and the 12-hex config hash.
 *
 * @example
 * ```ts
 * runId(new Date("2024-01-02T10:15:00Z"), "momentum", "0123456789ab");
 * // => "20240102-101500-momentum-0123456789ab"
 * ```
 */
export function runId(createdAt: Date, experiment: string, configHash: string): string {
  const stamp = createdAt.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${slugify(experiment)}-${configHash}`;
}
