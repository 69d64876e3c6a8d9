import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { type AppContext, init, newApp, renderError } from "./app";
import { ApiError } from "./errors";
import { ROUTES } from "./routes";
import { registerSecuritySchemes } from "./routes/shared";
import { registerDocs } from "./routes/system/docs";

const JSON_LIMIT = 1024 * 1024;
/** Stock uploads carry up to 100,000 lines of CSV. */
const UPLOAD_LIMIT = 32 * 1024 * 1024;

const DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "Tessera API",
    version: "1.0.0",
    description: "Sell, deliver and redeem virtual goods: shop, admin, partner and webhook APIs.",
  },
};

const tooLarge = () => {
  throw new ApiError("payload_too_large");
};

/** The HTTP surface: every route, the OpenAPI document generated from them, and the error mapping. */
export function buildApi() {
  const app = newApp();
  app.use("*", init());
  app.use(
    "*",
    secureHeaders({
      crossOriginResourcePolicy: "same-origin",
      referrerPolicy: "no-referrer",
      xFrameOptions: "DENY",
      // API answers are data, never pages: nothing in one may run, load or be framed. A route
      // that serves a page (/docs) sets its own policy, which this one does not overwrite.
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
      permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
      overwrite: false,
    }),
  );
  // Answers carry codes, tokens and personal data: no browser or proxy may keep them, unless a
  // route says otherwise.
  app.use("/v1/*", async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });
  app.use("/v1/admin/skus/:skuId/stock", bodyLimit({ maxSize: UPLOAD_LIMIT, onError: tooLarge }));
  app.use("/v1/*", async (c, next) => {
    if (c.req.path.endsWith("/stock")) return next();
    return bodyLimit({ maxSize: JSON_LIMIT, onError: tooLarge })(c, next);
  });
  registerSecuritySchemes(app);
  for (const register of ROUTES) register(app);
  app.doc31("/openapi.json", DOCUMENT);
  registerDocs(
    app,
    () => app.getOpenAPI31Document(DOCUMENT) as Parameters<typeof registerDocs>[1] extends () => infer D ? D : never,
  );
  app.notFound((c: AppContext) => renderError(new ApiError("not_found", "No such route"), c));
  app.onError((error, c) => renderError(error, c));
  return app;
}
