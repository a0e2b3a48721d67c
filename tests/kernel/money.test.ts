import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  BOUNDS,
  Decimal,
  Money,
  type RoundingMode,
  StorekeepError,
  isMoney,
  isStorekeepError,
  minorUnits,
} from "../../src/kernel/index.js";
import { boundedDecimalText, minorUnitsWithin, someCurrency } from "./arbitraries.js";

const money = fc
  .tuple(boundedDecimalText(BOUNDS.amount), someCurrency)
  .map(([{ text }, currency]) => Money.of(text, currency));
const moneyIn = (currency: string) => boundedDecimalText(BOUNDS.amount).map(({ text }) => Money.of(text, currency));
const roundedMoney = someCurrency.chain((currency) =>
  minorUnitsWithin(minorUnits(currency)).map((units) => Money.fromMinor(units, currency)),
);
const modes: RoundingMode[] = ["half-up", "half-even", "half-down", "up", "down", "ceil", "floor"];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("Money properties", () => {
  it("addition commutes: a + b = b + a", () => {
    fc.assert(
      fc.property(
        someCurrency.chain((c) => fc.tuple(moneyIn(c), moneyIn(c))),
        ([a, b]) => {
          expect(a.add(b).equals(b.add(a))).toBe(true);
          expect(a.add(b).toJSON()).toEqual(b.add(a).toJSON());
        },
      ),
      { numRuns: 300 },
    );
  });

  it("addition associates: (a + b) + c = a + (b + c), exactly", () => {
    fc.assert(
      fc.property(moneyIn("EUR"), moneyIn("EUR"), moneyIn("EUR"), (a, b, c) => {
        const left = a.add(b).add(c);
        const right = a.add(b.add(c));
        expect(left.equals(right)).toBe(true);
        expect(left.toJSON()).toEqual(right.toJSON());
      }),
      { numRuns: 300 },
    );
  });

  it("subtraction undoes addition: (a + b) - b = a", () => {
    fc.assert(
      fc.property(moneyIn("KWD"), moneyIn("KWD"), (a, b) => {
        expect(a.add(b).subtract(b).equals(a)).toBe(true);
        expect(a.add(a.negate()).isZero()).toBe(true);
      }),
    );
  });

  it("allocation sums exactly and no share is a minor unit or more from its exact value", () => {
    const ratios = fc
      .array(boundedDecimalText(BOUNDS.rate, false), { minLength: 1, maxLength: 25 })
      .filter((rs) => rs.some((r) => r.units > 0n))
      .map((rs) => rs.map((r) => r.text));
    fc.assert(
      fc.property(roundedMoney, ratios, (m, rs) => {
        const shares = m.allocate(rs);
        expect(shares).toHaveLength(rs.length);
        // Sums exactly: not one minor unit lost or created.
        expect(Money.sum(shares, m.currency).equals(m)).toBe(true);
        const unit = new Decimal(10).pow(-minorUnits(m.currency));
        const total = rs.reduce((acc, r) => acc.plus(r), new Decimal(0));
        for (const [i, share] of shares.entries()) {
          expect(share.currency).toBe(m.currency);
          expect(share.isRounded()).toBe(true);
          // |share - amount × r / total| < unit, checked without division: |share × total - amount × r| < unit × total.
          const gap = share.amount.times(total).minus(m.amount.times(rs[i] as string)).abs();
          expect(gap.lt(unit.times(total))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("allocation is deterministic and gives zero-ratio slots nothing", () => {
    fc.assert(
      fc.property(roundedMoney, fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 10 }), (m, rs) => {
        fc.pre(rs.some((r) => r > 0));
        const first = m.allocate(rs).map(String);
        expect(m.allocate(rs).map(String)).toEqual(first);
        rs.forEach((r, i) => {
          if (r === 0) expect(first[i]).toBe(Money.zero(m.currency).toString());
        });
      }),
    );
  });

  it("rounding is idempotent, lands on the minor unit and moves less than one unit", () => {
    fc.assert(
      fc.property(money, fc.constantFrom(...modes), (m, mode) => {
        const once = m.round(mode);
        expect(once.round(mode).equals(once)).toBe(true);
        expect(once.isRounded()).toBe(true);
        const unit = new Decimal(10).pow(-minorUnits(m.currency));
        expect(once.amount.minus(m.amount).abs().lt(unit)).toBe(true);
        if (m.isRounded()) expect(once).toBe(m);
      }),
      { numRuns: 500 },
    );
  });

  it("JSON round-trips: fromJSON(JSON.parse(JSON.stringify(m))) equals m", () => {
    fc.assert(
      fc.property(money, (m) => {
        const json = JSON.parse(JSON.stringify(m)) as unknown;
        expect(json).toEqual({ amount: m.toJSON().amount, currency: m.currency });
        expect(m.toJSON().amount).not.toMatch(/e|^-0$|\.\d*0$|^\+/i);
        const back = Money.fromJSON(json);
        expect(back.equals(m)).toBe(true);
        expect(back.toJSON()).toEqual(m.toJSON());
      }),
      { numRuns: 500 },
    );
  });

  it("multiplication by a bounded quantity is exact: (a × q) / q = a", () => {
    fc.assert(
      fc.property(moneyIn("EUR"), boundedDecimalText(BOUNDS.quantity), (a, q) => {
        fc.pre(q.units !== 0n);
        const product = a.multiply(q.text);
        expect(product.amount.dividedBy(q.text).eq(a.amount)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("mixing currencies fails with CURRENCY_MISMATCH in every combining operation", () => {
    fc.assert(
      fc.property(money, money, (a, b) => {
        fc.pre(a.currency !== b.currency);
        for (const op of [() => a.add(b), () => a.subtract(b), () => a.compare(b), () => a.greaterThan(b), () => Money.sum([a, b], a.currency)]) {
          const e = thrown(op);
          expect(e).toBeInstanceOf(StorekeepError);
          expect((e as StorekeepError).code).toBe("CURRENCY_MISMATCH");
          expect((e as StorekeepError).details).toEqual({ expected: a.currency, actual: b.currency });
        }
        expect(a.equals(b)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});

describe("Money examples", () => {
  it("rounds 0.125 EUR by the named mode", () => {
    const m = Money.of("0.125", "EUR");
    expect(m.round("half-even").toString()).toBe("0.12 EUR");
    expect(m.round("half-up").toString()).toBe("0.13 EUR");
    expect(m.round("half-down").toString()).toBe("0.12 EUR");
    expect(m.round("up").toString()).toBe("0.13 EUR");
    expect(m.round("down").toString()).toBe("0.12 EUR");
    expect(Money.of("-0.125", "EUR").round("ceil").toString()).toBe("-0.12 EUR");
    expect(Money.of("-0.125", "EUR").round("floor").toString()).toBe("-0.13 EUR");
    expect(Money.of("-0.004", "EUR").round("half-up").toJSON()).toEqual({ amount: "0", currency: "EUR" });
  });

  it("rounds to each currency's minor unit", () => {
    expect(Money.of("1234.5", "JPY").round("half-even").toString()).toBe("1234 JPY");
    expect(Money.of("1.23456", "KWD").round("half-up").toString()).toBe("1.235 KWD");
    expect(Money.of("1.234567", "CLF").round("half-up").toString()).toBe("1.2346 CLF");
    expect(Money.of("1.23456", "EUR").round("half-up", 4).toString()).toBe("1.2346 EUR");
  });

  it("allocates 10.00 EUR in thirds with the extra cent to the first", () => {
    expect(Money.of("10.00", "EUR").allocate([1, 1, 1]).map(String)).toEqual(["3.34 EUR", "3.33 EUR", "3.33 EUR"]);
    expect(Money.of("-10.00", "EUR").allocate([1, 1, 1]).map(String)).toEqual(["-3.34 EUR", "-3.33 EUR", "-3.33 EUR"]);
    expect(Money.of("0.05", "EUR").allocate(["0.3", "0.7"]).map(String)).toEqual(["0.02 EUR", "0.03 EUR"]);
    expect(Money.of("100", "JPY").allocate([1, 2]).map(String)).toEqual(["33 JPY", "67 JPY"]);
    // Largest remainder, not first: 0.07 × (1/6, 5/6) = 0.0116.., 0.0583.. -> 1 + 6 cents.
    expect(Money.of("0.07", "EUR").allocate([1, 5]).map(String)).toEqual(["0.01 EUR", "0.06 EUR"]);
  });

  it("allocation refuses what it cannot split", () => {
    const m = Money.of("10", "EUR");
    for (const bad of [[], [0, 0], [-1, 2], ["abc"], [Number.NaN], [Number.POSITIVE_INFINITY]] as unknown as (string | number)[][]) {
      const e = thrown(() => m.allocate(bad));
      expect(isStorekeepError(e) && e.code).toBe("VALIDATION_FAILED");
    }
    const unrounded = thrown(() => Money.of("10.005", "EUR").allocate([1, 1]));
    expect((unrounded as StorekeepError).code).toBe("VALIDATION_FAILED");
    expect((unrounded as StorekeepError).message).toMatch(/round/);
  });

  it("multiplies exactly and keeps full precision until round()", () => {
    const total = Money.of("19.99", "EUR").multiply(3).add(Money.of("4.90", "EUR"));
    expect(total.toString()).toBe("64.87 EUR");
    const third = Money.of("10", "EUR").multiply(new Decimal(1).dividedBy(3));
    expect(third.amount.toFixed()).toBe(`3.${"3".repeat(79)}`);
    expect(third.round("half-even").toString()).toBe("3.33 EUR");
  });

  it("is immutable and normalises zero", () => {
    const m = Money.of("1.50", "EUR");
    expect(Object.isFrozen(m)).toBe(true);
    expect(() => {
      (m as unknown as { currency: string }).currency = "USD";
    }).toThrow(TypeError);
    expect(m.currency).toBe("EUR");
    expect(Money.of("-0", "EUR").toJSON()).toEqual({ amount: "0", currency: "EUR" });
    expect(Money.of("1", "EUR").subtract(Money.of("1", "EUR")).toJSON().amount).toBe("0");
    expect(Money.of(-0, "EUR").isNegative()).toBe(false);
    expect(Money.zero("EUR").negate().toJSON().amount).toBe("0");
  });

  it("compares and reports its sign", () => {
    const one = Money.of(1, "EUR");
    const two = Money.of("2.00", "EUR");
    expect(one.compare(two)).toBe(-1);
    expect(two.compare(one)).toBe(1);
    expect(one.compare(Money.of("1.000", "EUR"))).toBe(0);
    expect(one.lessThan(two) && two.greaterThan(one)).toBe(true);
    expect(Money.of(-3, "EUR").abs().toString()).toBe("3 EUR");
    expect(Money.of(-3, "EUR").isNegative() && !Money.of(-3, "EUR").isPositive()).toBe(true);
  });

  it("converts to and from minor units", () => {
    expect(Money.of("12.34", "EUR").toMinor()).toBe(1234n);
    expect(Money.fromMinor(1234n, "KWD").toString()).toBe("1.234 KWD");
    expect(Money.fromMinor(-5, "JPY").toString()).toBe("-5 JPY");
    expect((thrown(() => Money.of("1.005", "EUR").toMinor()) as StorekeepError).code).toBe("VALIDATION_FAILED");
  });

  it("formats for people without going through floats", () => {
    expect(Money.of("1234.5", "EUR").format("de-DE")).toBe("1.234,50\u00a0€");
    expect(Money.of("1234.5", "USD").format("en-US")).toBe("$1,234.50");
    expect(Money.of("0.125", "EUR").format("en-US")).toBe("€0.125");
    expect(Money.of("999999999999999.99", "USD").format("en-US")).toBe("$999,999,999,999,999.99");
    expect(Money.of("1500", "JPY").format("ja-JP")).toBe("￥1,500");
  });

  it("validates at construction", () => {
    expect((thrown(() => Money.of("1e3", "EUR")) as StorekeepError).code).toBe("VALIDATION_FAILED");
    expect((thrown(() => Money.of("1", "XYZ")) as StorekeepError).code).toBe("UNKNOWN_CURRENCY");
    expect((thrown(() => Money.of("1", "eur")) as StorekeepError).code).toBe("UNKNOWN_CURRENCY");
    expect((thrown(() => Money.of(new Decimal(Number.NaN), "EUR")) as StorekeepError).code).toBe("VALIDATION_FAILED");
    expect((thrown(() => Money.fromJSON({ amount: "1", currency: "XYZ" })) as StorekeepError).code).toBe("VALIDATION_FAILED");
    expect((thrown(() => Money.fromJSON({ amount: 1e21, currency: "EUR" })) as StorekeepError).code).toBe("VALIDATION_FAILED");
    expect(isMoney(Money.fromJSON({ amount: 7, currency: "EUR" }))).toBe(true);
  });
});
