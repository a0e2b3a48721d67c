import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { JsonObject } from "../ports/storage.js";
import { type CommandContext } from "../runner/command.js";
import { PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID, forgetPostingLocks, POSTING_DOMAINS, type PeriodLockState, periodRange, periodSchema, readPeriodLocks } from "./periods.js";
import { strictInput } from "../kernel/strict-input.js";


/**
 * The input of `lockPeriod` and `hardLock`: a date or a period, and optionally the domains.
 *
 * @example
 * ```ts
 * lockSchema.parse({ period: "2026-03", domains: ["sales"] });
 * ```
 */
export const lockSchema = strictInput({
  through: localDateSchema.optional(),
  period: periodSchema.optional(),
  domains: z.array(z.enum(POSTING_DOMAINS)).min(1).max(4).optional(),
})
  .refine((x) => (x.through === undefined) !== (x.period === undefined), { message: "give exactly one of through (a date) or period (YYYY-MM)", path: ["through"] });

/**
 * The lock date a lock command names: `through`, or the end of `period`. With `today` (a hard
 * lock), never after it: a hard lock of days still to come would refuse today's sales forever.
 */
export function lockDate(input: { through?: string | undefined; period?: string | undefined }, today?: string): string {
  const through = input.through ?? periodRange(input.period!).end;
  if (today !== undefined) refuseFutureLock(through, today, input.through === undefined ? "period" : "through", input.through === undefined ? `The period ${input.period}` : `A lock through ${through}`);
  return through;
}

/** Refuses a lock or close whose last day is after `today` (VALIDATION_FAILED naming `path`). */
export function refuseFutureLock(through: string, today: string, path: string, what: string): void {
  if (through <= today) return;
  throw new StorekeepError("VALIDATION_FAILED", `${what} ends on ${through}, after today (${today}): only days that have passed can be hard-locked or closed (a soft lock may run ahead, and be lifted).`, {
    through,
    today,
    issues: [{ path, message: `ends after today (${today})`, code: "custom" }],
  });
}

/** Locks the lock document for update and writes the next lock state. */
export async function writeLocks(ctx: CommandContext, next: (state: PeriodLockState) => PeriodLockState): Promise<PeriodLockState> {
  const doc = await ctx.tx.documents.getForUpdate(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID);
  const state = await readPeriodLocks(ctx.tx);
  const updated = next(state);
  await ctx.tx.documents.put(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID, updated as unknown as JsonObject, doc?.version ?? 0);
  forgetPostingLocks(ctx.tx);
  return updated;
}

