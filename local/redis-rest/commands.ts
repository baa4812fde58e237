// From commands to Upstash outcomes: refuse commands that would change the state of the
// connection every request shares, let the script registry rewrite EVAL/EVALSHA/SCRIPT LOAD,
// run on the backend, shape replies as Upstash does.
import { errorMessage, type Backend, type Outcome } from "./backend.ts";
import { ScriptRegistry } from "./scripts.ts";
import { toUpstashValue } from "./encoding.ts";

export type Command = [name: string, ...args: string[]];

// Over REST every request shares one connection, so these would leak into other requests
// (subscriber mode, another database, a half-open MULTI) or close it.
const CONNECTION_STATE_COMMANDS = new Set([
  "AUTH", "CLIENT", "DISCARD", "EXEC", "HELLO", "MONITOR", "MULTI", "PSUBSCRIBE", "PSYNC",
  "PUNSUBSCRIBE", "QUIT", "RESET", "SELECT", "SSUBSCRIBE", "SUBSCRIBE", "SUNSUBSCRIBE", "SYNC",
  "UNSUBSCRIBE", "UNWATCH", "WATCH",
]);

export class CommandRunner {
  readonly #scripts = new ScriptRegistry();

  constructor(private readonly backend: Backend) {}

  /** Rejects with the Redis error message. */
  async run(command: Command): Promise<unknown> {
    if (changesConnectionState(command)) {
      throw new Error(`ERR Command is not available over REST: '${command[0]}'`);
    }
    const { command: rewritten, result } = this.#scripts.rewrite(command);
    const reply = await this.backend.run(rewritten);
    return toUpstashValue(result ? result(reply) : reply);
  }

  pipeline(commands: Command[]): Promise<Outcome[]> {
    // Not awaited one by one: the backend keeps the order, and requests stay pipelined.
    return Promise.all(commands.map((command) => settle(this.run(command))));
  }

  /** Rejects (EXECABORT) when a command could not be queued, as Redis does. */
  async transaction(commands: Command[]): Promise<Outcome[]> {
    const refused = commands.find(changesConnectionState);
    if (refused) {
      throw new Error(`EXECABORT Transaction discarded: '${refused[0]}' is not available over REST`);
    }
    const rewrites = commands.map((command) => this.#scripts.rewrite(command));
    const outcomes = await this.backend.transaction(rewrites.map((rewrite) => rewrite.command));
    return outcomes.map((outcome, index) => {
      const mapResult = rewrites[index]?.result ?? ((reply: unknown) => reply);
      return "result" in outcome ? { result: toUpstashValue(mapResult(outcome.result)) } : outcome;
    });
  }
}

function changesConnectionState([name]: Command): boolean {
  return CONNECTION_STATE_COMMANDS.has(name.toUpperCase());
}

async function settle(promise: Promise<unknown>): Promise<Outcome> {
  try {
    return { result: await promise };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}
