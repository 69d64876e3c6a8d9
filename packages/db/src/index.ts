export * from "./chunks";
export * from "./client";
export * as schema from "./schema";
