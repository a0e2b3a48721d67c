import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { QUANTITY_DECIMALS } from "./valuation-kernel.js";

/*
 * Units of measure and pack conversions, exact. A product counts its stock in one base
 * unit (its `unitOfMeasure`); every other unit of the product (a carton, a pallet, a gram
 * when the base is a kilogram) is a factor: how many base units one of it holds. The
 * ledger only ever stores base quantities, so a conversion either lands on a quantity the
 * ledger can hold (6 decimals) or is refused; converting down to packs never rounds, it
 * says how many whole packs and what is left over.
 */

function refuse(path: string, message: string): never {
  throw new StorekeepError("VALIDATION_FAILED", `${path} ${message}`, { issues: [{ path, message, code: "custom" }] });
}

function asDecimal(x: Decimal | string, path: string): Decimal {
  try {
    return x instanceof Decimal ? x : new Decimal(x);
  } catch {
    return refuse(path, `is not a decimal number: ${String(x)}.`);
  }
}

/**
 * The base quantity of `quantity` units whose factor is `factor` (base units per unit),
 * exactly: `toBaseQuantity("2", "12")` is `"24"`. Refuses a result with more than the
 * ledger's 6 decimals instead of rounding it.
 *
 * @example
 * ```ts
 * toBaseQuantity("2", "12"); // "24" (2 cartons of 12)
 * toBaseQuantity("250", "0.001"); // "0.25" (250 g in kg)
 * ```
 */
export function toBaseQuantity(quantity: Decimal | string, factor: Decimal | string): string {
  const f = asDecimal(factor, "factor");
  if (!f.gt(0)) refuse("factor", `must be positive, not ${f.toFixed()}.`);
  const base = asDecimal(quantity, "quantity").times(f);
  if (base.decimalPlaces() > QUANTITY_DECIMALS) refuse("quantity", `× ${f.toFixed()} is ${base.toFixed()}, more than ${QUANTITY_DECIMALS} decimals of the base unit; give the quantity in a smaller unit.`);
  return canonicalDecimal(base);
}

/**
 * Whole packs and the base units left over: how a base quantity is put into packs of
 * `factor` base units, without rounding (`splitIntoPacks("30", "12")` is 2 packs and 6
 * left). Negative quantities split symmetrically (`-30` is -2 packs and -6).
 *
 * @example
 * ```ts
 * splitIntoPacks("30", "12"); // { packs: "2", remainder: "6" }
 * ```
 */
export function splitIntoPacks(quantity: Decimal | string, factor: Decimal | string): { readonly packs: string; readonly remainder: string } {
  const f = asDecimal(factor, "factor");
  if (!f.gt(0)) refuse("factor", `must be positive, not ${f.toFixed()}.`);
  const q = asDecimal(quantity, "quantity");
  const packs = q.dividedBy(f).truncated();
  return { packs: canonicalDecimal(packs), remainder: canonicalDecimal(q.minus(packs.times(f))) };
}

/**
 * Converts a quantity between two units of one product, exactly: through the base unit
 * (`quantity × from / to`). Refuses a result that is not a whole number of 10⁻⁶ of the
 * target unit (1 unit is 1/12 of a carton: split it with {@link splitIntoPacks} instead).
 *
 * @example
 * ```ts
 * convertQuantity("36", "1", "12"); // "3" (36 units are 3 cartons of 12)
 * ```
 */
export function convertQuantity(quantity: Decimal | string, fromFactor: Decimal | string, toFactor: Decimal | string): string {
  const from = asDecimal(fromFactor, "fromFactor");
  const to = asDecimal(toFactor, "toFactor");
  if (!from.gt(0)) refuse("fromFactor", `must be positive, not ${from.toFixed()}.`);
  if (!to.gt(0)) refuse("toFactor", `must be positive, not ${to.toFixed()}.`);
  const base = asDecimal(quantity, "quantity").times(from);
  const scaled = base.times(new Decimal(10).pow(QUANTITY_DECIMALS));
  // Exact when base / to is a whole number of millionths: test by remainder, not by a rounded division.
  if (!scaled.mod(to).isZero()) refuse("quantity", `${base.toFixed()} base units are not a whole number of millionths of a unit of ${to.toFixed()}; split them into packs and a remainder instead.`);
  return canonicalDecimal(base.dividedBy(to));
}
