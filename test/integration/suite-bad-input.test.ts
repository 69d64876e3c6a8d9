import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Audience,
  audienceOf,
  bodyMutations,
  contentTypesOf,
  type Document,
  documentedCodes,
  jsonBodyOf,
  lookAlike,
  paramsOf,
  type Route,
  routesOf,
  sampleOf,
  serialize,
  typesOf,
} from "../support/openapi";
import { testSetting } from "../support/property";
import { TEST_BINDINGS } from "../worker-bindings";
import {
  type ApiResponse,
  BASE,
  buildTenant,
  call,
  createMerchant,
  createPartner,
  deliveredVoucher,
  ledgerViewOf,
  signWebhook,
  stockKeeperOf,
  storedState,
  type Tenant,
  verify,
} from "./factories";

/**
 * Bad input over every route of the served OpenAPI document, generated from it: malformed JSON,
 * bodies of the wrong shape, every body property with the wrong type, out-of-range, fractional,
 * 100 KB or look-alike values, huge bodies and arrays, wrong content types, garbage and traversal
 * in every path id, invalid query values — each sent with valid credentials of the right kind so
 * it gets past authentication. Every answer must be a 4xx problem+json whose `code` the
 * operation documents under that status, never a 5xx; and nothing stored may change.
 */

const doc = (await (await exports.default.fetch(`${BASE}/openapi.json`)).json()) as Document;
const ROUTES = routesOf(doc);

interface Case {
  label: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Which answers are right: a status and code the case must produce. */
  expect: (status: number, code: string) => boolean;
  want: string;
  /** For a body mutation: the field the validation errors must point at. */
  at?: string;
  /** A webhook whose signature we can make: sign the body into this header, so parsing is reached. */
  signInto?: string;
}

const ONE_MIB = 1024 * 1024;

const is =
  (...codes: string[]) =>
  (_status: number, code: string) =>
    codes.includes(code);
const anyClientError = (status: number) => status >= 400 && status < 500;

/** Values for a path id that no merchant owns: traversal, encodings, oversize, unicode, injection. */
function garbageIds(valid: string): [string, string][] {
  return [
    ["encoded traversal ../../", "..%2F..%2Fadmin"],
    ["encoded dot segments %2e%2e%2f", "%2e%2e%2f%2e%2e%2fstock"],
    ["backslash traversal", "..%5C..%5Cwindows"],
    ["double-encoded traversal", "%252e%252e%252f"],
    ["10,000 characters", "x".repeat(10_000)],
    ["a NUL byte", `${encodeURIComponent(valid)}%00`],
    ["broken percent-encoding", "%E0%A4%A"],
    ["invalid UTF-8", "%FF%FE"],
    ["right-to-left override", encodeURIComponent(`\u202e${valid}`)],
    [
      "full-width look-alike",
      encodeURIComponent(valid.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))),
    ],
    ["Cyrillic look-alike", encodeURIComponent(lookAlike(valid) ?? `${valid}а`)],
    ["an emoji", encodeURIComponent("💣")],
    ["SQL", encodeURIComponent("' OR '1'='1")],
    ["a padded id", encodeURIComponent(` ${valid} `)],
    ["upper-cased", encodeURIComponent(valid.toUpperCase() === valid ? valid.toLowerCase() : valid.toUpperCase())],
    ["null", "null"],
    ["-1", "-1"],
  ];
}

let tenant: Tenant;
const sent = { cases: 0, routes: 0 };

function credentials(audience: Audience, orderId: string | undefined): Record<string, string> {
  switch (audience) {
    case "admin":
      return { authorization: `Bearer ${tenant.merchant.adminKey}` };
    case "staff-session":
      return { cookie: tenant.session.cookie, "x-csrf-token": tenant.session.csrfToken };
    case "partner":
      return { authorization: `Bearer ${tenant.partner.apiKey}` };
    case "channel":
      return { authorization: `Bearer ${tenant.reseller.apiKey}` };
    case "operator":
      return { authorization: `Bearer ${TEST_BINDINGS.OPERATOR_API_KEY}` };
    case "order": {
      const token = orderId ? tenant.orderTokens[orderId] : undefined;
      if (!token) throw new Error("an order-token route without an {orderId} the fixture holds a token for");
      return { authorization: `Bearer ${token}` };
    }
    case "public":
      return {};
  }
}

