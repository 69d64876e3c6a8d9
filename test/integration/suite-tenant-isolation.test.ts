import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Audience,
  audienceOf,
  type Document,
  documentedCodes,
  isListRoute,
  jsonBodyOf,
  paramsOf,
  type Route,
  resolve,
  routesOf,
  type Schema,
  sampleOf,
  typesOf,
} from "../support/openapi";
import { testSetting } from "../support/property";
import {
  type ApiResponse,
  BASE,
  buildTenant,
  ledgerViewOf,
  stockKeeperOf,
  storedState,
  type Tenant,
} from "./factories";

/**
 * The tenant isolation matrix, generated from /openapi.json: for every route that names an
 * object (a `{…}` path id, or an id or code in its body) and every list route, the callers of
 * another tenant — another merchant's admin key and staff session, another merchant's partner,
 * another partner of the same merchant for what a partner owns, another merchant's reseller and
 * another reseller of the same merchant for what a reseller owns, a buyer holding another
 * order's token, another shop — must get the same 404 as for an id that does not exist (lists:
 * nothing of the owner's), and nothing stored may change. A route the matrix cannot place fails
 * the suite by name, so routes added later are covered or flagged, never skipped silently.
 */

const doc = (await (await exports.default.fetch(`${BASE}/openapi.json`)).json()) as Document;
const ROUTES = routesOf(doc);

/** Routes outside the tenant model, each with the reason. */
function exemption(route: Route, audience: Audience): string | null {
  if (audience === "operator") return "the platform operator's own surface spans merchants by design";
  if (route.path.startsWith("/v1/webhooks/"))
    return "called by a provider or supplier and authenticated by its signature";
  if (route.path.startsWith("/v1/sandbox/")) {
    return "development-only payment sandbox (disabled in production); the unguessable payment id is the credential";
  }
  return null;
}

/** The names paths give objects (`orderId`, `skuId`…): a body field of the same name names one too. */
const OBJECT_NAMES = new Set(
  Object.keys(doc.paths).flatMap((path) => [...path.matchAll(/\{(\w+Id)\}/g)].map((m) => m[1] as string)),
);

/** A voucher code as partners and staff type it (not a short one-time password). */
const isVoucherCode = (name: string, schema: Schema) =>
  name === "code" && (resolve(doc, schema).maxLength ?? Number.POSITIVE_INFINITY) >= 64;

/** Body fields that name an object (`skuId`, `orderId`, a voucher `code`), with where they sit. */
function bodyIdFields(schema: Schema | null): { path: (string | number)[]; name: string }[] {
  const out: { path: (string | number)[]; name: string }[] = [];
  const visit = (node: Schema, path: (string | number)[]) => {
    const s = resolve(doc, node);
    const types = typesOf(doc, s);
    if (types.has("array") && s.items) visit(s.items, [...path, 0]);
    for (const [name, child] of Object.entries(s.properties ?? {})) {
      const childTypes = typesOf(doc, child);
      if (childTypes.has("string") && (OBJECT_NAMES.has(name) || isVoucherCode(name, child))) {
        out.push({ path: [...path, name], name });
      } else visit(child, [...path, name]);
    }
  };
  if (schema) visit(schema, []);
  return out;
}

type Placement =
  | { kind: "object"; route: Route; audience: Audience; params: string[]; bodyIds: string[] }
  /** A GET that names no object: a list, a report, the caller's own profile, a shop page. */
  | { kind: "read"; route: Route; audience: Audience; list: boolean }
  | { kind: "exempt"; route: Route; why: string }
  | { kind: "no object"; route: Route; why: string }
  | { kind: "unplaceable"; route: Route; why: string };

