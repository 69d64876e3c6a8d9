import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireOperator } from "../../middleware";
import { createMerchant } from "../../services/merchants";
import { type App, body, json, SECURITY } from "../shared";

const NewMerchantSchema = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "lower-case letters, digits and dashes")
      .openapi({ example: "acme" }),
    name: z.string().trim().min(1).max(200),
    locale: z.enum(["zh-CN", "en"]).optional(),
    ownerEmail: z.email().max(320),
    ownerPassword: z.string().min(12).max(200),
  })
  .openapi("NewMerchant");

const route = createRoute({
  method: "post",
  path: "/v1/operator/merchants",
  tags: ["Operator"],
  summary: "Onboard a merchant with its owner login and first admin API key",
  security: SECURITY.operator,
  middleware: [requireOperator()] as const,
  request: { body: body(NewMerchantSchema) },
  responses: {
    201: json(
      z.object({ id: z.string(), slug: z.string(), name: z.string(), adminApiKey: z.string() }),
      "The merchant; the admin key is shown this once",
    ),
    ...errorResponses("unauthorized", "conflict"),
  },
});

export function registerCreateMerchant(app: App) {
  app.openapi(route, async (c) => c.json(await createMerchant(c.get("services"), c.req.valid("json")), 201));
}
