/**
 * What a batch worker process and `deno task batch` load before their first job (issue 16: per-job
 * overhead): their static module graphs (`deno info --json`, following only non-dynamic imports) hold
 * no job kind's module — each is loaded when a job of its kind runs or the batch file names it — nor
 * stdlib's CommonJS packages (required on first use by `lib/metrics/distributions.ts`) nor BullMQ (a
 * queued batch only); and how they are started: job kinds loaded lazily, one DuckDB thread for a
 * worker's run folders.
 */
import { deepStrictEqual as deepEqual, ok } from "node:assert/strict";
import { JOB_KINDS } from "../lib/jobs/kinds/mod.ts";
import { JOB_KIND_NAMES, loadJobKind } from "../lib/jobs/kinds/registry.ts";
import { normalCdf, studentTCdf } from "../lib/metrics/distributions.ts";
import { workerCommand } from "../lib/jobs/pool.ts";

interface InfoModule {
  readonly specifier: string;
  readonly dependencies?: readonly {
    readonly code?: { readonly specifier?: string };
    readonly isDynamic?: boolean;
  }[];
}

/** The specifiers a module's static imports reach (itself included). */
async function staticGraph(path: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", new URL("../deno.json", import.meta.url).pathname, path],
    stdout: "piped",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { roots: string[]; modules: InfoModule[] };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code?.specifier) visit(dep.code.specifier);
    }
  };
  info.roots.forEach(visit);
  return seen;
}

Deno.test("a worker process loads no job kind and no stdlib package before its first job", async () => {
  const graph = [...await staticGraph(new URL("../lib/jobs/worker_process.ts", import.meta.url).pathname)];
  ok(graph.some((s) => s.endsWith("/lib/jobs/execute.ts")), "the graph is the worker's");
  deepEqual(graph.filter((s) => /\/lib\/jobs\/kinds\/(?!registry\.ts$)[^/]+\.ts$/.test(s)), []);
  deepEqual(graph.filter((s) => s.includes("@stdlib")), []);
});

Deno.test("deno task batch loads no job kind and not BullMQ before it reads the batch file", async () => {
  const graph = [...await staticGraph(new URL("../lib/cli/batch.ts", import.meta.url).pathname)];
  ok(graph.some((s) => s.endsWith("/lib/jobs/batch.ts")), "the graph is the batch task's");
  deepEqual(graph.filter((s) => /\/lib\/jobs\/kinds\/(?!registry\.ts$)[^/]+\.ts$/.test(s)), []);
  deepEqual(graph.filter((s) => s.includes("bullmq")), []);
  const tasks = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))).tasks;
  ok(tasks.batch.command.includes("--unstable-lazy-dynamic-imports"), tasks.batch.command);
});

Deno.test("loadJobKind() loads each kind under its own name; JOB_KINDS holds them all in order", async () => {
  deepEqual(JOB_KINDS.map((k) => k.kind), [...JOB_KIND_NAMES]);
  deepEqual((await loadJobKind("backtest"))?.runKind, "backtest");
  deepEqual(await loadJobKind("backtst"), undefined);
  deepEqual(await loadJobKind("toString"), undefined);
});

Deno.test("the distribution functions required on first use give scipy's values", () => {
  // scipy.stats.norm.cdf(-1.6448536269514729) = 0.05; scipy.stats.t.cdf(-2, 10) = 0.036694017385370196
  ok(Math.abs(normalCdf(-1.6448536269514729) - 0.05) < 1e-16);
  ok(Math.abs(studentTCdf(-2, 10) - 0.036694017385370196) < 1e-15);
});

Deno.test("worker processes load job kinds lazily (Deno's flag) and their run folders' DuckDB uses one thread", async () => {
  ok(workerCommand().includes("--unstable-lazy-dynamic-imports"), workerCommand().join(" "));
  // A fresh process, as a worker: the in-memory database of the run registry opens with 1 thread
  // (DuckDB's default is one per core), and the setting is refused once the database is open.
  const script = `
    import { setMemoryDbThreads, withMemoryDb } from "${
    new URL("../lib/track/_db.ts", import.meta.url).href
  }";
    setMemoryDbThreads(1);
    const threads = await withMemoryDb(async (conn) =>
      (await conn.runAndReadAll("SELECT current_setting('threads')::INTEGER AS t")).getRowObjectsJS()[0].t);
    let refused = "";
    try { setMemoryDbThreads(2); } catch (e) { refused = e.message; }
    console.log(JSON.stringify({ threads, refused }));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", new URL("../deno.json", import.meta.url).pathname, script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
    threads: 1,
    refused: "setMemoryDbThreads: the in-memory database is already open",
  });
});
