import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  InvariantError,
  Money,
  StorekeepError,
  fromZodError,
  invariant,
  isInvariantError,
  isMoney,
  isQuantity,
  isStorekeepError,
  parseWith,
  Quantity,
} from "../../src/kernel/index.js";

describe("fromZodError", () => {
  const order = z.object({
    customer: z.object({ email: z.string().email() }),
    lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().positive() })),
    note: z.string().max(5).optional(),
  });

  it("lists every issue's path, not only the first", () => {
    const result = order.safeParse({
      customer: { email: "not-an-email" },
      lines: [{ sku: "", quantity: 1 }, { sku: "A", quantity: -1 }, { quantity: 0 }],
      note: "far too long",
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    const error = fromZodError(result.error, "order");
    expect(error).toBeInstanceOf(StorekeepError);
    expect(error.code).toBe("VALIDATION_FAILED");
    const paths = (error.details.issues as { path: string }[]).map((i) => i.path);
    expect(paths.sort()).toEqual(["customer.email", "lines[0].sku", "lines[1].quantity", "lines[2].quantity", "lines[2].sku", "note"].sort());
    expect(error.message).toMatch(/^Invalid order: /);
    expect(error.message).toContain("(and 1 more)");
    expect(error.message).toMatch(/Fix these fields and retry\.$/);
  });

  it("names the root when the input itself is wrong", () => {
    const e = fromZodError((z.string().safeParse(12) as { error: z.ZodError }).error);
    expect(e.details.issues).toEqual([expect.objectContaining({ path: "", code: "invalid_type" })]);
    expect(e.message).toContain("(root)");
  });
});

describe("parseWith", () => {
  it("returns the parsed value", () => {
    expect(parseWith(z.coerce.number(), "12")).toBe(12);
  });

  it("turns a throw inside a schema into VALIDATION_FAILED, and lets a StorekeepError through", () => {
    const boom = z.string().transform(() => {
      throw new TypeError("boom");
    });
    const e = (() => {
      try {
        parseWith(boom, "x", "thing");
      } catch (err) {
        return err;
      }
    })();
    expect(isStorekeepError(e) && e.code).toBe("VALIDATION_FAILED");
    expect((e as Error).message).toContain("Invalid thing");
    const mine = z.string().transform(() => {
      throw new StorekeepError("NOT_FOUND", "no such thing");
    });
    expect(() => parseWith(mine, "x")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });
});

describe("StorekeepError", () => {
  it("carries a stable code, a message, frozen details and a JSON form", () => {
    const e = new StorekeepError("INSUFFICIENT_STOCK", "Only 2 of SKU-1 are available; reduce the quantity.", { needed: "3", available: "2" }, { cause: new Error("inner") });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("StorekeepError");
    expect(Object.isFrozen(e.details)).toBe(true);
    expect((e.cause as Error).message).toBe("inner");
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: "StorekeepError",
      code: "INSUFFICIENT_STOCK",
      message: "Only 2 of SKU-1 are available; reduce the quantity.",
      details: { needed: "3", available: "2" },
    });
  });

  it("invariant() throws InvariantError, never StorekeepError", () => {
    expect(() => invariant(1 + 1 === 2, "math")).not.toThrow();
    let caught: unknown;
    try {
      invariant(false, "layers are empty");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvariantError);
    expect(isInvariantError(caught)).toBe(true);
    expect(isStorekeepError(caught)).toBe(false);
    expect((caught as Error).message).toBe("storekeep invariant violated: layers are empty");
  });
});

describe("brands work across bundles, where instanceof does not", () => {
  // A copy of storekeep bundled into another subpath has its own classes but the same
  // Symbol.for brands; simulate one by building objects with the brand only.
  const foreignError = Object.assign(new Error("from another bundle"), {
    name: "StorekeepError",
    code: "NOT_FOUND",
    details: {},
    [Symbol.for("storekeep.error")]: true,
  });
  const foreignMoney = { amount: "1", currency: "EUR", [Symbol.for("storekeep.money")]: true };

  it("isStorekeepError recognises a foreign error", () => {
    expect(foreignError instanceof StorekeepError).toBe(false);
    expect(isStorekeepError(foreignError)).toBe(true);
    expect(isStorekeepError(new StorekeepError("NOT_FOUND", "x"))).toBe(true);
  });

  it("isMoney recognises foreign money and real money", () => {
    expect(foreignMoney instanceof Money).toBe(false);
    expect(isMoney(foreignMoney)).toBe(true);
    expect(isMoney(Money.of(1, "EUR"))).toBe(true);
    expect(isQuantity(Quantity.of(1))).toBe(true);
    expect(isInvariantError({ [Symbol.for("storekeep.invariant")]: true })).toBe(true);
  });

  it("brands are not fooled by look-alikes", () => {
    for (const x of [null, undefined, 0, "StorekeepError", new Error("x"), { code: "NOT_FOUND" }, { [Symbol("storekeep.error")]: true }, { [Symbol.for("storekeep.error")]: "yes" }]) {
      expect(isStorekeepError(x)).toBe(false);
      expect(isMoney(x)).toBe(false);
    }
    expect(isMoney({ amount: "1", currency: "EUR" })).toBe(false);
    expect(isMoney(Quantity.of(1))).toBe(false);
  });
});
