/**
 * Notebook helpers: display charts, tables and results in a Deno Jupyter cell (plain text
 * elsewhere), attach rich display to result objects, and report progress wherever code runs.
 *
 * @example
 * ```ts
 * import { progress, show } from "quantnb";
 * await show([{ fractile: 1, mean_ret: 0.0004 }, { fractile: 5, mean_ret: 0.0011 }]);
 * ```
 */

export { type Displayable, displayable, isDisplayable, JUPYTER_DISPLAY } from "./displayable.ts";
export { type JupyterApi, jupyterKernel } from "./kernel.ts";
export {
  autoProgress,
  formatSeconds,
  noProgress,
  type Progress,
  progress,
  type ProgressMode,
  type ProgressOptions,
  type ProgressSink,
  stageCallbacks,
  type StagedProgress,
  type StageEvent,
  stages,
  type StagesOptions,
} from "./progress.ts";
export { type MediaBundle, mediaBundle, plainText, show, type ShowOptions } from "./show.ts";
export { renderTextTable } from "./text_table.ts";
export { type ProgressTicker, progressTicker } from "./ticker.ts";
