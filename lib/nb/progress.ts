/**
 * Progress wherever code runs: an updating display in a Jupyter cell, a `\r`-redrawn line on a
 * terminal, periodic plain lines in CI and batch logs. `progress(total)` counts one loop;
 * `stages(label)` reports a job made of named steps (load, validate, run, record), each with its
 * elapsed time and, when it has one, a count and a bar — so a cell's progress covers the whole cell,
 * not only its longest loop.
 */

import { escapeHtml } from "../report/html.ts";
import { INK, MUTED, OUTPUT_CLASS } from "../report/theme.ts";
import { checkOptions, optionKeys } from "../util/options.ts";
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

const PROGRESS_KEYS = optionKeys<ProgressOptions>({
  label: true,
  mode: true,
  write: true,
  now: true,
  detail: true,
});

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
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}

/** `done/total (percent) · elapsed · eta` of a counted step. */
function counts(count: number, total: number, elapsed: number, detail?: string): string {
  const f = total > 0 ? Math.min(1, count / total) : 1;
  const eta = f > 0 && f < 1 ? ` · eta ${formatSeconds((elapsed * (1 - f)) / f)}` : "";
  return `${count}/${total} (${Math.round(f * 100)}%)${detail ? ` · ${detail}` : ""} · ${
    formatSeconds(elapsed)
  }${eta}`;
}

/** Sends HTML to one Jupyter display (created on the first call, updated in place after). */
function jupyterDisplay(): { send(html: string): void; flush(): Promise<void> } {
  const kernel = jupyterKernel();
  if (!kernel) throw new TypeError("progress: mode 'jupyter' needs the Deno Jupyter kernel");
  const displayId = `quantnb-progress-${++displayCount}-${Date.now()}`;
  let pending: Promise<void> = Promise.resolve();
  let sent = false;
  return {
    send(html) {
      const msgType = sent ? "update_display_data" : "display_data";
      sent = true;
      const content = { data: { "text/html": html }, metadata: {}, transient: { display_id: displayId } };
      pending = pending.then(() => kernel.broadcast(msgType, content));
    },
    async flush() {
      await pending;
      await settle();
    },
  };
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
  checkOptions("progress", options, PROGRESS_KEYS);
  const { label = "progress", now = () => performance.now(), detail } = options;
  const mode = options.mode ?? detectMode();
  const write = options.write ?? writeStdout;
  const start = now();
  let count = 0;
  let lastDraw = -Infinity;
  let lastLineStep = 0;

  const fraction = () => (total > 0 ? Math.min(1, count / total) : 1);
  const summary = () => counts(count, total, now() - start, detail?.());
  const display = mode === "jupyter" ? jupyterDisplay() : undefined;
  const html = () =>
    `<div class="${OUTPUT_CLASS}" style="font:13px system-ui,sans-serif;display:flex;align-items:center;gap:8px;">` +
    `<span>${
      escapeHtml(label)
    }</span><progress value="${count}" max="${total}" style="width:240px;"></progress>` +
    `<span>${escapeHtml(summary())}</span></div>`;

  const draw = (final: boolean) => {
    const time = now();
    if (display) {
      if (final || time - lastDraw >= REDRAW_MS) display.send(html());
      else return;
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

  if (display) display.send(html());
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
      await display?.flush();
    },
  };
}

/** What a long-running library call reports to: named steps, each optionally counted. */
export interface ProgressSink {
  /** Starts the step `name` (ending the one before), with `total` units of work when it counts them. */
  stage(name: string, total?: number): void;
  /** Advances the current step by `n` units (default 1). */
  tick(n?: number): void;
}

/** A stage report: a sink, plus `fail()` to end the current stage as failed and `done()` to finish. */
export interface StagedProgress extends ProgressSink {
  fail(): void;
  done(): Promise<void>;
}

/** One event of a stage report (for logs, job records and tests), times in ms since the start. */
export type StageEvent =
  | { type: "start"; stage: string; index: number; total?: number; at: number }
  | { type: "tick"; stage: string; count: number; total?: number; at: number }
  | { type: "end"; stage: string; count: number; total?: number; ms: number; failed: boolean; at: number }
  | { type: "done"; stages: number; at: number };

/** Options of `stages`: those of `progress`, plus a listener that receives every event. */
export interface StagesOptions extends Omit<ProgressOptions, "label" | "detail"> {
  onEvent?: (event: StageEvent) => void;
}

