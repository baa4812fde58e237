// The workspace's prompts (P2, P6): search, tag and status filters, sortable columns, a page
// at a time ("Load more"), row selection with bulk archive / tag / move, CSV of the table,
// import and export of prompt files, and "New prompt".
import { useNavigate } from "@solidjs/router";
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from "solid-js";
import { describeError } from "~/api/client";
import { call, callRaw, type RequestBody } from "~/api/contract";
import type { BulkResult, Prompt, PromptSort, TagDetails } from "~/api/prompts";
import { ENVIRONMENTS } from "~/api/types";
import { useSearchState } from "~/lib/search-state";
import { EmptyState, ErrorNotice, Loading } from "~/components/async-state";
import { DataTable, type DataColumn } from "~/components/data-table";
import { Dialog } from "~/components/dialog";
import { SelectField, TextField } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { TagList } from "~/components/tag-chip";
import { notify } from "~/components/toasts";
import { downloadBlob, downloadText, toCsv } from "~/lib/csv";
import { formatDateTime, formatRelative } from "~/lib/format";
import { ImportDialog } from "~/prompts/import-dialog";
import { NewPromptDialog } from "~/prompts/new-prompt-dialog";
import { canEdit, currentWorkspace, workspaces } from "~/session/session";
import { stringify as stringifyYaml } from "yaml";
import "~/styles/prompts.css";

/** A bulk action on the selected prompts (POST /api/prompts/bulk without its prompt_ids). */
type BulkAction = RequestBody<"post", "/api/prompts/bulk"> extends infer Body ? (Body extends unknown ? Omit<Body, "prompt_ids"> : never) : never;

const PAGE_SIZE = 50;
const SORT_LABEL: Record<PromptSort, string> = { updated_at: "Last updated", created_at: "Created", name: "Name", slug: "Slug" };

interface Filters {
  workspaceId: string;
  q: string;
  tag: string;
  status: "active" | "archived";
  sort: PromptSort;
  order: "asc" | "desc";
}

