/**
 * The `xr2` command line: parses the arguments, runs one command, prints its result (human text,
 * or with --json one JSON document on stdout) and exits with the documented code:
 * 0 ok, 1 error, 2 usage, 3 needs approval, 4 conflict.
 */
import { parseArgs } from "node:util";
import type { CommandContext, CommandResult, Flags } from "./commands/context.ts";
import { bundle, exportPrompts, importPrompts } from "./commands/documents.ts";
import { promote, publish, rollback } from "./commands/deploy.ts";
import { init, login } from "./commands/setup.ts";
import { diff, pull, push, status } from "./commands/sync.ts";
import { CliError, createOutput, EXIT } from "./output.ts";

const OPTIONS = {
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  dir: { type: "string" },
  "api-url": { type: "string" },
  workspace: { type: "string" },
  force: { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
  env: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  version: { type: "string" },
  format: { type: "string" },
  out: { type: "string" },
  "on-conflict": { type: "string" },
  "prompts-dir": { type: "string" },
  note: { type: "string" },
  "token-stdin": { type: "boolean", default: false },
} as const;

type OptionName = keyof typeof OPTIONS;
const COMMON: OptionName[] = ["json", "help", "dir", "api-url", "workspace"];

const COMMANDS: Record<string, { run: (context: CommandContext) => Promise<CommandResult>; usage: string; options: OptionName[] }> = {
  login: { run: login, usage: "xr2 login [--api-url URL] [--workspace ws_…] [--token-stdin]", options: ["token-stdin"] },
  init: { run: init, usage: "xr2 init [--dir .] [--prompts-dir prompts] [--workspace ws_…] [--force]", options: ["prompts-dir", "force"] },
  pull: { run: pull, usage: "xr2 pull [slug…] [--force]", options: ["force"] },
  status: { run: status, usage: "xr2 status [slug…]", options: [] },
  diff: { run: diff, usage: "xr2 diff [slug…]", options: [] },
  push: { run: push, usage: "xr2 push [slug…] [--dry-run] [--force]", options: ["dry-run", "force"] },
  publish: { run: publish, usage: "xr2 publish <slug> --env staging|production|development [--version N] [--note TEXT]", options: ["env", "version", "note"] },
  promote: { run: promote, usage: "xr2 promote <slug> --from staging --to production [--note TEXT]", options: ["from", "to", "note"] },
  rollback: { run: rollback, usage: "xr2 rollback <slug> --env production [--version N] [--note TEXT]", options: ["env", "version", "note"] },
  export: { run: exportPrompts, usage: "xr2 export [--format json|yaml] [--out FILE]", options: ["format", "out"] },
  import: { run: importPrompts, usage: "xr2 import <file> [--from langfuse|promptlayer] [--on-conflict skip|new_versions]", options: ["from", "on-conflict"] },
  bundle: { run: bundle, usage: "xr2 bundle --env production [--out FILE]   (needs XR2_EDGE_URL and XR2_API_KEY)", options: ["env", "out"] },
};

function help(): string {
  return [
    "xr2 — prompts as code for xR2",
    "",
    ...Object.values(COMMANDS).map((command) => `  ${command.usage}`),
    "",
    "Every command takes --json (one JSON document on stdout), --dir DIR (the project folder, default .),",
    "--api-url URL and --workspace ws_…. Configuration: XR2_API_URL, XR2_TOKEN, XR2_WORKSPACE_ID, or xr2 login.",
    "Exit codes: 0 ok, 1 error, 2 usage, 3 needs approval, 4 conflict.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const output = createOutput(json);
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw new CliError(`${(error as Error).message}\n\n${help()}`, EXIT.usage);
    }
    const [name, ...positionals] = parsed.positionals;
    const values = parsed.values;
    if (name === undefined || (name === "help" && positionals.length === 0)) {
      if (values.help || name === "help") {
        process.stdout.write(`${help()}\n`);
        return EXIT.ok;
      }
      throw new CliError(help(), EXIT.usage);
    }
    const command = COMMANDS[name];
    if (!command) throw new CliError(`Unknown command "${name}"\n\n${help()}`, EXIT.usage);
    if (values.help) {
      process.stdout.write(`usage: ${command.usage}\n`);
      return EXIT.ok;
    }
    const allowed = new Set<string>([...COMMON, ...command.options]);
    const given = argv.filter((arg) => arg.startsWith("--")).map((arg) => arg.slice(2).split("=")[0]!);
    const stray = given.find((option) => !allowed.has(option));
    if (stray !== undefined) throw new CliError(`xr2 ${name} does not take --${stray}\nusage: ${command.usage}`, EXIT.usage);
    const flags: Flags = {
      dir: values.dir ?? ".",
      apiUrl: values["api-url"],
      workspace: values.workspace,
      force: values.force,
      dryRun: values["dry-run"],
      env: values.env,
      from: values.from,
      to: values.to,
      version: values.version,
      format: values.format,
      out: values.out,
      onConflict: values["on-conflict"],
      promptsDir: values["prompts-dir"],
      note: values.note,
      tokenStdin: values["token-stdin"],
    };
    const result = await command.run({ positionals, flags, output });
    if (json) process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    return result.exitCode ?? EXIT.ok;
  } catch (error) {
    const failure = error instanceof CliError ? error : new CliError(`Unexpected error: ${(error as Error).stack ?? String(error)}`);
    if (json) process.stdout.write(`${JSON.stringify({ error: { message: failure.message, exit_code: failure.exitCode, ...failure.details } }, null, 2)}\n`);
    else process.stderr.write(`xr2: ${failure.message}\n`);
    return failure.exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2));
