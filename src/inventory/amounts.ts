import { minorUnits } from "../kernel/currencies.js";
import { StorekeepError } from "../kernel/errors.js";
import { type CommandContext } from "../runner/command.js";
import { QUANTITY_DECIMALS, costAt, parseScaled, roundingCode, unitCostRatio } from "./valuation-kernel.js";

/**
 * Minor units of a functional-currency amount given as a decimal string; it must be a whole
 * number of minor units.
 *
 * @example
 * ```ts
 * minorOf(ctx, "12.5", "value"); // 1250n in EUR
 * ```
 */
export function minorOf(ctx: CommandContext, amount: string, path: string): bigint {
  const digits = minorUnits(ctx.config.functionalCurrency);
  try {
    return parseScaled(amount, digits);
  } catch {
    throw new StorekeepError("VALIDATION_FAILED", `${path} ${amount} has more decimals than ${ctx.config.functionalCurrency} allows (${digits}); round it to the minor unit.`, {
      issues: [{ path, message: "not a whole number of minor units", code: "custom" }],
    });
  }
}

/**
 * The value of `quantity` units at `unitCost`, rounded to the minor unit by the configured rule.
 *
 * @example
 * ```ts
 * valueAtUnitCost(ctx, "3", "0.333"); // 100n (0.999 rounded)
 * ```
 */
export function valueAtUnitCost(ctx: CommandContext, quantity: string, unitCost: string): bigint {
  return costAt(unitCostRatio(unitCost, minorUnits(ctx.config.functionalCurrency)), parseScaled(quantity, QUANTITY_DECIMALS), roundingCode(ctx.config.rounding));
}

