/**
 * A file's identity without reading it: size, modification time, inode and device. Equal
 * identities mean the file was not rewritten in between (an atomic rename gives a new inode), which
 * is how verified files are recognised cheaply.
 */

/**
 * The identity of the file at `path` as a string, or `undefined` when there is none.
 *
 * @example
 * ```ts
 * const id = await fileIdentity("data/quant.duckdb"); // => '{"size":…,"mtime":…,"ino":…,"dev":…}'
 * ```
 */
export async function fileIdentity(path: string): Promise<string | undefined> {
  try {
    const info = await Deno.stat(path);
    return JSON.stringify({
      size: info.size,
      mtime: info.mtime?.getTime() ?? null,
      ino: info.ino,
      dev: info.dev,
    });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
