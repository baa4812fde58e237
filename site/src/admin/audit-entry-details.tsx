// What an audit entry changed: the before and after records side by side as JSON, keys that
// differ marked, plus the ids needed to trace it (target, request).
import { For, Show } from "solid-js";
import type { AuditEntry } from "~/api/admin";

function changedKeys(entry: AuditEntry): Set<string> {
  const keys = new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})]);
  const changed = new Set<string>();
  for (const key of keys) if (JSON.stringify(entry.before?.[key]) !== JSON.stringify(entry.after?.[key])) changed.add(key);
  return changed;
}

function JsonSide(props: { title: string; value: Record<string, unknown> | null; changed: Set<string> }) {
  return (
    <div class="audit-side">
      <h3 class="small">{props.title}</h3>
      <Show when={props.value} fallback={<p class="muted small">Nothing recorded</p>}>
        {(value) => (
          <pre class="audit-json">
            {"{\n"}
            <For each={Object.entries(value())}>
              {([key, item], index) => (
                <span class="audit-json-line" data-changed={props.changed.has(key) ? "true" : undefined}>
                  {`  ${JSON.stringify(key)}: ${JSON.stringify(item, null, 2)?.replaceAll("\n", "\n  ")}${index() < Object.keys(value()).length - 1 ? "," : ""}\n`}
                </span>
              )}
            </For>
            {"}"}
          </pre>
        )}
      </Show>
    </div>
  );
}

export function AuditEntryDetails(props: { entry: AuditEntry }) {
  const changed = () => changedKeys(props.entry);
  return (
    <div class="audit-details">
      <div class="audit-sides">
        <JsonSide title="Before" value={props.entry.before} changed={changed()} />
        <JsonSide title="After" value={props.entry.after} changed={changed()} />
      </div>
      <dl class="key-value small">
        <dt>Entry</dt>
        <dd>
          <code>{props.entry.id}</code>
        </dd>
        <Show when={props.entry.target_id}>
          <dt>Target id</dt>
          <dd>
            <code>{props.entry.target_id}</code>
          </dd>
        </Show>
        <Show when={props.entry.request_id}>
          <dt>Request id</dt>
          <dd>
            <code>{props.entry.request_id}</code>
          </dd>
        </Show>
        <Show when={props.entry.actor}>
          <dt>Actor</dt>
          <dd>{props.entry.actor!.email}</dd>
        </Show>
      </dl>
    </div>
  );
}
