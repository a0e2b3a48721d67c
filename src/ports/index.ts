export * from "./clock.js";
export * from "./ids.js";
export * from "./period-locks.js";
export * from "./rates.js";
export * from "./storage.js";
export * from "./digest.js";