export default function PromptsPage() {
  const navigate = useNavigate();
  // The filters and the sort live in the address (?q=…&tag=…&status=archived&sort=name&order=asc).
  const address = useSearchState();
  const [q, setQ] = address.param("q");
  const [search, setSearch] = createSignal(q());
  const [tag, setTag] = address.param("tag");
  const [statusParam, setStatus] = address.param("status", "active");
  const status = (): "active" | "archived" => (statusParam() === "archived" ? "archived" : "active");
  const [sortParam] = address.param("sort", "updated_at");
  const [orderParam] = address.param("order", "desc");
  const sort = (): { key: PromptSort; order: "asc" | "desc" } => ({
    key: (Object.keys(SORT_LABEL) as string[]).includes(sortParam()) ? (sortParam() as PromptSort) : "updated_at",
    order: orderParam() === "asc" ? "asc" : "desc",
  });
  const setSort = (next: { key: PromptSort; order: "asc" | "desc" }) => address.set({ sort: next.key === "updated_at" ? undefined : next.key, order: next.order === "desc" ? undefined : next.order });
  const [rows, setRows] = createSignal<Prompt[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [dialog, setDialog] = createSignal<"new" | "import" | "archive" | "tag" | "move" | null>(null);
  const [busy, setBusy] = createSignal(false);

  // The search box waits for a pause in typing before it asks the API.
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(search, (text) => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => setQ(text.trim()), 250);
    }),
  );
  onCleanup(() => clearTimeout(searchTimer));
  // Back and forward change the address: the search box follows.
  createEffect(on(q, (value) => value !== search().trim() && setSearch(value), { defer: true }));

  const [tags, { refetch: refetchTags }] = createResource(
    () => currentWorkspace()?.id,
    async () => (await call("get", "/api/tags")).tags,
  );

  const filters = (): Filters | null => {
    const workspaceId = currentWorkspace()?.id;
    return workspaceId ? { workspaceId, q: q(), tag: tag(), status: status(), sort: sort().key, order: sort().order } : null;
  };

  let generation = 0;
  const load = async (reset: boolean) => {
    const current = filters();
    if (!current) return;
    const mine = ++generation;
    setLoading(true);
    setLoadError(null);
    try {
      const page = await call("get", "/api/prompts", {
        query: { q: current.q, tag: current.tag, status: current.status, sort: current.sort, order: current.order, limit: PAGE_SIZE, cursor: reset ? undefined : (cursor() ?? undefined) },
      });
      if (mine !== generation) return;
      setRows(reset ? page.prompts : [...rows(), ...page.prompts]);
      setCursor(page.next_cursor);
    } catch (caught) {
      if (mine === generation) setLoadError(caught);
    } finally {
      if (mine === generation) setLoading(false);
    }
  };

  createEffect(
    on(
      () => JSON.stringify(filters()),
      () => {
        setSelected(new Set<string>());
        void load(true);
      },
    ),
  );

  const toggleSort = (key: string) => {
    const column = key as PromptSort;
    const current = sort();
    if (current.key === column) setSort({ key: column, order: current.order === "asc" ? "desc" : "asc" });
    else setSort({ key: column, order: column === "name" || column === "slug" ? "asc" : "desc" });
  };

  const filtered = () => q() !== "" || tag() !== "" || status() !== "active";
  const selectedIds = () => rows().filter((row) => selected().has(row.id)).map((row) => row.id);

  const bulk = async (body: BulkAction, done: (result: BulkResult) => string) => {
    setBusy(true);
    try {
      const result = await call("post", "/api/prompts/bulk", { body: { ...body, prompt_ids: selectedIds() } });
      notify(done(result));
      const conflicts = result.results.filter((item) => item.outcome === "conflict");
      if (conflicts.length > 0) notify(`${conflicts.length} not moved: ${conflicts.map((item) => item.message ?? item.prompt_id).join("; ")}`, "error");
      setDialog(null);
      setSelected(new Set<string>());
      void refetchTags();
      await load(true);
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setBusy(false);
    }
  };

  const exportFile = async (format: "json" | "yaml") => {
    try {
      const ids = selectedIds();
      // YAML is written here from the JSON export, the same text the API writes (`stringify`
      // with no line folding): the API refuses YAML exports larger than its YAML import reads,
      // and the import dialog reads YAML in the browser, so any export round-trips.
      const response = await callRaw("get", "/api/prompts/export", { query: { format: "json", prompt_ids: ids.length > 0 ? ids.join(",") : undefined } });
      const name = (/filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "xr2-prompts.json").replace(/\.json$/, `.${format}`);
      if (format === "yaml") downloadBlob(name, new Blob([stringifyYaml(await response.json(), { lineWidth: 0 })], { type: "application/yaml" }));
      else downloadBlob(name, await response.blob());
      notify(ids.length > 0 ? `Exported ${ids.length} prompt${ids.length === 1 ? "" : "s"}` : "Exported every active prompt");
    } catch (caught) {
      notify(describeError(caught), "error");
    }
  };

  const exportCsv = () => {
    const csv = toCsv(rows(), [
      { header: "id", value: (row) => row.id },
      { header: "slug", value: (row) => row.slug },
      { header: "name", value: (row) => row.name },
      { header: "description", value: (row) => row.description },
      { header: "status", value: (row) => row.status },
      { header: "tags", value: (row) => row.tags.map((item) => item.name).join("; ") },
      ...ENVIRONMENTS.map((environment) => ({ header: `${environment}_version`, value: (row: Prompt) => row.environments[environment]?.version_number })),
      { header: "created_at", value: (row) => row.created_at },
      { header: "updated_at", value: (row) => row.updated_at },
    ]);
    downloadText(`prompts-${new Date().toISOString().slice(0, 10)}.csv`, csv);
  };

  const columns: DataColumn<Prompt>[] = [
    {
      id: "name",
      header: "Name",
      sortKey: "name",
      cell: (row) => (
        <div class="prompt-cell">
          <a href={`/prompts/${row.id}`} class="prompt-link">
            {row.name}
          </a>
          <Show when={row.description}>
            <span class="muted small prompt-description">{row.description}</span>
          </Show>
        </div>
      ),
    },
    { id: "slug", header: "Slug", sortKey: "slug", cell: (row) => <code>{row.slug}</code> },
    { id: "tags", header: "Tags", cell: (row) => (row.tags.length === 0 ? <span class="muted">–</span> : <TagList tags={row.tags} />) },
    {
      id: "live",
      header: "Live",
      cell: (row) => (
        <span class="env-badges">
          <For each={ENVIRONMENTS.filter((environment) => row.environments[environment])} fallback={<span class="muted">Not published</span>}>
            {(environment) => (
              <span class="badge" data-tone={environment === "production" ? "ok" : "accent"} title={`${environment} serves version ${row.environments[environment]!.version_number}`}>
                {environment === "production" ? "prod" : environment === "staging" ? "stg" : "dev"} v{row.environments[environment]!.version_number}
              </span>
            )}
          </For>
        </span>
      ),
    },
    {
      id: "updated",
      header: "Updated",
      sortKey: "updated_at",
      class: "nowrap",
      cell: (row) => <time datetime={row.updated_at} title={formatDateTime(row.updated_at)}>{formatRelative(row.updated_at)}</time>,
    },
    { id: "created", header: "Created", sortKey: "created_at", class: "nowrap", cell: (row) => <time datetime={row.created_at}>{formatDateTime(row.created_at)}</time> },
  ];

  const moveTargets = () => workspaces().filter((workspace) => workspace.id !== currentWorkspace()?.id && workspace.role !== "viewer");

  return (
    <section class="prompts-page">
      <PageHeader
        title="Prompts"
        description="Every prompt your apps fetch from the edge, with its versions and what each environment serves."
        actions={
          <>
            <Show when={canEdit()}>
              <button type="button" class="secondary" onClick={() => setDialog("import")}>
                Import
              </button>
            </Show>
            <button type="button" class="secondary" onClick={() => void exportFile("json")} title="Download every active prompt (or the selected ones) as JSON">
              Export
            </button>
            <Show when={canEdit()}>
              <button type="button" onClick={() => setDialog("new")}>
                New prompt
              </button>
            </Show>
          </>
        }
      />

      <div class="panel filters" role="search" aria-label="Filter prompts">
        <TextField label="Search" type="search" placeholder="Slug, name or description" value={search()} onInput={(event) => setSearch(event.currentTarget.value)} />
        <SelectField label="Tag" value={tag()} onChange={(event) => setTag(event.currentTarget.value)}>
          <option value="">All tags</option>
          <For each={tags() ?? []}>{(item) => <option value={item.id}>{item.name}</option>}</For>
        </SelectField>
        <SelectField label="Status" value={status()} onChange={(event) => setStatus(event.currentTarget.value as "active" | "archived")}>
          <option value="active">Active</option>
          <option value="archived">Archived</option>
        </SelectField>
        <SelectField
          label="Sort by"
          value={`${sort().key}:${sort().order}`}
          onChange={(event) => {
            const [key, order] = event.currentTarget.value.split(":") as [PromptSort, "asc" | "desc"];
            setSort({ key, order });
          }}
        >
          <For each={Object.keys(SORT_LABEL) as PromptSort[]}>
            {(key) => (
              <>
                <option value={`${key}:asc`}>{SORT_LABEL[key]} ↑</option>
                <option value={`${key}:desc`}>{SORT_LABEL[key]} ↓</option>
              </>
            )}
          </For>
        </SelectField>
      </div>

      <Show when={selected().size > 0}>
        <div class="bulk-bar" role="region" aria-label="Bulk actions">
          <span>
            <strong>{selected().size}</strong> selected
          </span>
          <Show when={canEdit()}>
            <Show
              when={status() === "active"}
              fallback={
                <button type="button" class="small" disabled={busy()} onClick={() => void bulk({ action: "unarchive" }, (result) => `Restored ${result.updated} prompt${result.updated === 1 ? "" : "s"}`)}>
                  Restore
                </button>
              }
            >
              <button type="button" class="small secondary" onClick={() => setDialog("archive")}>
                Archive
              </button>
            </Show>
            <button type="button" class="small secondary" onClick={() => setDialog("tag")}>
              Tag…
            </button>
            <button type="button" class="small secondary" onClick={() => setDialog("move")} disabled={moveTargets().length === 0} title={moveTargets().length === 0 ? "You have no other workspace where you may write prompts" : undefined}>
              Move…
            </button>
          </Show>
          <button type="button" class="small secondary" onClick={() => void exportFile("json")}>
            Export JSON
          </button>
          <button type="button" class="small secondary" onClick={() => void exportFile("yaml")}>
            Export YAML
          </button>
          <button type="button" class="small secondary" onClick={() => setSelected(new Set<string>())}>
            Clear selection
          </button>
        </div>
      </Show>

      <Show when={loadError()}>
        <ErrorNotice error={loadError()} title="The prompts could not be loaded" onRetry={() => void load(true)} />
      </Show>

      <Show when={!loadError()}>
        <Show
          when={rows().length > 0}
          fallback={
            <Show when={!loading()} fallback={<Loading label="Loading prompts…" />}>
              <Show
                when={filtered()}
                fallback={
                  <EmptyState
                    title="No prompts yet"
                    action={
                      <Show when={canEdit()} fallback={<span class="muted">Ask a Member or Admin of this workspace to create one.</span>}>
                        <div class="row">
                          <button type="button" onClick={() => setDialog("new")}>
                            New prompt
                          </button>
                          <button type="button" class="secondary" onClick={() => setDialog("import")}>
                            Import a file
                          </button>
                        </div>
                      </Show>
                    }
                  >
                    A prompt is a named template your app fetches by its slug, e.g. <code>GET /api/v1/get-prompt/welcome-email</code>. You write versions of it with{" "}
                    <code>{"{variables}"}</code> and conditions, preview them with sample values, and publish one to development, staging or production — without shipping
                    your app again.
                  </EmptyState>
                }
              >
                <EmptyState title="No prompts match">
                  Nothing matches these filters.{" "}
                  <button
                    type="button"
                    class="link-button"
                    onClick={() => {
                      setSearch("");
                      address.set({ q: undefined, tag: undefined, status: undefined });
                    }}
                  >
                    Clear filters
                  </button>
                </EmptyState>
              </Show>
            </Show>
          }
        >
          <div class="panel table-panel">
            <div class="panel-head">
              <p class="muted small" aria-live="polite">
                {rows().length} prompt{rows().length === 1 ? "" : "s"} shown{cursor() ? " (more to load)" : ""}, sorted by {SORT_LABEL[sort().key].toLowerCase()} {sort().order === "asc" ? "↑" : "↓"}
              </p>
              <button type="button" class="small secondary" onClick={exportCsv}>
                Download CSV
              </button>
            </div>
            <DataTable
              caption="Prompts"
              rows={rows()}
              columns={columns}
              rowKey={(row) => row.id}
              rowLabel={(row) => row.name}
              sort={sort()}
              onSort={toggleSort}
              selected={selected()}
              onSelectedChange={setSelected}
            />
            <Show when={cursor()}>
              <div class="load-more">
                <button type="button" class="secondary" disabled={loading()} onClick={() => void load(false)}>
                  {loading() ? "Loading…" : "Load more"}
                </button>
              </div>
            </Show>
          </div>
        </Show>
      </Show>

      <NewPromptDialog
        open={dialog() === "new"}
        onClose={() => setDialog(null)}
        onCreated={(prompt) => {
          setDialog(null);
          notify(`Prompt “${prompt.name}” created`);
          navigate(`/prompts/${prompt.id}`);
        }}
      />
      <ImportDialog
        open={dialog() === "import"}
        onClose={() => setDialog(null)}
        onImported={() => {
          void refetchTags();
          void load(true);
        }}
      />
      <Dialog
        open={dialog() === "archive"}
        title={`Archive ${selected().size} prompt${selected().size === 1 ? "" : "s"}?`}
        onClose={() => setDialog(null)}
        footer={
          <>
            <button type="button" class="secondary" onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button type="button" class="danger" disabled={busy()} onClick={() => void bulk({ action: "archive" }, (result) => `Archived ${result.updated} prompt${result.updated === 1 ? "" : "s"}`)}>
              {busy() ? "Archiving…" : "Archive"}
            </button>
          </>
        }
      >
        <p>The edge stops serving archived prompts at once: apps that fetch them get 404. Versions, history and analytics stay, and you can restore them from the Archived filter.</p>
      </Dialog>
      <TagDialog open={dialog() === "tag"} count={selected().size} tags={tags() ?? []} busy={busy()} onClose={() => setDialog(null)} onSubmit={(name, remove) => void bulk({ action: remove ? "untag" : "tag", tag: name }, (result) => `${remove ? "Untagged" : "Tagged"} ${result.updated} prompt${result.updated === 1 ? "" : "s"}`)} />
      <MoveDialog
        open={dialog() === "move"}
        count={selected().size}
        targets={moveTargets()}
        busy={busy()}
        onClose={() => setDialog(null)}
        onSubmit={(target) => void bulk({ action: "move", target_workspace_id: target }, (result) => `Moved ${result.results.filter((item) => item.outcome === "moved").length} prompt(s)`)}
      />
    </section>
  );
}

