import { canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import type { CommandContext } from "../runner/command.js";

/** The rate from the document currency to the functional currency on the command's date ("1" when equal). */
export async function functionalRate(ctx: CommandContext, currency: string): Promise<string> {
  const functional = ctx.config.functionalCurrency;
  if (currency === functional) return "1";
  const rate = await ctx.rates.rate(currency, functional, ctx.today);
  if (rate === undefined) {
    throw new StorekeepError("NOT_FOUND", `No exchange rate from ${currency} to ${functional} on or before ${ctx.today}; add one to the RateProvider.`, { from: currency, to: functional, date: ctx.today });
  }
  return canonicalDecimal(rate.toDecimalPlaces(12));
}
