import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { currencySchema } from "../kernel/money-schema.js";
import { defineLibraryCommand } from "../runner/library.js";
import { amountOf, convertMinor, inputMinorOf, minorOf, moneyOf } from "./amounts.js";
import { decimalText } from "./inputs.js";
import { ORDERS, PAYMENTS, PAYOUTS, type PaymentDoc } from "./order.js";
import { lockDocuments } from "../runner/batch-documents.js";
import { fingerprintOf } from "./payment-records.js";
import { functionalRate } from "./rate.js";
import { strictInput } from "../kernel/strict-input.js";

const id = idSchema<string>();
export const settlePayoutSchema = strictInput({
  payoutId: id,
  provider: id.optional(),
  currency: currencySchema,
  /** The captured money settled (negative when refunds exceed captures). */
  gross: decimalText("any"),
  fees: decimalText("nonnegative"),
  /** The captures this payout settles: their booked value gives the exchange difference. Each is paid out once. */
  paymentIds: z.array(id).max(10_000).optional(),
  /** The refunds the provider netted in this payout (its payout report lists them beside the captures): `gross` is then the captures less these. Each is paid out once. */
  refundIds: z.array(id).max(10_000).optional(),
  /**
   * The provider converted the captures' money into the payout's currency (a EUR payout of
   * USD charges): `gross` here is what it converted, in the captures' currency. The named
   * captures and refunds are then in this currency, and the difference between their booked
   * value and the payout's is an exchange difference.
   */
  converted: strictInput({ currency: currencySchema, gross: decimalText("any") }).optional(),
});

/**
 * Records a provider payout to the bank: net = gross − fees; posts Dr Bank, Dr Payment
 * fees / Cr Payment provider clearing, with the exchange difference against the
 * captures' booked value (less the refunds netted, when named) when they add up to `gross`.
 * A capture or refund named in an earlier payout, or twice, is refused: its money was paid out.
 * With `converted`, the provider paid out in another currency than it captured in: the
 * clearing account is relieved in the captures' currency at their booked value, the bank
 * receives the payout's currency, and finance books the difference.
 *
 * @example
 * ```ts
 * await sk.sales.settlePayout({ payoutId: "po_1", currency: "EUR", gross: "100", fees: "1.65", paymentIds: ["ch_1"] });
 * // USD charges paid out in EUR: 108.00 USD converted into 97.00 EUR.
 * await sk.sales.settlePayout({ payoutId: "po_2", currency: "EUR", gross: "97.00", fees: "0.35", paymentIds: ["ch_us"], converted: { currency: "USD", gross: "108.00" } });
 * ```
 */
