import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { DEFAULT_IN_STORE_LAYOUTS, gs1CheckDigit, gs1ElementString } from "../../src/inventory/barcodes.js";
import { convertQuantity, splitIntoPacks, toBaseQuantity } from "../../src/inventory/units.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import { harness } from "./setup.js";

const withCheck = (digits: string): string => digits + String(gs1CheckDigit(digits));
const MUG_EAN = "4006381333931";
const MUG_CARTON = withCheck("1400638133393"); // GTIN-14 of a carton of mugs
const CHEESE_ITEM = "12345";

async function shop(store?: Store) {
  const h = await harness({ ...(store === undefined ? {} : { store }), inStoreLayouts: DEFAULT_IN_STORE_LAYOUTS });
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await h.inventory.defineProduct({ sku: "CHEESE", costingMethod: "moving-average", unitOfMeasure: "kg" });
  await h.inventory.defineUnit({ sku: "MUG", unit: "carton", factor: "12" });
  await h.inventory.defineBarcode({ barcode: MUG_EAN, sku: "MUG" });
  await h.inventory.defineBarcode({ barcode: MUG_CARTON, sku: "MUG", unit: "carton" });
  await h.inventory.defineBarcode({ barcode: withCheck(`23${CHEESE_ITEM}00000`), sku: "CHEESE" });
  await h.inventory.defineBarcode({ barcode: "MUG-LABEL-7", sku: "MUG", internal: true });
  return h;
}

async function scenario(store?: Store) {
  const h = await shop(store);
  const out: Record<string, unknown> = {};
  // The same item scanned as EAN-13 and as its GTIN-14 finds the same SKU.
  out["ean"] = await h.inventory.scan(MUG_EAN);
  out["gtin14"] = await h.inventory.scan(`0${MUG_EAN}`);
  // A GS1-128 carton label: 10 cartons (AI 37 with AI 02), lot and expiry.
  const label = gs1ElementString([
    { ai: "02", value: MUG_CARTON },
    { ai: "37", value: "10" },
    { ai: "17", value: "271231" },
    { ai: "10", value: "L-42" },
  ]);
  const scanned = await h.inventory.scan(label);
  out["label"] = scanned;
  // Receive what the label says: the GS1 receipt by scan.
  const receipt = await h.inventory.receive({ sku: scanned.sku!, warehouseId: "wh", quantity: scanned.quantity!, unitCost: "2.5", lot: scanned.lot! });
  out["receipt"] = { quantity: receipt.quantity, amount: receipt.amount };
  out["onHand"] = await h.inventory.onHand({ sku: "MUG" });
  // A weighed cheese: 0.455 kg embedded in an in-store code.
  out["cheese"] = await h.inventory.scan(withCheck(`23${CHEESE_ITEM}00455`));
  out["internal"] = await h.inventory.scan("MUG-LABEL-7");
  out["unknown"] = await h.inventory.scan("036000291452");
  // Buy in cartons, sell in units.
  await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2", unit: "carton", unitCost: "30" });
  const sold = await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1", unit: "carton" });
  out["sold"] = sold.quantity;
  out["valuation"] = await h.inventory.valuation({ sku: "MUG" });
  return { h, out };
}

