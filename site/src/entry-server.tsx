// @refresh reload
// The HTML document every page is rendered into.
import { createHandler, StartServer } from "@solidjs/start/server";

export default createHandler(() => (
  <StartServer
    document={({ assets, children, scripts }) => (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <title>xR2</title>
          {/* The saved theme before the first paint, so a dark-theme user never sees a white flash. */}
          <script>{`try{var t=localStorage.getItem("xr2.theme");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`}</script>
          {assets}
        </head>
        <body>
          <div id="app">{children}</div>
          {scripts}
        </body>
      </html>
    )}
  />
));