function place(route: Route, owner: Tenant): Placement {
  let audience: Audience;
  try {
    audience = audienceOf(route);
  } catch (error) {
    return { kind: "unplaceable", route, why: String(error) };
  }
  const why = exemption(route, audience);
  if (why) return { kind: "exempt", route, why };
  const params = paramsOf(route, "path").map((p) => p.name);
  const bodyIds = bodyIdFields(jsonBodyOf(doc, route)).map((f) => f.name);
  const missing = [...params, ...bodyIds].filter((name) => !(name in owner.ids) && name !== "code");
  if (missing.length > 0) {
    return { kind: "unplaceable", route, why: `no fixture for ${missing.map((n) => `{${n}}`).join(", ")}` };
  }
  const objectParams = params.filter((name) => name !== "shop");
  if (objectParams.length > 0 || bodyIds.length > 0) return { kind: "object", route, audience, params, bodyIds };
  if (route.method === "get") return { kind: "read", route, audience, list: isListRoute(doc, route) };
  if (audience === "staff-session") return { kind: "no object", route, why: "acts on the caller's own account" };
  return {
    kind: "no object",
    route,
    why: "creates, or acts on the caller's own account; names nothing another tenant owns",
  };
}

interface Caller {
  name: string;
  headers: Record<string, string>;
  /** Path values this caller sends, over the owner's ids (another shop's slug, for a buyer). */
  shop?: string;
}

let owner: Tenant;
let other: Tenant;

function callersFor(p: Extract<Placement, { kind: "object" | "read" }>, orderId?: string): Caller[] {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const session = (t: Tenant) => ({ cookie: t.session.cookie, "x-csrf-token": t.session.csrfToken });
  switch (p.audience) {
    case "admin":
      return [
        { name: "another merchant's admin key", headers: bearer(other.merchant.adminKey) },
        { name: "another merchant's staff session", headers: session(other) },
      ];
    case "staff-session":
      return [{ name: "another merchant's staff session", headers: session(other) }];
    case "partner": {
      const callers: Caller[] = [{ name: "another merchant's partner", headers: bearer(other.partner.apiKey) }];
      // What a partner did is that partner's own, even within its merchant.
      if (p.kind === "object" && p.params.includes("redemptionId")) {
        callers.push({ name: "another partner of the same merchant", headers: bearer(owner.otherPartner.apiKey) });
      }
      return callers;
    }
    case "channel":
      return [
        { name: "another merchant's reseller", headers: bearer(other.reseller.apiKey) },
        { name: "another reseller of the same merchant", headers: bearer(owner.otherReseller.apiKey) },
      ];
    case "order": {
      const otherOwnOrder = Object.keys(owner.orderTokens).find((id) => id !== orderId) as string;
      const foreignOrder = Object.keys(other.orderTokens)[0] as string;
      return [
        {
          name: "a buyer with another order's token (same shop)",
          headers: bearer(owner.orderTokens[otherOwnOrder] as string),
        },
        { name: "a buyer with another shop's order token", headers: bearer(other.orderTokens[foreignOrder] as string) },
        {
          name: "a buyer with another shop's order token, through that shop",
          headers: bearer(other.orderTokens[foreignOrder] as string),
          shop: other.merchant.slug,
        },
      ];
    }
    case "public":
      return [{ name: "a buyer in another shop", headers: {}, shop: other.merchant.slug }];
    default:
      throw new Error(`${p.route.label}: no callers for audience ${p.audience}`);
  }
}

/** An id of the same shape that names nothing: its last symbols changed. */
function missingLike(id: string): string {
  const tail = id.slice(-4);
  const changed = [...tail]
    .map((ch) => (ch === "Z" ? "Y" : ch === "z" ? "y" : /[0-9A-Za-z]/.test(ch) ? "Z" : ch))
    .join("");
  return id.slice(0, -4) + changed;
}

