/** Shared set-up of the /api/llm tests: a workspace with fake-provider keys, a prompt version, and an SSE reader. */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { expect, inject } from "vitest";
import { createApiApp } from "../../app.ts";
import { createPrompt, createVersion, type Actor } from "../prompts/prompt-test-support.ts";

export const FAKE_KEYS = inject("llmProviderKeys");

export async function saveWorkspaceKeys(admin: Actor, providers: Array<keyof typeof FAKE_KEYS> = ["openai", "anthropic", "google"]) {
  for (const provider of providers) {
    const saved = await admin.call("PUT", `/api/llm/workspace-keys/${provider}`, { api_key: FAKE_KEYS[provider] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }
}

/** A chat version "You are terse" + "say hello to {name}" (fake counts: 3 system tokens, 4 user tokens). */
export async function chatVersion(as: Actor, modelConfig: Record<string, unknown> = { provider: "openai", model: "gpt-4o-mini", max_tokens: 50 }) {
  const prompt = await createPrompt(as);
  const version = await createVersion(as, prompt.id, {
    messages: [
      { role: "system", content: "You are terse" },
      { role: "user", content: "say hello to {name}" },
    ],
    variables: [{ name: "name", type: "string", required: true }],
    model_config: modelConfig,
  });
  return { promptId: prompt.id, versionId: version.id };
}

export interface SseEvent {
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- events are checked field by field
  data: any;
}

/** Calls the API and reads the whole answer: SSE events when it streams, else the JSON body. */
export async function callStream(as: Actor, path: string, body: unknown) {
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(
    new Request(`http://api.test${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${as.session.access_token}`, "x-workspace-id": as.workspaceId },
      body: JSON.stringify(body),
    }),
    env,
    ctx,
  );
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  const streamed = (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
  const events: SseEvent[] = streamed
    ? text
        .split("\n\n")
        .filter((block) => block.trim())
        .map((block) => {
          const event = /^event: (.+)$/m.exec(block)?.[1] ?? "message";
          const data = /^data: (.+)$/m.exec(block)?.[1] ?? "null";
          return { event, data: JSON.parse(data) };
        })
    : [];
  return { status: response.status, headers: response.headers, streamed, events, body: streamed || !text ? null : JSON.parse(text), text };
}

/** The output text of a stream's delta events. */
export const outputOf = (events: SseEvent[]) =>
  events
    .filter((event) => event.event === "delta")
    .map((event) => event.data.text)
    .join("");
