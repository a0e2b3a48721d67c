import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { strictInput } from "../kernel/strict-input.js";
import type { Transaction } from "../ports/storage.js";
import type { CommandContext } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { decimalText } from "./inputs.js";
import type { SalesSettings } from "./options.js";
import { functionalRate } from "./rate.js";
import { amountOf, convertMinor, minorOf } from "./amounts.js";

/*
 * Credit limits for customers who buy on account: an order placed with payment terms may not
 * take the customer's receivables (every open invoice less the credits on account, in the
 * functional currency, as finance holds them) beyond its limit. The limit's row is locked while
 * an order checks it, so two orders placed at once cannot both pass on the same headroom.
 */

export const CREDIT_LIMITS = "sales.credit-limits";

/**
 * A customer's credit limit as stored (functional currency).
 *
 * @example
 * ```ts
 * const limit: CreditLimit = { customerId: "c1", limit: "5000" };
 * ```
 */
export interface CreditLimit {
  readonly customerId: string;
  readonly limit: string;
}

/**
 * What a customer owes against its limit: `open` is its receivables (open invoices less credits
 * on account, functional), `available` what an order on account may still add (null: no limit).
 *
 * @example
 * ```ts
 * const status: CreditStatus = await sk.sales.creditStatus("c1");
 * status.available; // "381"
 * ```
 */
export interface CreditStatus {
  readonly customerId: string;
  readonly currency: string;
  readonly limit: string | null;
  readonly open: string;
  readonly available: string | null;
}

/**
 * Sets (or with `limit: null` removes) a customer's credit limit, in the functional currency.
 * Orders placed on account (with payment terms) are then refused when they would take the
 * customer's receivables beyond it.
 *
 * @example
 * ```ts
 * await sk.sales.setCreditLimit({ customerId: "c1", limit: "5000" });
 * ```
 */
export const setCreditLimit = defineLibraryCommand({
  name: "sales.setCreditLimit",
  input: strictInput({ customerId: idSchema<string>(), limit: decimalText("nonnegative").nullable() }),
  async handle(ctx, input): Promise<{ result: { customerId: string; limit: string | null } }> {
    const existing = await ctx.tx.documents.getForUpdate<never>(CREDIT_LIMITS, input.customerId);
    if (input.limit === null) {
      if (existing !== undefined) await ctx.tx.documents.delete(CREDIT_LIMITS, input.customerId, existing.version);
      return { result: { customerId: input.customerId, limit: null } };
    }
    const doc: CreditLimit = { customerId: input.customerId, limit: canonicalDecimal(new Decimal(input.limit)) };
    await ctx.tx.documents.put(CREDIT_LIMITS, input.customerId, doc as never, existing?.version ?? 0);
    return { result: { customerId: doc.customerId, limit: doc.limit } };
  },
});

/** The customer's receivables in the functional currency (open invoices less credits), or "0" without finance. */
async function receivablesOf(tx: Transaction, settings: SalesSettings, customerId: string): Promise<Decimal> {
  return new Decimal(settings.seams.partyReceivables === undefined ? "0" : await settings.seams.partyReceivables(tx, customerId));
}

/**
 * A customer's credit status (see {@link CreditStatus}).
 *
 * @example
 * ```ts
 * const status = await runtime.read((tx) => creditStatusOf(tx, settings, "EUR", "c1"));
 * ```
 */
export async function creditStatusOf(tx: Transaction, settings: SalesSettings, functionalCurrency: string, customerId: string): Promise<CreditStatus> {
  const limit = (await tx.documents.get<never>(CREDIT_LIMITS, customerId))?.data as CreditLimit | undefined;
  const open = await receivablesOf(tx, settings, customerId);
  return {
    customerId,
    currency: functionalCurrency,
    limit: limit?.limit ?? null,
    open: canonicalDecimal(open),
    available: limit === undefined ? null : canonicalDecimal(Decimal.max(0, new Decimal(limit.limit).minus(open))),
  };
}

/**
 * Refuses an order on account that would take its customer's receivables beyond the credit
 * limit (`VALIDATION_FAILED` with `reason: "credit-limit"`, the limit, what is open and what is
 * available). The limit's row stays locked until the order commits. Nothing to check for a
 * guest, an order paid up front (no payment terms) or a customer without a limit.
 *
 * @example
 * ```ts
 * await checkCreditLimit(ctx, settings, { customerId: "c1", currency: "EUR", gross: "119", paymentTermsDays: 14 });
 * ```
 */
export async function checkCreditLimit(ctx: CommandContext, settings: SalesSettings, order: { readonly customerId: string; readonly currency: string; readonly gross: string; readonly paymentTermsDays: number }): Promise<void> {
  if (order.customerId === "" || order.paymentTermsDays <= 0) return;
  const doc = await ctx.tx.documents.getForUpdate<never>(CREDIT_LIMITS, order.customerId);
  if (doc === undefined) return;
  const limit = new Decimal((doc.data as CreditLimit).limit);
  const open = await receivablesOf(ctx.tx, settings, order.customerId);
  const fc = ctx.config.functionalCurrency;
  // At the day's rate, rounded to the functional currency's minor unit as the invoice will be.
  const functional = new Decimal(amountOf(convertMinor(minorOf(order.gross, order.currency), order.currency, fc, await functionalRate(ctx, order.currency)), fc));
  if (open.plus(functional).lte(limit)) return;
  const available = Decimal.max(0, limit.minus(open));
  throw new StorekeepError(
    "VALIDATION_FAILED",
    `Customer ${order.customerId} has a credit limit of ${canonicalDecimal(limit)} ${fc} and owes ${canonicalDecimal(open)} ${fc}; this order on account (${order.gross} ${order.currency}${order.currency === fc ? "" : ` = ${canonicalDecimal(functional)} ${fc}`}) would take it beyond, with ${canonicalDecimal(available)} ${fc} available. Take payment up front (no paymentTermsDays), wait for payments, or raise the limit (sales.setCreditLimit).`,
    { reason: "credit-limit", customerId: order.customerId, limit: canonicalDecimal(limit), open: canonicalDecimal(open), available: canonicalDecimal(available), issues: [{ path: "paymentTermsDays", message: "credit limit reached", code: "custom" }] },
  );
}
