/**
 * The signal file of a signal-driven job (backtest, suite, factor): its label, and the signal read,
 * validated on the job's panel and aligned as the `T × N` matrix of values known at each close —
 * computed once per (panel, file, lags) for all the jobs a worker runs.
 */
import type { Panel } from "../../panel/types.ts";
import { knownMatrix } from "../../signal/align.ts";
import { formatReport } from "../../signal/problem.ts";
import { validate } from "../../signal/validate.ts";
import type { JobCache } from "../cache.ts";
import type { RunKind } from "../../track/types.ts";
import type { JobContext, JobIdentity, JobPlaces } from "../kind.ts";

/** A validated signal on a panel. */
export interface ValidSignal {
  /** `T × N` values known at each close (see `knownMatrix`). */
  readonly known: Float64Array;
  /** The file's `signal_name`, else its name without extension. */
  readonly name: string;
}

/** A validated signal and its warnings (the validation report, when it has any). */
type Validated = ValidSignal & { readonly warnings?: string };

const validated = new WeakMap<Panel, Map<string, Promise<Validated>>>();

/**
 * A signal file's label: its `signal_name` column, else the file name without its extension.
 *
 * @example
 * ```ts
 * await signalLabel("data/demo_signal.parquet", cache); // => "vendor_sentiment"
 * ```
 */
export async function signalLabel(path: string, cache: JobCache): Promise<string> {
  return (await cache.signalName(path)) ?? path.replace(/^.*\//, "").replace(/\.[^.]+$/, "");
}

/**
 * Reads `path`, validates it on `panel` at `lags` (an invalid signal is an error carrying the whole
 * validation report; warnings go to each job's log) and aligns it. Memoised per panel object, file
 * content and lags.
 *
 * @example
 * ```ts
 * const { known } = await loadValidSignal("data/demo_signal.parquet", panel, [0, 1], context);
 * ```
 */
export async function loadValidSignal(
  path: string,
  panel: Panel,
  lags: readonly number[],
  context: Pick<JobContext, "cache" | "log">,
): Promise<ValidSignal> {
  const key = `${await context.cache.fileHash(path)}\0${[...lags].sort().join(",")}`;
  let byPanel = validated.get(panel);
  if (!byPanel) validated.set(panel, byPanel = new Map());
  let entry = byPanel.get(key);
  if (!entry) {
    entry = (async () => {
      const parsed = await context.cache.signal(path);
      const result = validate(parsed, { panel, lags });
      if (!result.ok) throw new Error(`${path}: ${formatReport(result)}`);
      return {
        known: knownMatrix(panel, parsed.signal),
        name: await signalLabel(path, context.cache),
        warnings: result.problems.length ? `${path}: ${formatReport(result)}` : undefined,
      };
    })();
    entry.catch(() => byPanel.delete(key));
    byPanel.set(key, entry);
  }
  const { known, name, warnings } = await entry;
  if (warnings) context.log(warnings);
  return { known, name };
}

/** What identifies a run of a signal file on a snapshot. */
export interface SignalJob {
  readonly snapshot: string;
  readonly signal: string;
  /** Signal name (default: `signalLabel`). */
  readonly name?: string;
}

/**
 * The identity of a signal-driven run: experiment and `signal_name` = the job's name or the file's
 * label, the snapshot and its content hash, the signal file's hash as input hash, and `params`.
 *
 * @example
 * ```ts
 * await signalIdentity("backtest", job, { config }, places, cache); // => { kind: "backtest", tags: {…}, … }
 * ```
 */
export async function signalIdentity(
  kind: RunKind,
  job: SignalJob,
  params: Record<string, unknown>,
  places: Pick<JobPlaces, "snapshotsDir">,
  cache: JobCache,
): Promise<JobIdentity> {
  const manifest = await cache.manifest(job.snapshot, places.snapshotsDir);
  const signal_name = job.name ?? await signalLabel(job.signal, cache);
  return {
    experiment: signal_name,
    kind,
    tags: { signal_name, snapshot_id: job.snapshot, snapshot_hash: manifest.hash },
    params,
    inputHash: await cache.fileHash(job.signal),
  };
}
