// Chromium (Debian's /usr/bin/chromium) through playwright-core, with what every test checks
// on every page: no Content-Security-Policy or Trusted Types violation, no uncaught error, and
// no secret in any URL the browser requested.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect, inject } from "vitest";

const root = join(import.meta.dirname, "../..");
export const SCREENSHOTS = join(root, "test/artifacts/screenshots");
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** CSP / Trusted Types violations and uncaught errors seen so far. */
  problems: string[];
  /** Every URL the page requested. */
  urls: string[];
  close(): Promise<void>;
}

export async function openSession(
  browser: Browser,
  { viewport = DESKTOP, locale = "zh-CN" }: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<Session> {
  const baseURL = inject("baseUrl");
  const context = await browser.newContext({ baseURL, viewport, locale, timezoneId: "Asia/Shanghai" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  const urls: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Trusted Type|Refused to (load|execute|apply)/i.test(text)) problems.push(text);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  context.on("request", (request) => urls.push(request.url()));
  return { context, page, problems, urls, close: () => context.close() };
}

export function expectNoProblems(session: Session) {
  expect(session.problems, "CSP violations or uncaught errors").toEqual([]);
}

/** No secret (code, token, key) ever appears in a URL the browser asked for. */
export function expectNotInUrls(session: Session, ...secrets: string[]) {
  for (const secret of secrets.filter(Boolean)) {
    const leaking = session.urls.filter((url) => url.includes(secret) || url.includes(encodeURIComponent(secret)));
    expect(leaking, `a URL carried ${secret.slice(0, 6)}…`).toEqual([]);
  }
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, label: string) {
  // Injected through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations;
  });
  const serious = (violations as AxeViolation[]).filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = serious.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .map((n) => JSON.stringify(n.target))
        .slice(0, 5)
        .join(", ")}`,
  );
  expect(summary, `accessibility of ${label}`).toEqual([]);
}

/** Signs a staff member in through the admin sign-in page and waits for the dashboard. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/admin/sign-in");
  await page.getByLabel(/^(邮箱|Email)$/).fill(email);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await page.getByRole("button", { name: /^(登录|Sign in)$/ }).click();
  await page.waitForURL((url) => url.pathname === "/admin");
  await page.getByRole("navigation", { name: /后台导航|Admin sections/ }).waitFor();
}

/** Follows an admin navigation link the way a person would. */
export async function openAdminSection(page: Page, name: RegExp) {
  await page
    .getByRole("navigation", { name: /后台导航|Admin sections/ })
    .getByRole("link", { name })
    .click();
}
