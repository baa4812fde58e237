// Where the verification e-mail's link lands (/verify-email?token=…): the token is sent to the
// API once, on arrival, and the page says whether the address is now verified or why not, then
// links onward: into the app when this browser is signed in, to sign-in otherwise.
import { A, useSearchParams } from "@solidjs/router";
import { createEffect, createSignal, Match, onMount, Switch } from "solid-js";
import { verifyEmail } from "~/api/accounts";
import { describeError } from "~/api/client";
import { AuthCard } from "~/components/auth-card";
import { currentUser, markEmailVerified, sessionState } from "~/session/session";

type Outcome = { state: "checking" } | { state: "verified"; email: string } | { state: "failed"; message: string };

export default function VerifyEmailPage() {
  const [params] = useSearchParams<{ token?: string }>();
  const [outcome, setOutcome] = createSignal<Outcome>({ state: "checking" });

  onMount(async () => {
    const token = params.token;
    if (!token) return setOutcome({ state: "failed", message: "This address has no verification token. Open the link from the e-mail exactly as it was sent." });
    try {
      const verified = await verifyEmail(token);
      setOutcome({ state: "verified", email: verified.email });
    } catch (caught) {
      setOutcome({ state: "failed", message: describeError(caught) });
    }
  });

  // The session may be restored before or after the answer: either way the banner goes.
  createEffect(() => {
    const result = outcome();
    if (result.state === "verified" && sessionState() === "signed-in") markEmailVerified(result.email);
  });

  const verified = () => {
    const result = outcome();
    return result.state === "verified" ? result : null;
  };
  /** Told once the session is known: a used link is no failure to a user verified already. */
  const failed = () => {
    const result = outcome();
    return result.state === "failed" && sessionState() !== "unknown" ? result : null;
  };
  /** A second visit to a used link, signed in as an already verified user, is no failure. */
  const alreadyVerified = () => failed() !== null && currentUser()?.email_verified === true;
  const title = () => (verified() || alreadyVerified() ? "E-mail address verified" : failed() ? "This link did not verify your address" : "Verifying your e-mail address");

  const onward = () =>
    sessionState() === "unknown" ? null : sessionState() === "signed-in" ? (
      <A class="button" href="/prompts">
        Continue to xR2
      </A>
    ) : (
      <A class="button" href="/sign-in">
        Sign in
      </A>
    );

  return (
    <AuthCard title={title()}>
      <div class="stack auth-result" aria-live="polite">
        <Switch
          fallback={
            <p class="row muted">
              <span class="spinner" aria-hidden="true" /> Checking the link…
            </p>
          }
        >
          <Match when={verified()}>
            {(result) => (
              <>
                <p class="notice">
                  <strong>{result().email}</strong> is verified. Thank you.
                </p>
                {onward()}
              </>
            )}
          </Match>
          <Match when={alreadyVerified()}>
            <p class="notice">
              <strong>{currentUser()?.email}</strong> is verified already; this link is no longer needed.
            </p>
            {onward()}
          </Match>
          <Match when={failed()}>
            {(result) => (
              <>
                <p class="notice" data-kind="bad" role="alert">
                  {result().message}
                </p>
                <p class="muted">
                  {sessionState() === "signed-in" ? "“Resend e-mail” at the top of the app sends a new link." : "Once signed in, “Resend e-mail” at the top of the app sends a new link."}
                </p>
                {onward()}
              </>
            )}
          </Match>
        </Switch>
      </div>
    </AuthCard>
  );
}
