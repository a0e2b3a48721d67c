import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { ageOnHand, classifyMovement } from "../../src/inventory/stock-ageing.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import { harness } from "./setup.js";

async function scenario(store?: Store) {
  const h = await harness(store === undefined ? {} : { store });
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const sku of ["MUG", "OLD", "SLOW", "NEW"]) await h.inventory.defineProduct({ sku, costingMethod: "fifo" });
  const receive = (sku: string, effectiveDate: string, quantity: string, unitCost: string) => h.inventory.receive({ sku, warehouseId: "wh", quantity, unitCost, effectiveDate });
  await receive("MUG", "2025-09-01", "50", "2");
  await receive("MUG", "2025-12-15", "30", "3");
  await receive("MUG", "2026-02-15", "20", "4");
  await receive("MUG", "2026-03-20", "10", "5");
  await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "60", effectiveDate: "2026-03-25" });
  await receive("OLD", "2025-06-01", "7", "1");
  await receive("SLOW", "2025-12-01", "100", "1");
  await h.inventory.issue({ sku: "SLOW", warehouseId: "wh", quantity: "5", effectiveDate: "2026-03-01" });
  await receive("NEW", "2026-03-30", "3", "1");
  return {
    ageing: await h.inventory.ageing({ asOf: "2026-03-31" }),
    earlier: await h.inventory.ageing({ asOf: "2026-01-31", sku: "MUG" }),
    slow: await h.inventory.slowMoving({ asOf: "2026-03-31" }),
  };
}

describe("inventory ageing and slow-moving stock", () => {
  it("scenario: on hand is aged by the newest receipt layers as of a date, values split by quantity; slow, dead, active and new SKUs are told apart (memory store)", async () => {
    const r = await scenario();
    const mug = r.ageing.rows.find((row) => row.sku === "MUG")!;
    expect(mug).toEqual({
      sku: "MUG",
      onHand: "50",
      value: "190",
      buckets: [
        { label: "0-30", quantity: "10", value: "38" },
        { label: "31-90", quantity: "20", value: "76" },
        { label: "91-180", quantity: "20", value: "76" },
        { label: ">180", quantity: "0", value: "0" },
      ],
      unaged: "0",
    });
    // As of the end of January the MUG's 80 units were 30 of December (47 days) and 50 of September (152 days).
    expect(r.earlier.rows[0]!.buckets.map((b) => b.quantity)).toEqual(["0", "30", "50", "0"]);
    expect(r.ageing.totals.find((t) => t.label === ">180")!.value).toBe("7");
    const status = Object.fromEntries(r.slow.map((row) => [row.sku, row.status]));
    expect(status).toEqual({ MUG: "active", NEW: "active", OLD: "dead", SLOW: "slow" });
    expect(r.slow.find((row) => row.sku === "MUG")).toMatchObject({ lastIssueDate: "2026-03-25", issuedInWindow: "60", daysOfCover: 75 });
    expect(r.slow.find((row) => row.sku === "SLOW")).toMatchObject({ issuedInWindow: "5", daysOfCover: 1710 });
  });

  it("refuses thresholds that are not whole days", async () => {
    const h = await harness();
    await expect(h.inventory.slowMoving({ windowDays: 0 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(h.inventory.ageing({ asOf: "31.03.2026" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("property: the buckets and the unaged part add up to what is on hand, and no bucket holds more than its layers brought", () => {
    const layer = fc.record({ days: fc.integer({ min: 0, max: 400 }), quantity: fc.integer({ min: 1, max: 1000 }) });
    fc.assert(
      fc.property(fc.array(layer, { maxLength: 12 }), fc.integer({ min: 0, max: 6000 }), (layers, onHand) => {
        const sorted = [...layers].sort((a, b) => a.days - b.days);
        const asOf = new Date(Date.UTC(2026, 2, 31));
        const newestFirst = sorted.map((l) => ({ date: new Date(asOf.getTime() - l.days * 86_400_000).toISOString().slice(0, 10), quantity: String(l.quantity) }));
        const aged = ageOnHand(String(onHand), newestFirst, "2026-03-31");
        const total = aged.quantities.reduce((sum, q) => sum.plus(q), new Decimal(aged.unaged));
        expect(total.eq(onHand)).toBe(true);
        const brought = [30, 90, 180, Infinity].map((max, i, all) => sorted.filter((l) => l.days <= max && (i === 0 || l.days > all[i - 1]!)).reduce((s, l) => s + l.quantity, 0));
        aged.quantities.forEach((q, i) => expect(Number(q)).toBeLessThanOrEqual(brought[i]!));
      }),
    );
  });

  it("classification: dead beats slow; no issue in the window is slow only once idle longer than the window", () => {
    expect(classifyMovement({ onHand: "5", issuedInWindow: "0", lastIssueDate: null, lastReceiptDate: "2026-03-01", asOf: "2026-03-31" }).status).toBe("active");
    expect(classifyMovement({ onHand: "5", issuedInWindow: "0", lastIssueDate: null, lastReceiptDate: "2025-12-01", asOf: "2026-03-31" }).status).toBe("slow");
    expect(classifyMovement({ onHand: "5", issuedInWindow: "0", lastIssueDate: null, lastReceiptDate: null, asOf: "2026-03-31" }).status).toBe("dead");
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

  it("the ageing scenario gives the same reports as on the memory store", async () => {
    expect(await scenario(postgresStore({ client: db, schema: "stock_ageing" }))).toEqual(await scenario());
  }, 60_000);
});
