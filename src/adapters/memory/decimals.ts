import { Decimal, isDecimal } from "../../kernel/decimal.js";
import { InvariantError } from "../../kernel/errors.js";

/**
 * A finite Decimal of storekeep's clone for a balance or counter amount. A Decimal of
 * another decimal.js copy is converted; anything else is a programmer error.
 */
export function toStoredDecimal(value: unknown, what: string): Decimal {
  if (value instanceof Decimal) {
    if (!value.isFinite()) throw new InvariantError(`${what} must be finite, got ${value.toString()}`);
    return value;
  }
  if (isDecimal(value)) {
    if (!value.isFinite()) throw new InvariantError(`${what} must be finite, got ${value.toString()}`);
    return new Decimal(value.toFixed());
  }
  throw new InvariantError(`${what} must be a Decimal, got ${typeof value === "object" ? JSON.stringify(value) : typeof value}`);
}
