/**
 * Prompts as code on the whole local stack, through the `xr2` CLI only (spawned as a process, as
 * CI runs it) and a token: init → pull → edit → status and diff → push (once; a second push sends
 * nothing) → publish to staging → promote to production → the edge serves the edit → rollback →
 * the edge serves the old text. Also: a template error fails push with file, line and variable
 * and sends nothing; a remote change since pull is a conflict (exit 4); and every command's --json.
 *
 * The CLI's token is an access token (xr2_at_…, POST /api/access-tokens), which names its
 * workspace: a read-only one cannot push (403, exit 1), and a revoked one is refused (401) at once.
 * The API is called directly only to set the scene and to check what the CLI did.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
import { ROOT } from "../../local/stack.ts";
import { apiClient, until } from "../support/http-client.ts";
import { startTestStack } from "../support/test-stack.ts";
import { verifyAddressThroughInbox } from "../support/verify-address.ts";

let stack: LocalStack;
let stopStack: () => Promise<void>;
let project: string;
let bin: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "xr2-cli-"));
  // The CLI as it is published: one bundle (as `npm run build --workspace cli` makes it, here
  // with its YAML library inside), started by plain node; tsx would add seconds to every run.
  bin = join(project, ".bin/xr2.mjs");
  await build({ entryPoints: [join(ROOT, "cli/src/main.ts")], bundle: true, platform: "node", format: "esm", target: "node20", outfile: bin, logLevel: "error",
    // The YAML library's CommonJS parts require() Node built-ins.
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
  });
  ({ stack, stop: stopStack } = await startTestStack());
}, 120_000);

afterAll(async () => {
  await stopStack?.();
  if (project) rmSync(project, { recursive: true, force: true });
});

const api = apiClient(() => stack.urls.api);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

/** Runs `xr2 …args` in the project folder, as a separate process. */
function xr2(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd: project, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      console.log(`xr2 ${args.join(" ")} → ${code} in ${Date.now() - started} ms`);
      let json: unknown;
      try {
        json = args.includes("--json") ? JSON.parse(stdout) : undefined;
      } catch {
        json = { unparsable: stdout };
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

describe("xr2 CLI round trip", () => {
  it("pulls, diffs, pushes once, publishes, promotes and rolls back what the edge serves", async () => {
    // The workspace as it is before the CLI: one prompt, v1 live in production, and an app's key.
    const session = await api("POST", "/api/auth/register", { body: { email: `ci-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Casey" } });
    expect(session.status).toBe(201);
    const token = session.body.access_token as string;
    const workspace = await api("POST", "/api/workspaces", { token, body: { name: "Shop" } });
    const ws = { token, workspaceId: workspace.body.id as string };
    const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug: "checkout-upsell", name: "Checkout upsell", tags: ["checkout"] } });
    const variables = [{ name: "name", type: "string", required: true }];
    const v1 = await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content: "Hello {name}!", variables } });
    expect((await api("PUT", `/api/prompts/${prompt.body.id}/versions/${v1.body.id}/publish`, { ...ws, body: { environment: "production" } })).status).toBe(200);
    const key = await api("POST", "/api/product-api-keys", { ...ws, body: { name: "web app" } });
    const served = async () => (await fetch(`${stack.urls.edge}/api/v1/get-prompt/checkout-upsell?var.name=Ada&format=text`, { headers: { authorization: `Bearer ${key.body.key}` } })).text();
    const versionCount = async () => ((await api("GET", `/api/prompts/${prompt.body.id}/versions`, ws)).body.versions as unknown[]).length;

    const accessToken = async (as: { token: string; workspaceId: string }, scopes: string[]) => {
      const created = await api("POST", "/api/access-tokens", { ...as, body: { name: `ci ${scopes.join(" ")}`, scopes } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as { id: string; token: string };
    };
    const pipeline = await accessToken(ws, ["prompts:read", "prompts:write", "prompts:publish"]);
    const env = { XR2_API_URL: stack.urls.api, XR2_TOKEN: pipeline.token, XR2_CONFIG: join(project, ".xr2-config.json") };
    const login = await xr2(["login", "--json"], env);
    expect(login.code, login.stdout + login.stderr).toBe(0);
    expect(login.json).toMatchObject({ api_url: stack.urls.api, workspace_id: ws.workspaceId, token_kind: "access_token" });

    const init = await xr2(["init", "--json"], env);
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.json).toMatchObject({ workspace_id: ws.workspaceId, prompts_dir: "prompts" });

    const pull = await xr2(["pull", "--json"], env);
    expect(pull.code, pull.stdout + pull.stderr).toBe(0);
    expect(pull.json).toMatchObject({ workspace_id: ws.workspaceId, pulled: [{ slug: "checkout-upsell", version: 1, file: "prompts/checkout-upsell.md" }], kept_local: [], conflicts: [], removed: [] });
    const file = join(project, "prompts/checkout-upsell.md");
    const pulled = readFileSync(file, "utf8");
    expect(pulled).toBe("---\nname: Checkout upsell\ntags:\n  - checkout\ntype: text\nvariables:\n  - name: name\n    type: string\n    required: true\n---\nHello {name}!\n");
    expect(JSON.parse(readFileSync(join(project, "xr2.lock.json"), "utf8"))).toMatchObject({ workspace_id: ws.workspaceId, prompts: { "checkout-upsell": { prompt_id: prompt.body.id, version: 1 } } });

    writeFileSync(file, pulled.replace("Hello {name}!", "Hi {name}, welcome back!"));
    const status = await xr2(["status", "--json"], env);
    expect(status.json).toEqual({ workspace_id: ws.workspaceId, prompts: [{ slug: "checkout-upsell", file: "prompts/checkout-upsell.md", state: "modified", local_version: 1, remote_version: 1 }] });
    const diff = await xr2(["diff", "checkout-upsell"], env);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toBe("--- xr2:checkout-upsell (v1)\n+++ prompts/checkout-upsell.md\n@@ -8,4 +8,4 @@\n     type: string\n     required: true\n ---\n-Hello {name}!\n+Hi {name}, welcome back!\n");
    expect((await xr2(["diff", "--json"], env)).json).toEqual({ diffs: [{ slug: "checkout-upsell", file: "prompts/checkout-upsell.md", state: "modified", diff: diff.stdout }] });

    const dryRun = await xr2(["push", "--dry-run", "--json"], env);
    expect(dryRun.json).toMatchObject({ dry_run: true, planned: [{ slug: "checkout-upsell", create_version: true, update_fields: false, create_prompt: false }], versions_created: [] });
    expect(await versionCount()).toBe(1);
    const push = await xr2(["push", "--json"], env);
    expect(push.code, push.stdout + push.stderr).toBe(0);
    expect(push.json).toMatchObject({ dry_run: false, versions_created: [{ slug: "checkout-upsell", prompt_id: prompt.body.id, version: 2 }], prompts_created: [], fields_updated: [] });
    expect(await versionCount()).toBe(2);
    const again = await xr2(["push", "--json"], env);
    expect(again.json).toMatchObject({ planned: [], versions_created: [] });
    expect(await versionCount()).toBe(2);
    expect((await xr2(["status", "--json"], env)).json.prompts[0].state).toBe("unchanged");

    const publish = await xr2(["publish", "checkout-upsell", "--env", "staging", "--json"], env);
    expect(publish.code, publish.stdout + publish.stderr).toBe(0);
    expect(publish.json).toMatchObject({ slug: "checkout-upsell", version: 2, status: "deployed", environment: "staging", action: "publish" });
    const promote = await xr2(["promote", "checkout-upsell", "--from", "staging", "--to", "production", "--json"], env);
    expect(promote.json).toMatchObject({ slug: "checkout-upsell", version: 2, status: "deployed", environment: "production", action: "promote" });
    expect(await until(5_000, served, (text) => text === "Hi Ada, welcome back!")).toBe("Hi Ada, welcome back!");

    const rollback = await xr2(["rollback", "checkout-upsell", "--env", "production", "--json"], env);
    expect(rollback.json).toMatchObject({ slug: "checkout-upsell", version: 1, status: "deployed", environment: "production", action: "rollback" });
    expect(await until(5_000, served, (text) => text === "Hello Ada!")).toBe("Hello Ada!");

    // The token never follows an address a (committed) lock file names: with XR2_API_URL unset,
    // the address is the one `xr2 login` stored with the token.
    const lockFile = join(project, "xr2.lock.json");
    const honestLock = readFileSync(lockFile, "utf8");
    writeFileSync(lockFile, honestLock.replace(JSON.stringify(stack.urls.api), JSON.stringify("http://127.0.0.1:9")));
    const { XR2_API_URL: _unset, ...storedAddress } = env;
    const elsewhere = await xr2(["status"], storedAddress);
    expect(elsewhere.code, elsewhere.stdout + elsewhere.stderr).toBe(0);
    expect(elsewhere.stderr).toContain(`note: this project was pulled from http://127.0.0.1:9 (xr2.lock.json); using ${stack.urls.api}`);
    writeFileSync(lockFile, honestLock);

    // A read-only token cannot push (403, exit 1); a revoked token is refused at once (401).
    writeFileSync(file, readFileSync(file, "utf8").replace("Hi {name}, welcome back!", "Hi {name}, read-only edit"));
    const reader = await accessToken(ws, ["prompts:read"]);
    const readOnly = await xr2(["push", "--json"], { ...env, XR2_TOKEN: reader.token });
    expect(readOnly.code, readOnly.stdout + readOnly.stderr).toBe(1);
    expect(readOnly.json.error).toMatchObject({ http_status: 403, code: "FORBIDDEN" });
    expect(await versionCount()).toBe(2);
    expect((await xr2(["status", "--json"], { ...env, XR2_TOKEN: reader.token })).json.prompts[0].state).toBe("modified");
    expect((await api("DELETE", `/api/access-tokens/${reader.id}`, ws)).status).toBe(204);
    const revoked = await xr2(["status", "--json"], { ...env, XR2_TOKEN: reader.token });
    expect(revoked.code).toBe(1);
    expect(revoked.json.error).toMatchObject({ http_status: 401, code: "UNAUTHENTICATED" });
    writeFileSync(file, readFileSync(file, "utf8").replace("Hi {name}, read-only edit", "Hi {name}, welcome back!"));

    // A template error: push names file, line and variable, and sends nothing at all.
    writeFileSync(file, readFileSync(file, "utf8").replace("Hi {name}, welcome back!", "Hi {name},\nyour order {order_id} is on its way."));
    writeFileSync(join(project, "prompts/new-prompt.md"), "---\nname: New\ntype: text\n---\nFine.\n");
    const broken = await xr2(["push", "--json"], env);
    expect(broken.code).toBe(1);
    expect(broken.json.error.template_errors).toEqual([
      { file: "prompts/checkout-upsell.md", line: 12, column: 12, variable: "order_id", code: "unknown_variable", message: 'variable "order_id" is not declared in the prompt\'s variables' },
    ]);
    const brokenHuman = await xr2(["push"], env);
    expect(brokenHuman.code).toBe(1);
    expect(brokenHuman.stderr).toContain('prompts/checkout-upsell.md:12:12: variable "order_id" is not declared in the prompt\'s variables (variable "order_id")');
    expect(await versionCount()).toBe(2);
    expect((await api("GET", "/api/prompts/new-prompt", ws)).status).toBe(404);
    rmSync(join(project, "prompts/new-prompt.md"));

    // Someone changed the prompt since the pull: push refuses (4) until the file is pulled again.
    writeFileSync(file, readFileSync(file, "utf8").replace("{order_id}", "#{name}"));
    await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content: "Edited in the site", variables } });
    const conflict = await xr2(["push", "--json"], env);
    expect(conflict.code).toBe(4);
    expect(conflict.json.error).toMatchObject({ exit_code: 4, conflicts: [{ slug: "checkout-upsell", local_version: 2, remote_version: 3 }] });
    expect(await versionCount()).toBe(3);
    const kept = await xr2(["pull", "--json"], env);
    expect(kept.code).toBe(4);
    expect(kept.json).toMatchObject({ pulled: [], conflicts: ["checkout-upsell"] });
    expect(readFileSync(file, "utf8")).toContain("#{name}");
    expect((await xr2(["pull", "--force", "--json"], env)).json).toMatchObject({ pulled: [{ slug: "checkout-upsell", version: 3 }] });
    expect(readFileSync(file, "utf8")).toContain("Edited in the site");

    // A prompt written in the site with a variable it does not declare: pulled, it does not block
    // pushing the others, since a file as pulled is neither checked nor sent.
    const legacy = await api("POST", "/api/prompts", { ...ws, body: { slug: "legacy-greeting", name: "Legacy greeting" } });
    expect((await api("POST", `/api/prompts/${legacy.body.id}/versions`, { ...ws, body: { content: "Hi {who}" } })).status).toBe(201);
    expect((await xr2(["pull", "legacy-greeting", "--json"], env)).json).toMatchObject({ pulled: [{ slug: "legacy-greeting", version: 1 }] });

    // A prompt that exists without any version (a push that created it, then failed on its
    // version): the next push gives it the file's version instead of calling it a conflict.
    expect((await api("POST", "/api/prompts", { ...ws, body: { slug: "half-pushed", name: "Half pushed" } })).status).toBe(201);
    writeFileSync(join(project, "prompts/half-pushed.md"), "---\nname: Half pushed\ntype: text\n---\nFirst words.\n");
    const finished = await xr2(["push", "half-pushed", "--json"], env);
    expect(finished.code, finished.stdout + finished.stderr).toBe(0);
    expect(finished.json).toMatchObject({ prompts_created: [], versions_created: [{ slug: "half-pushed", version: 1 }] });

    // A pipeline's checkout keeps the lock file as committed, older than what its last run pushed:
    // the next edit still pushes, since the newer remote version came from an xr2 push, not from elsewhere.
    const lockPath = join(project, "xr2.lock.json");
    const committedLock = readFileSync(lockPath, "utf8");
    writeFileSync(file, readFileSync(file, "utf8").replace("Edited in the site", "First merge"));
    expect((await xr2(["push", "--json"], env)).json).toMatchObject({ versions_created: [{ version: 4 }] });
    writeFileSync(lockPath, committedLock);
    writeFileSync(file, readFileSync(file, "utf8").replace("First merge", "Second merge"));
    const secondRun = await xr2(["push", "--json"], env);
    expect(secondRun.code, secondRun.stdout).toBe(0);
    expect(secondRun.json).toMatchObject({ versions_created: [{ version: 5 }] });
    expect((await api("GET", `/api/prompts/${prompt.body.id}/versions/5`, ws)).body).toMatchObject({ content: "Second merge", changelog: "Pushed by xr2 from prompts/checkout-upsell.md" });

    // A new file becomes a new prompt with its first draft; a chat prompt's sections its messages.
    writeFileSync(join(project, "prompts/support-bot.md"), "---\nname: Support bot\ntags: [support]\ntype: chat\nvariables:\n  - name: question\n    type: string\n---\n<!-- xr2:system -->\nAnswer briefly.\n<!-- xr2:user -->\n{question}\n");
    const created = await xr2(["push", "support-bot", "--json"], env);
    expect(created.json).toMatchObject({ prompts_created: ["support-bot"], versions_created: [{ slug: "support-bot", version: 1 }] });
    expect((await api("GET", "/api/prompts/support-bot", ws)).body).toMatchObject({ name: "Support bot", tags: [{ name: "support" }] });
    expect((await api("GET", "/api/prompts/support-bot/versions/1", ws)).body).toMatchObject({ kind: "chat", messages: [{ role: "system", content: "Answer briefly." }, { role: "user", content: "{question}" }] });

    // Usage errors and API errors, with their exit codes and the API's own code.
    const usage = await xr2(["publish", "--env", "staging", "--json"], env);
    expect(usage.code).toBe(2);
    expect(usage.json.error.exit_code).toBe(2);
    const missing = await xr2(["publish", "no-such-prompt", "--env", "staging", "--json"], env);
    expect(missing.code).toBe(1);
    expect(missing.json.error).toMatchObject({ http_status: 404, code: "NOT_FOUND" });

    // Where production needs an Admin's approval, a member's promote waits: exit code 3.
    const member = `member-${crypto.randomUUID()}@example.com`;
    const memberSession = await api("POST", "/api/auth/register", { body: { email: member, password: "correct horse battery", name: "Mo" } });
    await verifyAddressThroughInbox(api, stack.urls.mail!, member);
    const invitation = await api("POST", `/api/workspaces/${ws.workspaceId}/invite`, { ...ws, body: { email: member, role: "member" } });
    expect((await api("POST", "/api/workspaces/invitations/accept", { token: memberSession.body.access_token, body: { invite_token: invitation.body.invite_token } })).status).toBe(200);
    expect((await api("PATCH", `/api/workspaces/${ws.workspaceId}`, { ...ws, body: { require_production_approval: true } })).status).toBe(200);
    const memberToken = await accessToken({ token: memberSession.body.access_token as string, workspaceId: ws.workspaceId }, ["prompts:read", "prompts:publish"]);
    const waiting = await xr2(["promote", "checkout-upsell", "--from", "staging", "--to", "production", "--json"], { ...env, XR2_TOKEN: memberToken.token });
    expect(waiting.code, waiting.stdout + waiting.stderr).toBe(3);
    expect(waiting.json).toMatchObject({ slug: "checkout-upsell", version: 2, status: "pending_approval", environment: "production", approval_request_id: expect.any(String) });
    expect(await served()).toBe("Hello Ada!");

    // Whole-workspace documents: export, import, and the SDK bundle from the edge.
    const exported = await xr2(["export", "--json"], env);
    expect(exported.json.xr2_export).toBe(1);
    expect(exported.json.prompts.map((exportedPrompt: { slug: string; versions: unknown[] }) => [exportedPrompt.slug, exportedPrompt.versions.length]).sort()).toEqual([["checkout-upsell", 5], ["half-pushed", 1], ["legacy-greeting", 1], ["support-bot", 1]]);
    const toFile = await xr2(["export", "--out", "export.yaml", "--json"], env);
    expect(toFile.json).toEqual({ file: "export.yaml", format: "yaml", prompts: null });
    const imported = await xr2(["import", "export.yaml", "--json"], env);
    expect(imported.json.warnings).toEqual([]);
    expect(imported.json.results).toContainEqual({ slug: "checkout-upsell", outcome: "skipped", prompt_id: prompt.body.id, versions: [] });
    expect(imported.json.results.map((result: { outcome: string }) => result.outcome)).toEqual(["skipped", "skipped", "skipped", "skipped"]);
    // Another product's export: Langfuse's sample becomes drafts, its {{ variables }} ours.
    const fromLangfuse = await xr2(["import", "--from", "langfuse", join(ROOT, "cli/test/fixtures/langfuse-export.json"), "--json"], env);
    expect(fromLangfuse.code, fromLangfuse.stdout + fromLangfuse.stderr).toBe(0);
    expect(fromLangfuse.json.results.map((result: { slug: string; outcome: string }) => [result.slug, result.outcome])).toEqual([["movie-critic", "created"], ["support-reply-draft", "created"]]);
    const critic = await api("GET", "/api/prompts/movie-critic/versions/2", ws);
    expect(critic.body).toMatchObject({ status: "draft", content: expect.stringContaining("As a {criticLevel} movie critic, review {movie}") });
    expect(critic.body.variables.map((variable: { name: string }) => variable.name).sort()).toEqual(["criticLevel", "movie"]);
    const bundle = await xr2(["bundle", "--env", "production", "--json"], { ...env, XR2_EDGE_URL: stack.urls.edge, XR2_API_KEY: key.body.key as string });
    expect(bundle.code, bundle.stdout + bundle.stderr).toBe(0);
    expect(JSON.stringify(bundle.json)).toContain("Hello {name}!");
  });
});
