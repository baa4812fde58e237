/**
 * The lengths the API accepts for a prompt's own fields and a version's text, in one place with
 * no imports, so the site can show "42 / 200" against the very numbers the API validates with.
 */
export const PROMPT_LIMITS = {
  nameChars: 200,
  descriptionChars: 2000,
  changelogChars: 2000,
  /** A text template, or all the messages of a chat template together (TEMPLATE_LIMITS.sourceChars). */
  templateChars: 100_000,
} as const;
