/**
 * Integration global setup: build and pack the package once for every test file that
 * installs the tarball (the package, the documented snippets, the web examples).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    storekeepPack: { tarball: string; files: string[] };
  }
}

export default function setup(project: TestProject): () => void {
  const root = resolve(import.meta.dirname, "../..");
  const work = mkdtempSync(join(tmpdir(), "storekeep-tarball-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")));
  execFileSync("npm", ["run", "build"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as { filename: string; files: { path: string }[] }[];
  const first = packed[0];
  if (!first) throw new Error("npm pack reported nothing");
  project.provide("storekeepPack", { tarball: join(work, first.filename), files: first.files.map((f) => f.path) });
  return () => rmSync(work, { recursive: true, force: true });
}
