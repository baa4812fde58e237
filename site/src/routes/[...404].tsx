// Catch-all route: any path without a page answers 404 with a way back.
import { useLocation } from "@solidjs/router";
import { HttpStatusCode } from "@solidjs/start";

export default function NotFoundPage() {
  const location = useLocation();
  return (
    <section class="panel" aria-labelledby="not-found-heading">
      <HttpStatusCode code={404} />
      <h1 id="not-found-heading">Page not found</h1>
      <p>
        There is no page at <code>{location.pathname}</code>.
      </p>
      <p>
        <a href="/">Go to your prompts</a>
      </p>
    </section>
  );
}