function TagDialog(props: { open: boolean; count: number; tags: readonly TagDetails[]; busy: boolean; onClose: () => void; onSubmit: (name: string, remove: boolean) => void }) {
  const [name, setName] = createSignal("");
  const [remove, setRemove] = createSignal(false);
  return (
    <Dialog open={props.open} title={`Tag ${props.count} prompt${props.count === 1 ? "" : "s"}`} onClose={props.onClose}>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (name().trim()) props.onSubmit(name().trim(), remove());
        }}
      >
        <TextField label="Tag" list="known-tags" required maxLength={64} value={name()} onInput={(event) => setName(event.currentTarget.value)} hint="An existing tag, or a new name to create one." />
        <datalist id="known-tags">
          <For each={props.tags}>{(tag) => <option value={tag.name} />}</For>
        </datalist>
        <label class="checkbox-field">
          <input type="checkbox" checked={remove()} onChange={(event) => setRemove(event.currentTarget.checked)} />
          Remove this tag instead
        </label>
        <div class="row end">
          <button type="button" class="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" disabled={props.busy || !name().trim()}>
            {remove() ? "Remove tag" : "Add tag"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function MoveDialog(props: { open: boolean; count: number; targets: readonly { id: string; name: string }[]; busy: boolean; onClose: () => void; onSubmit: (workspaceId: string) => void }) {
  const [target, setTarget] = createSignal("");
  return (
    <Dialog open={props.open} title={`Move ${props.count} prompt${props.count === 1 ? "" : "s"}`} onClose={props.onClose}>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          const chosen = target() || props.targets[0]?.id;
          if (chosen) props.onSubmit(chosen);
        }}
      >
        <SelectField label="To workspace" value={target() || props.targets[0]?.id || ""} onChange={(event) => setTarget(event.currentTarget.value)}>
          <For each={props.targets}>{(workspace) => <option value={workspace.id}>{workspace.name}</option>}</For>
        </SelectField>
        <p class="notice" data-kind="warn">
          Each prompt is copied there with its tags and versions (as drafts) and archived here, so the edge stops serving it in this workspace. Publish it again in the target
          workspace.
        </p>
        <div class="row end">
          <button type="button" class="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" disabled={props.busy}>
            {props.busy ? "Moving…" : "Move"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
