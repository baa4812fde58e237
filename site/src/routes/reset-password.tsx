// Where the reset e-mail's link lands (/reset-password?token=…): a new password, typed twice.
// The API says why it refuses one (too easy to guess, or a used or expired link); on success
// every earlier session of the account has ended, and the user signs in with the new password.
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { describeRefusal, resetPassword } from "~/api/accounts";
import { ApiRequestError } from "~/api/client";
import { AuthCard } from "~/components/auth-card";
import { FormError, TextField } from "~/components/field";
import { sessionState, signOut } from "~/session/session";

export default function ResetPasswordPage() {
  const [params] = useSearchParams<{ token?: string }>();
  const navigate = useNavigate();
  const [error, setError] = createSignal<string | null>(null);
  const [mismatch, setMismatch] = createSignal<string | null>(null);
  /** The link itself is spent or wrong: a new one is needed, not another password. */
  const [linkFailed, setLinkFailed] = createSignal(false);
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(form.get("password"));
    setError(null);
    if (password !== String(form.get("confirm"))) {
      setMismatch("The two passwords differ. Type the same one twice.");
      ((event.currentTarget as HTMLFormElement).elements.namedItem("confirm") as HTMLInputElement).focus();
      return;
    }
    setMismatch(null);
    setBusy(true);
    try {
      await resetPassword(params.token ?? "", password);
      // This browser's session (if any) was ended by the reset too: forget it here as well.
      if (sessionState() === "signed-in") await signOut().catch(() => undefined);
      navigate("/sign-in?reset=done", { replace: true });
    } catch (caught) {
      setLinkFailed(caught instanceof ApiRequestError && caught.code === "BAD_REQUEST");
      setError(describeRefusal(caught));
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title="Choose a new password"
      footer={
        <p class="muted">
          Link expired? <A href="/forgot-password">Ask for a new one</A>
        </p>
      }
    >
      <Show
        when={params.token}
        fallback={
          <p class="notice" data-kind="bad" role="alert">
            This address has no reset token. Open the link from the e-mail exactly as it was sent, or ask for a new one.
          </p>
        }
      >
        <form class="stack" onSubmit={submit}>
          <TextField
            label="New password"
            name="password"
            type="password"
            autocomplete="new-password"
            required
            minLength={10}
            hint="At least 10 characters and hard to guess: a few unrelated words work well."
          />
          <TextField label="Confirm new password" name="confirm" type="password" autocomplete="new-password" required minLength={10} error={mismatch()} />
          <FormError message={error()} />
          <Show when={linkFailed()}>
            <A class="button secondary" href="/forgot-password">
              Send a new link
            </A>
          </Show>
          <button type="submit" disabled={busy()}>
            {busy() ? "Saving…" : "Set new password"}
          </button>
        </form>
      </Show>
    </AuthCard>
  );
}
