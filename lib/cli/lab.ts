/**
 * `deno task lab`: register the Deno Jupyter kernel and open JupyterLab on `notebooks/`.
 */

import { parseTaskArgs, runTask, shareStoreWithNotebooks } from "./args.ts";

const HELP = `Usage: deno task lab [--dir notebooks] [-- JUPYTER-LAB-ARGS…]

Registers the Deno kernel (deno jupyter --install --force) and starts JupyterLab in the notebooks folder.
Arguments after "--" go to "jupyter lab" (e.g. -- --no-browser --port 8890).

Options:
  --dir DIR         folder to open (default notebooks)
  --db PATH         store the notebooks read (default data/quant.duckdb; passed as QUANTNB_DB)
  --snapshots DIR   snapshot folder (default snapshots/; passed as QUANTNB_SNAPSHOTS)
  -h, --help        show this help

JupyterLab is not part of the Debian packages the project installs; if it is missing:
  pip install jupyterlab`;

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  try {
    const { code } = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return code === 0;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseTaskArgs(Deno.args, {
    dir: { type: "string", default: "notebooks" },
  });
  shareStoreWithNotebooks(values);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!(await succeeds(Deno.execPath(), ["jupyter", "--install", "--force"]))) {
    console.error('error: "deno jupyter --install --force" failed; run it by hand to see why.');
    return 1;
  }
  if (!(await succeeds("jupyter", ["lab", "--version"]))) {
    console.error(
      "JupyterLab is not installed. Install it with:\n  pip install jupyterlab\nthen run deno task lab again.",
    );
    return 1;
  }
  const { code } = await new Deno.Command("jupyter", {
    args: ["lab", ...positionals],
    cwd: values.dir,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return code;
}

if (import.meta.main) Deno.exit(await runTask(main, HELP));
