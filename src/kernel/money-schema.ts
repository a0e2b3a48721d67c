import { z } from "zod";
import { amountSchema } from "./bounds.js";
import { isCurrencyCode } from "./currencies.js";
import { Money } from "./money.js";

/**
 * A currency code schema (ISO 4217, upper case).
 *
 * @example
 * ```ts
 * currencySchema.parse("EUR");
 * ```
 */
export const currencySchema = z.string().refine(isCurrencyCode, { message: "must be an ISO 4217 currency code such as \"EUR\"" });

/**
 * The boundary schema of money: `{ amount, currency }` to a {@link Money}.
 *
 * @example
 * ```ts
 * moneySchema.parse({ amount: "9.99", currency: "EUR" });
 * ```
 */
export const moneySchema = z
  .object({ amount: amountSchema, currency: currencySchema })
  .transform(({ amount, currency }) => Money.fromDecimal(amount, currency));

/**
 * The JSON shape of money, as carried in events (canonical strings, not Money objects).
 *
 * @example
 * ```ts
 * moneyJsonSchema.parse({ amount: "1.5", currency: "EUR" });
 * ```
 */
export const moneyJsonSchema = z.object({ amount: z.string(), currency: currencySchema });
