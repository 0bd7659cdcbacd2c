export * from "./accounts";
export * from "./billing";
export * from "./catalog";
export * from "./vouchers";
export * from "./notifications";
