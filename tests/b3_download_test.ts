import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import {
  B3_COTAHIST_BASE_URL,
  cotahistFileName,
  DownloadError,
  downloadFile,
  listRawFiles,
} from "../lib/ingest/b3/download.ts";
import { serveFixtures } from "./fixtures/b3/server.ts";
import { writeFixtureFiles } from "./fixtures/b3/cotahist.ts";
import { openStore } from "../lib/store/db.ts";
import { runB3Pipeline } from "../lib/ingest/b3/pipeline.ts";

/** 300 KB of deterministic bytes (a stand-in for a ZIP the server hands out). */
function payload(n = 300_000): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(n);
  for (let k = 0; k < n; k++) bytes[k] = (k * 7 + 3) & 0xff;
  return bytes;
}

Deno.test("cotahistFileName() follows B3's URL pattern", () => {
  equal(B3_COTAHIST_BASE_URL, "https://bvmf.bmfbovespa.com.br/InstDados/SerHist/");
  equal(cotahistFileName({ kind: "yearly", year: 2024 }), "COTAHIST_A2024.ZIP");
  equal(cotahistFileName({ kind: "monthly", year: 2024, month: 3 }), "COTAHIST_M032024.ZIP");
  equal(cotahistFileName({ kind: "daily", year: 2024, month: 1, day: 2 }), "COTAHIST_D02012024.ZIP");
});

Deno.test({
  name: "downloadFile() retries, resumes and caches against a local server",
  sanitizeResources: false,
  async fn(t) {
    const body = payload();
    const dir = await Deno.makeTempDir({ prefix: "quantnb-b3-dl-" });
    const server = serveFixtures(
      new Map([["COTAHIST_A2023.ZIP", body], ["COTAHIST_A2022.ZIP", body], ["COTAHIST_A2021.ZIP", body]]),
      new Map([["COTAHIST_A2022.ZIP", { fail503: 2 }], ["COTAHIST_A2021.ZIP", { cutAfter: 120_000 }]]),
    );
    const options = { backoffMs: 1, periodEnd: Date.UTC(2023, 11, 31) };
    try {
      await t.step("a first download writes the file and its sidecar, then the cache is used", async () => {
        const path = join(dir, "COTAHIST_A2023.ZIP");
        const first = await downloadFile(`${server.url}COTAHIST_A2023.ZIP`, path, options);
        deepEqual([first.status, first.bytes, first.attempts], ["downloaded", body.length, 1]);
        deepEqual(await Deno.readFile(path), body);
        const info = JSON.parse(await Deno.readTextFile(`${path}.json`));
        deepEqual([info.url, info.bytes, info.period_end], [
          `${server.url}COTAHIST_A2023.ZIP`,
          body.length,
          "2023-12-31",
        ]);
        const again = await downloadFile(`${server.url}COTAHIST_A2023.ZIP`, path, options);
        deepEqual([again.status, again.attempts], ["cached", 0]);
        equal(server.requests.filter((r) => r.path === "COTAHIST_A2023.ZIP").length, 1, "no second request");
      });
      await t.step("503 answers are retried with back-off", async () => {
        const waits: number[] = [];
        const r = await downloadFile(`${server.url}COTAHIST_A2022.ZIP`, join(dir, "COTAHIST_A2022.ZIP"), {
          ...options,
          onRetry: (_attempt, wait) => waits.push(wait),
        });
        deepEqual([r.status, r.attempts], ["downloaded", 3]);
        deepEqual(waits, [0, 0], "the server's Retry-After: 0 wins over the back-off");
      });
      await t.step("a dropped connection resumes from the partial file with Range + If-Range", async () => {
        const path = join(dir, "COTAHIST_A2021.ZIP");
        const r = await downloadFile(`${server.url}COTAHIST_A2021.ZIP`, path, options);
        deepEqual([r.status, r.attempts, r.bytes], ["resumed", 2, body.length]);
        deepEqual(await Deno.readFile(path), body);
        const asks = server.requests.filter((q) => q.path === "COTAHIST_A2021.ZIP");
        equal(asks.length, 2);
        equal(asks[0].range, null);
        equal(asks[1].range, "bytes=120000-");
        ok(asks[1].ifRange?.startsWith('"'), "If-Range carries the ETag");
        await rejects(Deno.stat(`${path}.part`), Deno.errors.NotFound);
      });
      await t.step("a file fetched while its period was open is re-validated (304 keeps it)", async () => {
        const path = join(dir, "COTAHIST_A2023.ZIP");
        const open = { backoffMs: 1, periodEnd: Date.now() + 86_400_000 };
        const r = await downloadFile(`${server.url}COTAHIST_A2023.ZIP`, path, open);
        equal(r.status, "not-modified");
        ok(server.requests.at(-1)?.ifNoneMatch, "conditional request");
      });
      await t.step("a 404 is not retried and names the URL", async () => {
        await rejects(
          downloadFile(`${server.url}COTAHIST_A1900.ZIP`, join(dir, "COTAHIST_A1900.ZIP"), options),
          (e: unknown) =>
            e instanceof DownloadError && e.status === 404 && /COTAHIST_A1900\.ZIP: HTTP 404/.test(e.message),
        );
        equal(server.requests.filter((q) => q.path === "COTAHIST_A1900.ZIP").length, 1);
      });
      await t.step("--list-raw shows each file's period, size and source", async () => {
        const files = await listRawFiles(dir);
        deepEqual(
          files.map((f) => [f.file, f.kind, f.period, f.bytes, f.source]),
          ["2021", "2022", "2023"].map((y) => [
            `COTAHIST_A${y}.ZIP`,
            "yearly",
            `${y}-01-01 → ${y}-12-31`,
            body.length,
            `${server.url}COTAHIST_A${y}.ZIP`,
          ]),
        );
      });
    } finally {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("downloadFile() gives up after the retries with what to do", async () => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-b3-dl-" });
  const server = serveFixtures(new Map(), new Map([["X.ZIP", { fail503: 99 }]]));
  try {
    await rejects(
      downloadFile(`${server.url}X.ZIP`, join(dir, "X.ZIP"), { retries: 2, backoffMs: 1 }),
      /X\.ZIP: download failed after 3 attempt\(s\): HTTP 503 .*put the file at .*X\.ZIP yourself/,
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runB3Pipeline() falls back to a stale local copy when B3 cannot be reached", async () => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-b3-dl-" });
  const store = await openStore(":memory:");
  try {
    const raw = join(dir, "raw");
    await Deno.mkdir(raw);
    const files = await writeFixtureFiles(dir);
    const path = join(raw, "COTAHIST_A2024.ZIP");
    await Deno.copyFile(files.zip, path);
    // Fetched mid-2024, while the yearly file was still growing: the pipeline re-validates it.
    await Deno.writeTextFile(
      `${path}.json`,
      JSON.stringify({
        url: "x",
        bytes: (await Deno.stat(path)).size,
        downloaded_at: "2024-06-01T00:00:00Z",
        etag: null,
        last_modified: null,
        period_end: "2024-12-31",
      }),
    );
    const result = await runB3Pipeline(store, {
      periods: [{ kind: "yearly", year: 2024 }],
      rawDir: raw,
      baseUrl: "http://127.0.0.1:9/", // discard port: nothing listens
      retries: 0,
      series: false,
      snapshot: false,
      progressMode: "none",
      log: () => {},
    });
    ok(
      result.warnings.some((w) =>
        /COTAHIST_A2024\.ZIP: could not re-validate .*using the local copy/.test(w)
      ),
    );
    equal(result.files[0].rows, 3);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
