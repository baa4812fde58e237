// Contract tests for the local Upstash REST stand-in, driven by the real @upstash/redis and
// @upstash/ratelimit clients (plus raw fetch where the wire format itself is the contract).
// Every suite runs against the in-memory backend, and against a real Redis when TEST_REDIS_URL
// is set. Keys carry a per-run prefix so runs against a shared Redis cannot collide.
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Redis } from "@upstash/redis";
import { Ratelimit } from "@upstash/ratelimit";
import { startRedisRest, type RedisRestServer } from "./index.ts";

const TOKEN = "local-test-token";
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const clientConfigs = [
  ["base64, one request per command", { enableAutoPipelining: false }],
  ["plain JSON, one request per command", { enableAutoPipelining: false, responseEncoding: false }],
  ["base64, auto-pipelined (the default)", {}],
] as const;

function contract(redisUrl: string | null) {
  let server: RedisRestServer;
  const run = randomUUID().slice(0, 8);
  const key = (name: string) => `redis-rest-test:${run}:${name}`;
  const client = (config: object = {}) => new Redis({ url: server.url, token: TOKEN, retry: false, ...config });
  async function post(path: string, body: string, headers: Record<string, string> = {}) {
    const res = await fetch(server.url + path, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, ...headers },
      body,
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  beforeAll(async () => {
    server = await startRedisRest({ token: TOKEN, redisUrl });
  });
  afterAll(async () => {
    const { body } = await post("/", JSON.stringify(["KEYS", key("*")]));
    const keys = (body as { result: string[] }).result;
    if (keys.length > 0) await post("/", JSON.stringify(["DEL", ...keys]));
    await server.close();
  });

  it("reports which backend it uses", () => {
    expect(server.backend).toBe(redisUrl === null ? "memory" : "redis");
  });

  describe.each(clientConfigs)("with @upstash/redis, %s", (name, config) => {
    let redis: Redis;
    const k = (suffix: string) => key(`${name}:${suffix}`);
    beforeAll(() => {
      redis = client(config);
    });

    it("sets, gets, deletes, increments and expires strings", async () => {
      expect(await redis.set(k("s"), "hello")).toBe("OK");
      expect(await redis.get(k("s"))).toBe("hello");
      expect(await redis.ttl(k("s"))).toBe(-1);
      expect(await redis.expire(k("s"), 100)).toBe(1);
      expect(await redis.ttl(k("s"))).toBeGreaterThan(90);
      expect(await redis.set(k("ex"), "x", { ex: 50 })).toBe("OK");
      expect(await redis.ttl(k("ex"))).toBeGreaterThan(40);
      expect(await redis.ttl(k("ex"))).toBeLessThanOrEqual(50);
      expect(await redis.del(k("s"), k("ex"), k("never-set"))).toBe(2);
      expect(await redis.ttl(k("s"))).toBe(-2);
      expect(await redis.incr(k("n"))).toBe(1);
      expect(await redis.incrby(k("n"), 41)).toBe(42);
      expect(await redis.get(k("n"))).toBe(42);
    });

    it("sets only what is absent with NX, with the expiry given (the client sends options in lower case)", async () => {
      expect(await redis.set(k("nx"), "first", { nx: true, ex: 60 })).toBe("OK");
      expect(await redis.set(k("nx"), "second", { nx: true, ex: 60 })).toBeNull();
      expect(await redis.get(k("nx"))).toBe("first");
      expect(await redis.ttl(k("nx"))).toBeGreaterThan(50);
      expect(await redis.set(k("xx"), "absent", { xx: true })).toBeNull();
      expect(await redis.get(k("xx"))).toBeNull();
      expect(await redis.set(k("px"), "x", { px: 60_000 })).toBe("OK");
      expect(await redis.pttl(k("px"))).toBeGreaterThan(50_000);
    });

    it("returns null for missing values", async () => {
      expect(await redis.get(k("missing"))).toBeNull();
      expect(await redis.hget(k("missing"), "f")).toBeNull();
      expect(await redis.hgetall(k("missing"))).toBeNull();
      await redis.set(k("present"), "here");
      expect(await redis.mget(k("present"), k("missing"))).toEqual(["here", null]);
    });

    it("round-trips JSON values and non-ASCII text", async () => {
      const value = { id: 7, tags: ["a", "b"], nested: { ok: true, none: null }, text: "héllo ✓ 日本" };
      await redis.set(k("json"), value);
      expect(await redis.get(k("json"))).toEqual(value);
      await redis.set(k("text"), "héllo ✓ 日本");
      expect(await redis.get(k("text"))).toBe("héllo ✓ 日本");
    });

    it("handles hashes", async () => {
      expect(await redis.hset(k("h"), { name: "ada", visits: 3, profile: { lang: "en" } })).toBe(3);
      expect(await redis.hget(k("h"), "name")).toBe("ada");
      expect(await redis.hgetall(k("h"))).toEqual({ name: "ada", visits: 3, profile: { lang: "en" } });
      expect(await redis.hincrby(k("h"), "visits", 2)).toBe(5);
      expect(await redis.hmget(k("h"), "name", "nope")).toEqual({ name: "ada", nope: null });
    });

    it("handles lists", async () => {
      expect(await redis.rpush(k("l"), "b", "c")).toBe(2);
      expect(await redis.lpush(k("l"), "a")).toBe(3);
      expect(await redis.lrange(k("l"), 0, -1)).toEqual(["a", "b", "c"]);
      expect(await redis.lpop(k("l"))).toBe("a");
      expect(await redis.llen(k("l"))).toBe(2);
    });

    it("handles sets", async () => {
      expect(await redis.sadd(k("set"), "x", "y", "x")).toBe(2);
      expect((await redis.smembers(k("set"))).sort()).toEqual(["x", "y"]);
      expect(await redis.sismember(k("set"), "y")).toBe(1);
      expect(await redis.srem(k("set"), "y")).toBe(1);
      expect(await redis.scard(k("set"))).toBe(1);
    });

    it("handles sorted sets", async () => {
      expect(await redis.zadd(k("z"), { score: 2, member: "b" }, { score: 1, member: "a" })).toBe(2);
      expect(await redis.zrange(k("z"), 0, -1)).toEqual(["a", "b"]);
      expect(await redis.zrange(k("z"), 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2]);
      expect(await redis.zincrby(k("z"), 5, "a")).toBe(6);
      expect(await redis.zscore(k("z"), "a")).toBe(6);
      expect(await redis.zrange(k("z"), 0, -1, { rev: true })).toEqual(["a", "b"]);
    });

    it("throws Redis's message on a wrong-type command", async () => {
      await redis.set(k("wrong"), "text");
      await expect(redis.lpush(k("wrong"), "x")).rejects.toThrow(/WRONGTYPE/);
      expect(await redis.get(k("wrong"))).toBe("text");
    });

    it("runs a user script with EVAL and EVALSHA, with Redis's Lua reply rules", async () => {
      const script = `-- ${name}
        local previous = redis.call('GET', KEYS[1])
        redis.call('SET', KEYS[1], ARGV[1])
        return {previous, ARGV[1], 2.9}`;
      expect(await redis.eval(script, [k("lua")], ["first"])).toEqual([null, "first", 2]);
      expect(await redis.evalsha(sha1(script), [k("lua")], ["second"])).toEqual(["first", "second", 2]);
      const loaded = `${script} -- loaded`;
      expect(await redis.scriptLoad(loaded)).toBe(sha1(loaded));
      expect(await redis.evalsha(sha1(loaded), [k("lua")], ["third"])).toEqual(["second", "third", 2]);
    });
  });

  describe("Lua scripts", () => {
    let redis: Redis;
    beforeAll(() => {
      redis = client();
    });

    it("runs @upstash/ratelimit-style scripts flagged allow-key-locking, under the client's SHA", async () => {
      const script = `#!lua flags=allow-key-locking
        return redis.call('INCRBY', KEYS[1], ARGV[1]) -- ${randomUUID()}`;
      await expect(redis.evalsha(sha1(script), [key("flagged")], [1])).rejects.toThrow(/NOSCRIPT/);
      expect(await redis.eval(script, [key("flagged")], [2])).toBe(2);
      expect(await redis.evalsha(sha1(script), [key("flagged")], [3])).toBe(5);

      const loaded = `#!lua flags=allow-key-locking\nreturn 'loaded' -- ${randomUUID()}`;
      expect(await redis.scriptLoad(loaded)).toBe(sha1(loaded));
      expect(await redis.evalsha(sha1(loaded), [], [])).toBe("loaded");
    });

    it("sees nil elements of array replies as false, as Redis's Lua does", async () => {
      await redis.hset(key("bucket"), { present: "here" });
      const script = `
        local values = redis.call('HMGET', KEYS[1], 'present', 'missing')
        return {values[1], values[2] == false and 'missing is false' or type(values[2])}`;
      expect(await redis.eval(script, [key("bucket")], [])).toEqual(["here", "missing is false"]);
    });

    it("reports Lua errors with Redis's script name and line", async () => {
      await expect(redis.eval("local one = 1\nreturn one + {}", [], [])).rejects.toThrow(
        /user_script:2: attempt to perform arithmetic on a table value/,
      );
      await expect(redis.eval("local one = 1\nreturn +", [], [])).rejects.toThrow(
        /user_script:2: unexpected symbol/,
      );
    });

    it("answers NOSCRIPT for an unknown SHA", async () => {
      await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
    });
  });

  describe("pipelines and transactions", () => {
    let redis: Redis;
    beforeAll(() => {
      redis = client();
    });

    it("runs redis.pipeline() in order", async () => {
      const results = await redis.pipeline().set(key("p"), "1").incr(key("p")).get(key("p")).exec();
      expect(results).toEqual(["OK", 2, 2]);
    });

    it("keeps per-command errors in a pipeline", async () => {
      await redis.set(key("p-err"), "text");
      const pipeline = redis.pipeline().lpush(key("p-err"), "x").get(key("p-err"));
      await expect(pipeline.exec()).rejects.toThrow(/Command 1 \[ lpush \] failed: WRONGTYPE/);
      const results = await redis
        .pipeline()
        .lpush(key("p-err"), "x")
        .get(key("p-err"))
        .exec({ keepErrors: true });
      expect(results[0]?.error).toMatch(/^WRONGTYPE/);
      expect(results[1]).toEqual({ error: undefined, result: "text" });
    });

    it("runs redis.multi() and reports runtime errors per command, like EXEC", async () => {
      const committed = await redis.multi().set(key("m"), "a").append(key("m"), "b").get(key("m")).exec();
      expect(committed).toEqual(["OK", 2, "ab"]);
      const results = await redis.multi().lpush(key("m"), "x").get(key("m")).exec({ keepErrors: true });
      expect(results[0]?.error).toMatch(/^WRONGTYPE/);
      expect(results[1]?.result).toBe("ab");
    });

    it("discards the whole transaction when a command cannot be queued", async () => {
      const res = await post("/multi-exec", JSON.stringify([["SET", key("abort"), "1"], ["NO-SUCH-COMMAND"]]));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.stringMatching(/^EXECABORT/) });
      expect(await redis.get(key("abort"))).toBeNull();
    });

    it("serves auto-pipelined concurrent commands, one /pipeline request per batch", async () => {
      const fetchSpy = vi.spyOn(globalThis, "fetch");
      try {
        const writes = [redis.set(key("a1"), "x"), redis.set(key("a2"), "y"), redis.incr(key("a3"))];
        expect(await Promise.all(writes)).toEqual(["OK", "OK", 1]);
        const reads = [redis.get(key("a1")), redis.get(key("a2")), redis.get(key("a3"))];
        expect(await Promise.all(reads)).toEqual(["x", "y", 1]);
        const urls = fetchSpy.mock.calls.map(([url]) => String(url));
        expect(urls).toEqual([`${server.url}/pipeline`, `${server.url}/pipeline`]);
      } finally {
        fetchSpy.mockRestore();
      }
    });
  });

  describe("wire format", () => {
    it("base64-encodes every string of the result except OK, when asked", async () => {
      const base64 = { "upstash-encoding": "base64" };
      const b64 = (text: string) => Buffer.from(text).toString("base64");
      const send = async (command: unknown[], headers: Record<string, string> = base64) =>
        (await post("/", JSON.stringify(command), headers)).body;
      expect(await send(["SET", key("w"), "héllo"])).toStrictEqual({ result: "OK" });
      expect(await send(["GET", key("w")])).toStrictEqual({ result: b64("héllo") });
      expect(await send(["GET", key("w-missing")])).toStrictEqual({ result: null });
      expect(await send(["RPUSH", key("wl"), "a", "b"])).toStrictEqual({ result: 2 });
      const nested = ["EVAL", "return {'a', {'OK', 7}, redis.call('LRANGE', KEYS[1], 0, -1)}", 1, key("wl")];
      expect(await send(nested)).toStrictEqual({ result: [b64("a"), ["OK", 7], [b64("a"), b64("b")]] });
      expect(await send(nested, {})).toStrictEqual({ result: ["a", ["OK", 7], ["a", "b"]] });
    });

    it("answers HGETALL as a flat field/value array", async () => {
      await post("/", JSON.stringify(["HSET", key("wh"), "f", "v", "2", "two"]));
      const { body } = await post("/", JSON.stringify(["HGETALL", key("wh")]));
      const flat = (body as { result: string[] }).result;
      const pairs = [[flat[0], flat[1]], [flat[2], flat[3]]].sort();
      expect(flat).toHaveLength(4);
      expect(pairs).toEqual([["2", "two"], ["f", "v"]]);
    });

    it("answers pipelines with one result or error per command, in order", async () => {
      const commands = [["SET", key("wp"), "x"], ["LPUSH", key("wp"), "y"], ["GET", key("wp")]];
      const res = await post("/pipeline", JSON.stringify(commands));
      expect(res.status).toBe(200);
      const wrongType = { error: expect.stringMatching(/^WRONGTYPE/) };
      expect(res.body).toEqual([{ result: "OK" }, wrongType, { result: "x" }]);
    });

    it("answers 400 with Redis's error for a failing single command", async () => {
      const res = await post("/", JSON.stringify(["NO-SUCH-COMMAND", "x"]));
      const error = expect.stringMatching(/^ERR unknown command 'NO-SUCH-COMMAND'/);
      expect(res).toEqual({ status: 400, body: { error } });
    });

    it("refuses commands that would change the shared connection's state", async () => {
      for (const command of [["SUBSCRIBE", "news"], ["SELECT", "1"], ["MULTI"]]) {
        const res = await post("/", JSON.stringify(command));
        const error = expect.stringMatching(/^ERR Command is not available/);
        expect(res).toEqual({ status: 400, body: { error } });
      }
      expect((await post("/", JSON.stringify(["PING"]))).body).toEqual({ result: "PONG" });
    });
  });

  describe("HTTP errors", () => {
    it("answers 401 without the right bearer token", async () => {
      for (const authorization of [undefined, "Bearer wrong", TOKEN, `Bearer ${TOKEN}x`]) {
        const res = await fetch(server.url, {
          method: "POST",
          headers: authorization === undefined ? {} : { authorization },
          body: JSON.stringify(["PING"]),
        });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ error: "Unauthorized" });
      }
      const wrong = new Redis({ url: server.url, token: "wrong", retry: false, enableAutoPipelining: false });
      await expect(wrong.get(key("any"))).rejects.toThrow(/Unauthorized/);
    });

    it("answers 400 for malformed JSON and for bodies that are not commands", async () => {
      for (const [path, body] of [
        ["/", '["GET",'],
        ["/", '{"command":"GET"}'],
        ["/", "[]"],
        ["/", '[["GET","k"]]'],
        ["/", '[""]'],
        ["/pipeline", '["GET","k"]'],
        ["/multi-exec", "[]"],
      ] as const) {
        const res = await post(path, body);
        const error = expect.stringMatching(/^ERR /);
        expect(res, `${path} ${body}`).toEqual({ status: 400, body: { error } });
      }
    });

    it("answers 413 for a body over 10 MB and keeps serving", async () => {
      const big = JSON.stringify(["SET", key("big"), "x".repeat(10 * 1024 * 1024)]);
      const res = await post("/", big);
      expect(res).toEqual({ status: 413, body: { error: expect.stringMatching(/larger than/) } });
      expect((await post("/", JSON.stringify(["GET", key("big")]))).body).toEqual({ result: null });
    });

    it("answers 404 for unknown paths and 405 for other methods", async () => {
      expect((await post("/set/k/v", "")).status).toBe(404);
      const res = await fetch(server.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(405);
    });
  });

  describe("@upstash/ratelimit", () => {
    let redis: Redis;
    beforeAll(() => {
      redis = client();
    });
    // Hour-long windows keep the test from straddling a window boundary.
    const algorithms = [
      ["slidingWindow", () => Ratelimit.slidingWindow(3, "1 h"), 3_600_000],
      ["fixedWindow", () => Ratelimit.fixedWindow(3, "1 h"), 3_600_000],
      ["tokenBucket", () => Ratelimit.tokenBucket(1, "1 h", 3), 3_600_000],
    ] as const;

    it.each(algorithms)("%s allows the limit, then blocks, and reports remaining and reset", async (
      name,
      limiter,
      windowMs,
    ) => {
      const prefix = key(`rl-${name}`);
      const ratelimit = new Ratelimit({ redis, limiter: limiter(), prefix, ephemeralCache: false });
      const start = Date.now();
      const responses = [];
      for (let i = 0; i < 4; i++) {
        const response = await ratelimit.limit("user-1");
        await response.pending;
        responses.push(response);
      }
      expect(responses.map((r) => r.success)).toEqual([true, true, true, false]);
      expect(responses.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
      for (const response of responses) {
        expect(response.limit).toBe(3);
        expect(response.reset).toBeGreaterThan(start);
        expect(response.reset).toBeLessThanOrEqual(Date.now() + windowMs);
      }
      expect((await ratelimit.getRemaining("user-1")).remaining).toBe(0);
      expect((await ratelimit.getRemaining("user-2")).remaining).toBe(3);
      expect((await ratelimit.limit("user-2")).remaining).toBe(2);
    });

    it("tokenBucket refills after its interval", async () => {
      const ratelimit = new Ratelimit({
        redis,
        limiter: Ratelimit.tokenBucket(1, "300 ms", 1),
        prefix: key("rl-refill"),
        ephemeralCache: false,
      });
      const first = await ratelimit.limit("user");
      expect(first.success).toBe(true);
      expect((await ratelimit.limit("user")).success).toBe(false);
      await sleep(first.reset - Date.now() + 50);
      const refilled = await ratelimit.limit("user");
      expect(refilled.success).toBe(true);
      expect(refilled.remaining).toBe(0);
    });
  });
}