function bodyFor(route: Route, ids: Record<string, string>, code: string): string | undefined {
  const schema = jsonBodyOf(doc, route);
  if (!schema) return undefined;
  const body = sampleOf(doc, schema) as Record<string, unknown>;
  for (const field of bodyIdFields(schema)) {
    let node = body as Record<string | number, unknown>;
    for (const key of field.path.slice(0, -1)) {
      node[key] ??= typeof field.path[field.path.indexOf(key) + 1] === "number" ? [{}] : {};
      node = node[key] as Record<string | number, unknown>;
    }
    node[field.path[field.path.length - 1] as string] = field.name === "code" ? code : ids[field.name];
  }
  return JSON.stringify(body);
}

async function send(route: Route, path: string, headers: Record<string, string>, body: string | undefined) {
  const res = await exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method: route.method.toUpperCase(),
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body,
    }),
  );
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // kept as text
  }
  return { status: res.status, headers: res.headers, body: parsed } as ApiResponse;
}

/** The path with its ids, and a sample for each required query parameter (a report's `date`…). */
const fillPath = (path: string, values: Record<string, string>, route?: Route) => {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
  const required = route ? paramsOf(route, "query").filter((q) => q.required) : [];
  if (required.length === 0) return filled;
  return `${filled}?${required.map((q) => `${q.name}=${encodeURIComponent(String(sampleOf(doc, q.schema)))}`).join("&")}`;
};

/** Everything stored, and what the owner's objects hold: must not move while others knock. */
async function ownerState() {
  return {
    d1: await storedState(),
    stock: await stockKeeperOf(owner.ids.skuId as string).levels(),
    code: await ledgerViewOf(owner.merchant.id, owner.code),
  };
}

/** Strings that would betray the owner's data in another tenant's answer. */
function ownerSecrets(): string[] {
  const { shop: _shop, ...ids } = owner.ids;
  return [...Object.values(ids), owner.reseller.orderId, owner.code, owner.email, owner.merchant.id];
}

const placements: Placement[] = [];
const checked: string[] = [];

