// The snippets ({% include "slug" %}) of two compared versions, as lines of the diff summary:
// which were added or removed, and the snippet version each environment serving a side pinned.
import type { IncludeUse } from "~/api/snippets";

function pinned(use: IncludeUse): string {
  return use.pinned.length === 0 ? "not deployed" : use.pinned.map((pin) => `v${pin.version} in ${pin.environment}`).join(", ");
}

export function describeIncludeChanges(includes: { from: IncludeUse[]; to: IncludeUse[] } | undefined): string[] {
  if (!includes) return [];
  const lines: string[] = [];
  for (const use of includes.to) {
    const before = includes.from.find((candidate) => candidate.slug === use.slug);
    if (!before) lines.push(`Snippet added: ${use.slug} (${pinned(use)})`);
    else lines.push(`Snippet ${use.slug}: ${pinned(before)} → ${pinned(use)}`);
  }
  for (const use of includes.from) if (!includes.to.some((candidate) => candidate.slug === use.slug)) lines.push(`Snippet removed: ${use.slug}`);
  return lines;
}