/** Valid values for a route's path parameters; fails naming any the fixture cannot fill. */
function validParams(route: Route): Record<string, string> {
  const values: Record<string, string> = {};
  for (const param of paramsOf(route, "path")) {
    const value = tenant.ids[param.name];
    if (value === undefined) {
      throw new Error(
        `${route.label}: no fixture for path parameter {${param.name}} — teach buildTenant (test/integration/factories.ts) to make one`,
      );
    }
    values[param.name] = value;
  }
  return values;
}

const fill = (path: string, values: Record<string, string>, raw: Record<string, string> = {}) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => raw[name] ?? encodeURIComponent(values[name] ?? ""));

function casesFor(route: Route): Case[] {
  const audience = audienceOf(route);
  const params = validParams(route);
  const auth = credentials(audience, params.orderId);
  const url = fill(route.path, params);
  const schema = jsonBodyOf(doc, route);
  const base = schema ? sampleOf(doc, schema) : undefined;
  const json = { ...auth, "content-type": "application/json" };
  const validBody = base === undefined ? undefined : serialize(base);
  const isWebhook = route.path.startsWith("/v1/webhooks/");
  // Only the sandbox provider's secret is known here; other webhooks get their bodies unsigned.
  const signInto =
    route.path === "/v1/webhooks/payments/sandbox"
      ? paramsOf(route, "header").find((p) => p.name.includes("signature"))?.name
      : undefined;
  const cases: Case[] = [];

  for (const param of paramsOf(route, "path")) {
    for (const [why, raw] of garbageIds(params[param.name] as string)) {
      cases.push({
        label: `path {${param.name}} ${why}`,
        path: fill(route.path, params, { [param.name]: raw }),
        headers: json,
        body: validBody ?? (isWebhook ? "{}" : undefined),
        signInto,
        expect: (status) => status === 400 || status === 404,
        want: "400 or 404",
      });
    }
  }

  for (const param of paramsOf(route, "query")) {
    const s = param.schema ?? {};
    const types = typesOf(doc, s);
    const bad: [string, string][] = [];
    if (types.has("integer") || types.has("number")) {
      bad.push(["not a number", "abc"], ["1e999", "1e999"]);
      if (types.has("integer") && !types.has("number")) bad.push(["a fraction", "1.5"]);
      if (typeof s.minimum === "number") bad.push(["below the minimum", String(s.minimum - 1)]);
      if (typeof s.maximum === "number") bad.push(["above the maximum", String(s.maximum + 1)]);
    }
    if (types.has("string") && typeof s.maxLength === "number") bad.push(["too long", "x".repeat(s.maxLength + 1)]);
    if (s.enum) {
      bad.push(["not an allowed value", "not-a-member"]);
      const twin = lookAlike(String(s.enum[0]));
      if (twin) bad.push(["a look-alike of an allowed value", twin]);
    }
    for (const [why, value] of bad) {
      cases.push({
        label: `query ${param.name} ${why}`,
        path: `${url}?${param.name}=${encodeURIComponent(value)}`,
        headers: auth,
        expect: is("validation_failed"),
        want: "400 validation_failed",
      });
    }
    // Strings the schema allows but no one should send: any answer but a 5xx (or an undocumented 4xx).
    if (types.has("string") && !s.enum) {
      for (const [why, value] of [
        ["traversal", "../../etc/passwd"],
        ["SQL", "' OR '1'='1"],
        ["control characters", "\u0000\u001b[2J"],
        ["right-to-left override", "\u202eabc"],
        ["an emoji", "💣"],
        ["an unknown time zone", "Mars/Olympus_Mons"],
        ["a far date", "9999-12-31"],
      ] as const) {
        if (typeof s.maxLength === "number" && value.length > s.maxLength) continue;
        cases.push({
          label: `query ${param.name} ${why} (allowed by the schema)`,
          path: `${url}?${param.name}=${encodeURIComponent(value)}`,
          headers: auth,
          expect: (status) => status < 500,
          want: "anything but a 5xx",
        });
      }
    }
  }

  for (const param of paramsOf(route, "header")) {
    const bad: [string, string][] =
      param.name === "idempotency-key"
        ? [
            ["256 characters", "k".repeat(256)],
            ["a space", "has space"],
            ["empty", ""],
          ]
        : [
            ["garbage", "t=abc,v1=zz"],
            ["8 KB", "v".repeat(8_192)],
          ];
    for (const [why, value] of bad) {
      cases.push({
        label: `header ${param.name} ${why}`,
        path: url,
        headers: { ...json, [param.name]: value },
        body: validBody ?? (isWebhook ? "{}" : undefined),
        expect: param.name === "idempotency-key" ? is("validation_failed") : anyClientError,
        want: param.name === "idempotency-key" ? "400 validation_failed" : "a 4xx",
      });
    }
  }

  if (!schema && !isWebhook) return cases;

  // Whole bodies that are not JSON, not an object, or far too large.
  const raw = (label: string, body: string, expect: Case["expect"], want: string, contentType = "application/json") =>
    cases.push({
      label,
      path: url,
      headers: { ...auth, ...(contentType ? { "content-type": contentType } : {}) },
      body,
      signInto,
      expect: isWebhook ? anyClientError : expect,
      want: isWebhook ? "a 4xx" : want,
    });
  for (const [why, body] of [
    ["truncated JSON", "{"],
    ["a trailing comma", '{"a":1,}'],
    ["single quotes", "{'a':1}"],
    ["an unquoted key", "{a:1}"],
    ["NaN", '{"a":NaN}'],
    ["a lone surrogate escape cut short", '{"a":"\\ud8'],
    ["an empty body", ""],
    ["binary noise", "\u0000\u0001\u0002\u00ff"],
  ] as const) {
    raw(`malformed: ${why}`, body, is("invalid_request"), "400 invalid_request");
  }
  for (const [why, body] of [
    ["null", "null"],
    ["an array", "[]"],
    ["a string", '"body"'],
    ["a number", "42"],
    ["nested 100,000 deep", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
  ] as const) {
    raw(`not an object: ${why}`, body, is("validation_failed", "invalid_request"), "400");
  }
  const firstProperty = Object.keys(schema?.properties ?? { x: {} })[0] ?? "x";
  raw(
    "a 1.1 MiB body",
    JSON.stringify({ [firstProperty]: "x".repeat(ONE_MIB + ONE_MIB / 10) }),
    is("payload_too_large", "validation_failed"),
    "413 or 400",
  );
  if (!schema || validBody === undefined) return cases;

  for (const mutation of bodyMutations(doc, schema, base)) {
    const body = serialize(mutation.body);
    cases.push({
      label: `body ${mutation.why}`,
      path: url,
      headers: json,
      body,
      expect: body.length > ONE_MIB ? is("payload_too_large", "validation_failed") : is("validation_failed"),
      want: body.length > ONE_MIB ? "413 or 400" : "400 validation_failed",
      at: mutation.at,
    });
  }
  const declared = contentTypesOf(route);
  for (const contentType of [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "",
  ]) {
    if (declared.some((type) => contentType.startsWith(type))) continue;
    raw(
      `content type ${contentType || "(none)"} with a valid JSON body`,
      validBody,
      is("unsupported_media_type"),
      "415 unsupported_media_type",
      contentType,
    );
  }
  return cases;
}

async function send(route: Route, c: Case): Promise<ApiResponse> {
  const headers = { ...c.headers, ...(c.signInto ? { [c.signInto]: await signWebhook(c.body ?? "") } : {}) };
  const response = await exports.default.fetch(
    new Request(`${BASE}${c.path}`, { method: route.method.toUpperCase(), headers, body: c.body }),
  );
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text, and the check below fails on it
  }
  return { status: response.status, headers: response.headers, body };
}

