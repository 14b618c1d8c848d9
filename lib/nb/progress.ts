/**
 * `progress(total)`: one progress reporter that picks its form from where it runs — an updating
 * `<progress>` bar in a Jupyter cell, a `\r`-redrawn line on a terminal, periodic plain lines in
 * CI and batch logs.
 */

import { escapeHtml } from "../report/html.ts";
import { jupyterKernel, settle } from "./kernel.ts";

/** Where progress is shown: a Jupyter display, a terminal line, or plain log lines. */
export type ProgressMode = "jupyter" | "tty" | "lines";

/** Options of `progress`. */
export interface ProgressOptions {
  /** Text before the counts (default "progress"). */
  label?: string;
  /** Force a mode instead of detecting it (Jupyter kernel ⇒ jupyter, terminal stdout ⇒ tty, else lines). */
  mode?: ProgressMode;
  /** Sink for tty and lines output (default: stdout). Receives `\r` and `\n` as part of the text. */
  write?: (text: string) => void;
  /** Clock in milliseconds (default `performance.now`); tests pass a fake one. */
  now?: () => number;
  /** More state shown after the counts on each redraw (e.g. "3 failed · 2 running"). */
  detail?: () => string;
}

/** A running progress report. */
export interface Progress {
  /** Advances by `n` (default 1) and redraws when due. */
  tick(n?: number): void;
  /** Draws the final state (and, in Jupyter, waits until it is sent). */
  done(): Promise<void>;
}

/** The state of a progress report, as listeners (`watchProgress`) see it. */
export interface ProgressState {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  /** True once `done()` was called. */
  readonly finished: boolean;
}

const listeners = new Set<(state: ProgressState) => void>();

/**
 * Calls `listener` on every tick and end of every progress report of this process (a job runner
 * records them as the job's progress); returns the function that stops listening.
 *
 * @example
 * ```ts
 * const stop = watchProgress((s) => console.error(`${s.label} ${s.done}/${s.total}`));
 * stop();
 * ```
 */
export function watchProgress(listener: (state: ProgressState) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const REDRAW_MS = 100;
const LINE_EVERY_MS = 5000;
const LINE_STEPS = 10;
let displayCount = 0;

function detectMode(): ProgressMode {
  if (jupyterKernel()) return "jupyter";
  return Deno.stdout.isTerminal() ? "tty" : "lines";
}

function writeStdout(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

/** Seconds as `4.2 s` below a minute, else `m:ss`. */
function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}

/**
 * Starts a progress report over `total` steps. The mode is detected: in the Deno Jupyter kernel an
 * HTML `<progress>` display updated in place (by `display_id`, at most every 100 ms); on a terminal a
 * bar redrawn with `\r`; otherwise (CI, batch logs) one plain line per 10% step or every 5 s, and a
 * final "done" line.
 * Each form shows done/total, percent, elapsed time and an ETA.
 *
 * @example
 * ```ts
 * const bar = progress(dates.length, { label: "backtest" });
 * for (let t = 0; t < dates.length; t++) { step(t); bar.tick(); }
 * await bar.done();
 * ```
 */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  if (!Number.isFinite(total) || total < 0) {
    throw new RangeError(`progress: total must be a finite number ≥ 0, found ${total}`);
  }
  const { label = "progress", now = () => performance.now(), detail } = options;
  const mode = options.mode ?? detectMode();
  const write = options.write ?? writeStdout;
  const start = now();
  let count = 0;
  let lastDraw = -Infinity;
  let lastLineStep = 0;

  const fraction = () => (total > 0 ? Math.min(1, count / total) : 1);
  const summary = () => {
    const elapsed = now() - start;
    const f = fraction();
    const eta = f > 0 && f < 1 ? ` · eta ${formatSeconds((elapsed * (1 - f)) / f)}` : "";
    const more = detail?.();
    return `${count}/${total} (${Math.round(f * 100)}%)${more ? ` · ${more}` : ""} · ${
      formatSeconds(elapsed)
    }${eta}`;
  };

  const kernel = mode === "jupyter" ? jupyterKernel() : undefined;
  if (mode === "jupyter" && !kernel) {
    throw new TypeError("progress: mode 'jupyter' needs the Deno Jupyter kernel");
  }
  const displayId = `quantnb-progress-${++displayCount}-${Date.now()}`;
  let pending: Promise<void> = Promise.resolve();
  const send = (msgType: string) => {
    const html = `<div style="font:13px system-ui,sans-serif;display:flex;align-items:center;gap:8px;">` +
      `<span>${
        escapeHtml(label)
      }</span><progress value="${count}" max="${total}" style="width:240px;"></progress>` +
      `<span>${escapeHtml(summary())}</span></div>`;
    const content = { data: { "text/html": html }, metadata: {}, transient: { display_id: displayId } };
    pending = pending.then(() => kernel!.broadcast(msgType, content));
  };

  const draw = (final: boolean) => {
    const time = now();
    if (mode === "jupyter") {
      if (final || time - lastDraw >= REDRAW_MS) send("update_display_data");
    } else if (mode === "tty") {
      if (final || time - lastDraw >= REDRAW_MS) {
        const filled = Math.round(fraction() * 24);
        write(
          `\r${label} [${"#".repeat(filled)}${".".repeat(24 - filled)}] ${summary()}\x1b[K${
            final ? "\n" : ""
          }`,
        );
      } else return;
    } else {
      const step = total > 0 ? Math.floor((Math.min(count, total) * LINE_STEPS) / total) : LINE_STEPS;
      if (final) write(`${label}: done ${summary()}\n`);
      else if (step < LINE_STEPS && (step > lastLineStep || time - lastDraw >= LINE_EVERY_MS)) {
        lastLineStep = step;
        write(`${label}: ${summary()}\n`);
      } else return;
    }
    lastDraw = time;
  };

  if (mode === "jupyter") send("display_data");
  else lastDraw = start;
  return {
    tick(n = 1) {
      count += n;
      draw(false);
      for (const listener of listeners) listener({ label, done: count, total, finished: false });
    },
    async done() {
      draw(true);
      for (const listener of listeners) listener({ label, done: count, total, finished: true });
      await pending;
      if (mode === "jupyter") await settle();
    },
  };
}
