// "/" has no page of its own: signed-in users land on their prompts.
import { Navigate } from "@solidjs/router";

export default function Home() {
  return <Navigate href="/prompts" />;
}
