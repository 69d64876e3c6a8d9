// What test/scenario/global-setup.ts hands to the scenario tests through `inject`.
declare module "vitest" {
  export interface ProvidedContext {
    /** The Worker under test, e.g. http://127.0.0.1:41234 (no trailing slash). */
    baseUrl: string;
    operatorApiKey: string;
    sandboxWebhookSecret: string;
    demoAdminApiKey: string;
    demoPartnerApiKey: string;
  }
}

export {};
