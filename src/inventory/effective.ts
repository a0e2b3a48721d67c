import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema, startOfLocalDate } from "../kernel/local-date.js";
import { instantString } from "../kernel/events/fields.js";
import { type CommandContext, nowIsoOf } from "../runner/command.js";

/**
 * When a movement takes effect: an instant (`effectiveAt`), or a business date
 * (`effectiveDate`: the start of that day in the shop's time zone, or the command's instant
 * when it is today); neither means now.
 *
 * @example
 * ```ts
 * effectiveSchema.parse({ effectiveDate: "2026-03-05" });
 * ```
 */
export const effectiveSchema = z.object({
  effectiveAt: instantString.optional(),
  effectiveDate: localDateSchema.optional(),
});

/**
 * The effective instant (ISO) of a command or event: see {@link effectiveSchema}. Refuses
 * instants after the command's own (stock does not move in the future).
 *
 * @example
 * ```ts
 * const at = effectiveInstant(ctx, { effectiveDate: "2026-03-05" });
 * ```
 */
export function effectiveInstant(ctx: CommandContext, input: { readonly effectiveAt?: string | undefined; readonly effectiveDate?: string | undefined }): string {
  let at: string;
  if (input.effectiveAt !== undefined) at = input.effectiveAt;
  else if (input.effectiveDate === undefined || input.effectiveDate === ctx.today) at = nowIsoOf(ctx);
  else at = startOfLocalDate(input.effectiveDate as Parameters<typeof startOfLocalDate>[0], ctx.config.timeZone).toISOString();
  if (at > nowIsoOf(ctx)) {
    throw new StorekeepError("VALIDATION_FAILED", `Stock cannot move in the future: ${at} is after now (${ctx.now.toISOString()}). Record it when it happens.`, {
      issues: [{ path: input.effectiveAt !== undefined ? "effectiveAt" : "effectiveDate", message: "in the future", code: "custom" }],
    });
  }
  return at;
}
