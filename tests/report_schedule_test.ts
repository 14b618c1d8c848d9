import { deepEqual } from "node:assert/strict";
import {
  EXPORT_SECONDS_FILE,
  longestFirst,
  readExportSeconds,
  writeExportSeconds,
} from "../lib/report/schedule.ts";

Deno.test("longestFirst() starts the longest notebooks first, untimed ones before them in folder order", () => {
  const notebooks = ["nb/01.ipynb", "nb/02.ipynb", "nb/03.ipynb", "nb/04.ipynb", "nb/05.ipynb"];
  // the cold export of this session: 02 9.1 s, 03 9.6 s, 05 22.3 s, 04 9.3 s; 01 has no time
  const seconds = { "02.ipynb": 9.1, "03.ipynb": 9.6, "04.ipynb": 9.3, "05.ipynb": 22.3 };
  deepEqual(longestFirst(notebooks, seconds), [
    "nb/01.ipynb",
    "nb/05.ipynb",
    "nb/03.ipynb",
    "nb/04.ipynb",
    "nb/02.ipynb",
  ]);
  deepEqual(longestFirst(notebooks, {}), notebooks, "no times: folder order");
  deepEqual(
    longestFirst(["a.ipynb", "b.ipynb"], { "a.ipynb": 5, "b.ipynb": 5 }),
    ["a.ipynb", "b.ipynb"],
    "stable",
  );
});

Deno.test("export times are recorded per notebook, merged with earlier ones, and a bad file is ignored", async () => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-schedule-" });
  try {
    deepEqual(await readExportSeconds(dir), {}, "none yet");
    await writeExportSeconds(dir, [{ notebook: "notebooks/01.ipynb", seconds: 11.14 }]);
    await writeExportSeconds(dir, [{ notebook: "notebooks/07.ipynb", seconds: 27.36 }]);
    deepEqual(
      await readExportSeconds(dir),
      { "01.ipynb": 11.1, "07.ipynb": 27.4 },
      "rounded to 0.1 s, merged",
    );
    await Deno.writeTextFile(`${dir}/${EXPORT_SECONDS_FILE}`, '{"01.ipynb": "slow"}');
    const warn = console.warn;
    const warned: string[] = [];
    console.warn = (line: string) => warned.push(line);
    try {
      deepEqual(await readExportSeconds(dir), {});
    } finally {
      console.warn = warn;
    }
    deepEqual(warned.length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
