import { randomToken } from "@tessera/domain";
import { ERROR_CODE_LIST, ERROR_CODES } from "../../errors";
import type { App } from "../shared";

const escapeHtml = (text: unknown) => String(text ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};

function renderOperation(method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<li><code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ", required" : ""}) ${escapeHtml(p.description)}</li>`,
    )
    .join("");
  const bodies = Object.entries(op.requestBody?.content ?? {})
    .map(
      ([type, media]) =>
        `<p>Body <code>${escapeHtml(type)}</code></p><pre>${escapeHtml(JSON.stringify(media.schema, null, 2))}</pre>`,
    )
    .join("");
  const responses = Object.entries(op.responses)
    .map(([status, response]) => `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(response.description)}</li>`)
    .join("");
  const security = (op.security ?? []).map((s) => Object.keys(s).join(" + ")).join(" or ");
  return `<section id="${escapeHtml(`${method}-${path}`)}">
<h3><span class="method">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ""}
${security ? `<p>Auth: ${escapeHtml(security)}</p>` : ""}${params ? `<ul>${params}</ul>` : ""}${bodies}
<ul>${responses}</ul></section>`;
}

/**
 * `/docs`: the API reference rendered on the server from the same OpenAPI document as
 * `/openapi.json`, so it works offline and under a strict CSP (no third-party script).
 */
export function registerDocs(
  app: App,
  document: () => {
    paths?: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, unknown> };
  },
) {
  app.get("/docs", (c) => {
    const doc = document();
    const sections: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(methods)) sections.push(renderOperation(method, path, op));
    }
    const errors = ERROR_CODE_LIST.map(
      (code) =>
        `<tr id="error-${code}"><td><code>${code}</code></td><td>${ERROR_CODES[code].status}</td><td>${escapeHtml(ERROR_CODES[code].title)}</td></tr>`,
    ).join("");
    const schemas = Object.entries(doc.components?.schemas ?? {})
      .map(
        ([name, schema]) =>
          `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`,
      )
      .join("");
    const nonce = randomToken(16);
    c.header(
      "content-security-policy",
      `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tessera API reference</title><style nonce="${nonce}">body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
pre{background:#f4f5f7;padding:.75rem;overflow:auto;font-size:12px}section{border-top:1px solid #dde;padding:.5rem 0}
.method{display:inline-block;min-width:4.5rem;color:#fff;background:#3454d1;border-radius:4px;padding:0 .4rem;font-size:13px;text-align:center}
table{border-collapse:collapse}td{border:1px solid #dde;padding:.25rem .5rem}</style></head><body>
<h1>Tessera API</h1><p>The machine-readable contract is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
Errors are <code>application/problem+json</code> with a <code>code</code> from the table below and a <code>requestId</code>.
Retry writes safely with an <code>Idempotency-Key</code> header.</p>
<h2>Operations</h2>${sections.join("\n")}
<h2 id="errors">Error codes</h2><table><tr><th>code</th><th>status</th><th>meaning</th></tr>${errors}</table>
<h2>Schemas</h2>${schemas}</body></html>`);
  });
}