export const settlePayout = defineLibraryCommand({
  name: "sales.settlePayout",
  input: settlePayoutSchema,
  async handle(ctx, input) {
    await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
    // The provider's payout webhook delivered again (any idempotency key) replays the first result; other content under the id is refused.
    const fingerprint = fingerprintOf({
      provider: input.provider,
      currency: input.currency,
      gross: input.gross,
      fees: input.fees,
      paymentIds: input.paymentIds?.join(","),
      refundIds: input.refundIds?.join(","),
      ...(input.converted === undefined ? {} : { converted: `${input.converted.gross} ${input.converted.currency}` }),
    });
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
    // The money the payout draws from the provider's balance: the payout's own, or what the provider converted.
    const converted = input.converted;
    const sc = converted?.currency ?? c;
    if (converted !== undefined && sc === c) {
      throw new StorekeepError("VALIDATION_FAILED", `converted.currency is ${sc}, the payout's own currency; leave converted out for a payout the provider did not convert.`, { issues: [{ path: "converted.currency", message: "the payout's own currency", code: "custom" }] });
    }
    const settledGross = converted === undefined ? gross : inputMinorOf(converted.gross, sc, "converted.gross");
    if (converted !== undefined && (settledGross > 0n) !== (gross > 0n)) {
      throw new StorekeepError("VALIDATION_FAILED", `Payout ${input.payoutId}: gross ${input.gross} ${c} and converted.gross ${converted.gross} ${sc} must have the same sign (both positive, or both zero or negative when refunds exceed captures).`, { issues: [{ path: "converted.gross", message: "the sign of gross", code: "custom" }] });
    }
    // The captures and refunds named, each paid out once: locked, checked, and marked with this payout.
    const named = [...(input.paymentIds ?? []).map((pid) => ({ key: `capture:${pid}`, id: pid, sign: 1n, path: "paymentIds" })), ...(input.refundIds ?? []).map((rid) => ({ key: `refund:${rid}`, id: rid, sign: -1n, path: "refundIds" }))];
    const docs = new Map((await lockDocuments<PaymentDoc & { [k: string]: never }>(ctx.tx, PAYMENTS, named.map((n) => n.key))).map((d) => [d.id, d]));
    let sum = 0n;
    let booked = 0n;
    // Captures and refunds recorded before they kept their currency: their orders say it.
    const unknown = [...new Set([...docs.values()].filter((d) => (d.data as PaymentDoc).currency === undefined).map((d) => (d.data as PaymentDoc).orderId))];
    const orderCurrency = new Map((await ctx.tx.documents.getMany<{ currency: string } & { [k: string]: never }>(ORDERS, unknown)).map((d) => [d.id, (d.data as { currency: string }).currency]));
    for (const [index, n] of named.entries()) {
      if (named.findIndex((x) => x.key === n.key) !== index) {
        throw new StorekeepError("VALIDATION_FAILED", `${n.path}: ${n.id} is named twice; a payout pays each capture and refund out once.`, { issues: [{ path: n.path, message: `${n.id} repeated`, code: "custom" }] });
      }
      const doc = docs.get(n.key);
      if (doc === undefined) throw new StorekeepError("NOT_FOUND", `No ${n.sign > 0n ? "capture" : "refund"} ${n.id} to settle.`, n.sign > 0n ? { paymentId: n.id } : { refundId: n.id });
      const data = doc.data as PaymentDoc;
      if (data.payoutId !== undefined && data.payoutId !== null) {
        throw new StorekeepError("VALIDATION_FAILED", `${n.sign > 0n ? "Capture" : "Refund"} ${n.id} was paid out in payout ${data.payoutId} already; name it in one payout only.`, { payoutId: data.payoutId, issues: [{ path: n.path, message: `${n.id} paid out in ${data.payoutId}`, code: "custom" }] });
      }
      const currency = data.currency ?? orderCurrency.get(data.orderId);
      if (currency !== sc) {
        const because =
          converted === undefined
            ? `the payout in ${c}: a payout settles the captures and refunds of its own currency. Record a payout per currency the provider settles in, or pass converted: { currency: "${currency ?? "…"}", gross } when the provider converted them into ${c}.`
            : `the payout converted ${sc}: a payout converts the captures and refunds of one currency. Record a payout per currency the provider converted.`;
        throw new StorekeepError("VALIDATION_FAILED", `${n.sign > 0n ? "Capture" : "Refund"} ${n.id} is in ${currency ?? "an unknown currency"}, ${because}`, { issues: [{ path: n.path, message: `${n.id} is in ${currency ?? "?"}`, code: "custom" }] });
      }
      sum += n.sign * minorOf(data.amount, sc);
      booked += n.sign * minorOf(data.functionalAmount, fc);
      await ctx.tx.documents.put(PAYMENTS, n.key, { ...data, payoutId: input.payoutId } as never, doc.version);
    }
    // With its refunds named, what the payout names is what it pays: the captures less the
    // refunds make its gross (else the provider's clearing account keeps the difference while the
    // captures read paid out). Without them the provider may have netted refunds not named, so
    // the gross may be less than the captures, never more.
    if (named.length > 0 && (input.refundIds !== undefined ? sum !== settledGross : settledGross > sum)) {
      const what = input.refundIds !== undefined ? "the captures named less the refunds named" : "the captures named (refunds netted may lower it, nothing raises it)";
      const field = converted === undefined ? "gross" : "converted.gross";
      const stated = converted === undefined ? input.gross : converted.gross;
      throw new StorekeepError("VALIDATION_FAILED", `Payout ${input.payoutId}: ${field} ${stated} ${sc} does not match the ${amountOf(sum, sc)} ${sc} of ${what}. Name every capture and refund the provider netted (its payout report lists them), or none.`, { payoutId: input.payoutId, named: amountOf(sum, sc), issues: [{ path: field, message: `the named captures${input.refundIds !== undefined ? " less refunds" : ""} make ${amountOf(sum, sc)}`, code: "custom" }] });
    }
    // A converted payout relieves the clearing account of the captures' currency at their
    // booked value (when the named ones make the whole of it), else at today's rate; the
    // bank gets the payout's value, and the two differ by the provider's conversion.
    let settled: { currency: string; rate: string; gross: ReturnType<typeof moneyOf>; functional: ReturnType<typeof moneyOf> } | undefined;
    let exchangeDifference: bigint;
    if (converted !== undefined) {
      const settledRate = await functionalRate(ctx, sc);
      const settledFunctional = named.length > 0 && sum === settledGross ? booked : convertMinor(settledGross, sc, fc, settledRate);
      settled = { currency: sc, rate: settledRate, gross: moneyOf(settledGross, sc), functional: moneyOf(settledFunctional, fc) };
      exchangeDifference = settledFunctional - fGross;
    } else {
      exchangeDifference = named.length > 0 && c !== fc && sum === gross ? booked - fGross : 0n;
    }
    const result = { payoutId: input.payoutId, net: amountOf(gross - fees, c) };
    await ctx.tx.documents.put(PAYOUTS, input.payoutId, { payoutId: input.payoutId, gross: amountOf(gross, c), currency: c, ...(settled === undefined ? {} : { converted: { gross: settled.gross.amount, currency: sc } }), fingerprint, result } as never, 0);
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
            ...(settled === undefined ? {} : { settled }),
            ...(exchangeDifference === 0n ? {} : { exchangeDifference: moneyOf(exchangeDifference, fc) }),
          },
        },
      ],
    };
  },
});
