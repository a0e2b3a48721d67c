import { z } from "zod";
import { BOUNDS, checkBoundedDecimal } from "../kernel/bounds.js";
import { canonicalDecimal } from "../kernel/decimal.js";

/**
 * A bounded decimal input (string or plain number) stored as a canonical decimal string:
 * amounts (15 integer digits, 6 decimals) or quantities (12, 6).
 */
export function decimalText(sign: "nonnegative" | "positive" | "any", what: "amount" | "quantity" | "price" = "amount") {
  const limits = what === "quantity" ? BOUNDS.quantity : BOUNDS.amount;
  return z.union([z.string(), z.number()]).transform((input, ctx): string => {
    const parsed = checkBoundedDecimal(input, limits, what === "price" ? "amount" : what, sign);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.reason, input });
      return z.NEVER;
    }
    return canonicalDecimal(parsed.value);
  });
}
