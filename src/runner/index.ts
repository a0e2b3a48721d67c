export * from "./command.js";
export * from "./config.js";
export * from "./runner.js";
export * from "./consumers.js";
export * from "./record-events.js";
export { canonicalJson, jsDigest, sha256Hex } from "./hash.js";
export * from "./simulation.js";