const STAGES_KEYS = optionKeys<StagesOptions>({ mode: true, write: true, now: true, onEvent: true });

/** A sink that shows nothing (for calls that were not asked to report). */
export const noProgress: StagedProgress = { stage() {}, tick() {}, fail() {}, done: () => Promise.resolve() };

interface StageState {
  name: string;
  total?: number;
  count: number;
  start: number;
  ms?: number;
  failed?: boolean;
}

/**
 * Starts a report of a job in named stages. Each `stage(name, total?)` ends the previous stage (its
 * time is kept) and starts the next — except that naming the running, uncounted stage again with a
 * total only gives it that total; `tick()` counts within it. Shown, by mode: in Jupyter one display
 * updated in place (finished stages with their times, the current one with a bar when counted, the
 * job's total time); on a terminal one line per finished stage and the current one redrawn with
 * `\r`; in logs a line when a stage starts and ends (counted stages also every 10% or 5 s). Every
 * change is also an event for `onEvent`. While a stage runs, the display refreshes its elapsed time
 * once a second when the event loop is free (a DuckDB read, a worker pool).
 *
 * @example
 * ```ts
 * const job = stages("suite");
 * job.stage("load panel"); const panel = await loadPanel({ snapshot: "demo" });
 * job.stage("run", variants.length); for (const v of variants) { run(v); job.tick(); }
 * await job.done();
 * ```
 */
export function stages(label: string, options: StagesOptions = {}): StagedProgress {
  checkOptions("stages", options, STAGES_KEYS);
  const { now = () => performance.now(), onEvent } = options;
  const mode = options.mode ?? detectMode();
  const write = options.write ?? writeStdout;
  const start = now();
  const done: StageState[] = [];
  let current: StageState | undefined;
  let lastDraw = -Infinity;
  let lastLineStep = 0;
  let lastLine = start;
  const display = mode === "jupyter" ? jupyterDisplay() : undefined;
  const emit = (event: StageEvent) => onEvent?.(event);
  const at = () => now() - start;

  const stageText = (s: StageState, time: number) =>
    s.total !== undefined ? counts(s.count, s.total, time - s.start) : formatSeconds(time - s.start);

  const html = (time: number, final: boolean) => {
    const rows = done.map((s) =>
      `<div><span style="color:${s.failed ? "#e5534b" : "#2da44e"};">${s.failed ? "✗" : "✓"}</span> ${
        escapeHtml(s.name)
      } <span style="${MUTED}">` +
      `${
        escapeHtml(`${s.total !== undefined ? `${s.count}/${s.total} · ` : ""}${formatSeconds(s.ms!)}`)
      }</span></div>`
    );
    if (current && !final) {
      const bar = current.total !== undefined
        ? `<progress value="${current.count}" max="${current.total}" style="width:200px;"></progress> `
        : "";
      rows.push(
        `<div style="display:flex;align-items:center;gap:8px;"><span>▸ ${
          escapeHtml(current.name)
        }</span>${bar}` +
          `<span style="${MUTED}">${escapeHtml(stageText(current, time))}</span></div>`,
      );
    }
    return `<div class="qn-stages ${OUTPUT_CLASS}" style="font:13px/1.5 system-ui,sans-serif;` +
      `border-left:3px solid ${INK.line};padding:2px 0 2px 10px;">` +
      `<div style="font-weight:600;">${escapeHtml(label)} <span style="font-weight:400;${MUTED}">` +
      `${
        escapeHtml(final ? `done in ${formatSeconds(time - start)}` : formatSeconds(time - start))
      }</span></div>` +
      `${rows.join("")}</div>`;
  };

  const redraw = (force: boolean) => {
    const time = now();
    if (!force && time - lastDraw < REDRAW_MS) return;
    lastDraw = time;
    if (display) display.send(html(time, false));
    else if (mode === "tty" && current) {
      const c = current;
      const bar = c.total !== undefined
        ? (() => {
          const filled = Math.round((c.total > 0 ? Math.min(1, c.count / c.total) : 1) * 24);
          return ` [${"#".repeat(filled)}${".".repeat(24 - filled)}]`;
        })()
        : "";
      write(`\r${label} · ${c.name}${bar} ${stageText(c, time)}\x1b[K`);
    } else if (mode === "lines" && current?.total !== undefined) {
      const step = current.total > 0
        ? Math.floor((Math.min(current.count, current.total) * LINE_STEPS) / current.total)
        : 0;
      if (step < LINE_STEPS && (step > lastLineStep || time - lastLine >= LINE_EVERY_MS)) {
        lastLineStep = step;
        lastLine = time;
        write(`${label}: ${current.name} ${stageText(current, time)}\n`);
      }
    }
  };

  const heartbeat = setInterval(() => current && redraw(true), 1000);
  Deno.unrefTimer(heartbeat);

  const end = (failed = false) => {
    if (!current) return;
    const time = now();
    current.ms = time - current.start;
    current.failed = failed;
    done.push(current);
    emit({
      type: "end",
      stage: current.name,
      count: current.count,
      total: current.total,
      ms: current.ms,
      failed,
      at: time - start,
    });
    const line = `${label} · ${current.name} ${failed ? "✗" : "✓"} ${
      current.total !== undefined ? `${current.count}/${current.total} · ` : ""
    }${formatSeconds(current.ms)}`;
    if (mode === "tty") write(`\r${line}\x1b[K\n`);
    else if (mode === "lines") {
      write(`${label}: ${current.name} ${failed ? "failed" : "done"} ${formatSeconds(current.ms)}\n`);
    }
    current = undefined;
  };

  if (display) display.send(html(start, false));
  return {
    stage(name, total) {
      if (total !== undefined && (!Number.isFinite(total) || total < 0)) {
        throw new RangeError(`stages: total of "${name}" must be a finite number ≥ 0, found ${total}`);
      }
      if (current && current.name === name && current.total === undefined && total !== undefined) {
        current.total = total; // the running stage learns its size (e.g. a pool's first report)
        redraw(true);
        return;
      }
      end();
      current = { name, total, count: 0, start: now() };
      lastLineStep = 0;
      lastLine = current.start;
      emit({ type: "start", stage: name, index: done.length, total, at: at() });
      if (mode === "lines") write(`${label}: ${name}${total !== undefined ? ` (${total})` : ""} …\n`);
      redraw(true);
    },
    tick(n = 1) {
      if (!current) throw new RangeError(`stages: tick() before any stage("…") of "${label}"`);
      current.count += n;
      emit({ type: "tick", stage: current.name, count: current.count, total: current.total, at: at() });
      redraw(false);
    },
    fail() {
      end(true);
    },
    async done() {
      clearInterval(heartbeat);
      end();
      const time = now();
      emit({ type: "done", stages: done.length, at: time - start });
      if (display) {
        display.send(html(time, true));
        await display.flush();
      } else if (mode === "tty" || mode === "lines") {
        write(`${label}: done in ${formatSeconds(time - start)}\n`);
      }
    },
  };
}

