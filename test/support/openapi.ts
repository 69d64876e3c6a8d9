/**
 * Reading the served OpenAPI document as test data: the operations, who may call them, the
 * codes each documents, a valid sample of each request body and the ways to break it. Pure
 * functions, so the suites that walk every route pick up new routes without being edited.
 */

export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  example?: unknown;
  default?: unknown;
  nullable?: boolean;
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface Route {
  method: Method;
  path: string;
  op: Operation;
  label: string;
}

const METHODS: Method[] = ["get", "post", "put", "patch", "delete"];

export function routesOf(doc: Document): Route[] {
  const out: Route[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) out.push({ method, path, op, label: `${method.toUpperCase()} ${path}` });
    }
  }
  return out;
}

/** Resolves `$ref` and folds `allOf` of objects into one object schema. */
export function resolve(doc: Document, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop() as string;
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return resolve(doc, { ...target, ...withoutRef(schema) });
  }
  if (schema.allOf) {
    const parts = schema.allOf.map((part) => resolve(doc, part));
    const merged: Schema = { ...schema, allOf: undefined };
    for (const part of parts) {
      merged.type ??= part.type;
      merged.properties = { ...merged.properties, ...part.properties };
      merged.required = [...new Set([...(merged.required ?? []), ...(part.required ?? [])])];
      for (const key of ["enum", "format", "pattern", "minLength", "maxLength", "minimum", "maximum"] as const) {
        if (part[key] !== undefined) (merged as Record<string, unknown>)[key] = part[key];
      }
    }
    return merged;
  }
  return schema;
}

function withoutRef(schema: Schema): Schema {
  const { $ref: _ref, ...rest } = schema;
  return rest;
}

/** The types a schema admits (`integer` implies `number` for JSON values). */
export function typesOf(doc: Document, schema: Schema): Set<string> {
  const s = resolve(doc, schema);
  const types = new Set<string>();
  const add = (t: string | string[] | undefined) => {
    for (const one of Array.isArray(t) ? t : t ? [t] : []) types.add(one);
  };
  add(s.type);
  if (s.nullable) types.add("null");
  for (const option of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) for (const t of typesOf(doc, option)) types.add(t);
  if (s.enum) for (const value of s.enum) types.add(value === null ? "null" : typeof value);
  if (s.const !== undefined) types.add(s.const === null ? "null" : typeof s.const);
  if (types.size === 0 && s.properties) types.add("object");
  return types;
}

/** Which credentials an operation takes. */
export type Audience = "admin" | "staff-session" | "partner" | "channel" | "operator" | "order" | "public";

export function audienceOf(route: Route): Audience {
  const schemes = new Set((route.op.security ?? []).flatMap((requirement) => Object.keys(requirement)));
  if (schemes.size === 0) return "public";
  if (schemes.has("adminKey")) return "admin";
  if (schemes.has("staffSession")) return "staff-session";
  if (schemes.has("partnerKey")) return "partner";
  if (schemes.has("channelKey")) return "channel";
  if (schemes.has("operatorKey")) return "operator";
  if (schemes.has("orderToken")) return "order";
  throw new Error(`${route.label}: unknown security scheme(s) ${[...schemes].join(", ")}`);
}

export const paramsOf = (route: Route, where: Parameter["in"]) =>
  (route.op.parameters ?? []).filter((p) => p.in === where);

/** Every error code the operation documents, with the status it is documented under. */
export function documentedCodes(doc: Document, route: Route): Map<string, number> {
  const out = new Map<string, number>();
  for (const [status, response] of Object.entries(route.op.responses)) {
    const schema = response.content?.["application/problem+json"]?.schema;
    if (!schema) continue;
    const codes = (node: Schema | undefined): unknown[] => {
      if (!node) return [];
      const s = node.$ref ? resolve(doc, node) : node;
      return [...(s.properties?.code?.enum ?? []), ...(s.allOf ?? []).flatMap(codes)];
    };
    // The shared Problem schema lists every code; the route's own narrowing is the last allOf part.
    const narrowed = schema.allOf ? codes(schema.allOf[schema.allOf.length - 1]) : codes(schema);
    for (const code of narrowed) out.set(String(code), Number(status));
  }
  return out;
}

/** The JSON schema of the request body, when the operation takes JSON. */
export function jsonBodyOf(doc: Document, route: Route): Schema | null {
  const media = route.op.requestBody?.content?.["application/json"];
  return media?.schema ? resolve(doc, media.schema) : null;
}

export const contentTypesOf = (route: Route) => Object.keys(route.op.requestBody?.content ?? {});

/** A list response: `{ data: [...] }` on success. */
export function isListRoute(doc: Document, route: Route): boolean {
  if (route.method !== "get") return false;
  const ok = Object.entries(route.op.responses).find(([status]) => status.startsWith("2"));
  const schema = resolve(doc, ok?.[1].content?.["application/json"]?.schema);
  return typesOf(doc, resolve(doc, schema.properties?.data ?? {})).has("array");
}

