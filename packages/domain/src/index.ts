export * from "./base32";
export * from "./code-format";
export * from "./code-policy";
export * from "./crypto";
export * from "./ids";
export * from "./money";
export * from "./order-state";
export * from "./redemption-id";
