// Root of the site: the shared layout (skip link, header with navigation, main landmark)
// around the file-based routes in src/routes.
import { A, Router, type RouteSectionProps } from "@solidjs/router";
import { FileRoutes } from "@solidjs/start/router";
import { Suspense } from "solid-js";
import "./app.css";

function Layout(props: RouteSectionProps) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        {/* A plain link: the router still navigates client-side, and the brand is not a nav item
            that should be marked as the current page. */}
        <a href="/" class="brand" aria-label="xR2 home">
          xR2
        </a>
        <nav aria-label="Main">
          <ul>
            <li>
              <A href="/" end>
                Status
              </A>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabindex="-1">
        <Suspense>{props.children}</Suspense>
      </main>
    </>
  );
}

export default function App() {
  return (
    <Router root={Layout}>
      <FileRoutes />
    </Router>
  );
}
