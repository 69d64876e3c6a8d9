export * from "./checkout-gate";
export * from "./limits";
export * from "./lists";
export * from "./lookup-gate";
export * from "./redemption";
export * from "./scoring";
export * from "./settings";
