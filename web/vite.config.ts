import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// The Worker serves these paths itself; in `vite dev` forward them to a running `wrangler dev`.
const worker = "http://127.0.0.1:8787";

/**
 * The pages are served with `script-src 'self'; style-src 'self'` (public/_headers): fail the
 * build if the HTML ever gains an inline script, an inline style or an event-handler attribute.
 */
function noInlineCode(): Plugin {
  return {
    name: "tessera:no-inline-code",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== "asset" || !file.fileName.endsWith(".html")) continue;
        const html = String(file.source);
        const problems = [
          ...[...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>/gi)].map((m) => `inline script ${m[0]}`),
          ...[...html.matchAll(/<style\b/gi)].map(() => "inline <style>"),
          ...[...html.matchAll(/\sstyle\s*=/gi)].map(() => "style attribute"),
          ...[...html.matchAll(/\son[a-z]+\s*=/gi)].map((m) => `event handler attribute${m[0]}`),
        ];
        if (problems.length > 0) this.error(`${file.fileName} breaks the CSP: ${problems.join(", ")}`);
      }
    },
  };
}

export default defineConfig(({ command }) => {
  // A build is always a production build, even when a test runner that sets NODE_ENV=test
  // starts it (the browser tests' global setup builds web/): Vite and the React plugin read it.
  if (command === "build") process.env.NODE_ENV = "production";
  return {
    plugins: [react(), noInlineCode()],
    build: {
      outDir: "dist",
      // A strict CSP: keep every asset a file rather than an inline data: URL.
      assetsInlineLimit: 0,
      // Vite's modulepreload polyfill would be fine (it is bundled, not inline), but every
      // browser we support has modulepreload.
      modulePreload: { polyfill: false },
    },
    server: {
      proxy: { "/v1": worker, "/openapi.json": worker, "/docs": worker, "/healthz": worker },
    },
  };
});
