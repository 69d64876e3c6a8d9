export * from "./provider";
export * from "./sandbox";
export * from "./saved-methods";
export * from "./signature";
