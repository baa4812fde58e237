// A real Redis through ioredis. `call()` sends any command by name, so nothing here knows the
// command set. Transactions get their own connection: MULTI … EXEC then never shares a socket
// with single commands from concurrent requests.
import { Redis } from "ioredis";
import type { Backend, Outcome } from "./backend.ts";
import type { Command } from "./commands.ts";

export async function connectRedisBackend(url: string, timeoutMs: number): Promise<Backend> {
  // maxRetriesPerRequest: fail a command after one reconnect attempt rather than queue it for long.
  const options = { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 1 };
  const client = await connect(new Redis(url, options), url, timeoutMs);
  const transactions = await connect(client.duplicate(), url, timeoutMs).catch((error: unknown) => {
    client.disconnect();
    throw error;
  });
  return {
    kind: "redis",
    run: ([name, ...args]) => client.call(name, ...args),
    async transaction(commands: Command[]): Promise<Outcome[]> {
      const multi = transactions.multi();
      for (const [name, ...args] of commands) multi.call(name, ...args);
      const replies = (await multi.exec()) ?? [];
      return replies.map(([error, result]) => (error ? { error: error.message } : { result }));
    },
    async close() {
      await Promise.allSettled([client.quit(), transactions.quit()]);
    },
  };
}

async function connect(client: Redis, url: string, timeoutMs: number): Promise<Redis> {
  // Without a listener ioredis logs every reconnect failure; commands still reject on their own.
  client.on("error", () => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect(), timeout]);
    return client;
  } catch (error) {
    client.disconnect();
    const withoutPassword = url.replace(/\/\/[^@/]*@/, "//");
    throw new Error(`Redis at ${withoutPassword} is not reachable: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
