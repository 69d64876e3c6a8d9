export * from "./adapter.ts";
export * from "./outbound.ts";
export * from "./protocol.ts";
export * from "./signed-gateway.ts";
