import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type AccountCode,
  type Brand,
  type OrderId,
  type Sku,
  Quantity,
  StorekeepError,
  idSchema,
  parseWith,
} from "../../src/kernel/index.js";

// Type-level tests: checked by `npm run typecheck` (tsconfig includes tests/).
function typeLevel(sku: Sku, order: OrderId, account: AccountCode): void {
  // @ts-expect-error a Sku is not an OrderId
  const wrongOrder: OrderId = sku;
  // @ts-expect-error an OrderId is not a Sku
  const wrongSku: Sku = order;
  // @ts-expect-error a plain string is not a Sku
  const plain: Sku = "MUG-RED";
  // @ts-expect-error an AccountCode is not an OrderId
  const wrongAccount: OrderId = account;
  const asString: string = sku; // a branded id is still a string
  void [wrongOrder, wrongSku, plain, wrongAccount, asString];
}

describe("branded ids", () => {
  it("keep kinds apart in the type checker", () => {
    expectTypeOf<Sku>().not.toEqualTypeOf<OrderId>();
    expectTypeOf<Sku>().toMatchTypeOf<string>();
    expectTypeOf<Brand<string, "Sku">>().toEqualTypeOf<Sku>();
    expectTypeOf(idSchema<Sku>().parse("A")).toEqualTypeOf<Sku>();
    expect(typeof typeLevel).toBe("function");
  });

  it.each(["MUG-RED", "ord_01HZX", "wh_main/A1", "1200", "a".repeat(128), "x:y.z"])("idSchema accepts %s", (id) => {
    expect(parseWith(idSchema<Sku>(), id)).toBe(id);
  });

  it.each(["", " MUG", "-lead", "a".repeat(129), "mug red", "mug\n", "ä", 12, null])("idSchema rejects %j", (id) => {
    expect(() => parseWith(idSchema<Sku>(), id, "sku")).toThrow(StorekeepError);
  });
});

describe("Quantity", () => {
  it("adds, subtracts and multiplies exactly within a unit", () => {
    expect(Quantity.of("2.5", "kg").add(Quantity.of(1, "kg")).toString()).toBe("3.5 kg");
    expect(Quantity.of(3).subtract(Quantity.of("3.000")).toJSON()).toEqual({ value: "0", unit: "unit" });
    expect(Quantity.of("0.1").multiply("0.2").toString()).toBe("0.02 unit");
    expect(Quantity.of(1).compare(Quantity.of(2))).toBe(-1);
    expect(Quantity.of(0).negate().isNegative()).toBe(false);
    expect(Quantity.of("-0").toJSON().value).toBe("0");
    expect(Object.isFrozen(Quantity.of(1))).toBe(true);
  });

  it("refuses mixed units and out-of-bounds values", () => {
    expect(() => Quantity.of(1, "kg").add(Quantity.of(1, "g"))).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => Quantity.of("1234567890123")).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => Quantity.of("0.0000001")).toThrow(StorekeepError);
    expect(Quantity.of("999999999999.999999").toString()).toBe("999999999999.999999 unit");
  });
});
