/**
 * A batch file's jobs, expanded and checked: `defaults` (for every job whose kind takes the option),
 * each job's own options, its `matrix` (every combination of the listed values), `exclude` (drop
 * combinations) and `overrides` (`when` a combination matches, `set` more options). Each job's options
 * are then checked by its kind's own parser (the task's), so a bad value is reported where it was
 * written: every problem at once, each with its line and column.
 *
 * ```yaml
 * name: nightly
 * defaults:
 *   snapshot: demo
 * jobs:
 *   - kind: backtest
 *     job: mom-lag{lag}-{residualize}
 *     signal: data/demo_signal.parquet
 *     matrix:
 *       lag: [0, 1, 2]
 *       residualize: [off, industry]
 *     exclude:
 *       - { lag: 2, residualize: industry }
 *     overrides:
 *       - when: { lag: 0 }
 *         set: { tc-bps: 20 }
 *   - kind: suite
 *     signal: data/demo_signal.parquet
 * ```
 */
import { basename } from "node:path";
import {
  BatchFileError,
  type BatchNode,
  type BatchProblem,
  type BatchSource,
  describeNode,
  type Loc,
  type MapEntry,
  type Scalar,
} from "./batch_file.ts";
import { type JobKind, jobList, type JobValues } from "./kind.ts";

/** One job of a batch, expanded and parsed by its kind. */
export interface JobSpec {
  /** Unique within the batch: the `job` template filled in, else `<kind>-<n>` plus the matrix values. */
  readonly name: string;
  readonly kind: JobKind;
  /** Option values in the task's form (text, or booleans for flags), its defaults included. */
  readonly values: JobValues;
  /** What the kind's parser made of them. */
  readonly options: unknown;
  /** Where the job's entry starts in the file. */
  readonly loc: Loc;
  /** Where each option was set, for problems found later (a missing file, a missing snapshot). */
  readonly locs: Readonly<Record<string, Loc>>;
  /** The jobs of the batch whose runs this one reads (`JobKind.dependsOn`), by name, in order. */
  readonly dependencies: readonly string[];
}

/** A checked batch file. */
export interface BatchSpec {
  readonly file: string;
  /** `name:`, else the file's name without extension. */
  readonly name: string;
  readonly description?: string;
  /** `snapshots:` / `runs:` folders named in the file (shared folders for workers), if any. */
  readonly snapshotsDir?: string;
  readonly runsDir?: string;
  readonly jobs: readonly JobSpec[];
}

const TOP_KEYS = ["name", "description", "snapshots", "runs", "defaults", "jobs"];
const JOB_KEYS = ["kind", "job", "matrix", "exclude", "overrides"];

/** A value given for an option, and where. */
interface Given {
  readonly node: BatchNode;
  readonly loc: Loc;
}

function entry(node: BatchNode, key: string): MapEntry | undefined {
  return node.type === "map" ? node.entries.find((e) => e.key === key) : undefined;
}

/** A scalar's text as a task argument (numbers as written in JSON, `true`/`false` as words). */
function scalarText(value: Scalar): string {
  return value === null ? "" : String(value);
}

/** A value's short form for job names: file paths become their base name without extension. */
function shortText(node: BatchNode): string {
  if (node.type === "seq") return node.items.map(shortText).join(",");
  if (node.type !== "scalar") return "?";
  const text = scalarText(node.value);
  return /[/\\]/.test(text) || /\.(csv|parquet|json|ya?ml)$/i.test(text)
    ? basename(text).replace(/\.[^.]+$/, "")
    : text;
}

/** Does a matrix value written in `exclude` / `when` equal the combination's? (compared as text) */
function sameValue(a: BatchNode, b: BatchNode): boolean {
  if (a.type === "seq" && b.type === "seq") {
    return a.items.length === b.items.length && a.items.every((x, k) => sameValue(x, b.items[k]));
  }
  return a.type === "scalar" && b.type === "scalar" && scalarText(a.value) === scalarText(b.value);
}

/** The cartesian product of the axes, first axis outermost. */
function product(axes: readonly (readonly [string, readonly BatchNode[]])[]): Map<string, BatchNode>[] {
  let combos: Map<string, BatchNode>[] = [new Map()];
  for (const [key, values] of axes) {
    combos = combos.flatMap((combo) => values.map((v) => new Map(combo).set(key, v)));
  }
  return combos;
}

