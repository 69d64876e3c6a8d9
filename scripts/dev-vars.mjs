// Reads a .dev.vars file the way `npm start` and the scenario tests need it: KEY=VALUE lines,
// `#` comments, optional single or double quotes. Wrangler parses the same file with dotenv;
// this covers the subset our .dev.vars.example uses, without a dependency.
import { readFileSync } from "node:fs";

/** @param {string} text */
export function parseDevVars(text) {
  /** @type {Record<string, string>} */
  const vars = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rest] = match;
    vars[key] = unquote(rest);
  }
  return vars;
}

/** @param {string} path */
export function readDevVars(path) {
  return parseDevVars(readFileSync(path, "utf8"));
}

/** @param {string} value */
function unquote(value) {
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const end = value.indexOf(quote, 1);
    if (end > 0) {
      const inner = value.slice(1, end);
      return quote === '"' ? inner.replaceAll("\\n", "\n") : inner;
    }
  }
  // As in dotenv, an unquoted value ends at a ` #` comment.
  return value.replace(/\s+#.*$/, "").trim();
}
