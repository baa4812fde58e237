import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getEncoding } from "js-tiktoken";
import { ApiError } from "@xr2/shared";
import { WorkBudget } from "../work-budget/work-budget.ts";
import { countChatTokens, countTextTokens, TOKENIZER_SLICE_UNITS, type OpenAiEncoding } from "./openai-tokenizer.ts";

const ENCODINGS = ["o200k_base", "cl100k_base"] as const;
const reference = Object.fromEntries(ENCODINGS.map((encoding) => [encoding, getEncoding(encoding)])) as Record<OpenAiEncoding, ReturnType<typeof getEncoding>>;
// What js-tiktoken counts, with special-token text read as plain text (as the API reads content).
const expected = (encoding: OpenAiEncoding, text: string) => reference[encoding].encode(text, [], []).length;
const roomy = () => new WorkBudget("test", 60_000, TOKENIZER_SLICE_UNITS);

describe("countTextTokens", () => {
  it("counts exactly what js-tiktoken counts, for ordinary and odd text", async () => {
    const texts = [
      "",
      "hello world",
      "tiktoken is great!",
      "Привет, мир! 你好，世界",
      "  leading spaces and\ttabs\n\nnew lines\r\n",
      "{name} {{literal}} {% if x %}y{% endif %}",
      "🙂👍🏽 emoji and ümlauts, CAPITALS and MixedCase'll don't",
      "<|endoftext|> and <|endofprompt|> are plain text here",
      "a lone surrogate \ud83d and a lone low one \ude42",
      "1234567890 3.14159 0x1F",
      "https://example.com/a/b?c=d&e=f#g",
    ];
    for (const encoding of ENCODINGS) for (const text of texts) expect(await countTextTokens(encoding, text, roomy()), `${encoding}: ${text}`).toBe(expected(encoding, text));
  });

  it("stays exact on long runs without spaces, where merges interact (short enough for js-tiktoken to check)", async () => {
    for (const text of ["a".repeat(2_000), "é".repeat(1_000), "🙂".repeat(300), "你好".repeat(400), "Ab".repeat(700), "!?".repeat(600), "e\u0301".repeat(500), "x".repeat(999) + "yz".repeat(300)]) {
      for (const encoding of ENCODINGS) expect(await countTextTokens(encoding, text, roomy()), `${encoding}: ${text.slice(0, 12)}… (${text.length})`).toBe(expected(encoding, text));
    }
  });

  it("agrees with js-tiktoken on random mixtures of the pieces that make long runs", async () => {
    const fragment = fc.constantFrom("a", "A", "é", "🙂", "你", " ", "  ", "\n", "1", "!", "'s", "'LL", "<|endoftext|>", "\ud83d", "ab", "the", "\u0301", "/");
    await fc.assert(
      fc.asyncProperty(fc.array(fragment, { maxLength: 120 }), fc.constantFrom(...ENCODINGS), async (fragments, encoding) => {
        const text = fragments.join("");
        expect(await countTextTokens(encoding, text, roomy())).toBe(expected(encoding, text));
      }),
      { numRuns: 300 },
    );
  });

  it("counts the issue's worst inputs with work linear in their bytes (js-tiktoken needed 7 s to 2 minutes for each)", async () => {
    // The work is counted, not timed: the encoder charges its budget one unit per candidate pair
    // considered and per pair popped from its heap (and a piece's length per piece), so the units
    // charged bound its loops. A merge that rescans the piece, as js-tiktoken's does, would need
    // on the order of n² steps for these runs; here at most 4 units per UTF-8 byte. The budget is
    // generous (30 s, where each count takes tens of milliseconds) so that a loaded machine cannot
    // stop it; running out would throw BUDGET_EXCEEDED and fail the test.
    // The counts: a run of "a" is 8-character tokens; each "é" and each emoji is one o200k token
    // (the emoji two in cl100k).
    class CountingBudget extends WorkBudget {
      charged = 0;
      override charge(units: number): boolean {
        this.charged += units;
        return super.charge(units);
      }
    }
    const cases: Array<[OpenAiEncoding, string, number]> = [
      ["o200k_base", "🙂".repeat(3_000), 3_000],
      ["cl100k_base", "🙂".repeat(3_000), 6_000],
      ["o200k_base", "é".repeat(20_000), 20_000],
      ["o200k_base", "a".repeat(10_000), 1_250],
      ["cl100k_base", "a".repeat(10_000), 1_250],
      ["o200k_base", "a".repeat(200_000), 25_000],
    ];
    for (const [encoding, text, tokens] of cases) {
      const budget = new CountingBudget("test", 30_000, TOKENIZER_SLICE_UNITS);
      expect(await countTextTokens(encoding, text, budget)).toBe(tokens);
      const bytes = new TextEncoder().encode(text).length;
      expect(budget.charged, `${encoding} ${text.slice(0, 2)}×${text.length}`).toBeGreaterThan(0);
      expect(budget.charged, `${encoding} ${text.slice(0, 2)}×${text.length}`).toBeLessThanOrEqual(4 * bytes);
    }
  });

  it("lets other work run while it counts, and stops with 422 BUDGET_EXCEEDED when the budget is spent", async () => {
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const long = "é".repeat(200_000);
    expect(await countTextTokens("o200k_base", long, roomy())).toBe(200_000);
    expect(timerRan, "a timer set before the count ran before it ended").toBe(true);

    // A budget whose deadline has passed: the first pause ends the count.
    const spent = new WorkBudget("The text is too long to count", -1, TOKENIZER_SLICE_UNITS);
    const failure = await countChatTokens("o200k_base", [{ role: "user", content: long }], spent).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: "BUDGET_EXCEEDED", status: 422, message: expect.stringContaining("too long to count") });
  });
});