/** Problems in file order, each once (a problem of a matrix job would otherwise repeat per combination). */
function distinct(problems: readonly BatchProblem[]): BatchProblem[] {
  const seen = new Set<string>();
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col).filter((p) => {
    const key = `${p.line}:${p.col}:${p.message}`;
    return !seen.has(key) && seen.add(key);
  });
}

/**
 * The kind's options from `values`, reporting every option its parser rejects: the parser stops at
 * the first bad option, so that option (when it is not required) is dropped and the rest parsed
 * again. `undefined` when any was rejected.
 */
function parseAll(
  kind: JobKind,
  values: Record<string, string | boolean | undefined>,
  report: (flag: string | undefined, message: string) => void,
): unknown {
  const left = { ...values };
  let failed = false;
  for (let attempt = 0; attempt <= Object.keys(values).length; attempt++) {
    try {
      const options = kind.parse(left);
      return failed ? undefined : options;
    } catch (error) {
      const message = (error as Error).message;
      const flag = /--([a-z][a-z0-9-]*)/.exec(message)?.[1];
      report(flag, message);
      failed = true;
      if (!flag || left[flag] === undefined || kind.required.includes(flag)) return undefined;
      delete left[flag];
    }
  }
  return undefined;
}

/** Glob-style match of a job name: `*` any run, `?` one character; a pattern without either is a substring. */
export function matchesPattern(name: string, pattern: string): boolean {
  if (!/[*?]/.test(pattern)) return name.includes(pattern);
  const re = new RegExp(
    `^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`,
  );
  return re.test(name);
}

/**
 * The job kinds a parsed batch file names (each job's `kind:` text, once each, in order), before
 * anything is checked: the kinds whose modules `expandBatch` needs.
 *
 * @example
 * ```ts
 * kindsNamed(await readBatchFile("nightly.yaml")); // => ["backtest", "suite"]
 * ```
 */
export function kindsNamed(source: BatchSource): string[] {
  const jobs = source.root.type === "map" ? entry(source.root, "jobs")?.value : undefined;
  const names = new Set<string>();
  for (const node of jobs?.type === "seq" ? jobs.items : []) {
    const kind = node.type === "map" ? entry(node, "kind")?.value : undefined;
    if (kind?.type === "scalar") names.add(scalarText(kind.value));
  }
  return [...names];
}

/**
 * Expands and checks a parsed batch file against the job kinds: every problem (unknown keys and
 * kinds, missing options, bad values, duplicate job names) is collected and thrown together as a
 * `BatchFileError`, each at its line and column. `kinds` holds at least the kinds the file names
 * (`kindsNamed`); `kindNames`, every kind there is, lists them in the errors.
 *
 * @example
 * ```ts
 * const spec = expandBatch(await readBatchFile("nightly.yaml"), JOB_KINDS);
 * spec.jobs.map((j) => j.name); // => ["mom-lag0-off", "mom-lag0-industry", …]
 * ```
 */
