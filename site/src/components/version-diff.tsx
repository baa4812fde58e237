// Two versions side by side (@codemirror/merge): the older on the left, the newer on the right,
// changed lines and words marked, unchanged stretches collapsed. Both sides are read-only and
// labelled for screen readers. Chat prompts show as their messages one after another.
import { MergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { createEffect, on, onCleanup } from "solid-js";
import { templateHighlighting } from "./template-language";

export interface DiffSide {
  label: string;
  text: string;
}

export function VersionDiffView(props: { from: DiffSide; to: DiffSide }) {
  let host: HTMLDivElement | undefined;
  let view: MergeView | undefined;
  const side = (part: DiffSide) => ({
    doc: part.text,
    extensions: [EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.lineWrapping, templateHighlighting(), EditorView.contentAttributes.of({ "aria-label": part.label, "aria-readonly": "true" })],
  });
  createEffect(
    on([() => props.from.text, () => props.to.text, () => props.from.label, () => props.to.label], () => {
      view?.destroy();
      view = new MergeView({ a: side(props.from), b: side(props.to), parent: host!, highlightChanges: true, gutter: true, collapseUnchanged: { margin: 3, minSize: 6 } });
    }),
  );
  onCleanup(() => view?.destroy());
  return (
    <div class="version-diff">
      <div class="version-diff-labels" aria-hidden="true">
        <span>{props.from.label}</span>
        <span>{props.to.label}</span>
      </div>
      <div ref={host} class="version-diff-editors" />
    </div>
  );
}

export { messagesAsText } from "./messages-text";
