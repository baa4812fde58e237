// Lua scripts as @upstash/ratelimit ≥ 2.1 sends them start with `#!lua flags=allow-key-locking`,
// a flag Upstash understands and Redis 7.0 rejects ("Unexpected flag in script shebang"). We drop
// the flag and remember each script under the SHA1 the client computed over the text it sent, so
// EVALSHA with that SHA still finds it. A known EVALSHA is sent to the backend as EVAL of the
// stored text: Redis caches it by its own SHA, and unlike an EVALSHA-then-retry-on-NOSCRIPT dance
// this also works inside MULTI. Unknown SHAs pass through, so clients still see NOSCRIPT and fall
// back to EVAL as they would against Upstash.
import { createHash } from "node:crypto";
import type { Command } from "./commands.ts";

const UNSUPPORTED_FLAG = "allow-key-locking";

export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** Keeps other flags; drops a shebang left empty. Keeps the line break so Lua line numbers match. */
function withoutUnsupportedFlag(script: string): string {
  const shebang = /^#!lua flags=([^\n]*)/.exec(script);
  const flags = shebang?.[1]?.split(",").map((flag) => flag.trim());
  if (!shebang || !flags?.includes(UNSUPPORTED_FLAG)) return script;
  const kept = flags.filter((flag) => flag !== UNSUPPORTED_FLAG && flag !== "");
  return (kept.length > 0 ? `#!lua flags=${kept.join(",")}` : "") + script.slice(shebang[0].length);
}

interface Rewrite {
  command: Command;
  /** Turns the backend's reply into the one the client expects. */
  result?: (reply: unknown) => unknown;
}

export class ScriptRegistry {
  // Grows with every distinct script; fine for a dev server, whose clients send a handful.
  readonly #scriptsByClientSha = new Map<string, string>();

  rewrite(command: Command): Rewrite {
    const [name, first, ...rest] = command;
    const upper = name.toUpperCase();
    if (first === undefined) return { command };
    if (upper === "EVAL" || upper === "EVAL_RO") {
      return { command: [upper, this.#register(first).script, ...rest] };
    }
    if (upper === "EVALSHA" || upper === "EVALSHA_RO") {
      const script = this.#scriptsByClientSha.get(first.toLowerCase());
      if (script === undefined) return { command };
      return { command: [upper === "EVALSHA" ? "EVAL" : "EVAL_RO", script, ...rest] };
    }
    const [source, ...extra] = rest;
    if (upper === "SCRIPT" && first.toUpperCase() === "LOAD" && source !== undefined && extra.length === 0) {
      const { sha, script } = this.#register(source);
      return { command: ["SCRIPT", "LOAD", script], result: () => sha };
    }
    return { command };
  }

  #register(source: string): { sha: string; script: string } {
    const sha = sha1(source);
    const script = withoutUnsupportedFlag(source);
    this.#scriptsByClientSha.set(sha, script);
    return { sha, script };
  }
}
