// Sign-in with e-mail and password; `?next=` brings the user back to where they were sent from,
// `?email=` fills in the address (an invitation knows it), `?reset=done` says the password changed.
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { describeError } from "~/api/client";
import { GoogleSignInButton } from "~/admin/google-button";
import { AuthCard } from "~/components/auth-card";
import { FormError, TextField } from "~/components/field";
import { authLink, safeNextPath } from "~/lib/redirect";
import { signIn } from "~/session/session";

export default function SignInPage() {
  const [params] = useSearchParams<{ next?: string; email?: string; reset?: string }>();
  const navigate = useNavigate();
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(form.get("email")), String(form.get("password")));
      navigate(safeNextPath(params.next), { replace: true });
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title="Sign in"
      footer={
        <p class="muted">
          New to xR2? <A href={authLink("/sign-up", params)}>Create an account</A>
        </p>
      }
    >
      <form class="stack" onSubmit={submit} novalidate={false}>
        <Show when={params.reset === "done"}>
          <p class="notice" role="status">
            Your password was changed and every earlier session was signed out. Sign in with the new password.
          </p>
        </Show>
        <TextField label="E-mail" name="email" type="email" autocomplete="email" required value={params.email ?? ""} />
        <TextField label="Password" name="password" type="password" autocomplete="current-password" required />
        <p class="small forgot-password">
          <A href={params.email ? `/forgot-password?email=${encodeURIComponent(params.email)}` : "/forgot-password"}>Forgot password?</A>
        </p>
        <FormError message={error()} />
        <button type="submit" disabled={busy()}>
          {busy() ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <GoogleSignInButton next={params.next} />
    </AuthCard>
  );
}
