import { type Progress, progress, type ProgressOptions } from "./progress.ts";

/** A progress bar fed by `(done, total)` callbacks (what searches and suites report). */
export interface ProgressTicker {
  /** Pass as `onProgress`: draws the bar on the first call, then advances it to `done`. */
  readonly onProgress: (done: number, total: number) => void;
  /** Draws the final state (once, whether or not the work reached its total). */
  done(): Promise<void>;
}

/**
 * A `progress` bar driven by cumulative `(done, total)` reports, finished as soon as `done` reaches
 * `total` (so later output is not interleaved with it).
 *
 * @example
 * ```ts
 * const ticker = progressTicker({ label: "grid search" });
 * await runSearch(source, { space, onProgress: ticker.onProgress });
 * await ticker.done();
 * ```
 */
export function progressTicker(options: ProgressOptions = {}): ProgressTicker {
  let bar: Progress | undefined, ticked = 0, finished: Promise<void> | undefined;
  return {
    onProgress(done, total) {
      bar ??= progress(total, options);
      bar.tick(done - ticked);
      ticked = done;
      if (done >= total) finished ??= bar.done();
    },
    async done() {
      await (finished ??= bar?.done() ?? Promise.resolve());
    },
  };
}
