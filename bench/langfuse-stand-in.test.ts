/** The Langfuse stand-in is what the real `@langfuse/client` expects: it gets, caches and compiles from it. */
import { LangfuseClient } from "@langfuse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLangfuseStandIn, type LangfuseStandIn } from "./langfuse-stand-in.ts";

let standIn: LangfuseStandIn;

beforeAll(async () => {
  standIn = await startLangfuseStandIn([
    { name: "welcome", version: 1, prompt: "Hello {{name}}!", labels: [] },
    { name: "welcome", version: 2, prompt: "Hi {{name}}.{{#plan}} You are on {{plan}}.{{/plan}}", labels: ["production", "latest"], config: { model: "m" } },
  ]);
});

afterAll(async () => {
  await standIn?.close();
});

function client(secretKey = standIn.secretKey): LangfuseClient {
  return new LangfuseClient({ publicKey: standIn.publicKey, secretKey, baseUrl: standIn.baseUrl });
}

describe("Langfuse stand-in", () => {
  it("serves the production prompt that @langfuse/client compiles, then answers from the client's cache", async () => {
    const langfuse = client();
    const before = standIn.requests();
    const prompt = await langfuse.prompt.get("welcome", { cacheTtlSeconds: 60 });
    expect(prompt.version).toBe(2);
    expect(prompt.labels).toEqual(["production", "latest"]);
    expect(prompt.config).toEqual({ model: "m" });
    expect(prompt.compile({ name: "Ada", plan: "pro" })).toBe("Hi Ada. You are on pro.");
    expect(prompt.compile({ name: "Ada" })).toBe("Hi Ada.");
    const again = await langfuse.prompt.get("welcome", { cacheTtlSeconds: 60 });
    expect(again).toBe(prompt);
    expect(standIn.requests()).toBe(before + 1);
  });

  it("serves a version asked for by number", async () => {
    const prompt = await client().prompt.get("welcome", { version: 1 });
    expect(prompt.compile({ name: "Ada" })).toBe("Hello Ada!");
  });

  it("refuses a wrong secret key and an unknown prompt, which the client turns into errors", async () => {
    await expect(client("sk-wrong").prompt.get("welcome")).rejects.toMatchObject({ statusCode: 401 });
    await expect(client().prompt.get("nowhere")).rejects.toMatchObject({ statusCode: 404 });
    await expect(client().prompt.get("welcome", { label: "staging" })).rejects.toMatchObject({ statusCode: 404 });
  });
});
