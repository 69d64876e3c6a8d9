import { env } from "cloudflare:workers";
import { d1Database } from "../src/d1";
import { defineRepositorySuite } from "./repository-suite";

// The worker project's setup file has already applied the migrations to this file's D1.
defineRepositorySuite("d1", async () => d1Database(env.DB));
