/**
 * Every job kind a batch can run, one file each. A kind reuses its task's option definitions and
 * library entry points (see `JobKind`).
 */
import type { JobKind } from "../kind.ts";
import { backtestKind } from "./backtest.ts";
import { factorKind } from "./factor.ts";
import { suiteKind } from "./suite.ts";
import { optimizeKind, walkForwardKind } from "./optimize.ts";
import { researchKind, studyKind } from "./research.ts";
import { strategyKind } from "./strategy.ts";
import { timeseriesKind } from "./timeseries.ts";
import { portfolioKind } from "./portfolio.ts";

/** The job kinds, by the name a batch file gives as `kind:`. */
export const JOB_KINDS: readonly JobKind[] = [
  backtestKind,
  suiteKind,
  factorKind,
  strategyKind,
  optimizeKind,
  walkForwardKind,
  researchKind,
  studyKind,
  timeseriesKind,
  portfolioKind,
];
