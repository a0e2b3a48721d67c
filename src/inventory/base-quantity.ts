import { BOUNDS, checkBoundedDecimal } from "../kernel/bounds.js";
import type { Decimal } from "../kernel/decimal.js";
import { StorekeepError, isStorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { unitFactor } from "./barcode-lookup.js";
import { toBaseQuantity } from "./units.js";

/**
 * A command's quantity in the product's base unit: `quantity` as given when `unit` is
 * absent, else `quantity × factor` of the unit (`defineUnit`; the base unit's own name is
 * factor 1), exactly. A unit the product does not have is NOT_FOUND saying how to define
 * it; a result finer than the ledger's 6 decimals or beyond its 12 integer digits is
 * VALIDATION_FAILED at `path` (never rounded). Every inventory command that takes a `unit`
 * converts through here, so 2 cartons mean 24 units to all of them.
 *
 * @example
 * ```ts
 * await quantityInBaseUnits(ctx.tx, "MUG", "2", "carton"); // "24" (a carton holds 12)
 * await quantityInBaseUnits(ctx.tx, "MUG", "2", undefined); // "2"
 * ```
 */
export async function quantityInBaseUnits(tx: Transaction, sku: string, quantity: string | Decimal, unit: string | undefined, path = "quantity"): Promise<string> {
  const given = typeof quantity === "string" ? quantity : quantity.toFixed();
  if (unit === undefined) return given;
  const factor = await unitFactor(tx, sku, unit);
  let base: string;
  try {
    base = toBaseQuantity(quantity, factor);
  } catch (error) {
    if (!isStorekeepError(error) || error.code !== "VALIDATION_FAILED") throw error;
    throw new StorekeepError("VALIDATION_FAILED", `${path}: ${given} ${unit} of ${sku} ${error.message.replace(/^quantity /, "")}`, { issues: [{ path, message: `not a whole number of millionths of ${sku}'s base unit`, code: "custom" }] });
  }
  const checked = checkBoundedDecimal(base, BOUNDS.quantity, "quantity", "any");
  if (!checked.ok) {
    throw new StorekeepError("VALIDATION_FAILED", `${path}: ${given} ${unit} of ${sku} is ${base} base units; ${checked.reason}. Give a smaller quantity.`, { issues: [{ path, message: checked.reason, code: "custom" }] });
  }
  return base;
}
