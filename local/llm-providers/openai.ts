/**
 * A fake OpenAI API for tests and offline development: `GET /v1/models` and
 * `POST /v1/chat/completions` (JSON, and SSE with `stream_options.include_usage`'s final usage
 * chunk, cached input in `prompt_tokens_details`), with OpenAI's error shapes. Only `validKey`
 * is accepted (Bearer), anything else gets OpenAI's 401 `invalid_api_key`.
 */
import type { ServerResponse } from "node:http";
import { fakeReply, hang, modeOf, readJson, sendJson, startFakeServer, startSse, streamPieces, type FakeConversation, type FakeServer } from "./fake-behaviour.ts";

export const FAKE_OPENAI_MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini"];

const masked = (key: string) => (key.length > 8 ? `${key.slice(0, 3)}${"*".repeat(Math.min(key.length - 7, 20))}${key.slice(-4)}` : "***");

function openAiError(response: ServerResponse, status: number, error: { message: string; type: string; code: string | null; param?: string | null }, headers: Record<string, string> = {}) {
  sendJson(response, status, { error: { param: null, ...error } }, headers);
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (part && typeof part === "object" && "text" in part ? String(part.text) : "")).join("");
  return "";
}

export async function startFakeOpenAI(options: { validKey: string; port?: number }): Promise<FakeServer & { baseUrl: string }> {
  const server = await startFakeServer(async (request, response, url) => {
    const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
    if (key !== options.validKey) {
      return openAiError(response, 401, {
        message: key ? `Incorrect API key provided: ${masked(key)}. You can find your API key at https://platform.openai.com/account/api-keys.` : "You didn't provide an API key.",
        type: "invalid_request_error",
        code: key ? "invalid_api_key" : null,
      });
    }
    if (request.method === "GET" && url.pathname === "/v1/models") {
      return sendJson(response, 200, { object: "list", data: FAKE_OPENAI_MODELS.map((id) => ({ id, object: "model", created: 1_715_367_049, owned_by: "system" })) });
    }
    if (request.method !== "POST" || url.pathname !== "/v1/chat/completions") return openAiError(response, 404, { message: `Invalid URL (${request.method} ${url.pathname})`, type: "invalid_request_error", code: null });

    const body = await readJson(request);
    const model = String(body.model ?? "");
    const mode = modeOf(model);
    if (mode === "hang") return hang(response);
    if (mode === "500") return openAiError(response, 500, { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: null });
    if (mode === "429") return openAiError(response, 429, { message: `Rate limit reached for ${model} on requests per min (RPM): Limit 3, Used 3, Requested 1.`, type: "requests", code: "rate_limit_exceeded" }, { "retry-after": "7" });
    if (mode === "400") return openAiError(response, 400, { message: "Invalid value for 'temperature': the model does not support it.", type: "invalid_request_error", code: "invalid_value", param: "temperature" });
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
    const conversation: FakeConversation = {
      system: messages.filter((message) => message.role === "system" || message.role === "developer").map((message) => contentText(message.content)).join("\n"),
      turns: messages.filter((message) => message.role !== "system" && message.role !== "developer").map((message) => ({ role: String(message.role), text: contentText(message.content) })),
    };
    const maxTokens = typeof body.max_completion_tokens === "number" ? body.max_completion_tokens : typeof body.max_tokens === "number" ? body.max_tokens : undefined;
    const reply = fakeReply(conversation, maxTokens);
    const usage = {
      prompt_tokens: reply.inputTokens,
      completion_tokens: reply.pieces.length,
      total_tokens: reply.inputTokens + reply.pieces.length,
      prompt_tokens_details: { cached_tokens: reply.cachedTokens, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const id = `chatcmpl-${crypto.randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream !== true) {
      if (mode === "break") return void response.destroy();
      return sendJson(response, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: reply.pieces.join(""), refusal: null }, logprobs: null, finish_reason: reply.finish }],
        usage,
        system_fingerprint: "fp_fake",
      });
    }
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      response.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", choices, ...extra })}\n\n`);
    startSse(response);
    chunk([{ index: 0, delta: { role: "assistant", content: "", refusal: null }, logprobs: null, finish_reason: null }]);
    const ended = await streamPieces(response, reply.pieces, mode, (piece) => chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
    if (ended === "broken") return;
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: reply.finish }], includeUsage ? { usage: null } : {});
    if (includeUsage) chunk([], { usage });
    response.end("data: [DONE]\n\n");
  }, options.port);
  return { ...server, baseUrl: `${server.url}/v1` };
}
