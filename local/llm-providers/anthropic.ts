/**
 * A fake Anthropic API for tests and offline development: `GET /v1/models`, `POST /v1/messages`
 * (JSON, and SSE: message_start with the input usage including cache_read_input_tokens,
 * content_block_delta text deltas, message_delta with the output tokens, message_stop) and
 * `POST /v1/messages/count_tokens`, with Anthropic's error shapes. Only `validKey` is accepted
 * (x-api-key or bearer), anything else gets Anthropic's 401 authentication_error.
 */
import type { ServerResponse } from "node:http";
import { fakeReply, fakeTokens, hang, modeOf, readJson, sendJson, startFakeServer, startSse, streamPieces, type FakeConversation, type FakeServer } from "./fake-behaviour.ts";

export const FAKE_ANTHROPIC_MODELS = ["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-1-20250805"];

function anthropicError(response: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}) {
  sendJson(response, status, { type: "error", error: { type, message }, request_id: `req_${crypto.randomUUID().replaceAll("-", "")}` }, headers);
}

function blocksText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((block) => (block && typeof block === "object" && "text" in block ? String(block.text) : "")).join("");
  return "";
}

function conversationOf(body: Record<string, unknown>): FakeConversation {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  return { system: blocksText(body.system), turns: messages.map((message) => ({ role: String(message.role), text: blocksText(message.content) })) };
}

export async function startFakeAnthropic(options: { validKey: string; port?: number }): Promise<FakeServer & { baseUrl: string }> {
  const server = await startFakeServer(async (request, response, url) => {
    // The SDK sends the key as x-api-key or, since 1.x, as a bearer token.
    const key = request.headers["x-api-key"] ?? /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (key !== options.validKey) return anthropicError(response, 401, "authentication_error", "invalid x-api-key");
    if (request.method === "GET" && url.pathname === "/v1/models") {
      const data = FAKE_ANTHROPIC_MODELS.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-09-29T00:00:00Z" }));
      return sendJson(response, 200, { data, has_more: false, first_id: data[0]!.id, last_id: data.at(-1)!.id });
    }
    if (request.method === "POST" && url.pathname === "/v1/messages/count_tokens") {
      const conversation = conversationOf(await readJson(request));
      return sendJson(response, 200, { input_tokens: fakeTokens(conversation.system) + conversation.turns.reduce((sum, turn) => sum + fakeTokens(turn.text), 0) });
    }
    if (request.method !== "POST" || url.pathname !== "/v1/messages") return anthropicError(response, 404, "not_found_error", `Not found: ${url.pathname}`);

    const body = await readJson(request);
    const model = String(body.model ?? "");
    const mode = modeOf(model);
    if (mode === "hang") return hang(response);
    if (mode === "500") return anthropicError(response, 500, "api_error", "Internal server error");
    if (mode === "429") return anthropicError(response, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", { "retry-after": "7" });
    if (mode === "400" || typeof body.max_tokens !== "number") return anthropicError(response, 400, "invalid_request_error", typeof body.max_tokens !== "number" ? "max_tokens: Field required" : "temperature: range: 0..1");
    const reply = fakeReply(conversationOf(body), body.max_tokens);
    const stopReason = reply.finish === "length" ? "max_tokens" : "end_turn";
    const inputUsage = { input_tokens: reply.inputTokens - reply.cachedTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: reply.cachedTokens };
    const id = `msg_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    if (body.stream !== true) {
      if (mode === "break") return void response.destroy();
      return sendJson(response, 200, {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [{ type: "text", text: reply.pieces.join("") }],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { ...inputUsage, output_tokens: reply.pieces.length },
      });
    }
    const event = (name: string, data: Record<string, unknown>) => response.write(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`);
    startSse(response);
    event("message_start", { message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { ...inputUsage, output_tokens: 1 } } });
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    event("ping", {});
    const ended = await streamPieces(response, reply.pieces, mode, (text) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }));
    if (ended === "broken") return;
    event("content_block_stop", { index: 0 });
    event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: reply.pieces.length } });
    event("message_stop", {});
    response.end();
  }, options.port);
  return { ...server, baseUrl: server.url };
}