export function expandBatch(
  source: BatchSource,
  kinds: readonly JobKind[],
  kindNames: readonly string[] = kinds.map((k) => k.kind),
): BatchSpec {
  const problems: BatchProblem[] = [];
  const fail = (loc: Loc, message: string) => problems.push(source.problem(loc, message));
  const { root } = source;
  const fileName = basename(source.file).replace(/\.[^.]+$/, "");
  if (root.type !== "map") {
    fail(root.loc, `a batch file is a mapping with a "jobs" list; found ${describeNode(root)}`);
    throw new BatchFileError(problems);
  }
  for (const e of root.entries) {
    if (!TOP_KEYS.includes(e.key)) {
      fail(e.keyLoc, `unknown key "${e.key}"; a batch file has ${TOP_KEYS.join(", ")}`);
    }
  }
  const text = (key: string): string | undefined => {
    const e = entry(root, key);
    if (!e) return undefined;
    if (e.value.type !== "scalar" || typeof e.value.value !== "string" || !e.value.value.trim()) {
      fail(e.value.loc, `"${key}" expects a non-empty text; found ${describeNode(e.value)}`);
      return undefined;
    }
    return e.value.value;
  };
  const name = text("name") ?? fileName;
  const description = text("description");
  const snapshotsDir = text("snapshots");
  const runsDir = text("runs");

  const defaults = new Map<string, Given>();
  const defaultKeys = new Map<string, Loc>();
  const defaultsEntry = entry(root, "defaults");
  if (defaultsEntry) {
    if (defaultsEntry.value.type !== "map") {
      fail(
        defaultsEntry.value.loc,
        `"defaults" expects a mapping of options; found ${describeNode(defaultsEntry.value)}`,
      );
    } else {
      for (const e of defaultsEntry.value.entries) {
        defaults.set(e.key, { node: e.value, loc: e.value.loc });
        defaultKeys.set(e.key, e.keyLoc);
      }
    }
  }
  const defaultsUsed = new Set<string>();

  const jobsEntry = entry(root, "jobs");
  const jobNodes: BatchNode[] = [];
  if (!jobsEntry) fail(root.loc, `a batch file needs a "jobs" list`);
  else if (jobsEntry.value.type !== "seq" || jobsEntry.value.items.length === 0) {
    fail(
      jobsEntry.value.loc,
      `"jobs" expects a non-empty list of jobs; found ${describeNode(jobsEntry.value)}`,
    );
  } else jobNodes.push(...jobsEntry.value.items);

  const byName = new Map<string, Loc>();
  const jobs: JobSpec[] = [];
  /** Jobs naming dependencies: where each item of their `dependsOn` option was written. */
  const wanted = new Map<string, Loc[]>();
  const kindList = kindNames.join(", ");
  jobNodes.forEach((node, j) => {
    if (node.type !== "map") {
      fail(node.loc, `a job is a mapping with a "kind"; found ${describeNode(node)}`);
      return;
    }
    const kindEntry = entry(node, "kind");
    if (!kindEntry) {
      fail(node.loc, `job ${j + 1} has no "kind"; kinds: ${kindList}`);
      return;
    }
    const kindName = kindEntry.value.type === "scalar" ? scalarText(kindEntry.value.value) : "";
    const kind = kinds.find((k) => k.kind === kindName);
    if (!kind) {
      fail(
        kindEntry.value.loc,
        `unknown job kind ${JSON.stringify(kindName || describeNode(kindEntry.value))}; kinds: ${kindList}`,
      );
      return;
    }
    const takes = (key: string) => Object.hasOwn(kind.options, key);
    const optionList = Object.keys(kind.options).join(", ");
    const checkOption = (key: string, loc: Loc): boolean => {
      if (takes(key)) return true;
      fail(loc, `a ${kind.kind} job has no option "${key}"; its options: ${optionList}`);
      return false;
    };
    const problemsBefore = problems.length;

    const own = new Map<string, Given>();
    for (const e of node.entries) {
      if (JOB_KEYS.includes(e.key)) continue;
      if (checkOption(e.key, e.keyLoc)) own.set(e.key, { node: e.value, loc: e.value.loc });
    }

    const axes: [string, BatchNode[]][] = [];
    const matrix = entry(node, "matrix");
    if (matrix) {
      if (matrix.value.type !== "map" || matrix.value.entries.length === 0) {
        fail(
          matrix.value.loc,
          `"matrix" expects a mapping of option → list of values; found ${describeNode(matrix.value)}`,
        );
      } else {
        for (const e of matrix.value.entries) {
          if (!checkOption(e.key, e.keyLoc)) continue;
          if (e.value.type !== "seq" || e.value.items.length === 0) {
            fail(
              e.value.loc,
              `matrix "${e.key}" expects a non-empty list of values; found ${describeNode(e.value)}`,
            );
            continue;
          }
          axes.push([e.key, [...e.value.items]]);
        }
      }
    }
    const axisNames = axes.map(([k]) => k);
    const combination = (what: string, n: BatchNode): Map<string, BatchNode> | undefined => {
      if (n.type !== "map") {
        fail(n.loc, `${what} expects a mapping of matrix option → value; found ${describeNode(n)}`);
        return undefined;
      }
      const out = new Map<string, BatchNode>();
      for (const e of n.entries) {
        if (!axisNames.includes(e.key)) {
          fail(
            e.keyLoc,
            `${what}: "${e.key}" is not a matrix option of this job (matrix: ${
              axisNames.join(", ") || "none"
            })`,
          );
        } else out.set(e.key, e.value);
      }
      return out;
    };
    const matches = (combo: Map<string, BatchNode>, when: Map<string, BatchNode>) =>
      [...when].every(([k, v]) => sameValue(combo.get(k)!, v));

    const excludes: Map<string, BatchNode>[] = [];
    const excludeEntry = entry(node, "exclude");
    if (excludeEntry) {
      if (excludeEntry.value.type !== "seq") {
        fail(
          excludeEntry.value.loc,
          `"exclude" expects a list of combinations; found ${describeNode(excludeEntry.value)}`,
        );
      } else {
        for (const item of excludeEntry.value.items) {
          const c = combination("exclude", item);
          if (c) excludes.push(c);
        }
      }
    }
    const overrides: { when: Map<string, BatchNode>; set: Map<string, Given> }[] = [];
    const overridesEntry = entry(node, "overrides");
    if (overridesEntry) {
      if (overridesEntry.value.type !== "seq") {
        fail(
          overridesEntry.value.loc,
          `"overrides" expects a list of { when, set }; found ${describeNode(overridesEntry.value)}`,
        );
      } else {
        for (const item of overridesEntry.value.items) {
          const whenNode = entry(item, "when"), setNode = entry(item, "set");
          if (item.type !== "map" || !whenNode || !setNode || item.entries.length !== 2) {
            fail(item.loc, `an override is a mapping with "when" (matrix values) and "set" (options)`);
            continue;
          }
          const when = combination("overrides.when", whenNode.value);
          if (setNode.value.type !== "map") {
            fail(
              setNode.value.loc,
              `overrides.set expects a mapping of options; found ${describeNode(setNode.value)}`,
            );
            continue;
          }
          const set = new Map<string, Given>();
          for (const e of setNode.value.entries) {
            if (checkOption(e.key, e.keyLoc)) set.set(e.key, { node: e.value, loc: e.value.loc });
          }
          if (when) overrides.push({ when, set });
        }
      }
    }

    const template = entry(node, "job");
    let templateText: string | undefined;
    if (template) {
      if (template.value.type !== "scalar" || !scalarText(template.value.value).trim()) {
        fail(
          template.value.loc,
          `"job" expects a job name (with {option} placeholders); found ${describeNode(template.value)}`,
        );
      } else {
        templateText = scalarText(template.value.value);
        for (const [, placeholder] of templateText.matchAll(/\{([^}]*)\}/g)) {
          if (!axisNames.includes(placeholder)) {
            fail(
              template.value.loc,
              `job name placeholder {${placeholder}} is not a matrix option (matrix: ${
                axisNames.join(", ") || "none"
              })`,
            );
          }
        }
      }
    }
    const clean = problems.length === problemsBefore;

    for (const combo of product(axes)) {
      if (excludes.some((x) => matches(combo, x))) continue;
      const given = new Map<string, Given>();
      for (const [key, g] of defaults) {
        if (takes(key)) {
          given.set(key, g);
          defaultsUsed.add(key);
        }
      }
      for (const [key, g] of own) given.set(key, g);
      for (const [key, value] of combo) given.set(key, { node: value, loc: value.loc });
      for (const o of overrides) {
        if (matches(combo, o.when)) {
          for (const [key, g] of o.set) given.set(key, g);
        }
      }

      const values: Record<string, string | boolean | undefined> = {};
      const locs: Record<string, Loc> = {};
      let itemLocs: Loc[] = [];
      for (const [key, def] of Object.entries(kind.options)) {
        if (def.default !== undefined) values[key] = def.default;
      }
      let ok = true;
      for (const [key, { node: v, loc }] of given) {
        locs[key] = loc;
        if (key === kind.dependsOn) itemLocs = v.type === "seq" ? v.items.map((x) => x.loc) : [loc];
        const def = kind.options[key];
        if (v.type === "scalar" && v.value === null) {
          delete values[key];
        } else if (def.type === "boolean") {
          if (v.type === "scalar" && typeof v.value === "boolean") values[key] = v.value;
          else {
            fail(v.loc, `"${key}" is a flag: expected true or false; found ${describeNode(v)}`);
            delete values[key];
            ok = false;
          }
        } else if (v.type === "scalar" && typeof v.value !== "boolean") {
          values[key] = scalarText(v.value);
        } else if (
          v.type === "seq" && v.items.every((x) => x.type === "scalar" && typeof x.value !== "boolean")
        ) {
          // a repeatable option takes each item as one value; others take the task's comma-separated form
          values[key] = v.items.map((x) => scalarText((x as { value: Scalar }).value))
            .join(def.multiple ? "\n" : ",");
        } else {
          fail(v.loc, `"${key}" expects a value (text, number or list of them); found ${describeNode(v)}`);
          delete values[key];
          ok = false;
        }
      }
      const missing = kind.required.filter((key) => values[key] === undefined || values[key] === "");
      for (const key of missing) {
        fail(
          node.loc,
          `a ${kind.kind} job needs "${key}" (missing${defaults.size ? ", also from defaults" : ""})`,
        );
      }
      if (missing.length) continue;
      const options = parseAll(
        kind,
        values,
        (flag, message) => fail(flag && locs[flag] ? locs[flag] : node.loc, message),
      );
      if (options === undefined || !ok || !clean) continue;
      const suffix = axes.length && !templateText
        ? `[${[...combo].map(([k, v]) => `${k}=${shortText(v)}`).join(",")}]`
        : "";
      const jobName = templateText
        ? templateText.replace(/\{([^}]*)\}/g, (_, k: string) => shortText(combo.get(k)!))
        : `${kind.kind}-${j + 1}${suffix}`;
      const earlier = byName.get(jobName);
      if (earlier) {
        fail(
          template?.value.loc ?? node.loc,
          `job name "${jobName}" is already used by the job at line ${earlier.line}; give each job a distinct "job" name`,
        );
        continue;
      }
      byName.set(jobName, node.loc);
      jobs.push({ name: jobName, kind, values, options, loc: node.loc, locs, dependencies: [] });
      if (kind.dependsOn) wanted.set(jobName, itemLocs);
    }
  });
  const ordered = orderByDependencies(jobs, wanted, fail);
  for (const [key, loc] of defaultKeys) {
    if (!defaultsUsed.has(key) && problems.length === 0) {
      fail(loc, `defaults: no job of this batch takes "${key}"`);
    }
  }
  if (problems.length) throw new BatchFileError(distinct(problems));
  return { file: source.file, name, description, snapshotsDir, runsDir, jobs: ordered };
}

