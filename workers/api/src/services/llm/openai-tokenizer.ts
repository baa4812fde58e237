/**
 * Exact OpenAI token counts for the two encodings current models use: o200k_base (gpt-4o,
 * gpt-4.1, gpt-5, the o-series) and cl100k_base (gpt-4, gpt-4-turbo, gpt-3.5-turbo). The rank
 * files come from js-tiktoken (2.3 MB and 1.1 MB of source), each imported on first use, not when
 * the worker starts, and kept for the isolate.
 *
 * The encoder is ours, not js-tiktoken's: its byte-pair merge rescans a whole piece after every
 * merge, so its time grows with the square of the longest run without spaces (3 000 emoji took
 * 12 s, 20 000 "é" two minutes, 10 000 "a" 7 s), and workerd runs an isolate's requests on one
 * thread. This one applies the same rule — merge the adjacent pair of lowest rank, the leftmost
 * on a tie, as tiktoken's `_byte_pair_merge` does — from a heap of candidate pairs over a linked
 * list of parts: O(n log n) in a piece's bytes, and the same tokens, so counts stay exact (the
 * tests compare it with js-tiktoken). Text that looks like a special token ("<|endoftext|>") is
 * counted as the plain text it is, as the API treats a message's content.
 *
 * Counting is sliced by a WorkBudget: it yields to other requests every few milliseconds and
 * answers 422 BUDGET_EXCEEDED instead of holding the worker when its time is up.
 *
 * Chat messages add OpenAI's documented format overhead (the "How to count tokens with tiktoken"
 * cookbook, for gpt-3.5-turbo-0613 and later): 3 tokens per message, 1 more per `name`, and 3
 * that prime the assistant's reply.
 */
import { yieldToOtherRequests, type WorkBudget } from "../work-budget/work-budget.ts";

export type OpenAiEncoding = "o200k_base" | "cl100k_base";

export const CHAT_TOKENS_PER_MESSAGE = 3;
export const CHAT_REPLY_PRIMING_TOKENS = 3;

/** Units between two yields: one per character the splitter reads and one per merge step (about a microsecond), so slices of about 10 ms. */
export const TOKENIZER_SLICE_UNITS = 10_000;

/** The encoding of an OpenAI model, or undefined for models whose tokenizer is not known. */
export function encodingForModel(model: string): OpenAiEncoding | undefined {
  if (/^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4)(-|$)/.test(model)) return "o200k_base";
  if (/^(gpt-4|gpt-3\.5-turbo)(-|$)/.test(model)) return "cl100k_base";
  return undefined;
}

interface Encoding {
  /** The pre-tokenizer: text is cut into the pieces this matches, and each piece is merged alone. */
  pattern: string;
  /** Token ranks by their bytes, as a binary string (one character per byte). */
  ranks: Map<string, number>;
}

const encodings = new Map<OpenAiEncoding, Promise<Encoding>>();
const RANK_LOAD_SLICE = 10_000;

function loadEncoding(encoding: OpenAiEncoding): Promise<Encoding> {
  let loading = encodings.get(encoding);
  if (!loading) {
    loading = (encoding === "o200k_base" ? import("js-tiktoken/ranks/o200k_base") : import("js-tiktoken/ranks/cl100k_base")).then(async ({ default: file }) => {
      // Lines of "<marker> <first rank> <base64 token> <base64 token> …", ranks counting up.
      // Decoding 200 000 tokens takes a few hundred milliseconds: in slices, yielding between
      // them, so the first count of an isolate does not hold the other requests either.
      const ranks = new Map<string, number>();
      for (const line of file.bpe_ranks.split("\n")) {
        const [, first, ...tokens] = line.split(" ");
        if (first === undefined) continue;
        const offset = Number.parseInt(first, 10);
        for (let index = 0; index < tokens.length; index++) {
          ranks.set(atob(tokens[index]!), offset + index);
          if (index % RANK_LOAD_SLICE === RANK_LOAD_SLICE - 1) await yieldToOtherRequests();
        }
      }
      return { pattern: file.pat_str, ranks };
    });
    encodings.set(encoding, loading);
  }
  return loading;
}

