/**
 * One measurement in a fresh process, for `b3_runner.ts`: parse + filter a COTAHIST file (`parse`),
 * or load it into a fresh store (`load`), then print the seconds, the records and the peak resident
 * memory (VmHWM from /proc/self/status) as JSON.
 *
 *   deno run -A bench/b3_rss.ts parse|load FILE [STORE]
 */
import { loadCotahistFile } from "../lib/ingest/b3/load.ts";
import { parseCotahist } from "../lib/ingest/b3/cotahist.ts";
import { cotahistTexts } from "../lib/ingest/b3/source.ts";
import { classifyQuote, DEFAULT_KEEP, prefilterFor } from "../lib/ingest/b3/market.ts";
import { openStore } from "../lib/store/db.ts";

/** Parse + filter with the pipeline's default market filter; returns records read and kept. */
export async function parseAndFilter(path: string): Promise<{ records: number; kept: number }> {
  const prefilter = prefilterFor(DEFAULT_KEEP);
  const keep = new Set<string>(DEFAULT_KEEP);
  let records = 0, kept = 0;
  for (const text of await cotahistTexts(path)) {
    const report = await parseCotahist(text.chunks(), {
      file: text.label,
      prefilter,
      onIsin: () => {},
      onQuote: (q) => {
        const c = classifyQuote(q);
        if (c && keep.has(c.kind)) kept++;
      },
    });
    records += report.records;
  }
  return { records, kept };
}

function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

if (import.meta.main) {
  const [mode, file, storePath] = Deno.args;
  const started = performance.now();
  let records = 0, kept = 0;
  if (mode === "parse") ({ records, kept } = await parseAndFilter(file));
  else {
    const store = await openStore(storePath);
    const load = await loadCotahistFile(store, file);
    store.close();
    records = load.reports.reduce((n, r) => n + r.records, 0);
    kept = load.rows;
  }
  console.log(
    JSON.stringify({
      mode,
      file,
      records,
      kept,
      seconds: (performance.now() - started) / 1000,
      peak_rss_mb: peakRssMb(),
    }),
  );
}