// ---- valid samples -------------------------------------------------------------------------

/** A string matching simple patterns: literals, classes, `(?:…)?` groups and `{n}` / `{n,m}` / `?*+`. */
export function stringMatching(pattern: string): string | null {
  let source = pattern.replace(/^\^/, "").replace(/\$$/, "");
  let out = "";
  while (source.length > 0) {
    let atom: string;
    let rest: string;
    if (source.startsWith("(?:") || source.startsWith("(")) {
      let depth = 0;
      let end = 0;
      for (; end < source.length; end++) {
        if (source[end] === "(") depth++;
        else if (source[end] === ")" && --depth === 0) break;
      }
      const inner = source.slice(source.startsWith("(?:") ? 3 : 1, end);
      const sample = stringMatching(inner.split("|")[0] ?? "");
      if (sample === null) return null;
      atom = sample;
      rest = source.slice(end + 1);
    } else if (source.startsWith("[")) {
      const end = source.indexOf("]", 1);
      const body = source.slice(1, end).replace(/^\^/, "");
      atom = body.startsWith("\\") ? (body[1] === "d" ? "0" : (body[1] ?? "a")) : (body[0] ?? "a");
      rest = source.slice(end + 1);
    } else if (source.startsWith("\\")) {
      const c = source[1] ?? "";
      atom = c === "d" ? "0" : c === "w" ? "a" : c === "s" ? " " : c;
      rest = source.slice(2);
    } else {
      atom = source[0] === "." ? "a" : (source[0] ?? "");
      rest = source.slice(1);
    }
    const quantifier = /^(\{(\d+)(,(\d*))?\}|\?|\*|\+)/.exec(rest);
    let times = 1;
    if (quantifier) {
      rest = rest.slice(quantifier[0].length);
      if (quantifier[0] === "?" || quantifier[0] === "*") times = 0;
      else if (quantifier[0] === "+") times = 1;
      else times = Number(quantifier[2]);
      // A group that may be left out is left out, unless the pattern needs it.
    }
    out += atom.repeat(times);
    source = rest;
  }
  try {
    return new RegExp(pattern, "u").test(out) ? out : null;
  } catch {
    return null;
  }
}

function sampleString(s: Schema): string {
  if (typeof s.example === "string") return s.example;
  if (typeof s.default === "string") return s.default;
  if (s.format === "email") return "sample@example.test";
  if (s.format === "uri" || s.format === "url") return "https://example.test/";
  if (s.format === "date-time") return "2026-01-01T00:00:00.000Z";
  if (s.format === "date") return "2026-01-01";
  if (s.pattern) {
    const matching = stringMatching(s.pattern);
    if (matching !== null) return matching;
  }
  const min = s.minLength ?? 1;
  const base = "sample".padEnd(min, "x");
  return s.maxLength !== undefined ? base.slice(0, Math.max(min, Math.min(base.length, s.maxLength))) : base;
}

/** A value the schema accepts: examples first, then the smallest thing that fits. */
export function sampleOf(doc: Document, schema: Schema | undefined): unknown {
  const s = resolve(doc, schema);
  if (s.example !== undefined && typeof s.example !== "string") return s.example;
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return s.enum[0];
  const option = s.anyOf?.[0] ?? s.oneOf?.[0];
  if (option) return sampleOf(doc, option);
  const types = [...typesOf(doc, s)].filter((t) => t !== "null");
  switch (types[0]) {
    case "string":
      return sampleString(s);
    case "integer":
    case "number": {
      let n = typeof s.minimum === "number" ? s.minimum : 1;
      if (typeof s.exclusiveMinimum === "number") n = s.exclusiveMinimum + 1;
      if (typeof s.maximum === "number") n = Math.min(n, s.maximum);
      return n;
    }
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sampleOf(doc, s.items));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const name of s.required ?? []) out[name] = sampleOf(doc, s.properties?.[name]);
      return out;
    }
    default:
      return types.length === 0 && !s.properties ? "sample" : null;
  }
}

// ---- invalid variants ----------------------------------------------------------------------

/** Replaced after JSON.stringify by a literal that JSON.parse turns into Infinity. */
export const RAW_INFINITY = "__raw_1e999__";

export interface BodyMutation {
  /** Where the bad value sits, as the validation error reports it (`skus.0.price.amount`). */
  at: string;
  why: string;
  body: unknown;
}

const LOOK_ALIKE: Record<string, string> = {
  a: "а",
  c: "с",
  e: "е",
  o: "о",
  p: "р",
  x: "х",
  y: "у",
  A: "А",
  B: "В",
  C: "С",
  E: "Е",
  H: "Н",
  K: "К",
  M: "М",
  O: "О",
  P: "Р",
  T: "Т",
  X: "Х",
};

