/**
 * The package as a user installs it: build, `npm pack`, install the tarball into an empty
 * project. Shared by the integration tests that check the tarball, the documented snippets
 * and the examples.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { inject } from "vitest";
import "./global-pack.js";

/** The repository root. */
export const root = resolve(import.meta.dirname, "../..");
/** The project's TypeScript compiler. */
export const tsc = join(root, "node_modules", ".bin", "tsc");

/** The environment without the parent npm's `npm_*` variables, which would leak into a child npm. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_"))), ...extra };
}

/** Runs a command; a failure throws with its whole output. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(command, args, { cwd, env: cleanEnv(env), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}\n${e.stderr ?? ""}\n${e.message}`);
  }
}

/** A consumer project with the packed tarball installed. */
export interface PackedConsumer {
  readonly work: string;
  readonly consumer: string;
  readonly tarball: string;
  /** The paths `npm pack` put in the tarball. */
  readonly files: readonly string[];
}

/** Builds, packs and installs the tarball (plus `extra` packages) into a fresh empty project. */
export function packAndInstall(prefix: string, extra: readonly string[] = []): PackedConsumer {
  const work = mkdtempSync(join(tmpdir(), prefix));
  // Built and packed once per run by the integration global setup (tests/package/global-pack.ts).
  const { tarball, files } = inject("storekeepPack");
  const consumer = join(work, "consumer");
  mkdirSync(consumer, { recursive: true });
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "storekeep-consumer", version: "1.0.0", private: true, type: "module" }, null, 2));
  run("npm", ["install", tarball, ...extra, "--no-audit", "--no-fund", "--prefer-offline"], consumer);
  return { work, consumer, tarball, files };
}
