/**
 * The root entry's runtime names, one per line: `npm run api:snapshot` rewrites
 * tests/package/public-api.txt after a reviewed change of the public API.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as root from "../../src/index.js";

export const SNAPSHOT = fileURLToPath(new URL("./public-api.txt", import.meta.url));

/** The runtime names the root entry exports, sorted. */
export function rootNames(): string[] {
  return Object.keys(root).sort();
}

/** The names the snapshot file lists. */
export function snapshotNames(): string[] {
  return readFileSync(SNAPSHOT, "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
}

if (process.argv.includes("--write")) {
  const header = "# The root entry's runtime names (npm run api:snapshot rewrites this file; review the diff).\n";
  writeFileSync(SNAPSHOT, header + rootNames().join("\n") + "\n");
  console.log(`wrote ${rootNames().length} names to ${SNAPSHOT}`);
}
