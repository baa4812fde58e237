/**
 * Refuses passwords that are easy to guess, with zxcvbn's estimator (zxcvbn-ts): common
 * passwords, words on their own, keyboard rows, repeats, dates, and anything built from the
 * person's own e-mail or name. OWASP asks for a check against known weak passwords instead of
 * composition rules; the estimator's own warning and suggestions say why a password is refused.
 *
 * The dictionaries are large (about 1.5 MB of compressed word lists that are unpacked when
 * their module runs), so they are imported on the first check and kept for the isolate's
 * life: cold starts of requests that never set a password do not pay for them. Hence async.
 */
import { ApiError } from "@xr2/shared";
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";

/** zxcvbn scores 0–4; 3 means at least 10^8 guesses ("safely unguessable" in zxcvbn's words). */
const MINIMUM_SCORE = 3;

const CHECKED_LENGTH = 64;

let estimator: Promise<ZxcvbnFactory> | undefined;

function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= Promise.all([import("@zxcvbn-ts/core"), import("@zxcvbn-ts/language-common"), import("@zxcvbn-ts/language-en")]).then(
    ([core, common, english]) =>
      new core.ZxcvbnFactory({
        translations: english.translations,
        graphs: common.adjacencyGraphs,
        dictionary: { ...common.dictionary, ...english.dictionary },
        // The estimator's time grows steeply with length and with l33t characters (a 256-character
        // random password took seconds of CPU): it reads the first 64 characters (a password whose
        // start is hard to guess is hard to guess), tries at most 5 l33t substitutions, and leaves
        // Levenshtein matching off (hundreds of milliseconds per check). A check then costs
        // tens of milliseconds.
        maxLength: CHECKED_LENGTH,
        l33tMaxSubstitutions: 5,
        useLevenshteinDistance: false,
      }),
    (error: unknown) => {
      estimator = undefined; // the next check tries again
      throw error;
    },
  );
  return estimator;
}

/**
 * Throws VALIDATION_FAILED saying why when `password` is too easy to guess. `userInputs` are
 * what an attacker knows of the person (their e-mail and name); each is also split into its words.
 * Await it: it resolves once the password is known to be strong enough.
 */
export async function assertStrongPassword(password: string, userInputs: string[]): Promise<void> {
  const result = (await loadEstimator()).check(password, personalWords(userInputs));
  if (result.score >= MINIMUM_SCORE) return;
  const reasons = [result.feedback.warning, ...result.feedback.suggestions].filter((text): text is string => Boolean(text));
  if (reasons.length === 0) reasons.push("Add another word or two that are less common.");
  throw new ApiError("VALIDATION_FAILED", `This password is too easy to guess: ${reasons.join(" ")}`, {
    details: { field: "password", score: result.score, warning: result.feedback.warning, suggestions: result.feedback.suggestions },
  });
}

function personalWords(userInputs: string[]): string[] {
  const words = new Set(["xr2"]);
  for (const input of userInputs) {
    const value = input.trim().toLowerCase();
    if (!value) continue;
    words.add(value);
    const [localPart] = value.split("@");
    if (localPart && localPart !== value) words.add(localPart);
    for (const word of value.split(/[^\p{L}\p{N}]+/u)) if (word.length >= 3) words.add(word);
  }
  return [...words];
}
