import type { Digest } from "../ports/digest.js";

/** What this adapter uses of `node:crypto`. */
interface NodeCrypto {
  hash?: (algorithm: string, data: string, encoding: "hex") => string;
  createHash(algorithm: string): { update(data: string, encoding: "utf8"): { digest(encoding: "hex"): string } };
}

/**
 * The runtime's native SHA-256 (`node:crypto`, reached through
 * `process.getBuiltinModule` so that nothing imports `node:` statically and bundles for
 * browsers and edge runtimes still load), or `undefined` where the runtime has none —
 * then the core's pure-JavaScript digest is used. The same digests either way.
 *
 * @example
 * ```ts
 * const digest = nativeDigest() ?? jsDigest;
 * digest.sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function nativeDigest(): Digest | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  let crypto: NodeCrypto | undefined;
  try {
    crypto = proc?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
  if (crypto === undefined || typeof crypto.createHash !== "function") return undefined;
  const oneShot = crypto.hash;
  if (typeof oneShot === "function") return Object.freeze({ sha256Hex: (text: string) => oneShot("sha256", text, "hex") });
  const { createHash } = crypto;
  return Object.freeze({ sha256Hex: (text: string) => createHash("sha256").update(text, "utf8").digest("hex") });
}
