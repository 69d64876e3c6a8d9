// What test/e2e/global-setup.ts hands to the browser tests through `inject`.
declare module "vitest" {
  export interface ProvidedContext {
    /** The Worker under test, serving the built web app, e.g. http://127.0.0.1:41234. */
    baseUrl: string;
    operatorApiKey: string;
  }
}

export {};
