// A signing secret the API shows once (at creation or rotation): the warning, the value and a copy button.
import { type JSX } from "solid-js";
import { CopyButton } from "~/components/copy-button";

export function SecretOnce(props: { secret: string; children?: JSX.Element }) {
  return (
    <div class="stack">
      <p class="notice" data-kind="warn" role="status">
        This is the only time the signing secret is shown. Copy it now into your receiver's configuration: receivers verify each delivery's webhook-signature header with it (any
        Standard Webhooks library does).
      </p>
      <div class="secret-box">
        <code class="secret-value" data-testid="webhook-secret">
          {props.secret}
        </code>
        <CopyButton value={props.secret} label="Copy secret" />
      </div>
      {props.children}
    </div>
  );
}
