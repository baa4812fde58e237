// Where a Google sign-in lands (/auth/callback#code=…): the one-time code from the fragment and
// this tab's verifier are traded for a session, then the user goes where the sign-in was
// started for. The fragment is removed from the address bar at once.
import { A, useNavigate } from "@solidjs/router";
import { createSignal, onMount, Show } from "solid-js";
import { describeError } from "~/api/client";
import { exchangeGoogleCode } from "~/api/admin";
import { takeGoogleVerifier } from "~/admin/google-sign-in";
import { Loading } from "~/components/async-state";
import { AuthCard } from "~/components/auth-card";
import { safeNextPath } from "~/lib/redirect";
import { startSession } from "~/session/session";

export default function GoogleCallbackPage() {
  const navigate = useNavigate();
  const [error, setError] = createSignal<string | null>(null);

  onMount(async () => {
    const code = new URLSearchParams(location.hash.slice(1)).get("code");
    history.replaceState(history.state, "", location.pathname);
    const verifier = takeGoogleVerifier();
    if (!code) return setError("The sign-in answer carried no code. Start Google sign-in again.");
    if (!verifier) return setError("This sign-in was started in another tab or browser, or this page was reloaded. Start Google sign-in again from here.");
    try {
      const session = await exchangeGoogleCode(code, verifier);
      await startSession(session);
      navigate(safeNextPath(session.redirect_to === "/" ? null : session.redirect_to), { replace: true });
    } catch (caught) {
      setError(describeError(caught));
    }
  });

  return (
    <Show when={error()} fallback={<Loading label="Signing you in with Google…" />}>
      <AuthCard title="Google sign-in did not finish">
        <div class="stack">
          <p class="notice" data-kind="bad" role="alert">
            {error()}
          </p>
          <A class="button" href="/sign-in">
            Back to sign-in
          </A>
        </div>
      </AuthCard>
    </Show>
  );
}