/**
 * The jobs with their dependencies resolved (each item of a kind's `dependsOn` option: a job name,
 * or a `*` / `?` pattern matching one or more other jobs) and in an order that runs every dependency
 * before its dependents (file order otherwise). An unknown name, a pattern matching nothing and a
 * cycle are reported at the item (or the option) where they were written.
 */
function orderByDependencies(
  jobs: readonly JobSpec[],
  wanted: ReadonlyMap<string, readonly Loc[]>,
  fail: (loc: Loc, message: string) => void,
): JobSpec[] {
  const names = jobs.map((j) => j.name);
  const resolved = jobs.map((job) => {
    const locs = wanted.get(job.name);
    if (!locs) return job;
    const option = job.kind.dependsOn!;
    const deps: string[] = [];
    jobList(job.values[option]).forEach((item, k) => {
      const loc = locs[k] ?? job.locs[option] ?? job.loc;
      const glob = /[*?]/.test(item);
      const found = glob
        ? names.filter((n) => n !== job.name && matchesPattern(n, item))
        : names.filter((n) => n === item);
      if (found.length === 0) {
        const some = names.filter((n) => n !== job.name).slice(0, 8).join(", ");
        fail(
          loc,
          glob
            ? `"${option}": no job of this batch matches "${item}" (jobs: ${some || "none"})`
            : `"${option}": no job named "${item}" in this batch (jobs: ${some || "none"})`,
        );
      }
      for (const n of found) if (!deps.includes(n)) deps.push(n);
    });
    return { ...job, dependencies: deps };
  });
  const byName = new Map(resolved.map((j) => [j.name, j]));
  const ordered: JobSpec[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (job: JobSpec, path: readonly string[]) => {
    const now = state.get(job.name);
    if (now === "done") return;
    if (now === "visiting") {
      const cycle = [...path.slice(path.indexOf(job.name)), job.name];
      const at = byName.get(path[path.length - 1])!;
      const option = at.kind.dependsOn!;
      fail(at.locs[option] ?? at.loc, `"${option}": dependency cycle ${cycle.join(" → ")}`);
      return;
    }
    state.set(job.name, "visiting");
    for (const dep of job.dependencies) visit(byName.get(dep)!, [...path, job.name]);
    state.set(job.name, "done");
    ordered.push(job);
  };
  for (const job of resolved) visit(job, []);
  return ordered;
}
