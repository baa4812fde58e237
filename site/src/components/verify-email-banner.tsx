// Shown at the top of every signed-in page while the user's address is unverified: says where
// the link went and resends it. The API limits resending (429 says when to try again) and
// answers 409 when the address was verified meanwhile (in another tab): the banner then goes.
import { createSignal, Show } from "solid-js";
import { describeRefusal, resendVerification } from "~/api/accounts";
import { ApiRequestError } from "~/api/client";
import { currentUser, markEmailVerified } from "~/session/session";
import { notify } from "./toasts";

export function VerifyEmailBanner() {
  const [busy, setBusy] = createSignal(false);
  const [outcome, setOutcome] = createSignal<{ kind: "sent" | "refused"; text: string } | null>(null);
  const email = () => currentUser()?.email ?? "";

  const resend = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      await resendVerification();
      setOutcome({ kind: "sent", text: `We sent a new link to ${email()}.` });
    } catch (caught) {
      if (caught instanceof ApiRequestError && caught.status === 409) {
        markEmailVerified(email());
        notify("Your e-mail address is verified");
      } else {
        setOutcome({ kind: "refused", text: describeRefusal(caught) });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Show when={currentUser()?.email_verified === false}>
      <section class="notice verify-banner" data-kind="warn" aria-labelledby="verify-banner-title">
        <div class="verify-banner-text">
          <p id="verify-banner-title">
            <strong>Verify your e-mail address</strong> — we sent a link to <strong>{email()}</strong>. Open it to confirm the address is yours.
          </p>
          <p class="small verify-banner-outcome" role="status">
            {outcome()?.text ?? "No e-mail? Check your spam folder, or send it again."}
          </p>
        </div>
        <button type="button" class="secondary small" onClick={() => void resend()} disabled={busy()}>
          {busy() ? "Sending…" : "Resend e-mail"}
        </button>
      </section>
    </Show>
  );
}
