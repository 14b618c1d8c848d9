/**
 * Records of the run registry: what `recordRun` takes, what `runs/<run_id>/run.json` holds, and the
 * rows `listRuns` returns.
 */

/** Columnar daily series of a run: `date` (epoch ms, ascending) plus any numeric columns. */
export interface Daily {
  readonly date: Float64Array;
  readonly [column: string]: Float64Array;
}

/** Tags identifying a run; any extra tag must be a string too. */
export interface RunTags {
  readonly signal_name: string;
  /** Who ran it; defaults to `$USER`, else `"unknown"`. */
  readonly author?: string;
  readonly snapshot_id: string;
  readonly snapshot_hash: string;
  readonly [tag: string]: string | undefined;
}

/** What a backtest or a suite hands to `recordRun`. */
export interface RunInput {
  /** Grouping of related runs (MLflow's experiment); defaults to `tags.signal_name`. */
  readonly experiment?: string;
  readonly kind: "backtest" | "suite";
  readonly tags: RunTags;
  /** The full config; part of the config hash. */
  readonly params: Record<string, unknown>;
  /** Flat summary numbers, snake_case (`sharpe`, `annual_return`, `max_drawdown`, `turnover`, …). */
  readonly metrics: Record<string, number>;
  readonly daily: Daily;
  /** The summary table, e.g. one row per variant or slice. */
  readonly summaryRows: readonly Record<string, string | number>[];
  /** Content hash of the signal; part of the config hash. */
  readonly signalHash: string;
  /** Extra files written into the run folder, by relative path (e.g. `"tearsheet.html"`). */
  readonly artifacts?: Readonly<Record<string, string | Uint8Array>>;
}

/**
 * The content of `run.json`. `tags` holds the input tags plus `author`, `signal_hash`, `git_sha` and
 * `quantnb_version`; `config_hash` = first 12 hex of `sha256(stableJson({snapshot_hash, signal_hash,
 * params}))`. Non-finite metrics are stored as JSON `null` and read back as NaN.
 */
export interface RunJson {
  readonly run_id: string;
  readonly experiment: string;
  readonly kind: "backtest" | "suite";
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
