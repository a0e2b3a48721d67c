export * from "./errors.js";
export * from "./decimal.js";
export * from "./bounds.js";
export * from "./currencies.js";
export * from "./money.js";
export * from "./quantity.js";
export * from "./local-date.js";
export * from "./ids.js";
