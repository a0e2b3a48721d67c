import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import type { CommandContext } from "../runner/command.js";
import type { PurchasingSettings } from "./options.js";
import { toFunctional } from "./amounts.js";

/**
 * Whether an order needs an approver: its functional net exceeds the approval limit, or
 * its value in the functional currency is unknown (no rate on the order date).
 *
 * @example
 * ```ts
 * approvalRequired(new Decimal("5000"), "7200.5"); // true
 * ```
 */
export function approvalRequired(limit: Decimal, functionalNet: string | null): boolean {
  return functionalNet === null || new Decimal(functionalNet).gt(limit);
}

/** The order's net in the functional currency at the order date's rate, or null when no rate is known. */
export async function functionalNetOf(ctx: CommandContext, currency: string, net: string, date: string): Promise<string | null> {
  const functional = ctx.config.functionalCurrency;
  if (currency === functional) return net;
  const rate = await ctx.rates.rate(currency, functional, date as never);
  return rate === undefined ? null : canonicalDecimal(toFunctional(new Decimal(net), rate, functional));
}

/** The approval block of a (re)priced order: required or not, nobody has approved yet. */
export function pendingApproval(settings: PurchasingSettings, functionalNet: string | null) {
  return { required: approvalRequired(settings.approvalLimit, functionalNet), approvedBy: null, approvedAt: null, revision: null };
}
