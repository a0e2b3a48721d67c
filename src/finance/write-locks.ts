import { z } from "zod";
import { localDateSchema } from "../kernel/local-date.js";
import type { JsonObject } from "../ports/storage.js";
import { type CommandContext } from "../runner/command.js";
import { PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID, POSTING_DOMAINS, type PeriodLockState, periodRange, periodSchema, readPeriodLocks } from "./periods.js";


/**
 * The input of `lockPeriod` and `hardLock`: a date or a period, and optionally the domains.
 *
 * @example
 * ```ts
 * lockSchema.parse({ period: "2026-03", domains: ["sales"] });
 * ```
 */
export const lockSchema = z
  .object({
    through: localDateSchema.optional(),
    period: periodSchema.optional(),
    domains: z.array(z.enum(POSTING_DOMAINS)).min(1).max(4).optional(),
  })
  .refine((x) => (x.through === undefined) !== (x.period === undefined), { message: "give exactly one of through (a date) or period (YYYY-MM)", path: ["through"] });

/** The lock date a lock command names: `through`, or the end of `period`. */
export function lockDate(input: { through?: string | undefined; period?: string | undefined }): string {
  return input.through ?? periodRange(input.period!).end;
}

/** Locks the lock document for update and writes the next lock state. */
export async function writeLocks(ctx: CommandContext, next: (state: PeriodLockState) => PeriodLockState): Promise<PeriodLockState> {
  const doc = await ctx.tx.documents.getForUpdate(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID);
  const state = await readPeriodLocks(ctx.tx);
  const updated = next(state);
  await ctx.tx.documents.put(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID, updated as unknown as JsonObject, doc?.version ?? 0);
  return updated;
}

