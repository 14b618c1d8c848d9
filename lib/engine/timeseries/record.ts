/**
 * Recording one column of a time-series backtest in the run registry (kind `timeseries`): the metrics
 * library's summary plus the trade statistics, the daily series (`ret`, `equity`, `position`) and the
 * trades as a `trades.parquet` table. Nothing is written unless the whole run is (track's atomic folder).
 */
import { recordRun, type RecordRunOptions, type RunIdentity } from "../../track/record_run.ts";
import type { RunRecord, RunTags } from "../../track/types.ts";
import {
  columnEquity,
  columnPosition,
  columnReturns,
  columnSummary,
  type FromSignalsResult,
} from "./from_signals.ts";
import { tradeRows } from "./trades.ts";

/** What the run is: its experiment, strategy, full parameters and inputs. */
export interface TimeseriesRunMeta {
  readonly experiment: string;
  /** The strategy (or plugin) name, recorded as tag `strategy`. */
  readonly strategy: string;
  /** Every parameter and option that produced the result (part of the config hash). */
  readonly params: Record<string, unknown>;
  readonly tags?: RunTags;
  /** Content hash of inputs beyond snapshot and params (e.g. the plugin's code); "" when none. */
  readonly inputHash: string;
}

/**
 * The identity of a time-series run (its config hash is `runConfigHash` of it): `meta` traded on
 * `instrument` with `periodsPerYear` bars a year from `initialCash`. What `recordTimeseriesRun`
 * records, so a caller can know the run before computing it.
 *
 * @example
 * ```ts
 * await runConfigHash(timeseriesIdentity(meta, "SPX", 252, 100_000));
 * ```
 */
export function timeseriesIdentity(
  meta: TimeseriesRunMeta,
  instrument: string,
  periodsPerYear: number,
  initialCash: number,
): RunIdentity {
  return {
    experiment: meta.experiment,
    kind: "timeseries",
    tags: { strategy: meta.strategy, instrument, ...meta.tags },
    params: { ...meta.params, periods_per_year: periodsPerYear, initial_cash: initialCash },
    inputHash: meta.inputHash,
  };
}

/**
 * Records column `column` of a full-output `fromSignals` result (dates required).
 *
 * @example
 * ```ts
 * const run = await recordTimeseriesRun(result, 0, { experiment: "sma", strategy: "example_sma", params, inputHash: "" });
 * ```
 */
export async function recordTimeseriesRun(
  result: FromSignalsResult,
  column: number,
  meta: TimeseriesRunMeta,
  options: RecordRunOptions = {},
): Promise<RunRecord> {
  if (!result.dates) throw new RangeError("recordTimeseriesRun: the bars need dates to record a run");
  const summary = columnSummary(result, column);
  const trades = tradeRows(result.trades!, column);
  const num = (k: keyof (typeof trades)[number]) => Float64Array.from(trades, (t) => Number(t[k]));
  const text = (k: keyof (typeof trades)[number]) => trades.map((t) => (t[k] === null ? null : String(t[k])));
  const metrics: Record<string, number> = { ...summary } as unknown as Record<string, number>;
  for (const m of ["n_trades", "win_rate", "exposure", "final_equity"] as const) {
    metrics[m] = result.stats[m][column];
  }
  const instrument = result.instruments[result.priceColumn[column]];
  return await recordRun({
    ...timeseriesIdentity(meta, instrument, result.periodsPerYear, result.initialCash),
    metrics,
    daily: {
      date: result.dates,
      ret: columnReturns(result, column),
      equity: columnEquity(result, column),
      position: columnPosition(result, column),
    },
    tables: trades.length
      ? {
        trades: {
          direction: text("direction"),
          entry_date: text("entry_date"),
          exit_date: text("exit_date"),
          entry_price: num("entry_price"),
          exit_price: num("exit_price"),
          size: num("size"),
          entry_fees: num("entry_fees"),
          exit_fees: num("exit_fees"),
          pnl: num("pnl"),
          ret: num("ret"),
          duration: num("duration"),
          exit_reason: text("exit_reason"),
        },
      }
      : undefined,
  }, options);
}
