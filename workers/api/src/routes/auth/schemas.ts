/** The public shapes of the auth routes. */
import { z } from "@hono/zod-openapi";

export const emailSchema = z.email().max(254).openapi({ example: "pm@example.com" });
export const passwordSchema = z.string().min(10, "must be at least 10 characters").max(256);

/** The token of an e-mailed link (verification, password reset), as the site read it from `?token=`. */
export const accountTokenSchema = z.string().min(1).max(200);

export const userSchema = z.object({ id: z.string(), email: z.string(), name: z.string() }).openapi("User");

export const sessionSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds until the access token expires" }),
    user: userSchema,
  })
  .openapi("Session");
