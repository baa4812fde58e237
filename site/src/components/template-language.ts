// CodeMirror support for xR2's template syntax (P5): marks `{variable}`, the `{{` / `}}`
// escapes and `{% if x %}` / `{% else %}` / `{% endif %}` tags, completes declared variable
// names after `{` and inside `{% if `, and underlines the spans the engine reported problems at.
// The colours are the site's CSS variables, so light and dark themes both apply.
import { autocompletion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { RangeSetBuilder, StateEffect, StateField, type Extension } from "@codemirror/state";
import { Decoration, EditorView, MatchDecorator, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";

const TOKEN = /\{\{|\}\}|\{%[^%]*%\}|\{[A-Za-z_][A-Za-z0-9_]*\}/g;

const marks = {
  variable: Decoration.mark({ class: "cm-template-variable" }),
  escape: Decoration.mark({ class: "cm-template-escape" }),
  tag: Decoration.mark({ class: "cm-template-tag" }),
  badTag: Decoration.mark({ class: "cm-template-tag cm-template-bad" }),
};

const WELL_FORMED_TAG = /^\{%\s*(?:if\s+(?:not\s+)?[A-Za-z_][A-Za-z0-9_]*|else|endif|include\s+"[A-Za-z0-9][A-Za-z0-9_.-]*")\s*%\}$/;

const decorator = new MatchDecorator({
  regexp: TOKEN,
  decoration: (match) => {
    const text = match[0];
    if (text === "{{" || text === "}}") return marks.escape;
    if (text.startsWith("{%")) return WELL_FORMED_TAG.test(text) ? marks.tag : marks.badTag;
    return marks.variable;
  },
});

const highlighter = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = decorator.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = decorator.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

/** A span the engine complained about, as document offsets. */
export interface ProblemSpan {
  from: number;
  to: number;
  message: string;
}

export const setProblems = StateEffect.define<ProblemSpan[]>();

const problemField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, transaction) {
    let next = decorations.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setProblems)) continue;
      const builder = new RangeSetBuilder<Decoration>();
      const length = transaction.state.doc.length;
      const spans = [...effect.value].filter((span) => span.from < length && span.to > span.from).sort((a, b) => a.from - b.from);
      for (const span of spans) builder.add(span.from, Math.min(span.to, length), Decoration.mark({ class: "cm-template-problem", attributes: { title: span.message } }));
      next = builder.finish();
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function variableCompletions(variables: () => readonly { name: string; type: string }[]) {
  return (context: CompletionContext): CompletionResult | null => {
    const inTag = context.matchBefore(/\{%\s*if\s+(?:not\s+)?[A-Za-z0-9_]*$/);
    if (inTag) {
      const word = context.matchBefore(/[A-Za-z0-9_]*$/);
      const from = word ? word.from : context.pos;
      return { from, options: variables().map((variable) => ({ label: variable.name, detail: variable.type, type: "variable", apply: `${variable.name} %}` })), validFor: /^[A-Za-z0-9_]*$/ };
    }
    const brace = context.matchBefore(/(?<!\{)\{[A-Za-z0-9_]*$/);
    if (!brace) return null;
    if (brace.text === "{" && !context.explicit && variables().length === 0) return null;
    return {
      from: brace.from + 1,
      options: variables().map((variable) => ({ label: variable.name, detail: variable.type, type: "variable", apply: `${variable.name}}` })),
      validFor: /^[A-Za-z0-9_]*$/,
    };
  };
}

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--color-surface)", color: "var(--color-text)", border: "1px solid var(--color-border)", borderRadius: "var(--radius-small)" },
  "&.cm-focused": { outline: "2px solid var(--color-focus)", outlineOffset: "1px" },
  ".cm-content": { fontFamily: "var(--font-mono)", fontSize: "0.875rem", padding: "0.5rem 0", caretColor: "var(--color-text)" },
  ".cm-line": { padding: "0 0.75rem" },
  ".cm-gutters": { backgroundColor: "var(--color-surface-2)", color: "var(--color-muted)", borderRight: "1px solid var(--color-border)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--color-accent-soft) 45%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--color-accent-soft)" },
  ".cm-cursor": { borderLeftColor: "var(--color-text)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "color-mix(in srgb, var(--color-focus) 30%, transparent) !important" },
  ".cm-placeholder": { color: "var(--color-muted)" },
  ".cm-template-variable": { color: "var(--color-accent)", backgroundColor: "var(--color-accent-soft)", borderRadius: "3px", fontWeight: "600" },
  ".cm-template-escape": { color: "var(--color-muted)", fontWeight: "700" },
  ".cm-template-tag": { color: "var(--chart-3)", fontWeight: "600" },
  ".cm-template-bad": { color: "var(--color-bad)" },
  ".cm-template-problem": { textDecoration: "underline wavy var(--color-bad)", textUnderlineOffset: "3px" },
  ".cm-tooltip": { backgroundColor: "var(--color-surface)", color: "var(--color-text)", border: "1px solid var(--color-border)", borderRadius: "var(--radius-small)" },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "var(--color-accent)", color: "var(--color-accent-text)" },
  ".cm-completionDetail": { color: "inherit", opacity: "0.75", marginLeft: "0.5rem" },
});

/** Highlighting, completion of `variables()` and problem marks for one template editor. */
export function templateLanguage(variables: () => readonly { name: string; type: string }[]): Extension {
  return [highlighter, problemField, autocompletion({ override: [variableCompletions(variables)], activateOnTyping: true, icons: false }), theme];
}

/** The read-only look of the template syntax alone (diff views). */
export function templateHighlighting(): Extension {
  return [highlighter, theme];
}
