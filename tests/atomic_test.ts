/**
 * Crashed writes leave no garbage (issue 8 item 13): the next `writeDirAtomic` into the same parent
 * removes temp folders whose writer died (really killed here), never one a live writer holds.
 */
import { deepStrictEqual as deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { ORPHAN_AGE_MS, removeOrphans, writeDirAtomic, writeFileAtomic } from "../lib/util/atomic.ts";

const ATOMIC = new URL("../lib/util/atomic.ts", import.meta.url).href;

async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

/** A child process that starts `writeDirAtomic(final)`, writes 1 MB into its temp folder, says "ready" and hangs. */
async function hangingWriter(final: string): Promise<Deno.ChildProcess> {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    script,
    `import { writeDirAtomic } from "${ATOMIC}";
await writeDirAtomic(${JSON.stringify(final)}, async (tmp) => {
  await Deno.writeFile(tmp + "/part.bin", new Uint8Array(1 << 20));
  console.log("ready");
  await new Promise(() => setInterval(() => {}, 1000));
});`,
  );
  const child = new Deno.Command(Deno.execPath(), { args: ["run", "-A", script], stdout: "piped" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  for (let said = ""; !said.includes("ready");) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the writer exited before it was ready");
    said += value;
  }
  reader.releaseLock();
  await Deno.remove(script);
  return child;
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel().catch(() => {});
}

Deno.test("writeDirAtomic() removes a killed writer's temp folder, never a live writer's", async () => {
  const parent = await Deno.makeTempDir();
  const live = await hangingWriter(join(parent, "live"));
  const dead = await hangingWriter(join(parent, "dead"));
  try {
    await stop(dead);
    const before = await entries(parent);
    equal(before.filter((n) => n.endsWith(".lock")).length, 2);
    ok(
      before.some((n) => n.startsWith(".dead.tmp-")) && before.some((n) => n.startsWith(".live.tmp-")),
      before.join(),
    );
    await writeDirAtomic(join(parent, "next"), async (tmp) => await Deno.writeTextFile(join(tmp, "x"), "x"));
    const after = await entries(parent);
    deepEqual(after.filter((n) => !n.startsWith(".live.tmp-")), ["next"]); // the dead one is gone
    equal(after.filter((n) => n.startsWith(".live.tmp-")).length, 2); // the live one is untouched, with its lock
  } finally {
    await stop(live);
  }
  const removed = await removeOrphans(parent);
  equal(removed.length, 1);
  ok(removed[0].startsWith(".live.tmp-"));
  deepEqual(await entries(parent), ["next"]);
  await Deno.remove(parent, { recursive: true });
});

Deno.test("removeOrphans() removes lock-less temp folders of older versions only once untouched", async () => {
  const parent = await Deno.makeTempDir();
  const old = join(parent, ".snap.tmp-0123456789ab"), fresh = join(parent, ".snap.tmp-ba9876543210");
  for (const dir of [old, fresh]) {
    await Deno.mkdir(dir);
    await Deno.writeTextFile(join(dir, "prices.parquet"), "…");
  }
  const past = new Date(Date.now() - ORPHAN_AGE_MS - 60_000);
  await Deno.utime(join(old, "prices.parquet"), past, past);
  await Deno.utime(old, past, past);
  await Deno.mkdir(join(parent, ".not-ours"));
  deepEqual(await removeOrphans(parent), [".snap.tmp-0123456789ab"]);
  deepEqual(await entries(parent), [".not-ours", ".snap.tmp-ba9876543210"]);
  await Deno.remove(parent, { recursive: true });
});

Deno.test("writeFileAtomic() removes its own stale temp files of the same name", async () => {
  const parent = await Deno.makeTempDir();
  const path = join(parent, "manifest.json");
  await writeFileAtomic(path, "1");
  const stale = join(parent, ".manifest.json.tmp-0123456789ab"),
    recent = join(parent, ".manifest.json.tmp-aaaaaaaaaaaa");
  await Deno.writeTextFile(stale, "half");
  await Deno.writeTextFile(recent, "half");
  const past = new Date(Date.now() - ORPHAN_AGE_MS - 60_000);
  await Deno.utime(stale, past, past);
  await writeFileAtomic(path, "2");
  deepEqual(await entries(parent), [".manifest.json.tmp-aaaaaaaaaaaa", "manifest.json"]);
  equal(await Deno.readTextFile(path), "2");
  await Deno.remove(parent, { recursive: true });
});
