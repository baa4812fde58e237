// Event definitions (E4): which business events the workspace expects and the typed fields
// each carries; the edge validates incoming events against them. Admins and Members create,
// edit and delete; Viewers read.
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { deleteEventDefinition, listEventDefinitions, type EventDefinition, type EventField } from "~/api/admin";
import { ConfirmDialog } from "~/admin/confirm-dialog";
import { EventDefinitionDialog } from "~/admin/event-definition-dialog";
import { AsyncView, EmptyState } from "~/components/async-state";
import { TextField } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { downloadText, toCsv } from "~/lib/csv";
import { formatDate, formatDateTime } from "~/lib/format";
import { canEdit, currentWorkspace } from "~/session/session";
import "~/styles/admin.css";

function FieldChips(props: { fields: EventField[] }) {
  return (
    <Show when={props.fields.length > 0} fallback={<span class="muted">None</span>}>
      <span class="chip-list">
        <For each={props.fields}>
          {(field) => (
            <code class="field-chip">
              {field.name}
              <span class="field-chip-type">: {field.type}</span>
            </code>
          )}
        </For>
      </span>
    </Show>
  );
}

const fieldsText = (fields: EventField[]) => fields.map((field) => `${field.name}:${field.type}`).join(" ");

export default function EventDefinitionsPage() {
  const [definitions, { refetch, mutate }] = createResource(() => currentWorkspace()?.id, () => listEventDefinitions());
  const [search, setSearch] = createSignal("");
  const [category, setCategory] = createSignal("");
  const [dialogOpen, setDialogOpen] = createSignal(false);
  const [editing, setEditing] = createSignal<EventDefinition | null>(null);
  const [deleting, setDeleting] = createSignal<EventDefinition | null>(null);

  const categories = createMemo(() => [...new Set((definitions.latest ?? []).map((definition) => definition.category))].sort());
  const shown = createMemo(() => {
    const text = search().trim().toLowerCase();
    return (definitions.latest ?? []).filter(
      (definition) =>
        (!category() || definition.category === category()) &&
        (!text || definition.event_name.includes(text) || (definition.description ?? "").toLowerCase().includes(text) || [...definition.required_fields, ...definition.optional_fields].some((field) => field.name.toLowerCase().includes(text))),
    );
  });

  const openNew = () => {
    setEditing(null);
    setDialogOpen(true);
  };
  const openEdit = (definition: EventDefinition) => {
    setEditing(definition);
    setDialogOpen(true);
  };
  const saved = (definition: EventDefinition) => {
    const list = definitions.latest ?? [];
    const exists = list.some((item) => item.id === definition.id);
    mutate([...(exists ? list.map((item) => (item.id === definition.id ? definition : item)) : [...list, definition])].sort((a, b) => a.event_name.localeCompare(b.event_name)));
    notify(exists ? `“${definition.event_name}” saved` : `“${definition.event_name}” defined`);
  };
  const exportCsv = () =>
    downloadText(
      "event-definitions.csv",
      toCsv(shown(), [
        { header: "event_name", value: (row) => row.event_name },
        { header: "category", value: (row) => row.category },
        { header: "description", value: (row) => row.description },
        { header: "required_fields", value: (row) => fieldsText(row.required_fields) },
        { header: "optional_fields", value: (row) => fieldsText(row.optional_fields) },
        { header: "updated_at", value: (row) => row.updated_at },
      ]),
    );

  return (
    <>
      <PageHeader
        title="Event definitions"
        description="The business events your application sends and the fields each carries. Events of a defined name are checked at the edge; undefined names are accepted as they come."
        actions={
          <>
            <Show when={(definitions.latest?.length ?? 0) > 0}>
              <button type="button" class="secondary" onClick={exportCsv}>
                Export CSV
              </button>
            </Show>
            <Show when={canEdit()}>
              <button type="button" onClick={openNew}>
                New definition
              </button>
            </Show>
          </>
        }
      />
      <div class="stack">
        <Show when={!canEdit()}>
          <p class="notice">Viewers read the definitions; Members and Admins change them.</p>
        </Show>
        <AsyncView
          resource={definitions}
          loading="Loading event definitions…"
          errorTitle="The event definitions could not be loaded"
          onRetry={refetch}
          empty={
            <EmptyState title="No events defined yet" action={canEdit() ? <button type="button" onClick={openNew}>New definition</button> : undefined}>
              Define an event such as <code>checkout.completed</code> with its fields, and the edge will refuse malformed ones instead of counting them.
            </EmptyState>
          }
        >
          <section class="panel" aria-labelledby="definitions-title">
            <h2 id="definitions-title" class="visually-hidden">
              Definitions
            </h2>
            <div class="admin-filters">
              <TextField label="Search" type="search" placeholder="Event or field name" value={search()} onInput={(event) => setSearch(event.currentTarget.value)} />
              <div class="field">
                <label for="category-filter">Category</label>
                <select id="category-filter" value={category()} onChange={(event) => setCategory(event.currentTarget.value)}>
                  <option value="">All categories</option>
                  <For each={categories()}>{(name) => <option value={name}>{name}</option>}</For>
                </select>
              </div>
            </div>
            <Show when={shown().length > 0} fallback={<p class="muted">No definition matches these filters.</p>}>
              <div class="table-scroll">
                <table class="admin-table">
                  <caption class="visually-hidden">Event definitions</caption>
                  <thead>
                    <tr>
                      <th scope="col">Event</th>
                      <th scope="col">Category</th>
                      <th scope="col">Required fields</th>
                      <th scope="col">Optional fields</th>
                      <th scope="col">Updated</th>
                      <Show when={canEdit()}>
                        <th scope="col">
                          <span class="visually-hidden">Actions</span>
                        </th>
                      </Show>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={shown()}>
                      {(definition) => (
                        <tr data-event-name={definition.event_name}>
                          <td>
                            <code class="event-name">{definition.event_name}</code>
                            <Show when={definition.description}>
                              <p class="muted small cell-note">{definition.description}</p>
                            </Show>
                          </td>
                          <td>
                            <span class="badge">{definition.category}</span>
                          </td>
                          <td>
                            <FieldChips fields={definition.required_fields} />
                          </td>
                          <td>
                            <FieldChips fields={definition.optional_fields} />
                          </td>
                          <td title={formatDateTime(definition.updated_at)}>{formatDate(definition.updated_at)}</td>
                          <Show when={canEdit()}>
                            <td class="row-actions">
                              <button type="button" class="secondary small" onClick={() => openEdit(definition)}>
                                Edit<span class="visually-hidden"> {definition.event_name}</span>
                              </button>
                              <button type="button" class="secondary small danger-text" onClick={() => setDeleting(definition)}>
                                Delete<span class="visually-hidden"> {definition.event_name}</span>
                              </button>
                            </td>
                          </Show>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </section>
        </AsyncView>
      </div>

      <EventDefinitionDialog open={dialogOpen()} editing={editing()} categories={categories()} onClose={() => setDialogOpen(false)} onSaved={saved} />
      <ConfirmDialog
        open={deleting() !== null}
        title="Delete event definition"
        confirmLabel="Delete"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          const definition = deleting()!;
          await deleteEventDefinition(definition.id);
          mutate((definitions.latest ?? []).filter((item) => item.id !== definition.id));
          notify(`“${definition.event_name}” deleted`);
        }}
      >
        <p>
          Delete the definition of <code>{deleting()?.event_name}</code>? Events of that name are then accepted without validation. Events already recorded are kept.
        </p>
      </ConfirmDialog>
    </>
  );
}