describe("barcode → SKU lookup and scan", () => {
  it("scenario: scans find the SKU in any GTIN form, a GS1 carton label is received by scan with its lot, in-store weights and internal labels resolve (memory store)", async () => {
    const { out } = await scenario();
    expect(out["ean"]).toMatchObject({ sku: "MUG", unit: null, factor: "1", quantity: "1" });
    expect(out["gtin14"]).toMatchObject({ sku: "MUG", quantity: "1" });
    expect(out["label"]).toMatchObject({ sku: "MUG", unit: "carton", factor: "12", quantity: "120", lot: "L-42", expiry: "2027-12-31" });
    expect(out["receipt"]).toEqual({ quantity: "120", amount: "300" });
    expect(out["onHand"]).toEqual([{ sku: "MUG", locationId: "wh", lot: "L-42", quantity: "120" }]);
    expect(out["cheese"]).toMatchObject({ sku: "CHEESE", quantity: "0.455" });
    expect(out["internal"]).toMatchObject({ sku: "MUG", barcode: null, quantity: "1" });
    expect(out["unknown"]).toMatchObject({ sku: null, quantity: null, barcode: { kind: "upc-a", gtin: "00036000291452" } });
    expect(out["sold"]).toBe("-12");
    // 120 at 2.50 + 24 at 2.50 (30 a carton), 12 sold: 132 × 2.5.
    expect(out["valuation"]).toMatchObject([{ quantity: "132", value: "330" }]);
  });

  it("refusals: a wrong check digit says which digit, an unknown unit or a reassigned barcode says how to fix it", async () => {
    const h = await shop();
    await expect(h.inventory.scan("4006381333932")).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/check digit/i) });
    await expect(h.inventory.defineBarcode({ barcode: MUG_EAN, sku: "MUG", unit: "pallet" })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("defineUnit") });
    await h.inventory.defineProduct({ sku: "CUP", costingMethod: "fifo" });
    await expect(h.inventory.defineBarcode({ barcode: `00${MUG_EAN}`.slice(1), sku: "CUP" })).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    // Same assignment again is a no-op.
    await expect(h.inventory.defineBarcode({ barcode: MUG_EAN, sku: "MUG" })).resolves.toMatchObject({ sku: "MUG" });
    expect(await h.inventory.removeBarcode({ barcode: MUG_EAN })).toEqual({ barcode: MUG_EAN, removed: true, sku: "MUG" });
    await expect(h.inventory.defineBarcode({ barcode: MUG_EAN, sku: "CUP" })).resolves.toMatchObject({ sku: "CUP" });
    await expect(h.inventory.defineBarcode({ barcode: gs1ElementString([{ ai: "00", value: withCheck("00950600013400000") }]), sku: "CUP" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("no trade item") });
    await expect(h.inventory.defineUnit({ sku: "MUG", unit: "unit", factor: "1" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "1", unit: "crate", unitCost: "1" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("units of measure (pure, exact)", () => {
  const qty = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((n) => new Decimal(n.toString()).dividedBy(1000));
  const factor = fc.bigInt({ min: 1n, max: 10n ** 6n }).map((n) => new Decimal(n.toString()).dividedBy(1000));

  it("property: packs × factor + remainder = the quantity, with |remainder| < factor and the remainder's sign the quantity's", () => {
    fc.assert(
      fc.property(qty, factor, (q, f) => {
        const { packs, remainder } = splitIntoPacks(q, f);
        expect(new Decimal(packs).times(f).plus(remainder).eq(q)).toBe(true);
        expect(new Decimal(remainder).abs().lt(f)).toBe(true);
        expect(new Decimal(packs).isInteger()).toBe(true);
        if (!new Decimal(remainder).isZero()) expect(new Decimal(remainder).isNegative()).toBe(q.isNegative());
      }),
    );
  });

  it("property: converting to a unit and back gives the quantity back exactly, or is refused (never rounded)", () => {
    fc.assert(
      fc.property(qty, factor, factor, (q, a, b) => {
        let there: string;
        try {
          there = convertQuantity(q, a, b);
        } catch {
          // Refused only when the exact result needs more than 6 decimals.
          expect(q.times(a).dividedBy(b).decimalPlaces()).toBeGreaterThan(6);
          return;
        }
        expect(new Decimal(there).times(b).eq(q.times(a))).toBe(true);
        expect(convertQuantity(there, b, a)).toBe(q.isZero() ? "0" : q.toFixed());
      }),
    );
  });

  it("base quantities: 2 cartons of 12 are 24, 250 g are 0.25 kg, 7 decimals are refused", () => {
    expect(toBaseQuantity("2", "12")).toBe("24");
    expect(toBaseQuantity("250", "0.001")).toBe("0.25");
    expect(() => toBaseQuantity("0.0001", "0.001")).toThrow(/more than 6 decimals/);
    expect(splitIntoPacks("30", "12")).toEqual({ packs: "2", remainder: "6" });
    expect(() => convertQuantity("1", "1", "12")).toThrow(/split them into packs/);
  });
});

describe("on PostgreSQL (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it("the scan scenario gives the same results as on the memory store", async () => {
    const pg = await scenario(postgresStore({ client: db, schema: "barcode_lookup" }));
    const memory = await scenario();
    expect(pg.out).toEqual(memory.out);
  }, 60_000);
});
