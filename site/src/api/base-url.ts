// Where the management API worker lives. Vite inlines `VITE_API_URL` at build time; without it
// the site talks to the API as `npm run dev` starts it locally.
const DEFAULT_API_URL = "http://127.0.0.1:8788";

export const apiBaseUrl: string = (import.meta.env.VITE_API_URL || DEFAULT_API_URL).replace(/\/+$/, "");
