import { Decimal, type DecimalInput, canonicalDecimal, toDecimal } from "./decimal.js";
import { StorekeepError } from "./errors.js";
import { BOUNDS, readBoundedDecimal } from "./decimal-text.js";

const QUANTITY_BRAND = Symbol.for("storekeep.quantity");

/**
 * An immutable quantity in a unit of measure (`"unit"` by default). Exact decimal.
 *
 * @example
 * ```ts
 * const q = Quantity.of("2.5", "kg").add(Quantity.of(1, "kg")); // 3.5 kg
 * ```
 */
export class Quantity {
  readonly value: Decimal;
  readonly unit: string;
  readonly [QUANTITY_BRAND] = true;

  private constructor(value: Decimal, unit: string) {
    this.value = value.isZero() ? ZERO : value;
    this.unit = unit;
    Object.freeze(this);
  }

  /** A validated quantity (at most 12 integer digits and 6 decimals).
   *
   * @example
   * ```ts
   * Quantity.of(3);
   * ```
   */
  static of(value: string | number | Decimal, unit = "unit"): Quantity {
    return new Quantity(value instanceof Decimal ? value : readBoundedDecimal(value, BOUNDS.quantity, "quantity", "any", "quantity"), unit);
  }

  /** Zero of a unit.
   *
   * @example
   * ```ts
   * Quantity.zero().isZero(); // true
   * ```
   */
  static zero(unit = "unit"): Quantity {
    return new Quantity(ZERO, unit);
  }

  /** @example `Quantity.of(1).add(Quantity.of(2)) // 3` */
  add(other: Quantity): Quantity {
    this.sameUnit(other);
    return new Quantity(this.value.plus(other.value), this.unit);
  }

  /** @example `Quantity.of(3).subtract(Quantity.of(2)) // 1` */
  subtract(other: Quantity): Quantity {
    this.sameUnit(other);
    return new Quantity(this.value.minus(other.value), this.unit);
  }

  /** @example `Quantity.of(3).multiply(2) // 6` */
  multiply(factor: DecimalInput): Quantity {
    return new Quantity(this.value.times(toDecimal(factor)), this.unit);
  }

  /** @example `Quantity.of(3).negate() // -3` */
  negate(): Quantity {
    return new Quantity(this.value.negated(), this.unit);
  }

  /** @example `Quantity.of(1).compare(Quantity.of(2)) // -1` */
  compare(other: Quantity): -1 | 0 | 1 {
    this.sameUnit(other);
    return this.value.comparedTo(other.value) as -1 | 0 | 1;
  }

  /** @example `Quantity.of(0).isZero() // true` */
  isZero(): boolean {
    return this.value.isZero();
  }

  /** @example `Quantity.of(-1).isNegative() // true` */
  isNegative(): boolean {
    return this.value.isNegative() && !this.value.isZero();
  }

  /** @example `String(Quantity.of(2, "kg")) // "2 kg"` */
  toString(): string {
    return `${canonicalDecimal(this.value)} ${this.unit}`;
  }

  /** @example `Quantity.of(2).toJSON() // { value: "2", unit: "unit" }` */
  toJSON(): { value: string; unit: string } {
    return { value: canonicalDecimal(this.value), unit: this.unit };
  }

  private sameUnit(other: Quantity): void {
    if (other.unit !== this.unit) {
      throw new StorekeepError("VALIDATION_FAILED", `Cannot combine quantities in ${this.unit} and ${other.unit}: convert one first.`, { expected: this.unit, actual: other.unit });
    }
  }
}


const ZERO = new Decimal(0);

/**
 * True when `x` is a {@link Quantity} from any bundle.
 *
 * @example
 * ```ts
 * isQuantity(Quantity.of(1)); // true
 * ```
 */
export function isQuantity(x: unknown): x is Quantity {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[QUANTITY_BRAND] === true;
}