/** What the fixture's Durable Objects hold, beside D1. */
async function objectState() {
  return {
    stock: await stockKeeperOf(tenant.ids.skuId as string).levels(),
    code: await ledgerViewOf(tenant.merchant.id, tenant.code),
  };
}

describe("bad input over every route in /openapi.json", () => {
  beforeAll(async () => {
    tenant = await buildTenant((path) => {
      const route = ROUTES.find((r) => r.method === "post" && r.path === path);
      const schema = route ? jsonBodyOf(doc, route) : null;
      return schema ? sampleOf(doc, schema) : {};
    });
  });

  afterAll(() => console.info(`bad input: ${sent.cases} requests over ${sent.routes} routes`));

  it("the document lists the routes this suite walks, and every path parameter has a fixture", () => {
    expect(ROUTES.length).toBeGreaterThan(15);
    const unfillable = ROUTES.flatMap((route) =>
      paramsOf(route, "path")
        .filter((p) => !(p.name in tenant.ids))
        .map((p) => `${route.label} {${p.name}}`),
    );
    expect(unfillable, "path parameters with no fixture (teach buildTenant to make one)").toEqual([]);
  });

  for (const route of ROUTES) {
    it(`${route.label} answers every bad input with a documented 4xx and stores nothing`, async () => {
      const cases = casesFor(route);
      const documented = documentedCodes(doc, route);
      const before = { d1: await storedState(), objects: await objectState() };
      const problems: string[] = [];
      for (let i = 0; i < cases.length; i += 8) {
        const chunk = cases.slice(i, i + 8);
        const answers = await Promise.all(chunk.map((c) => send(route, c)));
        for (const [j, res] of answers.entries()) {
          const c = chunk[j] as Case;
          const code = String(res.body?.code ?? "");
          const where = `${c.label} → ${res.status} ${code || String(res.body).slice(0, 80)}`;
          if (res.status >= 500) problems.push(`${where}: a server error`);
          else if (res.status < 400) {
            if (!c.expect(res.status, code)) problems.push(`${where}: accepted, expected ${c.want}`);
          } else if (!(res.headers.get("content-type") ?? "").startsWith("application/problem+json")) {
            problems.push(`${where}: not problem+json`);
          } else if (documented.get(code) !== res.status) {
            problems.push(`${where}: \`${code}\` is not documented under ${res.status} for this route`);
          } else if (!c.expect(res.status, code) && code !== "rate_limited") {
            // A documented rate limit may step in under this volume of requests; anything else is wrong.
            problems.push(`${where}: expected ${c.want}`);
          } else if (c.at !== undefined && Array.isArray(res.body.errors)) {
            const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
            if (!paths.some((p) => p === c.at || p.startsWith(`${c.at}.`) || (c.at === "" && p === "(body)"))) {
              problems.push(`${where}: errors name ${JSON.stringify(paths)}, not ${c.at}`);
            }
          }
        }
      }
      sent.cases += cases.length;
      sent.routes++;
      if (testSetting("SHOW_CASES") === route.label)
        console.info(cases.map((c) => `${c.label} [${c.want}]`).join("\n"));
      expect(problems, `${problems.length} of ${cases.length} cases went wrong`).toEqual([]);
      expect({ d1: await storedState(), objects: await objectState() }).toEqual(before);
    });
  }
});

