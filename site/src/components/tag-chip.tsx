// A tag as the site shows it everywhere: its colour as a dot (so the name keeps the text's
// contrast in light and dark themes) and its name.
import { For } from "solid-js";

export function TagChip(props: { name: string; color: string }) {
  return (
    <span class="tag-chip" title={props.name}>
      <span class="tag-dot" style={{ "background-color": props.color }} aria-hidden="true" />
      <span class="tag-chip-name">{props.name}</span>
    </span>
  );
}

export function TagList(props: { tags: readonly { id: string; name: string; color: string }[] }) {
  return (
    <span class="tag-list">
      <For each={props.tags}>{(tag) => <TagChip name={tag.name} color={tag.color} />}</For>
    </span>
  );
}
