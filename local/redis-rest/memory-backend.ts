// In-memory Redis through ioredis-mock, for machines without a Redis. The mock has no generic
// `call()`, so commands are dispatched to its methods by name, limited to real Redis commands.
// It also differs from Redis in ways the REST contract would show; we patch those:
// - Inside Lua, a nil element of an array reply (HMGET of a missing field) reaches the script as
//   fengari's JS-null userdata instead of `false`, so `bucket[1] == false` fails and
//   @upstash/ratelimit's token bucket dies with "attempt to perform arithmetic on a nil value
//   (local 'refilledAt')". A one-line Lua prelude wraps redis.call/pcall to turn array replies
//   into Lua tables with `false` for nil, as Redis does. It fills them from the end because the
//   mock only returns a Lua table as an array if its keys were inserted last to first (as
//   fengari's table constructors do); scripts that fill a table upwards hit that bug themselves.
// - fengari cannot parse a `#!lua` shebang, so it is removed (flags mean nothing here).
// - Script replies come back as Lua values: Redis truncates numbers and turns false into nil.
// - Type errors say "Key k does not contain a list"; Redis says WRONGTYPE.
// - SET's options are only recognised in upper case (NX, EX, …), while Redis takes any case and
//   @upstash/redis sends them in lower case: the mock ignored `nx` and `ex`, overwriting the key
//   and setting no expiry. They are upper-cased before the call.
// Its MULTI runs nothing atomically on error, so a transaction calls each command synchronously
// in one turn of the event loop instead: no other request can run in between.
// Known gaps: SCRIPT other than LOAD, nested arrays inside Lua, GET of "" inside Lua (false).
import RedisMock from "ioredis-mock";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import type { Backend, Outcome } from "./backend.ts";
import type { Command } from "./commands.ts";
import { sha1 } from "./scripts.ts";

// getBuiltinCommands() returns ioredis's static command table and does not use `this`.
const REDIS_COMMANDS = new Set(Redis.prototype.getBuiltinCommands());
const SET_OPTIONS = new Set(["NX", "XX", "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "GET"]);
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

const LUA_PRELUDE = `
  do
    local call, pcall_ = redis.call, redis.pcall
    local function hasLength(v) return (pcall(function() return #v end)) end
    local function isNull(v) return type(v) == "userdata" and tostring(v) == "null" and not hasLength(v) end
    local function nilsAsFalse(reply)
      if type(reply) ~= "userdata" or not hasLength(reply) then return reply end
      local items = {}
      for i = #reply, 1, -1 do
        if isNull(reply[i]) then items[i] = false else items[i] = reply[i] end
      end
      return items
    end
    redis.call = function(...) return nilsAsFalse(call(...)) end
    redis.pcall = function(...) return nilsAsFalse(pcall_(...)) end
  end `.replace(/\s+/g, " "); // one line, so the script's own line numbers do not move

export function createMemoryBackend(): Backend {
  // Mocks that share host/port share data; a unique host gives each server its own store.
  const mock = new RedisMock({ host: `memory-${randomUUID()}` });
  const methods = mock as unknown as Record<string, (...args: string[]) => Promise<unknown>>;

  // Calls into the mock synchronously (no await before it): transactions rely on that.
  function run([name, ...args]: Command): Promise<unknown> {
    const method = name.toLowerCase();
    const [first, ...rest] = args;
    let reply: Promise<unknown>;
    try {
      if (!REDIS_COMMANDS.has(method)) {
        throw new Error(`ERR unknown command '${name}'`);
      } else if ((method === "eval" || method === "eval_ro") && first !== undefined) {
        reply = methods.eval!(LUA_PRELUDE + first.replace(/^#![^\n]*/, ""), ...rest).then(fromLua);
      } else if (method === "script" && first?.toLowerCase() === "load" && rest[0] !== undefined) {
        reply = Promise.resolve(sha1(rest[0]));
      } else if (method === "set") {
        const [key, value, ...options] = args;
        reply = methods.set!(key!, value!, ...options.map((option) => (SET_OPTIONS.has(option.toUpperCase()) ? option.toUpperCase() : option)));
      } else {
        reply = methods[method]!(...args);
      }
    } catch (error) {
      reply = Promise.reject(error);
    }
    return reply.catch((error: unknown) => Promise.reject(asRedisError(error)));
  }

  return {
    kind: "memory",
    run,
    async transaction(commands: Command[]): Promise<Outcome[]> {
      const unknown = commands.find(([name]) => !REDIS_COMMANDS.has(name.toLowerCase()));
      if (unknown) {
        throw new Error(`EXECABORT Transaction discarded because of: unknown command '${unknown[0]}'`);
      }
      const replies = await Promise.allSettled(commands.map(run));
      return replies.map((reply) =>
        reply.status === "fulfilled" ? { result: reply.value } : { error: (reply.reason as Error).message },
      );
    },
    async close() {
      await mock.flushall();
      mock.disconnect();
    },
  };
}

function fromLua(value: unknown): unknown {
  if (typeof value === "number") return Math.trunc(value);
  if (value === false) return null;
  if (value === true) return 1;
  return Array.isArray(value) ? value.map(fromLua) : value;
}

function asRedisError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/^Key .* does not contain a /.test(message)) return new Error(WRONGTYPE);
  if (message.startsWith("Unsupported command")) return new Error(`ERR ${message} (memory mode)`);
  // fengari names the chunk after its first line, which is our prelude; Redis says user_script.
  return new Error(message.replace(/\[string ".*?"\]:/, "user_script:"));
}
