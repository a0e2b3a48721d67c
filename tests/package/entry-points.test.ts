/**
 * What each published entry point pulls in, read from the source import graph: `storekeep/testing`
 * must load without the optional fast-check peer; only `storekeep/testing/arbitraries` needs it.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

/** Every bare package imported (value imports, not `import type`) by `entry` and the files it reaches. */
function packagesReachedFrom(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    const pattern = /^\s*(?:import|export)\s+(?!type\b)(?:[^;]*?\s+from\s+)?["']([^"']+)["']/gm;
    for (const match of text.matchAll(pattern)) {
      const spec = match[1] as string;
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (!packages.has(spec)) packages.set(spec, file.slice(root.length + 1));
    }
  }
  return packages;
}

describe("entry points", () => {
  it("storekeep/testing does not import fast-check (clock, ids, wrappers and the kit work without it)", () => {
    const reached = packagesReachedFrom("src/testing/index.ts");
    expect(reached.get("fast-check"), `fast-check is imported by ${reached.get("fast-check")}; move it to src/testing/arbitraries.ts`).toBeUndefined();
    expect(reached.size).toBeGreaterThan(0);
  });

  it("storekeep/testing/arbitraries is where fast-check is imported", () => {
    expect(packagesReachedFrom("src/testing/arbitraries.ts").has("fast-check")).toBe(true);
  });

  it("the root entry imports no test tooling (fast-check, vitest, node: modules)", () => {
    const reached = [...packagesReachedFrom("src/index.ts").keys()];
    expect(reached.filter((p) => p === "fast-check" || p === "vitest" || p.startsWith("node:"))).toEqual([]);
  });
});
