import { z } from "zod";
import { Decimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { defineLibraryCommand } from "../runner/library.js";
import { COUPONS, type CouponDoc, couponForUpdate, couponKey } from "./order.js";
import { orderDiscountSchema } from "./place-order.js";
import { strictInput } from "../kernel/strict-input.js";

export const defineCouponSchema = strictInput({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and -"),
  discount: orderDiscountSchema,
  /** How many orders may use it (null: no limit). Holds under concurrency: the coupon row is locked while an order takes a use. */
  usageLimit: z.number().int().min(1).max(1_000_000_000).nullable().default(null),
});

/**
 * Defines a coupon code with its order discount and usage limit. Codes are
 * case-insensitive: an order may give "welcome10" for "WELCOME10", and defining a code that
 * differs from an existing one only by case is `ALREADY_EXISTS`; the order and its discount
 * label show the code as defined.
 *
 * @example
 * ```ts
 * await sk.sales.defineCoupon({ code: "WELCOME10", discount: { kind: "percent", percent: "10" }, usageLimit: 100 });
 * ```
 */
export const defineCoupon = defineLibraryCommand({
  name: "sales.defineCoupon",
  input: defineCouponSchema,
  async handle(ctx, input) {
    // Checked here, not at every order that uses it (where the error would name a discount the customer never sent).
    if (input.discount.kind === "percent" && new Decimal(input.discount.percent).gt(100)) {
      throw new StorekeepError("VALIDATION_FAILED", `Coupon ${input.code}: discount.percent ${input.discount.percent} must be between 0 and 100.`, { issues: [{ path: "discount.percent", message: "between 0 and 100", code: "custom" }] });
    }
    const existing = await couponForUpdate(ctx.tx, input.code);
    if (existing !== undefined) {
      const same = existing.data.code === input.code;
      throw new StorekeepError("ALREADY_EXISTS", same ? `Coupon ${input.code} already exists.` : `Coupon ${existing.data.code} already exists, and codes are case-insensitive: ${input.code} would be the same code.`, { code: input.code, existing: existing.data.code });
    }
    const doc: CouponDoc = { code: input.code, discount: input.discount, usageLimit: input.usageLimit, used: 0 };
    await ctx.tx.documents.put(COUPONS, couponKey(input.code), doc as never, 0);
    return { result: { code: input.code } };
  },
});
