/**
 * Records of the run registry: what `recordRun` takes, what `runs/<run_id>/run.json` holds, and the
 * rows `listRuns` returns.
 */

/** Columnar daily series of a run: `date` (epoch ms, ascending) plus any numeric columns. */
export interface Daily {
  readonly date: Float64Array;
  readonly [column: string]: Float64Array;
}

/**
 * Every kind of run the registry records. Each engine or study records through `recordRun` the same
 * way; add a kind here when a new one lands.
 */
export const RUN_KINDS = [
  "backtest", // one cross-sectional fractile backtest
  "suite", // a signal against baselines over a config matrix, with a verdict
  "factor", // factor analysis (forward returns, quantiles, IC, turnover)
  "strategy", // a strategy plugin simulated as a portfolio
  "timeseries", // a vectorized or event-driven time-series backtest
  "optimize", // a parameter search (grid / random)
  "walk_forward", // walk-forward optimisation
  "portfolio", // portfolio construction over return streams
  "research", // an ML research pipeline (features → labels → models → evaluation)
  "ml_study", // a hyperparameter study
  "batch", // a batch of jobs
] as const;

/** One of `RUN_KINDS`. */
export type RunKind = typeof RUN_KINDS[number];

/** Tags identifying a run; any extra tag must be a string too. */
export interface RunTags {
  /** The signal a signal-driven run (backtest, suite, factor) evaluates. */
  readonly signal_name?: string;
  /** Who ran it; defaults to `$USER`, else `"unknown"`. */
  readonly author?: string;
  /** The snapshot the run read (required whenever it read one). */
  readonly snapshot_id?: string;
  /** That snapshot's content hash; part of the config hash. */
  readonly snapshot_hash?: string;
  readonly [tag: string]: string | undefined;
}

/** A table artifact in columns: numbers as Float64Array (NaN = NULL), text as string arrays. */
export type RunTable = Readonly<Record<string, Float64Array | readonly (string | null)[]>>;

/** What an engine or a study hands to `recordRun`. */
export interface RunInput {
  /** Grouping of related runs (MLflow's experiment); defaults to `tags.signal_name` (one is required). */
  readonly experiment?: string;
  readonly kind: RunKind;
  readonly tags: RunTags;
  /** The full config; part of the config hash. */
  readonly params: Record<string, unknown>;
  /** Flat summary numbers, snake_case (`sharpe`, `annual_return`, `max_drawdown`, `turnover`, …). */
  readonly metrics: Record<string, number>;
  /** The run's daily (per-bar) series, written as `daily.parquet`, when it has one. */
  readonly daily?: Daily;
  /** The summary table, e.g. one row per variant or slice, written as `summary.csv`. */
  readonly summaryRows?: readonly Record<string, string | number>[];
  /**
   * Content hash of what the run reads besides the snapshot and params (the signal file, a strategy's
   * source, a returns file, input runs' config hashes); `""` when nothing else. Part of the config hash.
   */
  readonly inputHash: string;
  /** Table artifacts, each written as `<name>.parquet` (e.g. `trials`, `trades`, `predictions`). */
  readonly tables?: Readonly<Record<string, RunTable>>;
  /**
   * Extra files written into the run folder, by relative path (e.g. `"tearsheet.html"`); a function
   * is called with the run's `run.json` content, for files that show the run's id or time.
   */
  readonly artifacts?: Readonly<
    Record<string, string | Uint8Array | ((run: RunJson) => string | Uint8Array)>
  >;
  /**
   * The full result (any JSON-like value with typed arrays), stored as `result.bin` so an identical
   * rerun returns it without computing (`recordOnce`, `readRunResult`).
   */
  readonly result?: unknown;
}

/**
 * The content of `run.json`. `tags` holds the input tags plus `author`, `input_hash`, `git_sha` and
 * `quantnb_version`; `config_hash` is `runConfigHash(input)` (see `record_run.ts`). Non-finite metrics
 * are stored as JSON `null` and read back as NaN.
 */
export interface RunJson {
  readonly run_id: string;
  readonly experiment: string;
  readonly kind: RunKind;
  readonly created_at: string;
  readonly config_hash: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly params: Record<string, unknown>;
  readonly metrics: Readonly<Record<string, number>>;
}

/** A recorded run: its `run.json`, its folder, and whether `recordRun` reused an identical earlier run. */
export interface RunRecord extends RunJson {
  readonly dir: string;
  readonly reused: boolean;
}

/** One row of `listRuns`: identity, tags and the headline metrics the run has. */
export interface RunSummary {
  readonly run_id: string;
  readonly created_at: string;
  readonly experiment: string;
  readonly kind: string;
  readonly signal_name: string;
  readonly author: string;
  readonly snapshot_id: string;
  readonly config_hash: string;
  readonly sharpe?: number;
  readonly annual_return?: number;
  readonly max_drawdown?: number;
  readonly turnover?: number;
}

/** The headline metrics `listRuns` surfaces, in display order. */
export const HEADLINE_METRICS = ["sharpe", "annual_return", "max_drawdown", "turnover"] as const;

/** Where runs live unless told otherwise. */
export const DEFAULT_RUNS_DIR = "runs";