/**
 * A stage report when someone can see it — in a Jupyter cell or on a terminal — else `noProgress`
 * (tests, pipes and batch logs stay quiet unless they ask). `given` wins: a sink passes through,
 * `false` silences, `true` forces a report in the detected mode.
 *
 * @example
 * ```ts
 * const job = autoProgress("suite", options.progress);
 * ```
 */
export function autoProgress(label: string, given?: ProgressSink | boolean): StagedProgress {
  if (given && typeof given === "object") {
    return {
      stage: (n, t) => given.stage(n, t),
      tick: (n) => given.tick(n),
      fail() {},
      done: () => Promise.resolve(),
    };
  }
  if (given === false) return noProgress;
  if (given === true || jupyterKernel() || Deno.stdout.isTerminal()) return stages(label);
  return noProgress;
}

/**
 * The `onStage` / `onProgress` callbacks library jobs take (`runSuiteFile`, `runSuite`, …), feeding a
 * stage report: each `onStage(name)` starts a stage, `onProgress(done, total)` counts in the current
 * one (giving it its total on the first call).
 *
 * @example
 * ```ts
 * const job = stages("standard suite");
 * const out = await runSuiteFile({ snapshot: "demo", signalFile, ...stageCallbacks(job) });
 * await job.done();
 * ```
 */
export function stageCallbacks(job: ProgressSink): {
  onStage(name: string): void;
  onProgress(done: number, total: number): void;
} {
  let name = "working";
  let started = false;
  let seen = 0;
  return {
    onStage(stage) {
      name = stage;
      started = true;
      seen = 0;
      job.stage(stage);
    },
    onProgress(done, total) {
      if (!started) {
        started = true;
        job.stage(name, total);
      } else if (seen === 0) job.stage(name, total);
      if (done > seen) job.tick(done - seen);
      seen = Math.max(seen, done);
    },
  };
}
