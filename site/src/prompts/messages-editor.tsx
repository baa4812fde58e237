// A chat prompt's messages: each a role and a templated content (in the prompt editor), added,
// removed and moved up or down.
import { For, Index, Show } from "solid-js";
import { CHAT_ROLES, type ChatRole } from "~/api/prompts";
import { PromptEditor } from "~/components/lazy-codemirror";
import type { ProblemSpan } from "~/components/template-language";
import { newKey, type Draft } from "./draft";

type Message = Draft["messages"][number];

export function MessagesEditor(props: {
  messages: Message[];
  onChange: (messages: Message[]) => void;
  variables: readonly { name: string; type: string }[];
  problems: (index: number) => ProblemSpan[];
  readOnly: boolean;
}) {
  const update = (index: number, patch: Partial<Message>) => props.onChange(props.messages.map((message, at) => (at === index ? { ...message, ...patch } : message)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...props.messages];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(index + by, 0, moved);
    props.onChange(next);
  };
  return (
    <div class="stack messages-editor">
      <Index each={props.messages}>
        {(message, index) => (
          <div class="message-block">
            <div class="message-head row">
              <label class="compact-field">
                <span class="visually-hidden">Message {index + 1} role</span>
                <select value={message().role} disabled={props.readOnly} onChange={(event) => update(index, { role: event.currentTarget.value as ChatRole })}>
                  <For each={CHAT_ROLES}>{(role) => <option value={role}>{role}</option>}</For>
                </select>
              </label>
              <span class="muted small">Message {index + 1}</span>
              <Show when={!props.readOnly}>
                <span class="message-tools">
                  <button type="button" class="icon-button" aria-label={`Move message ${index + 1} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                    ↑
                  </button>
                  <button type="button" class="icon-button" aria-label={`Move message ${index + 1} down`} disabled={index === props.messages.length - 1} onClick={() => move(index, 1)}>
                    ↓
                  </button>
                  <button type="button" class="icon-button" aria-label={`Remove message ${index + 1}`} disabled={props.messages.length === 1} onClick={() => props.onChange(props.messages.filter((_, at) => at !== index))}>
                    ×
                  </button>
                </span>
              </Show>
            </div>
            <PromptEditor
              label={`Message ${index + 1} content (${message().role})`}
              value={message().content}
              onChange={(content) => update(index, { content })}
              variables={props.variables}
              problems={props.problems(index)}
              readOnly={props.readOnly}
              minLines={3}
              placeholder={message().role === "system" ? "You are a helpful assistant for {product}…" : "Write the message; {variable} inserts a value"}
            />
          </div>
        )}
      </Index>
      <Show when={!props.readOnly}>
        <div>
          <button type="button" class="secondary small" onClick={() => props.onChange([...props.messages, { key: newKey(), role: props.messages.length % 2 === 1 ? "user" : "assistant", content: "" }])}>
            Add message
          </button>
        </div>
      </Show>
    </div>
  );
}
