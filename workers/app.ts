import { OpenAPIHono } from "@hono/zod-openapi";
import { newId } from "@tessera/domain";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AdminCaller, Caller, ChannelCaller, PartnerCaller, ServiceContext } from "./context";
import { createServiceContext } from "./context";
import { type Env, loadConfig } from "./env";
import { ApiError, type FieldError, problemBody } from "./errors";
import { createLogger } from "./lib/log";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: ServiceContext;
    caller: Caller;
    admin: AdminCaller;
    partner: PartnerCaller;
    channel: ChannelCaller;
  };
}

export type AppContext = Context<AppEnv>;

/** Zod failures become one documented 400 with a field-by-field list, never a 500. */
function validationHook(result: {
  success: boolean;
  error?: { issues: readonly { path: PropertyKey[]; message: string }[] };
}) {
  if (result.success || !result.error) return;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
  throw new ApiError("validation_failed", "Some fields are missing or invalid", { errors });
}

export function newApp(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** Renders any thrown value as problem+json; a 500 says nothing about what went wrong inside. */
export function renderError(error: unknown, c: AppContext): Response {
  const requestId = c.get("requestId") ?? newId("request");
  let apiError: ApiError;
  if (error instanceof ApiError) apiError = error;
  else if (error instanceof HTTPException && error.status === 413) apiError = new ApiError("payload_too_large");
  else if (error instanceof HTTPException && error.status === 415) apiError = new ApiError("unsupported_media_type");
  else if (error instanceof HTTPException && error.status < 500) {
    apiError = new ApiError("invalid_request", "The request body could not be parsed");
  } else {
    apiError = new ApiError("internal_error");
    const log = c.get("services")?.log ?? createLogger({ requestId });
    log.error("unhandled error", { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
  const headers: Record<string, string> = {
    "content-type": "application/problem+json",
    "x-request-id": requestId,
    ...apiError.extra.headers,
  };
  return new Response(JSON.stringify(problemBody(apiError, requestId)), { status: apiError.status, headers });
}

/** The first middleware: a request id, the service context, and a log line per request. */
export function init() {
  return async (c: AppContext, next: () => Promise<void>) => {
    const requestId = newId("request");
    c.set("requestId", requestId);
    const config = loadConfig(c.env);
    const services = createServiceContext(c.env, config, (p) => c.executionCtx.waitUntil(p), { requestId });
    c.set("services", services);
    const started = Date.now();
    await next();
    c.header("x-request-id", requestId);
    services.log.info("request", {
      method: c.req.method,
      path: c.req.routePath,
      status: c.res.status,
      ms: Date.now() - started,
    });
  };
}
