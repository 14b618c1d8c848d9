/**
 * `deno task python strategy create NAME`: a new plugin folder from a template — a manifest and a
 * working Python strategy on the SDK (stream: close above its SMA; batch: short-term reversal), which
 * passes the conformance checks as created. Written atomically; an existing folder is refused.
 */
import { join } from "node:path";
import { writeDirAtomic } from "../util/atomic.ts";
import { DEFAULT_PLUGINS_DIR } from "./manifest.ts";

const STREAM = `"""{{name}}: a quantnb stream plugin (created from the template: edit on_candle).

quantnb calls on_candle(candle, context) for every bar, in order; candle has t, date (datetime.date), open,
high, low, close (NaN when missing); context has bar_index, n_bars and position (-1, 0, 1: what your signals so
far imply). Return {"type": "entry" | "exit" | "hold"} with optional "size" (fraction of equity), "price" (a
limit: the order fills on the next bar only if it trades there) and "reason". Orders fill on the next bar. Check it with: deno task python strategy test {{name}}
"""
import math
from collections import deque

from quantnb_plugin import StreamStrategy


class Strategy(StreamStrategy):
    def initialize(self, config):
        reply = super().initialize(config)
        self.window = deque(maxlen=int(self.params["window"]))
        return reply

    def on_candle(self, candle, context):
        close = candle["close"]
        if math.isnan(close):
            self.window.clear()
            return {"type": "hold"}
        self.window.append(close)
        if len(self.window) < self.window.maxlen:
            return {"type": "hold"}
        average = sum(self.window) / len(self.window)
        if close > average and context["position"] <= 0:
            return {"type": "entry", "reason": "close above its average"}
        if close < average and context["position"] > 0:
            return {"type": "exit", "reason": "close below its average"}
        return {"type": "hold"}


if __name__ == "__main__":
    Strategy().run()
`;

const BATCH = `"""{{name}}: a quantnb batch plugin (created from the template: edit generate).

generate(params, data) gets the panel as a Parquet file (data["panel"]["$parquet"]: long format date,
security_id, fields; rows date-major, so a field reshapes to n_dates × n_securities) and returns the signal
for every (date, security) as a Parquet file it writes under output/. Check it with:
deno task python strategy test {{name}}
"""
from quantnb_plugin import BatchStrategy, read_parquet, write_parquet


class Strategy(BatchStrategy):
    def generate(self, params, data):
        columns = read_parquet(data["panel"]["$parquet"])
        T, N = data["n_dates"], data["n_securities"]
        close = list(columns["close"])
        n = int(params["window"])
        signal = [float("nan")] * (T * N)
        for t in range(n, T):
            for i in range(N):
                now, before = close[t * N + i], close[(t - n) * N + i]
                signal[t * N + i] = before / now - 1.0  # short-term reversal: fallen names score high
        write_parquet("output/signal.parquet", {"value": signal})
        return {"signal": {"$parquet": "output/signal.parquet"}}


if __name__ == "__main__":
    Strategy().run()
`;

/**
 * Creates `<pluginsDir>/<name>/` with `manifest.json` and `strategy.py`; returns the folder.
 *
 * @example
 * ```ts
 * await createPluginFromTemplate("my_breakout", { mode: "stream" });
 * ```
 */
export async function createPluginFromTemplate(
  name: string,
  options: { mode?: "stream" | "batch"; pluginsDir?: string } = {},
): Promise<string> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    throw new RangeError(
      `plugin name must be snake_case (a-z, 0-9, _; starting with a letter), found "${name}"`,
    );
  }
  const mode = options.mode ?? "stream";
  if (mode !== "stream" && mode !== "batch") {
    throw new RangeError(`mode must be stream or batch, found "${mode}"`);
  }
  const dir = join(options.pluginsDir ?? DEFAULT_PLUGINS_DIR, name);
  const manifest = {
    name,
    description: mode === "stream"
      ? "Long while the close is above its simple moving average (template: edit strategy.py)."
      : "Short-term reversal signal (template: edit strategy.py).",
    protocol: 1,
    mode,
    ...(mode === "batch" ? { output: "signal" } : {}),
    command: ["python", "strategy.py"],
    timeout: 30,
    requirements: [],
    params: {
      window: {
        type: "integer",
        default: 20,
        min: 2,
        max: 250,
        description: mode === "stream" ? "moving-average window (bars)" : "reversal window (bars)",
      },
    },
  };
  await writeDirAtomic(dir, async (tmp) => {
    await Deno.writeTextFile(join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    await Deno.writeTextFile(
      join(tmp, "strategy.py"),
      (mode === "stream" ? STREAM : BATCH).replaceAll("{{name}}", name),
    );
  });
  return dir;
}
