import { z } from "zod";
import { BOUNDS, checkBoundedDecimal } from "../kernel/bounds.js";
import type { Decimal } from "../kernel/decimal.js";

/** A positive amount (string or number) parsed to a Decimal. */
export function positiveAmountSchemaOf() {
  return z.union([z.string(), z.number()]).transform((input, ctx): Decimal => {
    const parsed = checkBoundedDecimal(input, BOUNDS.amount, "amount", "positive");
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.reason, input });
      return z.NEVER;
    }
    return parsed.value;
  });
}
