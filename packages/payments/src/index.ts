export * from "./provider";
export * from "./sandbox";
export * from "./signature";
