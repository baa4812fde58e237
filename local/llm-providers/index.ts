/**
 * The fake LLM providers (OpenAI, Anthropic, Gemini) on 127.0.0.1, for the tests and for
 * `npm run dev` offline. Each accepts one key (FAKE_LLM_KEYS) and answers like the real API
 * (see fake-behaviour.ts for the answers, token counts and error modes).
 */
import { startFakeAnthropic } from "./anthropic.ts";
import { startFakeGoogle } from "./google.ts";
import { startFakeOpenAI } from "./openai.ts";

export type FakeProviderName = "openai" | "anthropic" | "google";

/** The one key each fake accepts (demo keys: they open nothing real). */
export const FAKE_LLM_KEYS: Record<FakeProviderName, string> = {
  openai: "sk-fake-openai-0000000000000000000000000000demo",
  anthropic: "sk-ant-fake-0000000000000000000000000000demo",
  google: "AIzaFakeGoogle00000000000000000000demo",
};

/** The API worker's variable naming each provider's base URL. */
export const BASE_URL_VARS: Record<FakeProviderName, "OPENAI_BASE_URL" | "ANTHROPIC_BASE_URL" | "GOOGLE_AI_BASE_URL"> = {
  openai: "OPENAI_BASE_URL",
  anthropic: "ANTHROPIC_BASE_URL",
  google: "GOOGLE_AI_BASE_URL",
};

export interface FakeLlmProviders {
  /** Base URLs as the SDKs take them (OpenAI's includes /v1), by provider. */
  baseUrls: Partial<Record<FakeProviderName, string>>;
  /** The worker variables pointing at the fakes that run. */
  vars: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the fakes of `providers` (all by default), each on its own port (`ports`, free ones otherwise). */
export async function startFakeLlmProviders(options: { providers?: FakeProviderName[]; ports?: Partial<Record<FakeProviderName, number>> } = {}): Promise<FakeLlmProviders> {
  const wanted = options.providers ?? ["openai", "anthropic", "google"];
  const starters = { openai: startFakeOpenAI, anthropic: startFakeAnthropic, google: startFakeGoogle };
  const started = await Promise.all(wanted.map(async (provider) => [provider, await starters[provider]({ validKey: FAKE_LLM_KEYS[provider], port: options.ports?.[provider] ?? 0 })] as const));
  const baseUrls = Object.fromEntries(started.map(([provider, server]) => [provider, server.baseUrl]));
  return {
    baseUrls,
    vars: Object.fromEntries(started.map(([provider, server]) => [BASE_URL_VARS[provider], server.baseUrl])),
    close: async () => {
      await Promise.all(started.map(([, server]) => server.close()));
    },
  };
}
