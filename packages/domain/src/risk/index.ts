export * from "./lists";
export * from "./redemption";
export * from "./scoring";
export * from "./settings";
