import type { JsonObject } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { POSTING_DOMAINS, withSoftLock } from "./periods.js";
import { lockDate, lockSchema, writeLocks } from "./write-locks.js";

/**
 * Soft-locks domains (default: all) through a date or the end of a period; a soft lock never moves back here.
 *
 * @example
 * ```ts
 * await runtime.execute(lockPeriod, { period: "2026-03", domains: ["sales", "stock"] });
 * ```
 */
export const lockPeriod = defineLibraryCommand({
  name: "finance.lockPeriod",
  input: lockSchema,
  async handle(ctx, input) {
    const through = lockDate(input);
    const state = await writeLocks(ctx, (s) => withSoftLock(s, input.domains ?? POSTING_DOMAINS, through));
    return { result: state as unknown as JsonObject };
  },
});
