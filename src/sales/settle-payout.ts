import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { currencySchema } from "../kernel/money-schema.js";
import { defineLibraryCommand } from "../runner/library.js";
import { amountOf, convertMinor, inputMinorOf, minorOf, moneyOf } from "./amounts.js";
import { decimalText } from "./inputs.js";
import { PAYMENTS, PAYOUTS, type PaymentDoc } from "./order.js";
import { fingerprintOf } from "./payment-records.js";
import { functionalRate } from "./rate.js";

const id = idSchema<string>();
export const settlePayoutSchema = z.strictObject({
  payoutId: id,
  provider: id.optional(),
  currency: currencySchema,
  /** The captured money settled (negative when refunds exceed captures). */
  gross: decimalText("any"),
  fees: decimalText("nonnegative"),
  /** The captures this payout settles: their booked value gives the exchange difference. */
  paymentIds: z.array(id).max(10_000).optional(),
});

/**
 * Records a provider payout to the bank: net = gross − fees; posts Dr Bank, Dr Payment
 * fees / Cr Payment provider clearing, with the exchange difference against the
 * captures' booked value when they are named and add up to `gross`.
 *
 * @example
 * ```ts
 * await sk.sales.settlePayout({ payoutId: "po_1", currency: "EUR", gross: "100", fees: "1.65", paymentIds: ["ch_1"] });
 * ```
 */
export const settlePayout = defineLibraryCommand({
  name: "sales.settlePayout",
  input: settlePayoutSchema,
  async handle(ctx, input) {
    await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
    // The provider's payout webhook delivered again (any idempotency key) replays the first result; other content under the id is refused.
    const fingerprint = fingerprintOf({ provider: input.provider, currency: input.currency, gross: input.gross, fees: input.fees, paymentIds: input.paymentIds?.join(",") });
    const prior = await ctx.tx.documents.get<{ fingerprint?: string; result?: { payoutId: string; net: string } } & { [k: string]: never }>(PAYOUTS, input.payoutId);
    if (prior !== undefined) {
      const recorded = prior.data as { fingerprint?: string; result?: { payoutId: string; net: string } };
      if (recorded.fingerprint === fingerprint && recorded.result !== undefined) return { result: recorded.result };
      throw new StorekeepError("DUPLICATE_DOCUMENT", `Payout ${input.payoutId} was already recorded with other content; a payout id is used once.`, { payoutId: input.payoutId });
    }
    const c = input.currency;
    const fc = ctx.config.functionalCurrency;
    const gross = inputMinorOf(input.gross, c, "gross");
    const fees = inputMinorOf(input.fees, c, "fees");
    const rate = await functionalRate(ctx, c);
    const fGross = convertMinor(gross, c, fc, rate);
    const fFees = convertMinor(fees, c, fc, rate);
    let exchangeDifference = 0n;
    if (input.paymentIds !== undefined && c !== fc) {
      let sum = 0n;
      let booked = 0n;
      for (const pid of input.paymentIds) {
        const p = await ctx.tx.documents.get<PaymentDoc & { [k: string]: never }>(PAYMENTS, `capture:${pid}`);
        if (p === undefined) throw new StorekeepError("NOT_FOUND", `No capture ${pid} to settle.`, { paymentId: pid });
        sum += minorOf((p.data as PaymentDoc).amount, c);
        booked += minorOf((p.data as PaymentDoc).functionalAmount, fc);
      }
      if (sum === gross) exchangeDifference = booked - fGross;
    }
    const result = { payoutId: input.payoutId, net: amountOf(gross - fees, c) };
    await ctx.tx.documents.put(PAYOUTS, input.payoutId, { payoutId: input.payoutId, gross: amountOf(gross, c), currency: c, fingerprint, result } as never, 0);
    return {
      result,
      events: [
        {
          type: "PayoutSettled",
          aggregateType: "payout",
          aggregateId: input.payoutId,
          effectiveDate: ctx.today,
          payload: {
            payoutId: input.payoutId,
            ...(input.provider === undefined ? {} : { provider: input.provider }),
            ...(input.paymentIds === undefined ? {} : { paymentIds: input.paymentIds }),
            currency: c,
            functionalCurrency: fc,
            rate,
            gross: moneyOf(gross, c),
            fees: moneyOf(fees, c),
            net: moneyOf(gross - fees, c),
            functional: { gross: moneyOf(fGross, fc), fees: moneyOf(fFees, fc), net: moneyOf(fGross - fFees, fc) },
            ...(exchangeDifference === 0n ? {} : { exchangeDifference: moneyOf(exchangeDifference, fc) }),
          },
        },
      ],
    };
  },
});
