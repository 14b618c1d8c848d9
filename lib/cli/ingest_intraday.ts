/** `deno task ingest intraday`: the synthetic intraday market (minute bars and their daily bars). */
import { ingestIntraday } from "../bars/ingest.ts";
import { checkInterval, sessionOf, SESSIONS } from "../bars/session.ts";
import { numberOption, UsageError } from "./args.ts";
import type { IngestCommand } from "./ingest.ts";

/** The `intraday` ingest source. */
export const intradayCommand: IngestCommand = {
  help: `  intraday              synthetic intraday bars (regular sessions) and the daily bars they make
    --session S         ${
    Object.keys(SESSIONS).join(" | ")
  } (default NYSE; see lib/bars/session.ts for the hours)
    --interval I        1m | 5m | 1h (default 1m)
    --sessions N        trading days (default 20)
    --securities N      number of securities (default 50)
    --seed N, --start DATE as for synthetic`,
  options: {
    session: { type: "string", default: "NYSE" },
    interval: { type: "string", default: "1m" },
    sessions: { type: "string" },
  },
  async run(store, values) {
    const started = performance.now();
    let session, interval;
    try {
      session = sessionOf(values.session as string);
      interval = checkInterval(values.interval as string);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (interval === "1d") {
      throw new UsageError("--interval: daily bars come with every intraday load; give 1m, 5m or 1h");
    }
    const counts = await ingestIntraday(store, session, {
      interval,
      sessions: numberOption(values, "sessions", { integer: true, min: 1 }),
      nSecurities: numberOption(values, "securities", { integer: true, min: 1 }),
      seed: numberOption(values, "seed", { integer: true }),
      ...(values.start ? { start: values.start as string } : {}),
    });
    return [`intraday: ${JSON.stringify(counts)} in ${((performance.now() - started) / 1000).toFixed(1)} s`];
  },
};