describe("memory backend", () => contract(null));

// Runs only where a real Redis is available (TEST_REDIS_URL, e.g. redis://127.0.0.1:6379): that
// is the only way to check the stand-in matches real Redis, and it cannot be faked in memory.
const TEST_REDIS_URL = process.env.TEST_REDIS_URL;
describe.skipIf(!TEST_REDIS_URL)("redis backend", () => contract(TEST_REDIS_URL ?? null));

describe("startRedisRest", () => {
  it("gives every in-memory server its own data", async () => {
    const [one, two] = await Promise.all([
      startRedisRest({ token: TOKEN, redisUrl: null }),
      startRedisRest({ token: TOKEN, redisUrl: null }),
    ]);
    try {
      await new Redis({ url: one.url, token: TOKEN }).set("shared-name", "one");
      expect(await new Redis({ url: two.url, token: TOKEN }).get("shared-name")).toBeNull();
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it("fails fast, without echoing the password, when an explicit Redis URL does not answer", async () => {
    const start = Date.now();
    const attempt = startRedisRest({ token: TOKEN, redisUrl: "redis://user:s3cret@127.0.0.1:1" });
    await expect(attempt).rejects.toThrow(/not reachable/);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
    expect(Date.now() - start).toBeLessThan(2_000);
  });

  it("requires a token", async () => {
    await expect(startRedisRest({ token: "", redisUrl: null })).rejects.toThrow(/token/);
  });

  it("stops answering after close()", async () => {
    const server = await startRedisRest({ token: TOKEN, redisUrl: null });
    await server.close();
    await expect(fetch(server.url, { method: "POST", body: "[]" })).rejects.toThrow();
  });
});
