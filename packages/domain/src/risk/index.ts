export * from "./checkout-gate";
export * from "./limits";
export * from "./lookup-gate";
