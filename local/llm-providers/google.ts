/**
 * A fake Gemini API (generativelanguage.googleapis.com, v1beta) for tests and offline
 * development: `models/{model}:generateContent`, `:streamGenerateContent?alt=sse` (usageMetadata
 * on the last chunk), `:countTokens` and the `models` list, with Google's error shapes. Only
 * `validKey` is accepted (x-goog-api-key or ?key=); anything else gets Google's 400
 * API_KEY_INVALID, as the real API answers.
 */
import type { ServerResponse } from "node:http";
import { fakeReply, fakeTokens, hang, modeOf, readJson, sendJson, startFakeServer, startSse, streamPieces, type FakeConversation, type FakeServer } from "./fake-behaviour.ts";

export const FAKE_GOOGLE_MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash"];

function googleError(response: ServerResponse, code: number, status: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  sendJson(response, code, { error: { code, message, status, ...extra } }, headers);
}

function partsText(content: unknown): string {
  const parts = content && typeof content === "object" && "parts" in content && Array.isArray(content.parts) ? (content.parts as unknown[]) : [];
  return parts.map((part) => (part && typeof part === "object" && "text" in part ? String(part.text) : "")).join("");
}

function conversationOf(body: Record<string, unknown>): FakeConversation {
  const contents = Array.isArray(body.contents) ? (body.contents as Array<{ role?: unknown }>) : [];
  return { system: partsText(body.systemInstruction), turns: contents.map((content) => ({ role: String(content.role ?? "user"), text: partsText(content) })) };
}

export async function startFakeGoogle(options: { validKey: string; port?: number }): Promise<FakeServer & { baseUrl: string }> {
  const server = await startFakeServer(async (request, response, url) => {
    const key = request.headers["x-goog-api-key"] ?? url.searchParams.get("key");
    if (key !== options.validKey) {
      return googleError(response, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", {
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } }],
      });
    }
    if (request.method === "GET" && url.pathname === "/v1beta/models") {
      return sendJson(response, 200, { models: FAKE_GOOGLE_MODELS.map((name) => ({ name: `models/${name}`, displayName: name, supportedGenerationMethods: ["generateContent", "countTokens"] })) });
    }
    const match = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(url.pathname);
    if (request.method !== "POST" || !match) return googleError(response, 404, "NOT_FOUND", `Not found: ${url.pathname}`);
    const [, model = "", method] = match;
    const body = await readJson(request);
    if (method === "countTokens") {
      const conversation = conversationOf((body.generateContentRequest as Record<string, unknown> | undefined) ?? body);
      return sendJson(response, 200, { totalTokens: fakeTokens(conversation.system) + conversation.turns.reduce((sum, turn) => sum + fakeTokens(turn.text), 0) });
    }
    const mode = modeOf(model);
    if (mode === "hang") return hang(response);
    if (mode === "500") return googleError(response, 500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");
    if (mode === "429") return googleError(response, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).", {}, { "retry-after": "7" });
    if (mode === "400") return googleError(response, 400, "INVALID_ARGUMENT", "Invalid value at 'generation_config.temperature'");
    const config = (body.generationConfig as { maxOutputTokens?: unknown } | undefined) ?? {};
    const reply = fakeReply(conversationOf(body), typeof config.maxOutputTokens === "number" ? config.maxOutputTokens : undefined);
    const finishReason = reply.finish === "length" ? "MAX_TOKENS" : "STOP";
    const usageMetadata = {
      promptTokenCount: reply.inputTokens,
      candidatesTokenCount: reply.pieces.length,
      totalTokenCount: reply.inputTokens + reply.pieces.length,
      ...(reply.cachedTokens > 0 ? { cachedContentTokenCount: reply.cachedTokens } : {}),
    };
    const candidate = (text: string, finish?: string) => ({ content: { parts: [{ text }], role: "model" }, index: 0, ...(finish ? { finishReason: finish } : {}) });
    if (method === "generateContent") {
      if (mode === "break") return void response.destroy();
      return sendJson(response, 200, { candidates: [candidate(reply.pieces.join(""), finishReason)], usageMetadata, modelVersion: model });
    }
    startSse(response);
    const chunk = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\r\n\r\n`);
    const last = reply.pieces.length - 1;
    const ended = await streamPieces(response, reply.pieces, mode, (text, index) => {
      chunk({ candidates: [candidate(text, index === last ? finishReason : undefined)], ...(index === last ? { usageMetadata } : {}), modelVersion: model });
    });
    if (ended === "broken") return;
    if (reply.pieces.length === 0) chunk({ candidates: [candidate("", finishReason)], usageMetadata, modelVersion: model });
    response.end();
  }, options.port);
  return { ...server, baseUrl: server.url };
}