describe("tenant isolation over every route in /openapi.json", () => {
  beforeAll(async () => {
    const sample = (path: string) => {
      const route = ROUTES.find((r) => r.method === "post" && r.path === path);
      const schema = route ? jsonBodyOf(doc, route) : null;
      return schema ? sampleOf(doc, schema) : {};
    };
    owner = await buildTenant(sample);
    other = await buildTenant(sample);
    placements.push(...ROUTES.map((route) => place(route, owner)));
  });

  afterAll(() => {
    const count = (kind: Placement["kind"]) => placements.filter((p) => p.kind === kind).length;
    if (testSetting("SHOW_PLACEMENTS")) {
      console.info(
        placements.map((p) => `${p.kind.padEnd(11)} ${p.route.label}${"why" in p ? ` — ${p.why}` : ""}`).join("\n"),
      );
    }
    console.info(
      `tenant isolation: ${count("object")} object routes, ${count("read")} reads (lists, reports, pages), ${count("exempt")} exempt, ${count("no object")} without objects; ${checked.length} route × caller checks`,
    );
  });

  it("places every route: an object route, a list, or an exemption with its reason", () => {
    const unplaceable = placements.filter((p) => p.kind === "unplaceable").map((p) => `${p.route.label}: ${p.why}`);
    expect(unplaceable, "routes the isolation matrix cannot place (teach buildTenant or the exemptions)").toEqual([]);
    expect(placements.filter((p) => p.kind === "object").length).toBeGreaterThan(5);
    expect(placements.filter((p) => p.kind === "read" && p.list).length).toBeGreaterThan(2);
  });

  for (const route of ROUTES) {
    it(`${route.label}: another tenant's callers get 404 (or nothing of the owner's) and change nothing`, async () => {
      const placement = placements.find((p) => p.route === route) as Placement;
      if (placement.kind !== "object" && placement.kind !== "read") return;
      const before = await ownerState();
      const documented = documentedCodes(doc, route);
      const problems: string[] = [];

      if (placement.kind === "object") {
        for (const caller of callersFor(placement, owner.ids.orderId)) {
          const ids: Record<string, string> = {
            ...owner.ids,
            // A reseller's routes name its own orders, not the shop's.
            ...(placement.audience === "channel" ? { orderId: owner.reseller.orderId } : {}),
            ...(caller.shop ? { shop: caller.shop } : {}),
          };
          const missing = { ...ids };
          for (const name of placement.params) if (name !== "shop") missing[name] = missingLike(ids[name] as string);
          const foreign = await send(
            route,
            fillPath(route.path, ids, route),
            caller.headers,
            bodyFor(route, ids, owner.code),
          );
          const absent = await send(
            route,
            fillPath(route.path, missing, route),
            caller.headers,
            bodyFor(
              route,
              placement.bodyIds.length
                ? Object.fromEntries(Object.entries(ids).map(([k, v]) => [k, missingLike(v)]))
                : ids,
              missingLike(owner.code),
            ),
          );
          const label = `${caller.name} → ${foreign.status} ${foreign.body?.code ?? ""}`;
          checked.push(`${route.label} × ${caller.name}`);
          if (foreign.status !== 404) problems.push(`${label}: expected 404`);
          else if (documented.get(foreign.body?.code) !== 404) problems.push(`${label}: not a documented 404 code`);
          else {
            const { requestId: _a, ...seen } = foreign.body;
            const { requestId: _b, ...unseen } = absent.body ?? {};
            if (JSON.stringify(seen) !== JSON.stringify(unseen)) {
              problems.push(
                `${label}: tells a foreign object (${JSON.stringify(seen)}) from a missing one (${absent.status} ${JSON.stringify(unseen)})`,
              );
            }
          }
        }
      } else {
        for (const caller of callersFor(placement)) {
          const ids = { ...owner.ids, ...(caller.shop ? { shop: caller.shop } : {}) };
          // Filters that name the owner's objects must find nothing either.
          const filters = paramsOf(route, "query")
            .map((q) => [q.name, q.name === "email" ? owner.email : owner.ids[q.name]] as const)
            .filter((entry): entry is readonly [string, string] => typeof entry[1] === "string");
          for (const query of ["", ...filters.map(([name, value]) => `?${name}=${encodeURIComponent(value)}`)]) {
            const path = fillPath(route.path, ids, route);
            const res = await send(
              route,
              `${path}${query ? (path.includes("?") ? `&${query.slice(1)}` : query) : ""}`,
              caller.headers,
              undefined,
            );
            const text = JSON.stringify(res.body);
            checked.push(`${route.label}${query} × ${caller.name}`);
            if (res.status !== 200)
              problems.push(`${caller.name}${query} → ${res.status} ${text.slice(0, 120)}: expected 200`);
            const leaked = ownerSecrets().filter((secret) => text.includes(secret));
            if (leaked.length > 0) problems.push(`${caller.name}${query}: shows the owner's ${leaked.join(", ")}`);
            if (placement.list && query && Array.isArray(res.body?.data) && res.body.data.length > 0) {
              problems.push(`${caller.name}${query}: a filter on the owner's object found ${res.body.data.length}`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
      expect(await ownerState(), "nothing stored changed").toEqual(before);
    });
  }

  it("the owner still sees all its objects as before (and the matrix did touch them)", async () => {
    expect(checked.length).toBeGreaterThan(20);
    const session = { authorization: `Bearer ${owner.merchant.adminKey}` };
    for (const placement of placements) {
      if (placement.kind !== "object" || placement.route.method !== "get" || placement.audience !== "admin") continue;
      const res = await send(
        placement.route,
        fillPath(placement.route.path, owner.ids, placement.route),
        session,
        undefined,
      );
      // Found (a report may still refuse on the object's state, never as "not found").
      expect(res.status === 404 || res.status >= 500, `${placement.route.label} for its owner: ${res.status}`).toBe(
        false,
      );
    }
  });
});