/** The same word with one Latin letter swapped for its Cyrillic twin, or null when none can be. */
export function lookAlike(word: string): string | null {
  for (let i = 0; i < word.length; i++) {
    const twin = LOOK_ALIKE[word[i] as string];
    if (twin) return word.slice(0, i) + twin + word.slice(i + 1);
  }
  return null;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/** Values of the wrong JSON type for a schema admitting `types`. */
function wrongTypes(types: Set<string>): [string, unknown][] {
  const candidates: [string, unknown, string[]][] = [
    ["a string", "wrong", ["string"]],
    ["a number", 12345, ["number", "integer"]],
    ["a boolean", true, ["boolean"]],
    ["null", null, ["null"]],
    ["an object", { nested: "object" }, ["object"]],
    ["an array", ["array"], ["array"]],
  ];
  return candidates.filter(([, , admits]) => !admits.some((t) => types.has(t))).map(([why, value]) => [why, value]);
}

/**
 * Bodies that break the schema in exactly one place each: every property (nested ones too, and
 * the first element of arrays) with values of the wrong type, numbers out of range or fractional
 * where integers are due, strings of 100 KB, look-alike enum values, missing required fields, and
 * arrays far past their bounds.
 */
export function bodyMutations(doc: Document, schema: Schema, base: unknown): BodyMutation[] {
  const out: BodyMutation[] = [];
  const visit = (node: Schema, value: unknown, path: (string | number)[]) => {
    const s = resolve(doc, node);
    const types = typesOf(doc, s);
    const at = path.join(".");
    const put = (why: string, bad: unknown) => out.push({ at, why: `${at}: ${why}`, body: setAt(base, path, bad) });
    if (path.length > 0) {
      for (const [why, bad] of wrongTypes(types)) put(why, bad);
    }
    if (types.has("integer") || types.has("number")) {
      const min = typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum : s.minimum;
      if (types.has("integer") && !types.has("number")) put("a fraction", 1.5);
      if (typeof min === "number" && min >= 0) put("negative", -1);
      if (typeof min === "number" && min > 0) put(`below the minimum (${min - 1})`, min - 1);
      if (typeof s.maximum === "number") put("above the maximum", s.maximum + 1);
      put("too large to be a number (1e999)", RAW_INFINITY);
    }
    if (types.has("string")) {
      if ((s.maxLength ?? Number.POSITIVE_INFINITY) < 100_000) put("a 100 KB string", "x".repeat(100_000));
      if (s.maxLength !== undefined && s.maxLength < 100_000)
        put("one character too long", "x".repeat(s.maxLength + 1));
      if ((s.minLength ?? 0) >= 1) put("empty", "");
      if ((s.minLength ?? 0) > 1) put("one character short", "x".repeat((s.minLength ?? 1) - 1));
      if (s.enum) {
        const first = String(s.enum[0]);
        const twin = lookAlike(first);
        if (twin) put("a look-alike of an allowed value", twin);
        put("not an allowed value", "not-a-member");
        if (!s.enum.includes(` ${first} `)) put("an allowed value with padding", ` ${first} `);
      }
      if (s.format === "email") put("not an email", "not an email");
      if (s.pattern) {
        const bad = "!!";
        if (!new RegExp(s.pattern, "u").test(bad)) put("not matching its pattern", bad);
      }
    }
    if (types.has("array") && path.length > 0) {
      const item = sampleOf(doc, s.items);
      if ((s.minItems ?? 0) >= 1) put("an empty array", []);
      const limit = s.maxItems ?? 100_000;
      put(
        `${limit + 1} items`,
        Array.from({ length: limit + 1 }, () => item),
      );
      if (Array.isArray(value) && value.length > 0 && s.items) visit(s.items, value[0], [...path, 0]);
    }
    if (types.has("object") && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [name, child] of Object.entries(s.properties ?? {})) {
        const present = name in (value as Record<string, unknown>);
        const childValue = present ? (value as Record<string, unknown>)[name] : sampleOf(doc, child);
        // Optional properties are broken by adding them with a bad value.
        const withChild = present ? base : setAt(base, [...path, name], childValue);
        const saved = base;
        base = withChild;
        visit(child, childValue, [...path, name]);
        base = saved;
        if ((s.required ?? []).includes(name)) {
          out.push({
            at: [...path, name].join("."),
            why: `${[...path, name].join(".")}: missing`,
            body: setAt(base, [...path, name], undefined, true),
          });
        }
      }
    }
  };
  visit(schema, base, []);
  return out;
}

/** Serializes a body, turning the RAW_INFINITY marker into a literal JSON.parse reads as Infinity. */
export function serialize(body: unknown): string {
  return JSON.stringify(body).replaceAll(`"${RAW_INFINITY}"`, "1e999");
}
