import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The Worker serves these paths itself; in `vite dev` forward them to a running `wrangler dev`.
const worker = "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    // A strict CSP is coming: keep every asset a file rather than an inline data: URL.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { "/v1": worker, "/openapi.json": worker, "/docs": worker, "/healthz": worker },
  },
});
