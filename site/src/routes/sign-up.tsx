// Account creation; a new user then creates (or is invited to) a workspace. `?email=` fills in
// the address (an invitation knows it). The API sends the verification e-mail and says why it
// refuses a password (too short, too easy to guess).
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal } from "solid-js";
import { describeError } from "~/api/client";
import { GoogleSignInButton } from "~/admin/google-button";
import { AuthCard } from "~/components/auth-card";
import { FormError, TextField } from "~/components/field";
import { authLink, safeNextPath } from "~/lib/redirect";
import { signUp } from "~/session/session";

export default function SignUpPage() {
  const [params] = useSearchParams<{ next?: string; email?: string }>();
  const navigate = useNavigate();
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await signUp(String(form.get("name")), String(form.get("email")), String(form.get("password")));
      navigate(safeNextPath(params.next, "/workspaces/new"), { replace: true });
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title="Create your account"
      footer={
        <p class="muted">
          Already have an account? <A href={authLink("/sign-in", params)}>Sign in</A>
        </p>
      }
    >
      <form class="stack" onSubmit={submit}>
        <TextField label="Name" name="name" autocomplete="name" required maxLength={100} />
        <TextField label="E-mail" name="email" type="email" autocomplete="email" required value={params.email ?? ""} />
        <TextField label="Password" name="password" type="password" autocomplete="new-password" required minLength={10} hint="At least 10 characters and hard to guess: a few unrelated words work well." />
        <FormError message={error()} />
        <button type="submit" disabled={busy()}>
          {busy() ? "Creating…" : "Create account"}
        </button>
      </form>
      <GoogleSignInButton next={params.next} />
    </AuthCard>
  );
}
