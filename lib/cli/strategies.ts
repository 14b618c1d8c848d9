/**
 * `deno task strategies list|show NAME`: browse the strategy registry (`strategies/*.ts`).
 */
import { relative } from "node:path";
import { renderTextTable } from "../nb/text_table.ts";
import { schemaRows, strategyRows } from "../strategy/describe.ts";
import { discoverStrategies } from "../strategy/registry.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task strategies list | show NAME [options]

The strategy registry: every strategies/*.ts module that exports a valid strategy.

Commands:
  list               name, category, title and description of every strategy, by category;
                     files that failed to load are listed after, with the reason
  show NAME          one strategy: description, category, default schedule, source and its
                     parameter schema (type, default, allowed range, description)

Options:
  --json             print JSON instead of tables
${COMMON_HELP}

Run one with: deno task run NAME --snapshot ID [--param k=v …]`;

/** \`deno task strategies\`: see \`--help\`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, { json: { type: "boolean", default: false } });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const [command, name, ...rest] = positionals;
    if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);
    const registry = await discoverStrategies();
    if (command === "list" && !name) {
      const rows = strategyRows(registry);
      if (values.json) {
        console.log(JSON.stringify({ strategies: rows, errors: registry.errors }, null, 2));
        return 0;
      }
      console.log(renderTextTable(
        rows.map(({ name, category, description }) => ({ name, category, description })),
        { maxRows: rows.length, caption: `${rows.length} strategies` },
      ));
      if (registry.errors.length) {
        console.log(`\n${registry.errors.length} file(s) failed to load:`);
        for (const e of registry.errors) console.log(`  ${e.file}: ${e.message}`);
      }
      return 0;
    }
    if (command === "show" && name) {
      const entry = registry.get(name);
      const rows = schemaRows(entry);
      if (values.json) {
        const { generate: _, ...rest } = entry;
        console.log(JSON.stringify({ ...rest, schedule: entry.schedule ?? "monthly" }, null, 2));
        return 0;
      }
      console.log(`${entry.name} — ${entry.title}\n${entry.description}\n`);
      console.log(
        `category ${entry.category} · default schedule ${entry.schedule ?? "monthly"} · ${
          relative(Deno.cwd(), entry.source.path)
        }\n`,
      );
      console.log(
        rows.length ? renderTextTable(rows, { maxRows: rows.length, plain: ["default"] }) : "no parameters",
      );
      return 0;
    }
    throw new UsageError(
      command ? `expected "list" or "show NAME", found "${positionals.join(" ")}"` : "a command is required",
    );
  }, HELP);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
