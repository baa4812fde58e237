// Local QStash for development and tests only; production code never imports it.
//
// Why it exists: `@upstash/qstash-cli` downloads its real binary at install time, which breaks an
// offline `npm install` (see LOCAL-STACK.md). This server speaks the slice of the QStash v2 REST
// API that `@upstash/qstash` 2.12's Client and Receiver use (keys, publish, enqueue, batch,
// messages, schedules) and delivers each message with an `Upstash-Signature` the real Receiver
// accepts. With QSTASH_DEV_DEFAULTS on port 8080 it also satisfies the client's `QSTASH_DEV=true`
// health check, so app config needs no special case for local use.
//
// Known differences from real QStash, all deliberate:
// - State is in memory; messages stay readable after delivery (with `state`), instead of 404.
// - Queues deliver one message at a time in order (parallelism 1); the /v2/queues API is absent.
// - Retry backoff is retryBaseDelayMs * 2^n. Upstash-Retry-Delay, content-based deduplication,
//   flow control, labels and redaction headers are accepted and ignored; url groups, DLQ, logs
//   and bulk or filtered cancel are not served (404).
// - Destinations must be http(s) URLs; cron also accepts a leading seconds field.
import type { AddressInfo } from "node:net";
import { Deliveries } from "./delivery.ts";
import { Schedules } from "./schedules.ts";
import { createQStashServer } from "./server.ts";
import { QSTASH_DEVELOPMENT_SIGNING_KEYS } from "../../workers/api/src/development-secrets.ts";

export const QSTASH_DEV_DEFAULTS = {
  token: "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=",
  currentSigningKey: QSTASH_DEVELOPMENT_SIGNING_KEYS.current,
  nextSigningKey: QSTASH_DEVELOPMENT_SIGNING_KEYS.next,
};

export interface QStashServer {
  url: string;
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  close(): Promise<void>;
}

export interface StartQStashOptions {
  /** 0 or undefined picks a free port. */
  port?: number;
  host?: string;
  token?: string;
  currentSigningKey?: string;
  nextSigningKey?: string;
  /** Base of the exponential retry backoff; default 1000 ms. Tests use small values. */
  retryBaseDelayMs?: number;
  /** Receives one JSON line per request and per delivery attempt; silent by default. */
  log?: (line: string) => void;
}

export async function startQStash(opts: StartQStashOptions = {}): Promise<QStashServer> {
  const host = opts.host ?? "127.0.0.1";
  const token = opts.token ?? QSTASH_DEV_DEFAULTS.token;
  const currentSigningKey = opts.currentSigningKey ?? QSTASH_DEV_DEFAULTS.currentSigningKey;
  const nextSigningKey = opts.nextSigningKey ?? QSTASH_DEV_DEFAULTS.nextSigningKey;
  const log = opts.log ?? (() => {});
  const deliveries = new Deliveries({ signingKey: currentSigningKey, retryBaseDelayMs: opts.retryBaseDelayMs ?? 1_000, log });
  const schedules = new Schedules(deliveries);
  const server = createQStashServer({ token, keys: { current: currentSigningKey, next: nextSigningKey }, deliveries, schedules, log });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    token,
    currentSigningKey,
    nextSigningKey,
    async close() {
      schedules.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await deliveries.close();
      await stopped;
    },
  };
}
