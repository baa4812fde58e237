/** /api/admin/* is for platform operators (users.is_platform_admin), not workspace Admins. */
import { createMiddleware } from "hono/factory";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../app.ts";

export const requirePlatformAdmin = createMiddleware<ApiHono>(async (c, next) => {
  if (!c.get("user")?.isPlatformAdmin) throw new ApiError("FORBIDDEN", "This needs a platform administrator");
  await next();
});
