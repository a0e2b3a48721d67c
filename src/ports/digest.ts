/**
 * The seam for hashing: SHA-256 of a string's UTF-8 bytes, as lowercase hex. The journal's
 * hash chain, idempotency claims and document claims hash through it on every command, so
 * the implementation matters for speed, never for the result: every implementation gives
 * the same digest (a lone surrogate hashes as U+FFFD, as Node's does).
 *
 * The core ships a pure-JavaScript SHA-256 (`jsDigest`), so it runs anywhere;
 * `createStorekeep` uses the runtime's native one where there is one (`nativeDigest`: Node,
 * Bun, Deno), about ten times faster on a journal entry.
 *
 * @example
 * ```ts
 * const digest: Digest = { sha256Hex: (text) => myHash(text) };
 * createStorekeep({ digest });
 * ```
 */
export interface Digest {
  /** SHA-256 of `text` encoded as UTF-8, 64 lowercase hex digits. */
  sha256Hex(text: string): string;
}
