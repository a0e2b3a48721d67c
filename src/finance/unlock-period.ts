import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { JsonObject } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { POSTING_DOMAINS, withSoftUnlock } from "./periods.js";
import { writeLocks } from "./write-locks.js";
import { strictInput } from "../kernel/strict-input.js";

const unlockSchema = strictInput({
  domain: z.enum(POSTING_DOMAINS),
  through: localDateSchema.nullable().optional(),
});

/**
 * Moves a domain's soft lock back (never behind the hard lock).
 *
 * @example
 * ```ts
 * await runtime.execute(unlockPeriod, { domain: "sales", through: null });
 * ```
 */
export const unlockPeriod = defineLibraryCommand({
  name: "finance.unlockPeriod",
  input: unlockSchema,
  async handle(ctx, input) {
    const state = await writeLocks(ctx, (s) => {
      const target = input.through ?? null;
      if (s.hard !== null && (target === null || target < s.hard)) {
        throw new StorekeepError("INVALID_TRANSITION", `The books are hard-locked through ${s.hard}; a hard lock cannot be lifted, so ${input.domain} can only be unlocked back to ${s.hard}.`, { domain: input.domain, hard: s.hard });
      }
      return withSoftUnlock(s, input.domain, target);
    });
    return { result: state as unknown as JsonObject };
  },
});
