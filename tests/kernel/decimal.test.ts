import { describe, expect, it } from "vitest";
import { Decimal as GlobalDecimal } from "decimal.js";
import { Decimal, Money, amountSchema, canonicalDecimal, fromScaledBigInt, parseWith, roundingOf, toDecimal, toScaledBigInt } from "../../src/kernel/index.js";

describe("the private Decimal clone", () => {
  it("importing storekeep leaves the global decimal.js configuration at its defaults", () => {
    expect(GlobalDecimal.precision).toBe(20);
    expect(GlobalDecimal.rounding).toBe(GlobalDecimal.ROUND_HALF_UP);
    expect(GlobalDecimal.toExpPos).toBe(21);
    expect(Decimal).not.toBe(GlobalDecimal);
    expect(Decimal.precision).toBe(80);
  });

  it("is unaffected when the host changes the global decimal.js configuration", () => {
    const saved = {
      precision: GlobalDecimal.precision,
      rounding: GlobalDecimal.rounding,
      toExpNeg: GlobalDecimal.toExpNeg,
      toExpPos: GlobalDecimal.toExpPos,
    };
    try {
      GlobalDecimal.set({ precision: 5, rounding: GlobalDecimal.ROUND_DOWN, toExpNeg: -2, toExpPos: 2 });
      // The host sees its own configuration...
      expect(new GlobalDecimal(1).dividedBy(3).toString()).toBe("0.33333");
      expect(new GlobalDecimal("123456").toString()).toBe("1.23456e+5");
      // ...and storekeep keeps its own.
      expect(Decimal.precision).toBe(80);
      expect(new Decimal(1).dividedBy(3).toString()).toBe(`0.${"3".repeat(80)}`);
      expect(new Decimal("123456").toString()).toBe("123456");
      const total = Money.of("123456789012.345678", "EUR").add(Money.of("0.000001", "EUR"));
      expect(total.toJSON()).toEqual({ amount: "123456789012.345679", currency: "EUR" });
      expect(Money.of("0.125", "EUR").round("half-up").toString()).toBe("0.13 EUR");
      expect(Money.of("2.5", "JPY").round("half-even").toString()).toBe("2 JPY");
      expect(canonicalDecimal(parseWith(amountSchema, "999999999999999.999999"))).toBe("999999999999999.999999");
      expect(Money.of("10", "EUR").allocate([1, 1, 1]).map(String)).toEqual(["3.34 EUR", "3.33 EUR", "3.33 EUR"]);
    } finally {
      GlobalDecimal.set(saved);
    }
    expect(GlobalDecimal.precision).toBe(saved.precision);
  });

  it("converts scaled integers exactly both ways", () => {
    expect(toScaledBigInt(new Decimal("12.34"), 2)).toBe(1234n);
    expect(toScaledBigInt(new Decimal("-0.000001"), 6)).toBe(-1n);
    expect(fromScaledBigInt(1234n, 2).toString()).toBe("12.34");
    expect(fromScaledBigInt(10n ** 40n + 1n, 6).toFixed()).toBe("10000000000000000000000000000000000.000001");
    expect(() => toScaledBigInt(new Decimal("0.125"), 2)).toThrow(RangeError);
  });

  it("reads trusted inputs and decimals of another decimal.js copy", () => {
    expect(toDecimal(12n).toString()).toBe("12");
    expect(toDecimal("1.50").toFixed()).toBe("1.5");
    expect(toDecimal(new GlobalDecimal("2.5")).toFixed()).toBe("2.5");
    expect(toDecimal(new GlobalDecimal("2.5"))).toBeInstanceOf(Decimal);
    expect(canonicalDecimal(new Decimal("-0"))).toBe("0");
    expect(canonicalDecimal(new Decimal("1e30"))).toBe(`1${"0".repeat(30)}`);
    expect(new Decimal("2.5").toDecimalPlaces(0, roundingOf("half-even")).toString()).toBe("2");
    expect(new Decimal("2.5").toDecimalPlaces(0, roundingOf("half-up")).toString()).toBe("3");
  });
});
