/**
 * Job kind `portfolio`: portfolio construction over return streams (`deno task portfolio`), with the
 * task's options and through the same library calls: `planPortfolioJob` says which run a job
 * records, `runPortfolioJob` constructs, compares and records it. The streams are recorded runs
 * (`run-ids`), a returns file (`returns`), or — in a batch — other jobs of the same batch
 * (`streams`: job names or `*` / `?` patterns): the batch runs those first, then this job over their
 * runs, so its identity derives from theirs; a failed one fails this job without running it.
 *
 * ```yaml
 * - kind: portfolio
 *   job: book
 *   streams: [sma-*, lowvol]
 *   methods: [inverse_vol, erc, hrp]
 *   lookback: 60
 * ```
 */
import { PORTFOLIO_OPTIONS, type PortfolioSettings, portfolioSettings } from "../../cli/portfolio.ts";
import { planPortfolioJob, runPortfolioJob } from "../../pipeline/portfolio.ts";
import { defineKind } from "../kind.ts";

/** The options naming the streams, one of which a job gives. */
const STREAM_OPTIONS = ["run-ids", "returns", "streams"] as const;

/** The `portfolio` job kind (see the module doc). */
export const portfolioKind = defineKind<PortfolioSettings>({
  kind: "portfolio",
  runKind: "portfolio",
  description: "portfolio construction over runs, a returns file or other jobs' runs (deno task portfolio)",
  options: { ...PORTFOLIO_OPTIONS, streams: { type: "string", multiple: true } },
  required: [],
  files: ["returns", "benchmark"],
  page: "report.html",
  dependsOn: "streams",
  bind: (values, runIds) => ({ ...values, streams: undefined, "run-ids": runIds.join(",") }),
  parse(values) {
    const given = STREAM_OPTIONS.filter((key) => values[key] !== undefined && values[key] !== "");
    if (given.length !== 1) {
      throw new RangeError(
        `a portfolio job takes its streams from one of "run-ids", "returns" or "streams" (jobs of this batch); ${
          given.length ? `found ${given.join(" and ")}` : "found none"
        }`,
      );
    }
    return portfolioSettings(values);
  },
  identity: async (job, places) => (await planPortfolioJob({ ...job, runsDir: places.runsDir })).identity,
  async run(job, _identity, context) {
    const options = {
      ...job,
      runsDir: context.runsDir,
      command: `deno task portfolio ${
        job.returnsFile ? `--returns ${job.returnsFile}` : `--run-ids ${job.runIds!.join(",")}`
      }`,
      log: context.log,
    };
    const out = await runPortfolioJob(options);
    return out.run;
  },
});
