// "Continue with Google" on the sign-in and sign-up pages, shown only where the API says Google
// sign-in is configured (GET /api/auth/providers); nothing at all while that is unknown or fails.
import { createResource, createSignal, Show } from "solid-js";
import { describeError } from "~/api/client";
import { signInProviders } from "~/api/admin";
import { FormError } from "~/components/field";
import { startGoogleSignIn } from "./google-sign-in";
import "~/styles/admin.css";

export function GoogleSignInButton(props: { next?: string }) {
  const [providers] = createResource(() => signInProviders().catch(() => null));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await startGoogleSignIn(props.next);
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  };
  return (
    <Show when={providers()?.google}>
      <div class="auth-alternative stack">
        <p class="auth-divider muted small" aria-hidden="true">
          <span>or</span>
        </p>
        <button type="button" class="secondary google-button" onClick={() => void start()} disabled={busy()}>
          <svg class="google-mark" viewBox="0 0 48 48" width="18" height="18" aria-hidden="true">
            <path fill="#EA4335" d="M24 9.5c3.5 0 6.6 1.2 9.1 3.6l6.8-6.8C35.8 2.4 30.3 0 24 0 14.6 0 6.6 5.4 2.7 13.3l7.9 6.1C12.5 13.6 17.8 9.5 24 9.5z" />
            <path fill="#4285F4" d="M46.5 24.5c0-1.6-.1-3.1-.4-4.5H24v9h12.7c-.6 3-2.3 5.5-4.8 7.2l7.7 6C43.9 38 46.5 31.8 46.5 24.5z" />
            <path fill="#FBBC05" d="M10.6 28.6c-.5-1.4-.8-3-.8-4.6s.3-3.2.8-4.6l-7.9-6.1C1 16.6 0 20.2 0 24s1 7.4 2.7 10.7l7.9-6.1z" />
            <path fill="#34A853" d="M24 48c6.5 0 11.9-2.1 15.9-5.8l-7.7-6c-2.1 1.4-4.9 2.3-8.2 2.3-6.2 0-11.5-4.1-13.4-9.9l-7.9 6.1C6.6 42.6 14.6 48 24 48z" />
          </svg>
          {busy() ? "Opening Google…" : "Continue with Google"}
        </button>
        <FormError message={error()} />
      </div>
    </Show>
  );
}
