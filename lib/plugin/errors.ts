/** The one error every plugin failure becomes: which plugin, which call, why, and what it printed. */

/** Why a plugin call failed. */
export type PluginFailure =
  | "timeout"
  | "exit"
  | "crash"
  | "invalid-json"
  | "invalid-reply"
  | "plugin-error"
  | "start"
  | "manifest";

/**
 * A plugin failed: `plugin` (name), `call` (method, with the bar or input it was handling), `failure`
 * (the kind), `reason` (one line) and the tail of the plugin's `stderr`. The message holds all of them.
 */
export class PluginError extends Error {
  constructor(
    readonly plugin: string,
    readonly call: string,
    readonly failure: PluginFailure,
    readonly reason: string,
    readonly stderr = "",
  ) {
    const tail = stderr.trim() ? `\n--- ${plugin} stderr (last lines) ---\n${lastLines(stderr, 20)}` : "";
    super(`plugin "${plugin}": ${call} failed: ${reason}${tail}`);
    this.name = "PluginError";
  }
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}
