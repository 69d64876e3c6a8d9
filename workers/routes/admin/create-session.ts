import { createRoute, z } from "@hono/zod-openapi";
import { setCookie } from "hono/cookie";
import { errorResponses } from "../../errors";
import { SESSION_COOKIE, signIn } from "../../services/staff-sessions";
import { type App, body, json } from "../shared";

const SignedInSchema = z
  .object({
    csrfToken: z.string().openapi({ description: "Send as `X-CSRF-Token` on every write made with the cookie" }),
    expiresAt: z.string(),
    staff: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), merchantId: z.string() }),
  })
  .openapi("StaffSession");

const route = createRoute({
  method: "post",
  path: "/v1/admin/sessions",
  tags: ["Admin"],
  summary: "Sign in with email and password",
  description:
    "Sets an `HttpOnly`, `Secure`, `SameSite=Strict` session cookie for 12 hours. Every attempt counts against the email: the sixth within 15 minutes is refused (423 with Retry-After) and locks the email for 15 minutes, for unknown emails too; a sign-in clears the count. With two-factor sign-in on, the right password without `totp` answers 401 `totp_required`.",
  request: {
    body: body(
      z.object({
        email: z.string().trim().max(320),
        password: z.string().min(1).max(200),
        totp: z
          .string()
          .trim()
          .max(16)
          .optional()
          .openapi({ description: "The 6-digit code of the authenticator app, when two-factor sign-in is on" }),
      }),
    ),
  },
  responses: {
    201: json(SignedInSchema, "Signed in"),
    ...errorResponses("invalid_credentials", "totp_required", "account_locked"),
  },
});

export function registerCreateSession(app: App) {
  app.openapi(route, async (c) => {
    const session = await signIn(c.get("services"), c.req.valid("json"));
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
      path: "/",
      expires: new Date(session.expiresAt),
    });
    return c.json(
      { csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString(), staff: session.staff },
      201,
    );
  });
}
