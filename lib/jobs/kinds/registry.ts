/**
 * Where each job kind lives, by the name a batch file gives as `kind:`: a kind's module is loaded when
 * a job of that kind runs, so a worker process loads only the kinds it runs (a kind's module brings
 * its engine, report and task code; all of them together take ~170 ms to load).
 */
import type { JobKind } from "../kind.ts";

/** Each kind's module, in the order kinds are listed (help, error messages). */
const KIND_MODULES: Readonly<Record<string, () => Promise<JobKind>>> = {
  backtest: async () => (await import("./backtest.ts")).backtestKind,
  suite: async () => (await import("./suite.ts")).suiteKind,
  factor: async () => (await import("./factor.ts")).factorKind,
  strategy: async () => (await import("./strategy.ts")).strategyKind,
  optimize: async () => (await import("./optimize.ts")).optimizeKind,
  walk_forward: async () => (await import("./optimize.ts")).walkForwardKind,
  research: async () => (await import("./research.ts")).researchKind,
  ml_study: async () => (await import("./research.ts")).studyKind,
  timeseries: async () => (await import("./timeseries.ts")).timeseriesKind,
  portfolio: async () => (await import("./portfolio.ts")).portfolioKind,
};

/** The job kinds' names, in order. */
export const JOB_KIND_NAMES: readonly string[] = Object.keys(KIND_MODULES);

/**
 * The job kind named `name` (its module loaded on first use), or `undefined` for an unknown name.
 *
 * @example
 * ```ts
 * (await loadJobKind("backtest"))?.description; // => "a cross-sectional fractile backtest of a signal file (deno task backtest)"
 * ```
 */
export async function loadJobKind(name: string): Promise<JobKind | undefined> {
  return Object.hasOwn(KIND_MODULES, name) ? await KIND_MODULES[name]() : undefined;
}
