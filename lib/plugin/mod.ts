/**
 * External strategy plugins in any language, over a JSON-lines subprocess protocol (`protocol.ts`):
 * manifests in `strategies/external/NAME/manifest.json`, a scrubbed environment, an own working folder and
 * a time limit per call, validated replies, NaN / ±Infinity / dates marshalled both ways. Stream plugins
 * answer `on_candle` / `on_alert` with entry/exit/hold signals for `fromSignals`; batch plugins answer
 * `generate` with a signal or target weights for a whole panel, exchanged as Parquet files. The Python
 * SDK is `lib/python/sdk/quantnb_plugin.py`. These are plain functions a strategy registry can wrap.
 *
 * @example
 * ```ts
 * import { backtestStreamPlugin, loadManifest, runBatchPlugin } from "./mod.ts";
 * const { result } = await backtestStreamPlugin(await loadManifest("example_sma"), spx, { params: { fast: 20 } });
 * const { matrix } = await runBatchPlugin(await loadManifest("example_pandas"), panel);
 * ```
 *
 * @module
 */
export { DEFAULT_PLUGINS_DIR, listPlugins, loadManifest, type PluginManifest } from "./manifest.ts";
export { PluginError, type PluginFailure } from "./errors.ts";
export { type PluginSession, SDK_DIR, startPlugin } from "./launch.ts";
export { fromWireJson, toWireJson, WireDate } from "./marshal.ts";
export {
  checkGenerate,
  checkInitialize,
  checkSignal,
  type PluginSignal,
  PROTOCOL_VERSION,
} from "./protocol.ts";
export {
  backtestStreamPlugin,
  type PluginAlert,
  runStreamPlugin,
  type StreamRunOptions,
  type StreamSignals,
} from "./stream.ts";
export { type BatchOutput, type BatchRunOptions, runBatchPlugin } from "./batch.ts";
export { type ParquetColumn, writeParquet } from "./parquet.ts";
