// @refresh reload
// The HTML document every page is rendered into.
import { createHandler, StartServer } from "@solidjs/start/server";
import { getRequestEvent } from "solid-js/web";

// The nonce middleware.ts drew for this document: SolidStart puts it on its own inline script.
const nonce = (): string | undefined => getRequestEvent()?.locals.nonce as string | undefined;

export default createHandler(
  () => (
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
            <script nonce={nonce()}>{`try{var t=localStorage.getItem("xr2.theme");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`}</script>
            {assets}
          </head>
          <body>
            <div id="app">{children}</div>
            {scripts}
          </body>
        </html>
      )}
    />
  ),
  () => ({ nonce: nonce() }),
);
