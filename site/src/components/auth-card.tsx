// The frame of the public sign-in, sign-up and invitation pages.
import type { JSX } from "solid-js";

export function AuthCard(props: { title: string; children: JSX.Element; footer?: JSX.Element }) {
  return (
    <section class="auth-card panel" aria-labelledby="auth-title">
      <p class="brand auth-brand">xR2</p>
      <h1 id="auth-title">{props.title}</h1>
      {props.children}
      {props.footer}
    </section>
  );
}
