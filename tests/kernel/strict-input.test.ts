import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWith } from "../../src/kernel/errors.js";
import { strictInput, suggestKey, unknownKeysMessage } from "../../src/kernel/strict-input.js";

describe("strict command inputs", () => {
  it("suggests the key an unknown one resembles: another spelling, without Id, a typo, an abbreviation; nothing when none is near", () => {
    const known = ["sku", "warehouseId", "locationId", "quantity", "unitCost", "effectiveAt", "effectiveDate"];
    expect(suggestKey("effective_date", known)).toBe("effectiveDate");
    expect(suggestKey("EffectiveDate", known)).toBe("effectiveDate");
    expect(suggestKey("unit-cost", known)).toBe("unitCost");
    expect(suggestKey("warehouse", known)).toBe("warehouseId");
    expect(suggestKey("warehouse_id", known)).toBe("warehouseId");
    expect(suggestKey("location", known)).toBe("locationId");
    expect(suggestKey("quantiy", known)).toBe("quantity");
    expect(suggestKey("qty", known)).toBe("quantity");
    expect(suggestKey("skus", known)).toBe("sku");
    expect(suggestKey("form", ["sku", "from", "to"])).toBe("from");
    expect(suggestKey("grian", ["from", "to", "grain"])).toBe("grain");
    expect(suggestKey("colour", known)).toBeUndefined();
    expect(suggestKey("", known)).toBeUndefined();
  });

  it("one near key names it; otherwise the message lists the known keys", () => {
    expect(unknownKeysMessage(["effective_date"], ["sku", "effectiveDate"])).toBe('unknown key "effective_date" (did you mean "effectiveDate"?)');
    expect(unknownKeysMessage(["colour"], ["sku", "quantity"])).toBe('unknown key "colour" (known keys: sku, quantity)');
    expect(unknownKeysMessage(["qty", "colour"], ["sku", "quantity"])).toBe('unknown key "qty" (did you mean "quantity"?); unknown key "colour" (known keys: sku, quantity)');
  });

  it("parseWith refuses an unknown key with VALIDATION_FAILED, the key in the issue's path, nested objects and array items too", () => {
    const schema = strictInput({ sku: z.string(), lines: z.array(strictInput({ quantity: z.string() })).optional() });
    expect(parseWith(schema, { sku: "MUG", lines: [{ quantity: "1" }] }, "thing")).toEqual({ sku: "MUG", lines: [{ quantity: "1" }] });
    let error: unknown;
    try {
      parseWith(schema, { sku: "MUG", skuu: "X", lines: [{ quantity: "1" }, { quantity: "1", qty: "2" }] }, "thing");
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: "VALIDATION_FAILED",
      message: 'Invalid thing: lines[1]: unknown key "qty" (did you mean "quantity"?); unknown key "skuu" (did you mean "sku"?). Fix these fields and retry.',
      details: { issues: [expect.objectContaining({ path: "lines[1].qty", code: "unrecognized_keys" }), expect.objectContaining({ path: "skuu", code: "unrecognized_keys" })] },
    });
  });
});
