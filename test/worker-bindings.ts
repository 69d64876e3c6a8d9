/**
 * Secrets for the worker test project. Fixed test values, never used anywhere else; the
 * development values live in .dev.vars (from .dev.vars.example).
 */
export const TEST_BINDINGS = {
  ENVIRONMENT: "test",
  SANDBOX_PAYMENTS: "enabled",
  RESERVATION_TTL_SECONDS: "900",
  OPERATOR_API_KEY: "test-operator-key-0123456789abcdef",
  CODE_HMAC_KEY: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
  ENCRYPTION_KEYS: JSON.stringify({
    k1: "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhs=",
    k2: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  }),
  ENCRYPTION_ACTIVE_KEY_ID: "k2",
  SANDBOX_WEBHOOK_SECRET: "whsec_test_0123456789abcdef",
} as const;