describe("voucher codes as people type them", () => {
  /** Variants that normalization must map onto the code itself. */
  function sameCode(code: string): [string, string][] {
    const plain = code.replaceAll("-", "");
    const cyrillic: Record<string, string> = {
      A: "А",
      B: "В",
      C: "С",
      E: "Е",
      H: "Н",
      K: "К",
      M: "М",
      P: "Р",
      T: "Т",
      X: "Х",
    };
    const greek: Record<string, string> = {
      A: "Α",
      B: "Β",
      E: "Ε",
      Z: "Ζ",
      H: "Η",
      K: "Κ",
      M: "Μ",
      N: "Ν",
      P: "Ρ",
      T: "Τ",
      X: "Χ",
    };
    const aliases: Record<string, string> = { "0": "O", "1": "I" };
    return [
      ["lower case", code.toLowerCase()],
      ["without dashes", plain],
      ["spaces for dashes", code.replaceAll("-", " ")],
      ["padded with spaces, tabs and newlines", ` \t${code}\n `],
      ["no-break spaces", code.replaceAll("-", "\u00a0")],
      ["zero-width spaces between symbols", [...plain].join("\u200b")],
      ["soft hyphens", [...plain].join("\u00ad")],
      ["right-to-left marks around", `\u200f${code}\u200f`],
      ["a byte-order mark first", `\ufeff${code}`],
      [
        "full-width forms",
        code.replace(/[A-Z0-9-]/g, (c) => (c === "-" ? "－" : String.fromCharCode(c.charCodeAt(0) + 0xfee0))),
      ],
      [
        "mathematical bold letters",
        code.replace(/[A-Z]/g, (c) => String.fromCodePoint(0x1d400 + c.charCodeAt(0) - 65)),
      ],
      ["Cyrillic look-alikes", code.replace(/[ABCEHKMPTX]/g, (c) => cyrillic[c] ?? c)],
      [
        "Greek capitals among lower-case Latin",
        code.toLowerCase().replace(/[abezhkmnptx]/g, (c) => greek[c.toUpperCase()] ?? c),
      ],
      ["Japanese long dashes", code.replaceAll("-", "ー")],
      ["Crockford aliases (O for 0, I for 1)", code.replace(/[01]/g, (c) => aliases[c] ?? c)],
    ];
  }

  /** Variants that are a different string of symbols: no code, so 404 like any unknown one. */
  function otherCode(code: string): [string, string][] {
    const plain = code.replaceAll("-", "");
    const swap = (i: number) => plain.slice(0, i) + (plain[i] === "Z" ? "Y" : "Z") + plain.slice(i + 1);
    return [
      ["one symbol changed", swap(3)],
      ["the check symbol changed", swap(plain.length - 1)],
      ["a symbol missing", plain.slice(1)],
      ["a symbol extra", `${plain}Z`],
      ["an accent on a letter", code.replace(/[A-Z]/, (c) => `${c}\u0301`)],
      ["a Cherokee look-alike the table does not know", code.replace(/A|B|C|E|H|K|M|P|T/, "Ꭺ")],
      ["two codes glued", `${code}${code}`],
      ["whitespace only", "   "],
      ["a SQL fragment", "' OR '1'='1"],
    ];
  }

  it("every spelling normalization allows finds the right code; every other string is 404; none uses a code up", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const voucher = await deliveredVoucher(merchant, { uses: 20 });
    const before = (await verify(partner, voucher.code)).body;
    expect(before).toMatchObject({ valid: true, remainingUses: 20 });

    const problems: string[] = [];
    for (const [why, typed] of sameCode(voucher.code)) {
      const res = await verify(partner, typed);
      if (res.status !== 200 || res.body.remainingUses !== 20)
        problems.push(`${why}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    for (const [why, typed] of otherCode(voucher.code)) {
      const res = await verify(partner, typed);
      if (res.status !== 404 || res.body.code !== "code_not_found")
        problems.push(`${why}: ${res.status} ${res.body.code}`);
    }
    const tooLong = await verify(partner, ` ${voucher.code} `.padEnd(200, " "));
    if (tooLong.status !== 400) problems.push(`padded past 128 characters: ${tooLong.status}`);
    expect(problems).toEqual([]);

    // Redeeming with look-alikes takes uses from the right code, one each; a near miss takes none.
    const variants = sameCode(voucher.code);
    for (const [why, typed] of variants) {
      const res = await call("POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code: typed } });
      expect(res.status, why).toBe(201);
    }
    for (const [why, typed] of otherCode(voucher.code)) {
      const res = await call("POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code: typed } });
      expect(res.status, why).toBe(404);
    }
    expect((await verify(partner, voucher.code)).body.remainingUses).toBe(20 - variants.length);
  });
});
