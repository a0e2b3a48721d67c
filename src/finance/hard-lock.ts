import type { JsonObject } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { POSTING_DOMAINS, withHardLock, withSoftLock } from "./periods.js";
import { lockDate, lockSchema, writeLocks } from "./write-locks.js";

/**
 * Hard-locks every domain through a date or the end of a period (a hard lock only moves forward).
 *
 * @example
 * ```ts
 * await runtime.execute(hardLock, { through: "2026-03-31" });
 * ```
 */
export const hardLock = defineLibraryCommand({
  name: "finance.hardLock",
  input: lockSchema,
  async handle(ctx, input) {
    const through = lockDate(input, ctx.today);
    const state = await writeLocks(ctx, (s) => withHardLock(withSoftLock(s, POSTING_DOMAINS, through), through));
    return { result: state as unknown as JsonObject };
  },
});
