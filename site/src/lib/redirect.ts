// Where to go after signing in: a `next` path on this site, never another origin.
export function safeNextPath(next: string | undefined | null, fallback = "/prompts"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
