import { z } from "zod";
import { Decimal, canonicalDecimal } from "../decimal.js";
import type { MoneyJson } from "../money.js";

/*
 * Cross-field checks used by the payload schemas' refinements. They run on parsed payloads
 * (canonical decimal strings), add zod issues with paths, and never throw.
 */

type Path = readonly (string | number)[];

/** Every amount listed is in `currency`. */
export function checkCurrency(ctx: z.RefinementCtx, currency: string, amounts: readonly (readonly [Path, MoneyJson | undefined])[]): void {
  for (const [path, money] of amounts) {
    if (money !== undefined && money.currency !== currency) {
      ctx.addIssue({ code: "custom", path: [...path, "currency"], message: `must be ${currency}, the currency this amount is stated in, not ${money.currency}` });
    }
  }
}

/** `total` equals the sum of `parts` exactly (skipped when a currency is off: that issue is reported already). */
export function checkSum(ctx: z.RefinementCtx, path: Path, total: MoneyJson, parts: readonly (MoneyJson | undefined)[], description: string): void {
  let sum = new Decimal(0);
  for (const part of parts) {
    if (part === undefined) continue;
    if (part.currency !== total.currency) return;
    sum = sum.plus(part.amount);
  }
  if (!sum.eq(total.amount)) {
    ctx.addIssue({ code: "custom", path: [...path], message: `must equal ${description} (${canonicalDecimal(sum)} ${total.currency}), not ${total.amount}` });
  }
}

/** `a` is not greater than `b` (same currency assumed checked). */
export function checkAtMost(ctx: z.RefinementCtx, path: Path, a: MoneyJson, b: MoneyJson, description: string): void {
  if (a.currency === b.currency && new Decimal(a.amount).greaterThan(b.amount)) {
    ctx.addIssue({ code: "custom", path: [...path], message: `must not exceed ${description} (${b.amount} ${b.currency})` });
  }
}

/**
 * The exchange block of a document in a transaction currency: transaction amounts are in
 * `currency`, functional amounts in `functionalCurrency`; when the two currencies are the
 * same the rate must be 1 and every functional amount must equal its transaction amount.
 * Each pair is `[transactionPath, transaction, functionalPath, functional]`.
 */
export function checkExchange(
  ctx: z.RefinementCtx,
  doc: { readonly currency: string; readonly functionalCurrency: string; readonly rate: string },
  pairs: readonly (readonly [Path, MoneyJson | undefined, Path, MoneyJson | undefined])[],
): void {
  for (const [transactionPath, transaction, functionalPath, functional] of pairs) {
    if (transaction !== undefined && transaction.currency !== doc.currency) {
      ctx.addIssue({ code: "custom", path: [...transactionPath, "currency"], message: `must be the document currency ${doc.currency}, not ${transaction.currency}` });
    }
    if (functional !== undefined && functional.currency !== doc.functionalCurrency) {
      ctx.addIssue({ code: "custom", path: [...functionalPath, "currency"], message: `must be the functional currency ${doc.functionalCurrency}, not ${functional.currency}` });
    }
  }
  if (doc.currency !== doc.functionalCurrency) return;
  if (doc.rate !== "1") {
    ctx.addIssue({ code: "custom", path: ["rate"], message: `must be 1 when the document is in the functional currency ${doc.functionalCurrency}` });
  }
  for (const [, transaction, functionalPath, functional] of pairs) {
    if (transaction !== undefined && functional !== undefined && transaction.amount !== functional.amount) {
      ctx.addIssue({ code: "custom", path: [...functionalPath], message: `must equal the transaction amount ${transaction.amount} when the document is in the functional currency` });
    }
  }
}

/**
 * A schema whose cross-field `check` runs only on input that passed `schema` entirely
 * (zod runs an object's own refinements even after a field failed; a pipe does not), so
 * checks can trust every field's type and bounds.
 */
export function refined<S extends z.ZodType>(schema: S, check: (value: z.output<S>, ctx: z.RefinementCtx) => void) {
  return schema.pipe(z.custom<z.output<S>>().superRefine(check));
}
