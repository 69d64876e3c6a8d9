export * from "./auth";
export * from "./idempotency";
