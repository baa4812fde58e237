// Snippets ({% include "slug" %}): the versions a deployment pinned, and a snippet's dependents,
// typed by the contract.
import type { Answer, Schemas } from "./contract";

export type IncludePin = Schemas["IncludePin"];
export type IncludeUse = Schemas["VersionDiff"]["includes"]["from"][number];
export type SnippetDependent = Schemas["SnippetDependent"];
export type DependentsPage = Answer<"get", "/api/prompts/{promptId}/dependents">;
export type RepublishResult = Answer<"post", "/api/prompts/{promptId}/dependents/republish">["results"][number];

/** "header v2" for each pin: what a deployment inlined. */
export function describePins(pins: readonly IncludePin[] | undefined): string {
  return (pins ?? []).map((pin) => `${pin.slug} v${pin.version}`).join(", ");
}
