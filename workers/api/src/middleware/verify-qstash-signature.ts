/**
 * For routes that QStash calls (jobs, later webhook deliveries): the `Upstash-Signature` JWT must
 * be signed with the current or next signing key, name this URL as its subject and carry the
 * SHA-256 of the raw body; otherwise 401. The URL is API_PUBLIC_URL's origin with the request's
 * path and query when set (what the schedule was registered with; a proxy in front may change
 * the host the worker sees), else the request's own URL.
 */
import { createMiddleware } from "hono/factory";
import { Receiver } from "@upstash/qstash";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../app.ts";

export const verifyQStashSignature = createMiddleware<ApiHono>(async (c, next) => {
  const signature = c.req.header("upstash-signature");
  if (!signature) throw new ApiError("UNAUTHENTICATED", "This route is called by QStash: send the Upstash-Signature header");
  const { env } = c.get("ctx");
  const requested = new URL(c.req.url);
  const url = env.API_PUBLIC_URL === undefined ? requested.href : new URL(`${requested.pathname}${requested.search}`, env.API_PUBLIC_URL).href;
  // Hono keeps the text, so a handler can still read the body after this.
  const body = await c.req.text();
  const receiver = new Receiver({ currentSigningKey: env.QSTASH_CURRENT_SIGNING_KEY, nextSigningKey: env.QSTASH_NEXT_SIGNING_KEY, devMode: false });
  const valid = await receiver.verify({ signature, body, url }).catch(() => false);
  if (!valid) throw new ApiError("UNAUTHENTICATED", "The Upstash-Signature is not valid for this request");
  await next();
});
