/// <reference types="@solidjs/start/env" />

interface ImportMetaEnv {
  /** Base URL of the management API worker, e.g. `http://127.0.0.1:8788`. */
  readonly VITE_API_URL?: string;
}
