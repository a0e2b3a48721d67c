import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { defineTaxCodes } from "../../src/finance/tax/tax-codes.js";
import type { DistanceSales } from "../../src/finance/tax/place-of-supply.js";
import type { SalesOptions } from "../../src/sales/index.js";
import { shop } from "./setup.js";

/*
 * A German shop selling to consumers in Austria: below the OSS threshold (or with no figures
 * given) a distance sale is taxed at German rates; above it, or opted in, at Austrian rates
 * (distance-destination), posted and reported under Austria. A business buyer with a VAT id
 * is reverse-charged either way.
 */

const codes = defineTaxCodes([
  { code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] },
  { code: "AT-STD", jurisdiction: { country: "AT" }, category: "standard", kind: "standard", rates: [{ rate: "0.2", validFrom: "2016-01-01" }] },
  { code: "EU-RC", jurisdiction: { country: "DE" }, category: "*", kind: "reverse-charge", rates: [{ rate: "0", validFrom: "2007-01-01" }] },
]);

type Figures = NonNullable<NonNullable<SalesOptions["tax"]>["distanceSales"]>;

async function austrianOrder(distanceSales: Figures | undefined, buyer: { country: string; vatId?: string } = { country: "AT" }) {
  const { sk } = shop(memoryStore(), { tax: { codes, seller: { country: "DE", vatId: "DE123456789" }, ...(distanceSales === undefined ? {} : { distanceSales }) } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "3" });
  const placed = await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "50" }], shipTo: buyer });
  const order = (await sk.sales.order("ord_1"))!.order;
  const report = await sk.finance.taxReport({ from: "2026-03-01", to: "2026-03-31" });
  return { sk, placed, order, report };
}

describe("OSS: distance sales to consumers in another member state", () => {
  it("without figures, and below the threshold, a sale to an Austrian consumer is taxed at German rates", async () => {
    for (const figures of [undefined, { currentYear: "9000", previousYear: "8000" }] as const) {
      const { placed, order, report } = await austrianOrder(figures);
      expect(placed).toMatchObject({ total: "119", tax: "19" });
      expect([...new Set(order.codes.map((c) => `${c.code}@${c.jurisdiction.country}`))]).toEqual(["DE-STD@DE"]);
      expect(report.rows.filter((r) => r.direction === "output").map((r) => [r.country, r.code, r.tax])).toEqual([["DE", "DE-STD", "19"]]);
    }
  });

  it("above the threshold this year or last, or opted in, it is taxed at Austrian rates and reported under Austria", async () => {
    for (const figures of [{ currentYear: "10000.01", previousYear: "0" }, { currentYear: "0", previousYear: "25000" }, { currentYear: "0", previousYear: "0", optIn: true }, { currentYear: "600", previousYear: "0", threshold: "500" }] satisfies DistanceSales[]) {
      const { placed, order, report } = await austrianOrder(figures);
      expect(placed).toMatchObject({ total: "120", tax: "20" });
      expect([...new Set(order.codes.map((c) => `${c.code}@${c.jurisdiction.country}`))]).toEqual(["AT-STD@AT"]);
      expect(report.rows.filter((r) => r.direction === "output").map((r) => [r.country, r.code, r.tax])).toEqual([["AT", "AT-STD", "20"]]);
      expect(report.reconciles).toBe(true);
    }
  });

  it("the figures may come from a function of the order's date; a function that throws is VALIDATION_FAILED and nothing is written", async () => {
    const seen: string[] = [];
    const { placed } = await austrianOrder((date: string) => {
      seen.push(date);
      return { currentYear: date >= "2026-03-01" ? "12000" : "0", previousYear: "0" };
    });
    expect(placed).toMatchObject({ tax: "20" });
    expect(seen).toContain("2026-03-02");
    const failing = shop(memoryStore(), {
      tax: {
        codes,
        seller: { country: "DE" },
        distanceSales: () => {
          throw new Error("ledger offline");
        },
      },
    }).sk;
    await failing.inventory.defineWarehouse({ warehouseId: "wh" });
    await failing.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await expect(failing.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "50" }], shipTo: { country: "AT" } })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("tax.distanceSales threw"),
    });
    expect(await failing.sales.order("ord_1")).toBeUndefined();
  });

  it("a business buyer with a VAT id is reverse-charged whatever the figures", async () => {
    const { placed, order } = await austrianOrder({ currentYear: "50000", previousYear: "0" }, { country: "AT", vatId: "ATU12345678" });
    expect(placed).toMatchObject({ total: "100", tax: "0" });
    expect([...new Set(order.codes.map((c) => c.kind))]).toEqual(["reverse-charge"]);
  });
});
