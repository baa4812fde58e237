/**
 * /api/auth: e-mail and password accounts (verified addresses, password reset by e-mail), Google
 * sign-in, sessions with rotating refresh tokens.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { forgotPasswordRoute } from "./forgot-password.ts";
import { googleCallbackRoute } from "./google-callback.ts";
import { googleExchangeRoute } from "./google-exchange.ts";
import { googleStartRoute } from "./google-start.ts";
import { listProvidersRoute } from "./list-providers.ts";
import { loginRoute } from "./login.ts";
import { logoutRoute } from "./logout.ts";
import { meRoute } from "./me.ts";
import { refreshRoute } from "./refresh.ts";
import { registerRoute } from "./register.ts";
import { resendVerificationRoute } from "./resend-verification.ts";
import { resetPasswordRoute } from "./reset-password.ts";
import { verifyEmailRoute } from "./verify-email.ts";

export const authRoutes = new OpenAPIHono<ApiHono>()
  .route("/", registerRoute)
  .route("/", loginRoute)
  .route("/", refreshRoute)
  .route("/", logoutRoute)
  .route("/", meRoute)
  .route("/", verifyEmailRoute)
  .route("/", resendVerificationRoute)
  .route("/", forgotPasswordRoute)
  .route("/", resetPasswordRoute)
  .route("/", googleStartRoute)
  .route("/", googleCallbackRoute)
  .route("/", googleExchangeRoute)
  .route("/", listProvidersRoute);
