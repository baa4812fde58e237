// Root of the site. Public pages (sign-in, sign-up, password reset, e-mail verification, the
// Google hand-off, invitation links) render on their own; every other page needs a session and a
// workspace and renders inside the app shell. The site is rendered in the browser only (ssr: false
// in app.config.ts): every page is behind a sign-in whose tokens live in the browser.
import { Router, useLocation, useNavigate, type RouteSectionProps } from "@solidjs/router";
import { FileRoutes } from "@solidjs/start/router";
import { createEffect, Match, onMount, Suspense, Switch } from "solid-js";
import { AppShell } from "~/components/app-shell";
import { Loading } from "~/components/async-state";
import { currentWorkspace, restoreSession, sessionState } from "~/session/session";
import "./app.css";
import "./styles/layout.css";

const PUBLIC_PREFIXES = ["/sign-in", "/sign-up", "/forgot-password", "/reset-password", "/verify-email", "/auth/", "/invitations/"];
const NO_WORKSPACE_NEEDED = ["/workspaces/new", "/status"];
/** The platform admin console works across workspaces: an operator without one of their own can use it. */
const needsWorkspace = (path: string) => !NO_WORKSPACE_NEEDED.includes(path) && path !== "/admin" && !path.startsWith("/admin/");

const isPublic = (path: string) => PUBLIC_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`));

function Layout(props: RouteSectionProps) {
  const location = useLocation();
  const navigate = useNavigate();
  onMount(() => void restoreSession());

  createEffect(() => {
    const path = location.pathname;
    if (isPublic(path)) return;
    if (sessionState() === "signed-out") navigate(`/sign-in?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    else if (sessionState() === "signed-in" && !currentWorkspace() && needsWorkspace(path)) navigate("/workspaces/new", { replace: true });
  });

  return (
    <Switch>
      <Match when={isPublic(location.pathname)}>
        <main id="main" class="public-main" tabindex="-1">
          <Suspense fallback={<Loading />}>{props.children}</Suspense>
        </main>
      </Match>
      <Match when={sessionState() === "signed-in"}>
        <AppShell>
          <Suspense fallback={<Loading />}>{props.children}</Suspense>
        </AppShell>
      </Match>
      <Match when={true}>
        <main id="main" class="public-main" tabindex="-1">
          <Loading label="Signing you in…" />
        </main>
      </Match>
    </Switch>
  );
}

export default function App() {
  return (
    <Router root={Layout}>
      <FileRoutes />
    </Router>
  );
}
