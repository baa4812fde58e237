// Where to go after signing in (a `next` path on this site, never another origin), and links
// between the sign-in and sign-up pages that carry it and the address along.
export function safeNextPath(next: string | undefined | null, fallback = "/prompts"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}

/** `/sign-in` or `/sign-up` with the `next` path and the pre-filled `email` the visitor came with. */
export function authLink(page: "/sign-in" | "/sign-up", carry: { next?: string | undefined; email?: string | undefined }): string {
  const query = new URLSearchParams();
  if (carry.next) query.set("next", carry.next);
  if (carry.email) query.set("email", carry.email);
  const text = query.toString();
  return text ? `${page}?${text}` : page;
}
