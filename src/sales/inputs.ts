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
    const canonical = alreadyCanonical(input, limits, sign);
    if (canonical !== undefined) return canonical;
    const parsed = checkBoundedDecimal(input, limits, what === "price" ? "amount" : what, sign);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.reason, input });
      return z.NEVER;
    }
    return canonicalDecimal(parsed.value);
  });
}

/**
 * The text of an input that is already a canonical decimal within the limits ("12.5", "0",
 * "0.25": no sign, no leading zero, no trailing zero of the fraction), which is what the
 * full check would turn it into; undefined for anything else (the full check decides).
 */
function alreadyCanonical(input: unknown, limits: { readonly integerDigits: number; readonly fractionDigits: number }, sign: "nonnegative" | "positive" | "any"): string | undefined {
  const text = typeof input === "string" ? input : typeof input === "number" ? String(input) : undefined;
  if (text === undefined) return undefined;
  const length = text.length;
  if (length === 0 || length > 40) return undefined;
  if (text === "0") return sign === "positive" ? undefined : text;
  let dot = -1;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (dot >= 0) return undefined;
      dot = i;
    } else if (c < 48 || c > 57) return undefined;
  }
  const first = text.charCodeAt(0);
  if (dot < 0) return first !== 48 && length <= limits.integerDigits ? text : undefined;
  if (dot === 0 || dot === length - 1 || text.charCodeAt(length - 1) === 48) return undefined;
  // "0.x" has no integer digits; any other leading zero is not canonical.
  const integerDigits = first === 48 ? (dot === 1 ? 0 : -1) : dot;
  if (integerDigits < 0 || integerDigits > limits.integerDigits || length - dot - 1 > limits.fractionDigits) return undefined;
  return text;
}
