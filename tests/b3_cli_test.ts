import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { main as ingest } from "../lib/cli/ingest.ts";
import { capture } from "./fixtures/capture.ts";

Deno.test("deno task ingest b3: help, usage errors, --synthetic, --list-raw", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-b3-cli-" });
  const common = [
    "--db",
    join(dir, "b3.duckdb"),
    "--snapshots",
    join(dir, "snapshots"),
    "--raw-dir",
    join(dir, "raw"),
  ];
  try {
    await t.step("--help lists every option", async () => {
      const r = await capture(() => ingest(["b3", "--help"]));
      equal(r.code, 0);
      for (
        const flag of [
          "--year",
          "--from",
          "--rebuild",
          "--skip-corporate-actions",
          "--raw-dir",
          "--list-raw",
          "--keep",
        ]
      ) {
        ok(r.out.includes(flag), flag);
      }
    });
    await t.step("usage errors exit 2 with the reason", async () => {
      let r = await capture(() => ingest(["b3", ...common]));
      equal(r.code, 2);
      match(r.err, /say what to load: --year, --from\/--to/);
      r = await capture(() => ingest(["b3", "--year", "2024", "--keep", "stocks,warrants", ...common]));
      equal(r.code, 2);
      match(r.err, /--keep: unknown kind "warrants"/);
      r = await capture(() => ingest(["b3", "--from", "2024", "--to", "2023", ...common]));
      match(r.err, /--to 2023 is before --from 2024/);
    });
    await t.step("--synthetic loads a synthetic market offline and prints the store's tables", async () => {
      const r = await capture(() => ingest(["b3", "--synthetic", "--year", "2024", ...common]));
      equal(r.code, 0, r.err);
      match(r.out, /\[5\/9\] split detection: .*1 applied \(QAAA3 2:1 on 2024-06-03\)/);
      match(r.out, /security_master\s+32\s+32/);
    });
    await t.step("--list-raw shows the raw files", async () => {
      const r = await capture(() => ingest(["b3", "--list-raw", ...common]));
      equal(r.code, 0);
      match(r.out, /COTAHIST_A2024\.ZIP\s+yearly\s+2024-01-01 → 2024-12-31/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
