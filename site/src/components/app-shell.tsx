// The frame around every signed-in page: navigation (a sidebar on wide screens, a menu button
// on narrow ones), the workspace switcher, the theme choice, the account menu and, until the
// address is verified, the banner asking to verify it.
import { A, useLocation, useNavigate } from "@solidjs/router";
import { createEffect, createSignal, For, Show, type JSX } from "solid-js";
import { currentUser, currentWorkspace, selectWorkspace, signOut, workspaces } from "~/session/session";
import { setTheme, theme, type ThemeChoice } from "~/lib/theme";
import { ApprovalsNavItem } from "~/approvals/approvals-nav";
import { ToastRegion } from "./toasts";
import { VerifyEmailBanner } from "./verify-email-banner";

export const NAVIGATION: ReadonlyArray<{ href: string; label: string }> = [
  { href: "/prompts", label: "Prompts" },
  { href: "/dashboard", label: "Dashboard" },
  { href: "/traces", label: "Traces" },
  { href: "/experiments", label: "Experiments" },
  { href: "/playground", label: "Playground" },
  { href: "/event-definitions", label: "Events" },
  { href: "/alerts", label: "Alerts" },
  { href: "/api-keys", label: "API keys" },
  { href: "/members", label: "Members" },
  { href: "/audit-log", label: "Audit log" },
  { href: "/settings", label: "Settings" },
];

export function AppShell(props: { children: JSX.Element }) {
  const [menuOpen, setMenuOpen] = createSignal(false);
  const location = useLocation();
  const navigate = useNavigate();
  createEffect(() => {
    location.pathname;
    setMenuOpen(false);
  });
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <button type="button" class="icon-button menu-button" aria-expanded={menuOpen()} aria-controls="primary-nav" onClick={() => setMenuOpen(!menuOpen())}>
          <span aria-hidden="true">☰</span>
          <span class="visually-hidden">Menu</span>
        </button>
        <a href="/prompts" class="brand" aria-label="xR2 home">
          xR2
        </a>
        <div class="topbar-tools">
          <label class="compact-field">
            <span class="visually-hidden">Workspace</span>
            <select
              value={currentWorkspace()?.id ?? ""}
              onChange={(event) => {
                const value = event.currentTarget.value;
                if (value === "__new__") navigate("/workspaces/new");
                else selectWorkspace(value);
              }}
            >
              {/* `selected` too: a reload of the list (a rename) re-creates the options, and the select's value alone would not pick the current one again. */}
              <For each={workspaces()}>
                {(workspace) => (
                  <option value={workspace.id} selected={workspace.id === currentWorkspace()?.id}>
                    {workspace.name}
                  </option>
                )}
              </For>
              <option value="__new__">+ New workspace…</option>
            </select>
          </label>
          <Show when={currentWorkspace()}>{(workspace) => <span class="badge role-badge">{workspace().role}</span>}</Show>
          <label class="compact-field">
            <span class="visually-hidden">Theme</span>
            <select value={theme()} onChange={(event) => setTheme(event.currentTarget.value as ThemeChoice)}>
              <option value="system">System theme</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <span class="user-name" title={currentUser()?.email}>
            {currentUser()?.name}
          </span>
          <button
            type="button"
            class="secondary small"
            onClick={async () => {
              await signOut();
              navigate("/sign-in");
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <div class="shell-body">
        <nav id="primary-nav" class="sidebar" classList={{ open: menuOpen() }} aria-label="Main">
          <ul>
            <For each={NAVIGATION}>
              {(item) => (
                <li>
                  <A href={item.href}>{item.label}</A>
                </li>
              )}
            </For>
            <ApprovalsNavItem />
            {/* Only for platform operators (GET /api/auth/me); everyone else is answered "not found" there. */}
            <Show when={currentUser()?.is_platform_admin}>
              <li>
                <A href="/admin">Platform admin</A>
              </li>
            </Show>
          </ul>
          <p class="sidebar-foot">
            <A href="/status">API status</A>
          </p>
        </nav>
        <main id="main" tabindex="-1">
          <VerifyEmailBanner />
          {props.children}
        </main>
      </div>
      <ToastRegion />
    </div>
  );
}
