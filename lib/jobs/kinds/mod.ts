/**
 * Every job kind a batch can run, one file each (loaded through `registry.ts`). A kind reuses its
 * task's option definitions and library entry points (see `JobKind`).
 */
import type { JobKind } from "../kind.ts";
import { JOB_KIND_NAMES, loadJobKind } from "./registry.ts";

/** The job kinds, by the name a batch file gives as `kind:` (every kind's module loaded). */
export const JOB_KINDS: readonly JobKind[] = await Promise.all(
  JOB_KIND_NAMES.map(async (name) => (await loadJobKind(name))!),
);
