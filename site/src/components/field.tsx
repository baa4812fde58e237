// Labelled form controls: every control has a visible label, an optional hint and an error
// that screen readers hear with the control (aria-describedby, aria-invalid).
import { createUniqueId, Show, splitProps, type JSX } from "solid-js";

interface FieldFrame {
  label: string;
  hint?: JSX.Element;
  error?: string | null | undefined;
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

function Frame(props: FieldFrame & { id: string; children: JSX.Element }) {
  return (
    <div class="field" data-invalid={props.error ? "true" : undefined}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      <Show when={props.hint}>
        <p id={`${props.id}-hint`} class="field-hint">
          {props.hint}
        </p>
      </Show>
      <Show when={props.error}>
        <p id={`${props.id}-error`} class="field-error">
          {props.error}
        </p>
      </Show>
    </div>
  );
}

export function TextField(props: FieldFrame & JSX.InputHTMLAttributes<HTMLInputElement>) {
  const [frame, input] = splitProps(props, ["label", "hint", "error"]);
  const id = input.id ?? createUniqueId();
  return (
    <Frame {...frame} id={id}>
      <input {...input} id={id} aria-invalid={frame.error ? "true" : undefined} aria-describedby={describedBy(id, frame.hint, frame.error)} />
    </Frame>
  );
}

export function TextAreaField(props: FieldFrame & JSX.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const [frame, input] = splitProps(props, ["label", "hint", "error"]);
  const id = input.id ?? createUniqueId();
  return (
    <Frame {...frame} id={id}>
      <textarea {...input} id={id} aria-invalid={frame.error ? "true" : undefined} aria-describedby={describedBy(id, frame.hint, frame.error)} />
    </Frame>
  );
}

export function SelectField(props: FieldFrame & JSX.SelectHTMLAttributes<HTMLSelectElement> & { children: JSX.Element }) {
  const [frame, select] = splitProps(props, ["label", "hint", "error"]);
  const id = select.id ?? createUniqueId();
  return (
    <Frame {...frame} id={id}>
      <select {...select} id={id} aria-invalid={frame.error ? "true" : undefined} aria-describedby={describedBy(id, frame.hint, frame.error)} />
    </Frame>
  );
}

/** A form's error as a whole (what the server refused), announced when it appears; nothing while there is none. */
export function FormError(props: { message: string | null | undefined }) {
  return (
    <Show when={props.message}>
      {(message) => (
        <p class="form-error" role="alert">
          {message()}
        </p>
      )}
    </Show>
  );
}
