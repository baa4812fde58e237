/**
 * GET /api/docs: an interactive reference for /api/openapi.json. Self-contained (no CDN), so it
 * works offline and under a strict CSP: it lists every operation by tag with its parameters,
 * body schema and responses, and sends real requests with your token and workspace.
 *
 * The page holds an access token a visitor types in, so its CSP allows only its own inline
 * script and style (by SHA-256, computed from the page below once per isolate) and requests to
 * this origin; nothing may frame it.
 *
 * GET /api/docs/postman.json: the same operations as a Postman collection, converted from the
 * document at build time (scripts/postman-collection.ts) and bundled; served with `{{baseUrl}}`
 * set to the origin it is fetched from.
 */
import { Hono } from "hono";
import { sha256Base64 } from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import postmanCollection from "../openapi/postman-collection.json";

const PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>xR2 API reference</title>
<style>
  :root { --bg: #fff; --fg: #1c1f24; --muted: #5d6470; --line: #e3e6ea; --accent: #4f46e5; --code: #f5f6f8; }
  @media (prefers-color-scheme: dark) { :root { --bg: #111318; --fg: #e8eaee; --muted: #9aa1ad; --line: #2a2e36; --accent: #8b85ff; --code: #1a1d24; } }
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
  header { position: sticky; top: 0; background: var(--bg); border-bottom: 1px solid var(--line); padding: 12px 20px; display: flex; gap: 12px; flex-wrap: wrap; align-items: center; }
  header h1 { font-size: 18px; margin: 0 12px 0 0; }
  label { font-size: 13px; color: var(--muted); display: flex; gap: 6px; align-items: center; }
  input, textarea { font: 13px ui-monospace, monospace; background: var(--code); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; }
  main { max-width: 1000px; margin: 0 auto; padding: 8px 20px 40px; }
  h2 { margin: 28px 0 8px; font-size: 16px; text-transform: capitalize; }
  details { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; }
  summary { cursor: pointer; padding: 10px 12px; display: flex; gap: 10px; align-items: baseline; }
  .method { font: 600 12px ui-monospace, monospace; text-transform: uppercase; min-width: 56px; color: var(--accent); }
  .path { font-family: ui-monospace, monospace; }
  .summary { color: var(--muted); }
  .body { padding: 0 12px 12px; }
  pre { background: var(--code); padding: 10px; border-radius: 6px; overflow: auto; font-size: 12px; max-height: 320px; }
  button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: 6px 14px; cursor: pointer; font-weight: 600; }
  textarea { width: 100%; box-sizing: border-box; min-height: 90px; }
  header a { font-size: 13px; color: var(--accent); margin-left: auto; }
</style>
</head>
<body>
<header>
  <h1>xR2 API</h1>
  <label>Access token <input id="token" size="28" autocomplete="off" placeholder="from POST /api/auth/login"></label>
  <label>Workspace <input id="workspace" size="30" placeholder="ws_…"></label>
  <a href="/api/docs/postman.json" download="xr2-api.postman_collection.json">Postman collection</a>
</header>
<main id="main" aria-live="polite">Loading /api/openapi.json…</main>
<script>
const main = document.getElementById("main");
const el = (tag, attrs = {}, ...children) => { const node = document.createElement(tag); Object.assign(node, attrs); node.append(...children); return node; };
const resolve = (spec, schema) => schema && schema.$ref ? spec.components.schemas[schema.$ref.split("/").pop()] : schema;
function example(spec, schema, depth = 0) {
  schema = resolve(spec, schema) || {};
  if (depth > 4) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.type === "object" || schema.properties) return Object.fromEntries(Object.entries(schema.properties || {}).filter(([name]) => (schema.required || []).includes(name)).map(([name, value]) => [name, example(spec, value, depth + 1)]));
  if (schema.type === "array") return [];
  return { string: "", integer: 0, number: 0, boolean: false }[schema.type] ?? null;
}
function operation(spec, path, method, op) {
  const params = (op.parameters || []).filter((p) => p.in === "path" || p.in === "query");
  const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
  const inputs = Object.fromEntries(params.map((p) => [p.name, el("input", { placeholder: p.name + (p.in === "query" ? " (query)" : "") })]));
  const body = bodySchema ? el("textarea", { value: JSON.stringify(example(spec, bodySchema), null, 2), ariaLabel: "request body" }) : null;
  const output = el("pre", { textContent: "" });
  const send = el("button", { type: "button", textContent: "Send" });
  send.onclick = async () => {
    let url = path.replace(/\\{(\\w+)\\}/g, (_, name) => encodeURIComponent(inputs[name]?.value || ""));
    const query = new URLSearchParams(params.filter((p) => p.in === "query" && inputs[p.name].value).map((p) => [p.name, inputs[p.name].value]));
    if ([...query].length) url += "?" + query;
    const headers = { "content-type": "application/json" };
    const token = document.getElementById("token").value.trim(), workspace = document.getElementById("workspace").value.trim();
    if (token) headers.authorization = "Bearer " + token;
    if (workspace) headers["x-workspace-id"] = workspace;
    output.textContent = "…";
    try {
      const response = await fetch(url, { method: method.toUpperCase(), headers, body: body ? body.value : undefined });
      const text = await response.text();
      let shown = text; try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
      output.textContent = response.status + " " + response.statusText + "\\n" + shown;
    } catch (error) { output.textContent = String(error); }
  };
  const responses = Object.entries(op.responses || {}).map(([status, r]) => status + "  " + r.description).join("\\n");
  return el("details", {},
    el("summary", {}, el("span", { className: "method", textContent: method }), el("span", { className: "path", textContent: path }), el("span", { className: "summary", textContent: op.summary || "" })),
    el("div", { className: "body" },
      ...(params.length ? [el("p", {}, ...Object.values(inputs))] : []),
      ...(bodySchema ? [el("p", { textContent: "Body schema" }), el("pre", { textContent: JSON.stringify(resolve(spec, bodySchema), null, 2) }), body] : []),
      el("p", { textContent: "Responses" }), el("pre", { textContent: responses }),
      el("p", {}, send), output));
}
fetch("/api/openapi.json").then((r) => r.json()).then((spec) => {
  main.textContent = "";
  const byTag = {};
  for (const [path, ops] of Object.entries(spec.paths)) for (const [method, op] of Object.entries(ops)) (byTag[(op.tags || ["other"])[0]] ||= []).push([path, method, op]);
  for (const [tag, ops] of Object.entries(byTag)) main.append(el("h2", { textContent: tag }), ...ops.map(([path, method, op]) => operation(spec, path, method, op)));
}, (error) => { main.textContent = "Could not load /api/openapi.json: " + error; });
</script>
</body>
</html>`;

/** The CSP source of an inline element's text: 'sha256-<base64>'. */
function inlineHash(tag: "script" | "style"): string {
  const text = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(PAGE)![1]!;
  return `'sha256-${sha256Base64(text)}'`;
}

/** The page's Content-Security-Policy: nothing but its own inline script and style, and fetches to this origin. */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${inlineHash("script")}`,
  `style-src ${inlineHash("style")}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const docsRoute = new Hono<ApiHono>()
  .get("/api/docs", (c) => {
    c.header("content-security-policy", DOCS_CONTENT_SECURITY_POLICY);
    c.header("referrer-policy", "no-referrer");
    return c.html(PAGE);
  })
  .get("/api/docs/postman.json", (c) => {
    const origin = new URL(c.req.url).origin;
    c.header("content-disposition", 'attachment; filename="xr2-api.postman_collection.json"');
    return c.json({ ...postmanCollection, variable: postmanCollection.variable.map((variable) => (variable.key === "baseUrl" ? { ...variable, value: origin } : variable)) });
  });
