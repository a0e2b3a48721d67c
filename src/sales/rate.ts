import { canonicalDecimal } from "../kernel/decimal.js";
import type { LocalDate } from "../kernel/local-date.js";
import { type RateProvider, requireRate } from "../ports/rates.js";
import type { CommandContext } from "../runner/command.js";

/** The rate from `currency` to `functional` on `date` ("1" when equal), or NOT_FOUND naming what to add. */
export async function rateToFunctional(rates: RateProvider, currency: string, functional: string, date: LocalDate): Promise<string> {
  if (currency === functional) return "1";
  return canonicalDecimal((await requireRate(rates, currency, functional, date)).toDecimalPlaces(12));
}

/** The rate from the document currency to the functional currency on the command's date ("1" when equal). */
export function functionalRate(ctx: CommandContext, currency: string): Promise<string> {
  return rateToFunctional(ctx.rates, currency, ctx.config.functionalCurrency, ctx.today);
}
