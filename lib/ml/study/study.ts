/**
 * Hyperparameter studies (Optuna's define-by-run design): an objective receives a `Trial`, asks it for
 * parameters (`suggestFloat`, `suggestInt`, `suggestCategorical`), may `report` intermediate scores and
 * stop when `shouldPrune()` says so (throw `TrialPruned`), and returns the trial's score.
 *
 * Pruning is the median rule: a trial is pruned at a step when its intermediate score is worse than
 * the median of the earlier trials' scores at that step, once the warm-up steps are past (steps
 * 1 … `warmupSteps` are never pruned) and `startupTrials` trials have finished.
 *
 * Resume: every trial is written as it finishes, atomically, to `<dir>/trial-<number>.json` (with
 * `study.json` holding the study's settings); a study started again over the same folder reads the
 * finished trials and goes on from the next number, suggesting what the uninterrupted study would have
 * (see `sampler.ts`).
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../util/atomic.ts";
import { drawRng, sampleRandom, sampleTpe, type TpeOptions } from "./sampler.ts";
import { checkDistribution, type Distribution, type ParamValue } from "./space.ts";

/** Thrown by an objective to end its trial as pruned. */
export class TrialPruned extends Error {
  constructor(step: number) {
    super(`trial pruned at step ${step}`);
  }
}

/** What an objective can ask of its trial. */
export interface Trial {
  readonly number: number;
  suggestFloat(name: string, low: number, high: number, options?: { log?: boolean }): number;
  suggestInt(name: string, low: number, high: number, options?: { log?: boolean }): number;
  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T;
  /** Records the intermediate score at a step (1, 2, …). */
  report(value: number, step: number): void;
  /** Whether the median rule prunes the trial at its last reported step. */
  shouldPrune(): boolean;
}

/** A finished trial, as stored. */
export interface TrialRecord {
  readonly number: number;
  readonly state: "complete" | "pruned" | "failed";
  readonly params: Record<string, ParamValue>;
  readonly distributions: Record<string, Distribution>;
  /** The final score (NaN unless complete). */
  readonly value: number;
  /** `[step, value]` pairs in report order. */
  readonly intermediate: [number, number][];
  readonly started_at: string;
  readonly finished_at: string;
  readonly error?: string;
}

/** Settings of a study. */
export interface StudyOptions {
  /** Folder of the study's files (created if missing). */
  readonly dir: string;
  /** Total trials the study should have (finished ones from an earlier run count). */
  readonly trials: number;
  readonly direction?: "maximize" | "minimize";
  readonly sampler?: "tpe" | "random";
  readonly seed?: number;
  readonly tpe?: TpeOptions;
  /** Median pruner settings, or false for none (default warm-up 3 steps, 5 startup trials). */
  readonly pruner?: { readonly warmupSteps?: number; readonly startupTrials?: number } | false;
  /** Called after each trial is stored. */
  readonly onTrial?: (trial: TrialRecord, done: number, total: number) => void;
}

/** A study's trials and its best complete trial. */
export interface StudyResult {
  readonly trials: readonly TrialRecord[];
  readonly best: TrialRecord | undefined;
  /** Trials read back from an earlier, interrupted run. */
  readonly resumed: number;
}

const trialFile = (dir: string, n: number) => join(dir, `trial-${String(n).padStart(6, "0")}.json`);

/** Reads the finished trials of a study folder, in number order (a gap stops the read). */
export async function readTrials(dir: string): Promise<TrialRecord[]> {
  const out: TrialRecord[] = [];
  for (let n = 0;; n++) {
    let text: string;
    try {
      text = await Deno.readTextFile(trialFile(dir, n));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return out;
      throw error;
    }
    const t = JSON.parse(text) as TrialRecord;
    out.push({ ...t, value: t.value ?? NaN });
  }
}

/** The median of the values reported at `step` by the given trials (NaN when none). */
function medianAt(trials: readonly TrialRecord[], step: number): number {
  const values = trials.flatMap((t) => t.intermediate.filter(([s]) => s === step).map(([, v]) => v))
    .filter(Number.isFinite).sort((a, b) => a - b);
  if (!values.length) return NaN;
  const m = values.length >> 1;
  return values.length % 2 ? values[m] : (values[m - 1] + values[m]) / 2;
}

