/** `redis://[:password@]host:port[/db]` as the connection options BullMQ takes. */

/** A Redis connection for BullMQ (`maxRetriesPerRequest: null`, as BullMQ workers require). */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  readonly username?: string;
  readonly db?: number;
  readonly maxRetriesPerRequest: null;
}

/**
 * Parses a Redis URL; anything but `redis://host:port[/db]` (with optional credentials) is a clear
 * `TypeError`.
 *
 * @example
 * ```ts
 * parseRedisUrl("redis://127.0.0.1:6379/2"); // => { host: "127.0.0.1", port: 6379, db: 2, maxRetriesPerRequest: null }
 * ```
 */
export function parseRedisUrl(url: string): RedisConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`--queue expects redis://HOST:PORT, found "${url}"`);
  }
  if (parsed.protocol !== "redis:" || !parsed.hostname) {
    throw new TypeError(`--queue expects redis://HOST:PORT, found "${url}"`);
  }
  const port = parsed.port ? Number(parsed.port) : 6379;
  const path = parsed.pathname.replace(/^\//, "");
  if (path && !/^\d+$/.test(path)) throw new TypeError(`--queue: the database in "${url}" must be a number`);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ""),
    port,
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(path ? { db: Number(path) } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The queue batch jobs go through, unless named otherwise. */
export const DEFAULT_QUEUE = "quantnb-jobs";
