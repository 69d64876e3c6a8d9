export * from "./chunks";
export * from "./client";
export * from "./queries";
export * as schema from "./schema";