/**
 * Runs (or resumes) a study of `objective`.
 *
 * @example
 * ```ts
 * const study = await runStudy(async (trial) => {
 *   const depth = trial.suggestInt("maxDepth", 2, 10);
 *   return await score(depth, (value, step) => { trial.report(value, step); if (trial.shouldPrune()) throw new TrialPruned(step); });
 * }, { dir: "runs/.studies/forest", trials: 30 });
 * study.best?.params;
 * ```
 */
export async function runStudy(
  objective: (trial: Trial) => Promise<number> | number,
  options: StudyOptions,
): Promise<StudyResult> {
  const { dir, trials: total, direction = "maximize", sampler = "tpe", seed = 0 } = options;
  if (!Number.isInteger(total) || total < 1) {
    throw new RangeError(`runStudy: trials must be an integer ≥ 1, found ${total}`);
  }
  const pruner = options.pruner === false
    ? undefined
    : { warmupSteps: 3, startupTrials: 5, ...options.pruner };
  const settings = { direction, sampler, seed, tpe: options.tpe ?? {}, pruner: pruner ?? false };
  await Deno.mkdir(dir, { recursive: true });
  const metaPath = join(dir, "study.json");
  try {
    const stored = JSON.parse(await Deno.readTextFile(metaPath));
    if (JSON.stringify(stored) !== JSON.stringify(settings)) {
      throw new RangeError(
        `study in ${dir} was started with other settings (${
          JSON.stringify(stored)
        }); use another folder or the same settings`,
      );
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await writeFileAtomic(metaPath, JSON.stringify(settings) + "\n");
  }
  const trials = await readTrials(dir);
  const resumed = trials.length;
  const maximize = direction === "maximize";
  const worse = (a: number, b: number) => (maximize ? a < b : a > b);
  for (let number = trials.length; number < total; number++) {
    const params: Record<string, ParamValue> = {};
    const distributions: Record<string, Distribution> = {};
    const intermediate: [number, number][] = [];
    const suggest = (name: string, d: Distribution): ParamValue => {
      if (name in params) return params[name];
      checkDistribution(name, d);
      const rng = drawRng(seed, number, name);
      params[name] = sampler === "random"
        ? sampleRandom(d, rng)
        : sampleTpe(name, d, trials, maximize, rng, options.tpe);
      distributions[name] = d;
      return params[name];
    };
    const trial: Trial = {
      number,
      suggestFloat: (name, low, high, o = {}) =>
        suggest(name, { type: "float", low, high, log: o.log }) as number,
      suggestInt: (name, low, high, o = {}) =>
        suggest(name, { type: "int", low, high, log: o.log }) as number,
      suggestCategorical: <T extends ParamValue>(name: string, choices: readonly T[]) =>
        suggest(name, { type: "categorical", choices }) as T,
      report(value, step) {
        if (!Number.isInteger(step) || step < 1) {
          throw new RangeError(`trial.report: step must be an integer ≥ 1, found ${step}`);
        }
        intermediate.push([step, value]);
      },
      shouldPrune() {
        if (!pruner || intermediate.length === 0) return false;
        const [step, value] = intermediate[intermediate.length - 1];
        if (step <= pruner.warmupSteps) return false;
        const finished = trials.filter((t) => t.state !== "failed");
        if (finished.length < pruner.startupTrials) return false;
        const median = medianAt(finished, step);
        return Number.isFinite(median) && (!Number.isFinite(value) || worse(value, median));
      },
    };
    const started_at = new Date().toISOString();
    let state: TrialRecord["state"] = "complete", value = NaN, error: string | undefined;
    try {
      value = await objective(trial);
      if (typeof value !== "number") {
        throw new TypeError(`the objective returned ${typeof value}, expected a number`);
      }
    } catch (e) {
      if (e instanceof TrialPruned) state = "pruned";
      else [state, error] = ["failed", (e as Error).message];
      value = NaN;
    }
    const record: TrialRecord = {
      number,
      state,
      params,
      distributions,
      value,
      intermediate,
      started_at,
      finished_at: new Date().toISOString(),
      ...(error ? { error } : {}),
    };
    await writeFileAtomic(trialFile(dir, number), JSON.stringify(record) + "\n");
    trials.push(record);
    options.onTrial?.(record, trials.length, total);
  }
  const complete = trials.filter((t) => t.state === "complete" && Number.isFinite(t.value));
  const best = complete.reduce<TrialRecord | undefined>(
    (b, t) => (!b || worse(b.value, t.value) ? t : b),
    undefined,
  );
  return { trials, best, resumed };
}
