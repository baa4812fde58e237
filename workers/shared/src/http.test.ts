import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./errors.ts";
import { installErrorHandling, requestContext, type RequestVariables } from "./http.ts";

function appThrowing(error: unknown) {
  const app = new Hono<{ Variables: RequestVariables }>();
  app.use("*", requestContext("test"));
  installErrorHandling(app);
  app.get("/", () => {
    throw error;
  });
  return app;
}

/** Shaped like drizzle's DrizzleQueryError around a pg error. */
function failedQuery(code: string, message: string) {
  const cause = Object.assign(new Error(message), { code });
  return Object.assign(new Error(`Failed query: insert into users (email, password_hash) values ($1, $2)\nparams: a@b.c,pbkdf2-secret`, { cause }), {
    query: "insert into users (email, password_hash) values ($1, $2)",
    params: ["a@b.c", "pbkdf2-secret"],
  });
}

afterEach(() => vi.restoreAllMocks());

describe("error handling", () => {
  it("answers an ApiError with its status, code, headers and the request id", async () => {
    const response = await appThrowing(new ApiError("RATE_LIMITED", "Slow down", { headers: { "retry-after": "3" } })).request("/");
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    const body = (await response.json()) as { error: { code: string; message: string; request_id: string } };
    expect(body.error).toMatchObject({ code: "RATE_LIMITED", message: "Slow down" });
    expect(response.headers.get("x-request-id")).toBe(body.error.request_id);
  });

  it.each([
    ["23505", "duplicate key value violates unique constraint"],
    ["23514", "prompt_versions_immutable"],
  ])("answers a constraint violation (SQLSTATE %s) with 409 CONFLICT", async (code, message) => {
    const response = await appThrowing(failedQuery(code, message)).request("/");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "CONFLICT" } });
  });

  it("answers a data exception (SQLSTATE class 22) with 400", async () => {
    const response = await appThrowing(failedQuery("22007", "invalid input syntax for type timestamp with time zone")).request("/");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });

  it("answers anything else with a bare 500 and logs it without the query's parameters", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void logged.push(line));
    const response = await appThrowing(failedQuery("57P01", "terminating connection")).request("/");
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: "INTERNAL", message: "Internal error" } });
    expect(logged.join("\n")).toContain("terminating connection");
    expect(logged.join("\n")).not.toContain("pbkdf2-secret");
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await appThrowing(new Error("unused")).request("/nowhere");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});

describe("request log", () => {
  it("never writes a secret path parameter (a token) into the log, and keeps the rest of the path", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(String(line)));
    const app = new Hono<{ Variables: RequestVariables }>();
    app.use("*", requestContext("test"));
    app.get("/api/invitations/:token", (c) => c.json({ ok: true }));
    app.get("/api/prompts/:slug", (c) => c.json({ ok: true }));
    expect((await app.request("/api/invitations/inv-secret-0123456789")).status).toBe(200);
    expect((await app.request("/api/prompts/welcome-message")).status).toBe(200);
    const logged = lines.map((line) => JSON.parse(line) as { path: string; route: string });
    expect(lines.join("\n")).not.toContain("inv-secret-0123456789");
    expect(logged[0]).toMatchObject({ route: "/api/invitations/:token", path: "/api/invitations/[redacted]" });
    expect(logged[1]).toMatchObject({ route: "/api/prompts/:slug", path: "/api/prompts/welcome-message" });
  });
});
