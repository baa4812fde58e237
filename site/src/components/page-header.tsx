// A page's title (the one h1), a line saying what the page is for, and its main actions.
import { Show, type JSX } from "solid-js";

export function PageHeader(props: { title: string; description?: JSX.Element; actions?: JSX.Element; back?: { href: string; label: string } }) {
  return (
    <header class="page-header">
      <div>
        <Show when={props.back}>
          {(back) => (
            <a class="back-link" href={back().href}>
              ← {back().label}
            </a>
          )}
        </Show>
        <h1>{props.title}</h1>
        <Show when={props.description}>
          <p class="muted">{props.description}</p>
        </Show>
      </div>
      <Show when={props.actions}>
        <div class="page-actions">{props.actions}</div>
      </Show>
    </header>
  );
}
