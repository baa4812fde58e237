// "Forgot password?": the address the reset link goes to. The answer is the same whether an
// account exists for it or not (so the page cannot be used to find out who has an account);
// only the API's rate limit (429) is told apart, with when to try again.
import { A, useSearchParams } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { describeRefusal, requestPasswordReset } from "~/api/accounts";
import { AuthCard } from "~/components/auth-card";
import { FormError, TextField } from "~/components/field";

export default function ForgotPasswordPage() {
  const [params] = useSearchParams<{ email?: string }>();
  const [error, setError] = createSignal<string | null>(null);
  const [sentTo, setSentTo] = createSignal<string | null>(null);
  const [address, setAddress] = createSignal(params.email ?? "");
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget as HTMLFormElement).get("email")).trim();
    setAddress(email);
    setBusy(true);
    setError(null);
    try {
      await requestPasswordReset(email);
      setSentTo(email);
    } catch (caught) {
      setError(describeRefusal(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title="Reset your password"
      footer={
        <p class="muted">
          Remembered it? <A href="/sign-in">Sign in</A>
        </p>
      }
    >
      <Show
        when={sentTo()}
        fallback={
          <form class="stack" onSubmit={submit}>
            <p>Enter the e-mail address of your account and we will send you a link to choose a new password.</p>
            <TextField label="E-mail" name="email" type="email" autocomplete="email" required value={address()} />
            <FormError message={error()} />
            <button type="submit" disabled={busy()}>
              {busy() ? "Sending…" : "Send reset link"}
            </button>
          </form>
        }
      >
        {(email) => (
          <div class="stack">
            <p class="notice" role="status">
              If an account exists for <strong>{email()}</strong>, we sent a link to it. The link works once, within an hour.
            </p>
            <p class="muted">No e-mail after a few minutes? Check your spam folder and the address, then send it again.</p>
            <button type="button" class="secondary" onClick={() => setSentTo(null)}>
              Use another address
            </button>
          </div>
        )}
      </Show>
    </AuthCard>
  );
}
