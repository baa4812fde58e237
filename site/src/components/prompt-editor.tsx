// A template editor on CodeMirror 6: xR2's `{variable}` / `{{ }}` / `{% if %}` syntax
// highlighted, declared variables completed, the engine's problems underlined. Controlled: the
// parent owns the text (`value`, `onChange`); a new `value` from outside replaces the document.
// The content element carries `label` as its aria-label, so screen readers and tests find it.
import { Compartment, EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, placeholder as placeholderText } from "@codemirror/view";
import { minimalSetup } from "codemirror";
import { createEffect, on, onCleanup, onMount } from "solid-js";
import { setProblems, templateLanguage, type ProblemSpan } from "./template-language";

export interface PromptEditorProps {
  value: string;
  onChange?: (value: string) => void;
  /** The accessible name of the editor's text area. */
  label: string;
  /** Declared variables, offered after `{` and in `{% if `. */
  variables?: readonly { name: string; type: string }[];
  problems?: readonly ProblemSpan[];
  readOnly?: boolean;
  placeholder?: string;
  /** Minimum height in lines (default 8). */
  minLines?: number;
  id?: string;
}

export function PromptEditor(props: PromptEditorProps) {
  let host: HTMLDivElement | undefined;
  let view: EditorView | undefined;
  const editable = new Compartment();
  const label = new Compartment();

  const readOnlyExtensions = (readOnly: boolean) => [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
  const labelExtension = (text: string, readOnly: boolean) =>
    EditorView.contentAttributes.of({ "aria-label": text, ...(readOnly ? { "aria-readonly": "true" } : {}), ...(props.id ? { id: props.id } : {}) });

  onMount(() => {
    view = new EditorView({
      parent: host!,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          minimalSetup,
          highlightActiveLine(),
          EditorView.lineWrapping,
          placeholderText(props.placeholder ?? ""),
          templateLanguage(() => props.variables ?? []),
          editable.of(readOnlyExtensions(props.readOnly ?? false)),
          label.of(labelExtension(props.label, props.readOnly ?? false)),
          EditorView.theme({ ".cm-content": { minHeight: `${(props.minLines ?? 8) * 1.5}em` } }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) props.onChange?.(update.state.doc.toString());
          }),
        ],
      }),
    });
  });

  createEffect(
    on(
      () => props.value,
      (value) => {
        if (!view || value === view.state.doc.toString()) return;
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
      },
      { defer: true },
    ),
  );
  createEffect(
    on([() => props.readOnly ?? false, () => props.label], ([readOnly, text]) => {
      view?.dispatch({ effects: [editable.reconfigure(readOnlyExtensions(readOnly)), label.reconfigure(labelExtension(text, readOnly))] });
    }, { defer: true }),
  );
  createEffect(() => {
    const problems = [...(props.problems ?? [])];
    view?.dispatch({ effects: setProblems.of(problems) });
  });

  onCleanup(() => view?.destroy());
  return <div class="prompt-editor" ref={host} data-readonly={props.readOnly ? "true" : undefined} />;
}
