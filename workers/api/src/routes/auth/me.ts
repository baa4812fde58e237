import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { userSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/auth/me",
  tags: ["auth"],
  summary: "The signed-in user",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  responses: { 200: jsonResponse("The signed-in user", userSchema.extend({ is_platform_admin: z.boolean(), email_verified: z.boolean() })), ...errorResponses("UNAUTHENTICATED") },
});

export const meRoute = new OpenAPIHono<ApiHono>().openapi(route, (c) => {
  const user = c.get("user")!;
  return c.json({ id: user.id, email: user.email, name: user.name, is_platform_admin: user.isPlatformAdmin, email_verified: user.emailVerified }, 200);
});
