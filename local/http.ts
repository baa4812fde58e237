/**
 * HTTP plumbing the local stand-ins share: one error type that carries a status, a bounded body
 * reader, and a timing-safe bearer-token check.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}

/** The whole body, or HttpError 413 past `maxBytes` (the rest is drained so the client sees the 413). */
export function readBody(request: IncomingMessage, maxBytes: number, tooLargeMessage = `request body is larger than ${maxBytes} bytes`): Promise<Buffer> {
  const tooLarge = new HttpError(413, tooLargeMessage);
  return new Promise((resolve, reject) => {
    if (Number(request.headers["content-length"] ?? 0) > maxBytes) {
      request.resume();
      return reject(tooLarge);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      request.off("data", onData).resume();
      reject(tooLarge);
    };
    request
      .on("data", onData)
      .on("error", reject)
      .on("end", () => {
        if (size <= maxBytes) resolve(Buffer.concat(chunks));
      });
  });
}

/** Compares digests, so the time taken says nothing about how much of the token matched. */
export function hasBearerToken(request: IncomingMessage, token: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(request.headers.authorization ?? ""), digest(`Bearer ${token}`));
}