/** Tokens of a text; charges `budget` and yields through it (so the caller must await). */
export async function countTextTokens(encoding: OpenAiEncoding, text: string, budget: WorkBudget): Promise<number> {
  const { pattern, ranks } = await loadEncoding(encoding);
  // A RegExp per call: its lastIndex is this count's position, and counts interleave at pauses.
  const splitter = new RegExp(pattern, "ug");
  let tokens = 0;
  for (let match = splitter.exec(text); match !== null; match = splitter.exec(text)) {
    const piece = utf8Binary(match[0]);
    if (ranks.has(piece)) tokens++;
    else tokens += await mergedParts(piece, ranks, budget);
    if (budget.charge(match[0].length)) await budget.pause();
  }
  return tokens;
}

/** Tokens of a chat request as OpenAI bills its input: the messages plus the format overhead. */
export async function countChatTokens(encoding: OpenAiEncoding, messages: Array<{ role: string; content: string; name?: string }>, budget: WorkBudget): Promise<{ total: number; overhead: number }> {
  let total = CHAT_REPLY_PRIMING_TOKENS;
  let overhead = CHAT_REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    const role = await countTextTokens(encoding, message.role, budget);
    total += CHAT_TOKENS_PER_MESSAGE + role + (await countTextTokens(encoding, message.content, budget));
    overhead += CHAT_TOKENS_PER_MESSAGE + role;
    if (message.name) {
      total += 1 + (await countTextTokens(encoding, message.name, budget));
      overhead += 1;
    }
  }
  return { total, overhead };
}

const utf8 = new TextEncoder();

/** The UTF-8 bytes of `text` as a binary string (lone surrogates become U+FFFD, as in tiktoken). */
function utf8Binary(text: string): string {
  // eslint-disable-next-line no-control-regex -- ASCII is its own UTF-8: most pieces skip the encoder.
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  const bytes = utf8.encode(text);
  let binary = "";
  // In chunks: spreading a whole long piece into one call would overflow the stack.
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return binary;
}

// A heap key: the pair's rank, then its start, so that equal ranks pop leftmost first. Ranks
// are below 2^18 and pieces below 2^26 bytes (requests are at most 1 MB), well inside 2^53.
const START_SPAN = 2 ** 26;

/** How many tokens byte-pair merging leaves of `piece` (a binary string no single token matches). */
async function mergedParts(piece: string, ranks: Map<string, number>, budget: WorkBudget): Promise<number> {
  const length = piece.length;
  if (length <= 1) return length;
  // Parts as a linked list over byte offsets: end[i] is the end of the part starting at i, or -1
  // when no part starts there any more; previous[i] the start of the part before it.
  const end = new Int32Array(length);
  const previous = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    end[i] = i + 1;
    previous[i] = i - 1;
  }
  const heap = new PairHeap();
  const consider = (start: number) => {
    const middle = end[start]!;
    if (middle >= length) return;
    const stop = end[middle]!;
    const rank = ranks.get(piece.slice(start, stop));
    if (rank !== undefined) heap.push(rank * START_SPAN + start, stop);
  };
  for (let i = 0; i + 1 < length; i++) {
    consider(i);
    if (budget.charge(1)) await budget.pause();
  }
  let parts = length;
  while (heap.size > 0) {
    const { key, stop } = heap.pop();
    const start = key % START_SPAN;
    // Skip pairs one of whose parts has merged since: the pair starting here now ends elsewhere.
    const middle = end[start]!;
    if (middle < 0 || middle >= length || end[middle] !== stop) continue;
    end[start] = stop;
    end[middle] = -1;
    if (stop < length) previous[stop] = start;
    parts--;
    if (previous[start]! >= 0) consider(previous[start]!);
    consider(start);
    if (budget.charge(1)) await budget.pause();
  }
  return parts;
}

/** A binary min-heap of (key, stop) pairs in parallel arrays. */
class PairHeap {
  private keys: number[] = [];
  private stops: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, stop: number): void {
    const { keys, stops } = this;
    let at = keys.length;
    keys.push(key);
    stops.push(stop);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[at] = keys[parent]!;
      stops[at] = stops[parent]!;
      at = parent;
    }
    keys[at] = key;
    stops[at] = stop;
  }

  pop(): { key: number; stop: number } {
    const { keys, stops } = this;
    const top = { key: keys[0]!, stop: stops[0]! };
    const lastKey = keys.pop()!;
    const lastStop = stops.pop()!;
    const size = keys.length;
    if (size > 0) {
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= size) break;
        if (child + 1 < size && keys[child + 1]! < keys[child]!) child++;
        if (keys[child]! >= lastKey) break;
        keys[at] = keys[child]!;
        stops[at] = stops[child]!;
        at = child;
      }
      keys[at] = lastKey;
      stops[at] = lastStop;
    }
    return top;
  }
}
