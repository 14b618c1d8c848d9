/**
 * A job kind: what one job of a batch is (a backtest, a suite, a factor analysis, …), described by
 * the options of its task's command line, the identity of the run it records (known before
 * computing, so a batch can skip what is done) and how to compute and record that run.
 */
import type { RunInput, RunKind, RunRecord } from "../track/types.ts";
import type { JobCache } from "./cache.ts";

/** One option of a job kind, as its task's command line declares it (`node:util` parseArgs form). */
export interface JobOptionDef {
  readonly type: "string" | "boolean";
  readonly default?: string | boolean;
  /**
   * Repeatable on the command line (`--param a=1 --param b=2`): a batch gives a list, which the job's
   * values carry as one text with the items on separate lines (`jobList` splits it).
   */
  readonly multiple?: boolean;
}

/** Option values as a task's parser hands them over: text for string options, booleans for flags. */
export type JobValues = Readonly<Record<string, string | boolean | undefined>>;

/** What identifies the run a job records, before it is computed (`runConfigHash` of it). */
export type JobIdentity = Pick<RunInput, "experiment" | "kind" | "tags" | "params" | "inputHash">;

/** Where a batch reads and writes. */
export interface JobPlaces {
  readonly snapshotsDir: string;
  readonly runsDir: string;
}

/** What a running job gets: its places, a log, progress within the job, a cache across jobs. */
export interface JobContext extends JobPlaces {
  /** One line into the job's log. */
  readonly log: (line: string) => void;
  /** Progress within the job: `done` of `total` steps. */
  readonly progress: (done: number, total: number) => void;
  /** Panels and signals reused by the jobs one worker runs. */
  readonly cache: JobCache;
}

/** The items of a repeatable option's value (`JobOptionDef.multiple`), none when it is not given. */
export function jobList(value: string | boolean | undefined): string[] {
  return typeof value === "string" && value !== "" ? value.split("\n") : [];
}

/**
 * A job kind. `parse` turns option values into the kind's options (throwing an error that names the
 * `--option` at fault, as the task's own parser does); `identity` says which run the job records,
 * reading only what the config hash needs (a manifest, input file hashes); `run` computes and records
 * that run (through `lib/track`, atomically) and returns it.
 */
export interface JobKind<O = unknown> {
  /** The name jobs give as `kind:` (the task's name). */
  readonly kind: string;
  /** The run kind it records (`RUN_KINDS`). */
  readonly runKind: RunKind;
  /** One line for help and error messages. */
  readonly description: string;
  /** The options a job of this kind takes (its task's options, less output and parallelism ones). */
  readonly options: Readonly<Record<string, JobOptionDef>>;
  /** Options a job must give. */
  readonly required: readonly string[];
  /** Options that name input files (checked to exist; their content is part of the identity). */
  readonly files: readonly string[];
  /** The file of a run folder the batch index links to (e.g. `tearsheet.html`), when runs have one. */
  readonly page?: string;
  /**
   * The option naming other jobs of the same batch whose runs this job reads (a portfolio's
   * `streams`): job names or `*` / `?` patterns. The batch runs those jobs first, then plans and runs
   * this one with their runs (`bind`); a failed dependency fails it without running it.
   */
  readonly dependsOn?: string;
  /** The job's option values once its dependencies' runs are recorded (their run ids, in order). */
  bind?(values: JobValues, runIds: readonly string[]): JobValues;
  parse(values: JobValues): O;
  identity(options: O, places: JobPlaces, cache: JobCache): Promise<JobIdentity>;
  run(options: O, identity: JobIdentity, context: JobContext): Promise<RunRecord>;
}

/**
 * Declares a kind with its options type checked, stored as a `JobKind` of unknown options (the
 * registry holds kinds of different option types; each kind only ever receives what its own `parse`
 * made).
 *
 * @example
 * ```ts
 * export const backtestKind = defineKind<BacktestJob>({ kind: "backtest", … });
 * ```
 */
export function defineKind<O>(kind: JobKind<O>): JobKind {
  return kind as unknown as JobKind;
}
