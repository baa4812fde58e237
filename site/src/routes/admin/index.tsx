// Platform admin: users (S4). Search by e-mail or name, filter by status, then disable (every
// session of the user ends at once), enable, or delete (refused while they are the only owner of a
// workspace with other members; the API's answer names those workspaces).
import { createEffect, createSignal, For, on, Show } from "solid-js";
import { deleteUser, disableUser, enableUser, listUsers, type AdminUser, type UserStatus } from "~/api/platform-admin";
import { ConfirmDialog } from "~/admin/confirm-dialog";
import { AsyncView, EmptyState } from "~/components/async-state";
import { TextField } from "~/components/field";
import { LoadMore } from "~/components/load-more";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { createCursorList } from "~/lib/cursor-list";
import { formatDate, formatRelative } from "~/lib/format";
import { AdminGate, isPlatformAdmin } from "~/platform-admin/admin-gate";
import { currentUser } from "~/session/session";

type Pending = { kind: "disable" | "enable" | "delete"; user: AdminUser };

export default function AdminUsersPage() {
  return (
    <AdminGate>
      <UsersSection />
    </AdminGate>
  );
}

function UsersSection() {
  const [queryInput, setQueryInput] = createSignal("");
  const [query, setQuery] = createSignal("");
  const [status, setStatus] = createSignal<UserStatus>("all");
  const [pending, setPending] = createSignal<Pending | null>(null);

  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(queryInput, (text) => {
      clearTimeout(timer);
      timer = setTimeout(() => setQuery(text.trim()), 300);
    }),
  );

  const list = createCursorList({
    deps: () => [query(), status(), isPlatformAdmin()],
    fetchPage: (cursor) => listUsers({ q: query() || undefined, status: status() }, cursor),
    items: (page) => page.users,
  });
  const { items: users, setItems: setUsers } = list;

  const replace = (changed: Partial<AdminUser> & { id: string }) => setUsers(users().map((user) => (user.id === changed.id ? { ...user, ...changed } : user)));
  const confirm = async () => {
    const action = pending();
    if (!action) return;
    if (action.kind === "disable") {
      replace(await disableUser(action.user.id));
      notify(`${action.user.email} is disabled; their sessions have ended`);
    } else if (action.kind === "enable") {
      replace(await enableUser(action.user.id));
      notify(`${action.user.email} can sign in again`);
    } else {
      const deleted = await deleteUser(action.user.id);
      setUsers(users().filter((user) => user.id !== deleted.id));
      notify(deleted.deleted_workspaces.length > 0 ? `${action.user.email} is deleted, with ${deleted.deleted_workspaces.map((workspace) => workspace.name).join(", ")}` : `${action.user.email} is deleted`);
    }
  };

  return (
    <>
      <PageHeader title="Users" description="Every account on this xR2. Disabling ends the user's sessions at once; deleting is refused while they are the only owner of a workspace with other members." />
      <section class="panel" aria-labelledby="users-title">
        <h2 id="users-title" class="visually-hidden">
          Users
        </h2>
        <form class="admin-filters" role="search" aria-label="Search users" onSubmit={(event) => event.preventDefault()}>
          <TextField label="Search" type="search" placeholder="E-mail or name" value={queryInput()} onInput={(event) => setQueryInput(event.currentTarget.value)} />
          <div class="field">
            <label for="user-status">Status</label>
            <select id="user-status" value={status()} onChange={(event) => setStatus(event.currentTarget.value as UserStatus)}>
              <option value="all">All</option>
              <option value="active">Active</option>
              <option value="disabled">Disabled</option>
            </select>
          </div>
        </form>
        <AsyncView list={list} loading="Loading users…" errorTitle="The users could not be loaded" empty={<EmptyState title="No user matches">Try part of the e-mail address or the name.</EmptyState>}>
          <div class="table-scroll" tabindex="0" role="region" aria-label="Users, scrolls sideways">
            <table class="admin-table">
              <caption class="visually-hidden">Users, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Status</th>
                  <th scope="col">Workspaces</th>
                  <th scope="col">Signed up</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={users()}>
                  {(user) => (
                    <tr data-user-id={user.id}>
                      <td>
                        {user.name}{" "}
                        <Show when={user.is_platform_admin}>
                          <span class="badge" data-tone="accent">
                            Platform admin
                          </span>
                        </Show>
                      </td>
                      <td>{user.email}</td>
                      <td>
                        <Show when={user.disabled_at} fallback={<span class="badge" data-tone="ok">Active</span>}>
                          <span class="badge" data-tone="bad" title={`Disabled ${formatRelative(user.disabled_at)}`}>
                            Disabled
                          </span>
                        </Show>
                      </td>
                      <td>
                        {user.workspace_count}
                        <Show when={user.owned_workspace_count > 0}>
                          <span class="muted small"> ({user.owned_workspace_count} owned)</span>
                        </Show>
                      </td>
                      <td class="nowrap">{formatDate(user.created_at)}</td>
                      <td class="nowrap">{user.last_login_at ? formatRelative(user.last_login_at) : <span class="muted">Never</span>}</td>
                      <td class="row-actions">
                        <Show when={user.id !== currentUser()?.id} fallback={<span class="muted small">You</span>}>
                          <Show
                            when={user.disabled_at}
                            fallback={
                              <button type="button" class="secondary small" onClick={() => setPending({ kind: "disable", user })}>
                                Disable<span class="visually-hidden"> {user.email}</span>
                              </button>
                            }
                          >
                            <button type="button" class="secondary small" onClick={() => setPending({ kind: "enable", user })}>
                              Enable<span class="visually-hidden"> {user.email}</span>
                            </button>
                          </Show>
                          <button type="button" class="secondary small danger-text" onClick={() => setPending({ kind: "delete", user })}>
                            Delete<span class="visually-hidden"> {user.email}</span>
                          </button>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <LoadMore list={list} noun={["user", "users"]} />
        </AsyncView>
      </section>

      <ConfirmDialog
        open={pending() !== null}
        title={pending()?.kind === "disable" ? "Disable this user?" : pending()?.kind === "enable" ? "Enable this user?" : "Delete this user?"}
        confirmLabel={pending()?.kind === "disable" ? "Disable" : pending()?.kind === "enable" ? "Enable" : "Delete for good"}
        danger={pending()?.kind !== "enable"}
        onConfirm={confirm}
        onClose={() => setPending(null)}
      >
        <Show when={pending()?.kind === "disable"}>
          <p>
            <strong>{pending()?.user.email}</strong> will be signed out everywhere at once and cannot sign in until enabled again. Their workspaces and data stay.
          </p>
        </Show>
        <Show when={pending()?.kind === "enable"}>
          <p>
            <strong>{pending()?.user.email}</strong> can sign in again (their old sessions stay ended).
          </p>
        </Show>
        <Show when={pending()?.kind === "delete"}>
          <p>
            <strong>{pending()?.user.email}</strong> and the workspaces they own alone are deleted; this cannot be undone. If they are the only owner of a workspace with other members, ownership must be transferred first.
          </p>
        </Show>
      </ConfirmDialog>
    </>
  );
}
