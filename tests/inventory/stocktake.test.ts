import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { abcClasses, cycleCountsDue } from "../../src/inventory/cycle-counting.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import { harness } from "./setup.js";

const MUG_EAN = "4006381333931";

async function shop(store?: Store) {
  const h = await harness({ ...(store === undefined ? {} : { store }), start: "2026-03-31T08:00:00.000Z" });
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const l of ["wh/A1", "wh/A2", "wh/B1"]) await h.inventory.defineLocation({ locationId: l, warehouseId: "wh" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await h.inventory.defineProduct({ sku: "TEA", costingMethod: "moving-average" });
  await h.inventory.defineBarcode({ barcode: MUG_EAN, sku: "MUG" });
  await h.inventory.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "10", unitCost: "2" });
  await h.inventory.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A2", quantity: "5", unitCost: "2" });
  await h.inventory.receive({ sku: "TEA", warehouseId: "wh", locationId: "wh/B1", quantity: "20", unitCost: "1" });
  return h;
}

async function countScenario(store?: Store) {
  const h = await shop(store);
  const out: Record<string, unknown> = {};
  const inv = h.inventory;
  out["start"] = await inv.startStocktake({ stocktakeId: "st_1", warehouseId: "wh", locationRange: { from: "wh/A", to: "wh/C" }, recountAbove: "1" });
  out["sheet"] = await inv.countSheet("st_1");
  h.clock.advance(60 * 60_000);
  out["a1"] = await inv.recordCount({ stocktakeId: "st_1", locationId: "wh/A1", items: [{ sku: "MUG", quantity: "9" }] });
  h.clock.advance(10 * 60_000);
  // Movements during the count: 2 mugs leave A1 after it was counted, 3 arrive at A2 before it is.
  await inv.issue({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "2" });
  await inv.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A2", quantity: "3", unitCost: "2" });
  h.clock.advance(10 * 60_000);
  out["a2"] = await inv.recordCount({ stocktakeId: "st_1", locationId: "wh/A2", items: [{ sku: "MUG", quantity: "5" }] });
  out["early"] = await inv.approveStocktake({ stocktakeId: "st_1" }).catch((e: { code: string }) => e.code);
  h.clock.advance(5 * 60_000);
  // The recount by scanning: seven scans of the mug's EAN.
  out["a2again"] = await inv.recordCount({ stocktakeId: "st_1", locationId: "wh/A2", items: [{ barcode: MUG_EAN, times: 4 }, { barcode: MUG_EAN, times: 3 }] });
  out["b1"] = await inv.recordCount({ stocktakeId: "st_1", locationId: "wh/B1", items: [{ sku: "TEA", quantity: "21" }] });
  out["report"] = await inv.stocktake("st_1");
  h.clock.advance(60 * 60_000);
  out["approved"] = await inv.approveStocktake({ stocktakeId: "st_1" });
  out["again"] = await inv.approveStocktake({ stocktakeId: "st_1" }).catch((e: { code: string }) => e.code);
  out["onHand"] = await inv.onHand();
  out["adjusted"] = (await h.events("StockAdjusted")).map((e) => e.payload);
  out["audit"] = (await inv.audit()).ok;
  out["plan"] = await inv.cycleCounts({ warehouseId: "wh" });
  return out;
}

describe("stocktakes", () => {
  it("scenario: a blind count with a recount, scans, and movements during the count posts count − book at each location's count instant in one command (memory store)", async () => {
    const out = await countScenario();
    expect(out["start"]).toEqual({ stocktakeId: "st_1", warehouseId: "wh", locations: 3, blind: true });
    // Blind: the sheet names what to count, never how many.
    expect(JSON.stringify(out["sheet"])).not.toContain("expected");
    expect(out["a1"]).toEqual({ stocktakeId: "st_1", locationId: "wh/A1", status: "counted", items: 1 });
    // A2's book when counted was 8 (5 + 3 received during the count): 3 short is past the threshold.
    expect(out["a2"]).toMatchObject({ status: "recount" });
    expect(out["a2"]).not.toHaveProperty("differences");
    expect(out["early"]).toBe("INVALID_TRANSITION");
    expect(out["a2again"]).toMatchObject({ status: "counted" });
    const report = out["report"] as { lines: { locationId: string; expected: string; counted: string; difference: string; firstCount: string | null }[] };
    expect(report.lines.map((l) => [l.locationId, l.expected, l.counted, l.difference, l.firstCount])).toEqual([
      ["wh/A1", "10", "9", "-1", null],
      ["wh/A2", "8", "7", "-1", "5"],
      ["wh/B1", "20", "21", "1", null],
    ]);
    expect(out["approved"]).toEqual({ stocktakeId: "st_1", state: "approved", summary: { locationsCounted: 3, lines: 3, adjusted: 3, shrinkage: "-4", gain: "1", movements: 3 } });
    expect(out["again"]).toBe("INVALID_TRANSITION");
    // A1: counted 9, then 2 left: 7. A2: the recount. B1: the count.
    expect(out["onHand"]).toEqual([
      { sku: "MUG", locationId: "wh/A1", lot: null, quantity: "7" },
      { sku: "MUG", locationId: "wh/A2", lot: null, quantity: "7" },
      { sku: "TEA", locationId: "wh/B1", lot: null, quantity: "21" },
    ]);
    const adjusted = out["adjusted"] as { quantity: string; reason: string; effectiveAt: string; source: { type: string; id: string } }[];
    expect(adjusted.map((a) => [a.quantity, a.reason, a.source.id])).toEqual([
      ["-1", "count", "st_1"],
      ["-1", "count", "st_1"],
      ["1", "count", "st_1"],
    ]);
    // Each adjustment is effective when its location was counted.
    expect(adjusted[0]!.effectiveAt).toBe("2026-03-31T09:00:00.000Z");
    expect(out["audit"]).toBe(true);
    // Counted today: nothing is due for a cycle count.
    expect(out["plan"]).toMatchObject({ classes: { A: 2, B: 0, C: 0 }, due: [] });
  });

  it("a receipt at the very instant of a count, recorded after the count, is after it: approval keeps it (the counter could not have seen it)", async () => {
    const h = await shop();
    const inv = h.inventory;
    await inv.startStocktake({ stocktakeId: "st_t", warehouseId: "wh", locations: ["wh/A1"], skus: ["MUG"], blind: false });
    // Same clock instant: counted first (10 found, as booked), then 8 arrive.
    const count = await inv.recordCount({ stocktakeId: "st_t", locationId: "wh/A1", items: [{ sku: "MUG", quantity: "10" }] });
    expect(count.differences).toEqual([{ sku: "MUG", lot: null, expected: "10", counted: "10", difference: "0" }]);
    await inv.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "8", unitCost: "2" });
    // The report agrees; the 10 received at the same instant before the count (in shop()) were seen by it.
    expect((await inv.stocktake("st_t")).lines).toMatchObject([{ expected: "10", counted: "10", difference: "0" }]);
    const approved = await inv.approveStocktake({ stocktakeId: "st_t" });
    expect(approved.summary).toMatchObject({ adjusted: 0, movements: 0 });
    expect((await inv.onHand()).find((r) => r.sku === "MUG" && r.locationId === "wh/A1")?.quantity).toBe("18");
  });

  it("the book at a count's instant holds when more than a page (1,000) of movements of one SKU followed it, beside another SKU counted in the same approval", async () => {
    const h = await shop();
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "2000", unitCost: "2" });
    await h.inventory.startStocktake({ stocktakeId: "st_long", warehouseId: "wh", locations: ["wh/A1", "wh/B1"], blind: false });
    h.clock.advance(60_000);
    // Book: MUG 2010 at A1, TEA 20 at B1. Counted: 2008 and 21.
    await h.inventory.recordCount({ stocktakeId: "st_long", locationId: "wh/A1", items: [{ sku: "MUG", quantity: "2008" }] });
    await h.inventory.recordCount({ stocktakeId: "st_long", locationId: "wh/B1", items: [{ sku: "TEA", quantity: "21" }] });
    for (let i = 0; i < 1005; i++) {
      h.clock.advance(1_000);
      await h.inventory.issue({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "1" });
    }
    await h.inventory.issue({ sku: "TEA", warehouseId: "wh", locationId: "wh/B1", quantity: "3" });
    const { summary } = await h.inventory.approveStocktake({ stocktakeId: "st_long" });
    expect(summary).toMatchObject({ adjusted: 2, shrinkage: "-4", gain: "1" });
    expect((await h.inventory.availability("MUG", "wh")).onHand).toBe(String(2015 - 1005 - 2));
    expect((await h.inventory.availability("TEA", "wh")).onHand).toBe("18");
  }, 60_000);

  it("refusals: out-of-scope locations and SKUs, unknown barcodes, counting a counted location, approving a cancelled count", async () => {
    const h = await shop();
    const inv = h.inventory;
    await inv.startStocktake({ stocktakeId: "st_2", warehouseId: "wh", locations: ["wh/A1"], skus: ["MUG"], blind: false });
    await expect(inv.recordCount({ stocktakeId: "st_2", locationId: "wh/B1", items: [] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(inv.recordCount({ stocktakeId: "st_2", locationId: "wh/A1", items: [{ sku: "TEA", quantity: "1" }] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(inv.recordCount({ stocktakeId: "st_2", locationId: "wh/A1", items: [{ barcode: "036000291452" }] })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("defineBarcode") });
    // Not blind: the counter sees the differences.
    expect(await inv.recordCount({ stocktakeId: "st_2", locationId: "wh/A1", items: [] })).toMatchObject({ differences: [{ sku: "MUG", expected: "10", counted: "0", difference: "-10" }] });
    await expect(inv.recordCount({ stocktakeId: "st_2", locationId: "wh/A1", items: [] })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await inv.cancelStocktake({ stocktakeId: "st_2" });
    await expect(inv.approveStocktake({ stocktakeId: "st_2" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await expect(inv.startStocktake({ stocktakeId: "st_2", warehouseId: "wh" })).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    await expect(inv.startStocktake({ warehouseId: "wh", locations: ["wh/Z9"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("property: after approval the book at each counted location equals the count plus what moved there after it was counted", async () => {
    const locations = ["wh/A1", "wh/A2", "wh/B1"];
    // sameInstant: the stock arrives at the very instant the location was counted, recorded after the count.
    const step = fc.record({ location: fc.integer({ min: 0, max: 2 }), sku: fc.constantFrom("MUG", "TEA"), count: fc.integer({ min: 0, max: 30 }), moveIn: fc.integer({ min: 0, max: 5 }), sameInstant: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 3 }), async (steps) => {
        const h = await shop();
        await h.inventory.startStocktake({ stocktakeId: "st_p", warehouseId: "wh", recountAbove: "1000" });
        const counts = new Map<string, { sku: string; quantity: number; after: number }>();
        for (const s of steps) {
          const locationId = locations[s.location]!;
          if ([...counts.keys()].some((k) => k.startsWith(`${locationId}|`))) continue;
          h.clock.advance(60_000);
          await h.inventory.recordCount({ stocktakeId: "st_p", locationId, items: [{ sku: s.sku, quantity: String(s.count) }] });
          counts.set(`${locationId}|${s.sku}`, { sku: s.sku, quantity: s.count, after: s.moveIn });
          if (!s.sameInstant) h.clock.advance(60_000);
          // Stock arrives after the location was counted.
          if (s.moveIn > 0) await h.inventory.receive({ sku: s.sku, warehouseId: "wh", locationId, quantity: String(s.moveIn), unitCost: "3" });
        }
        await h.inventory.approveStocktake({ stocktakeId: "st_p" });
        const rows = await h.inventory.onHand();
        const book = (sku: string, locationId: string) => new Decimal(rows.find((r) => r.sku === sku && r.locationId === locationId)?.quantity ?? "0");
        for (const [key, c] of counts) {
          const locationId = key.slice(0, key.indexOf("|"));
          expect(book(c.sku, locationId).eq(c.quantity + c.after)).toBe(true);
          // Items the location held but the count did not find are counted as zero.
          const other = c.sku === "MUG" ? "TEA" : "MUG";
          if (!counts.has(`${locationId}|${other}`)) expect(book(other, locationId).isZero()).toBe(true);
        }
        expect((await h.inventory.audit()).ok).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

describe("cycle counting (pure)", () => {
  it("ABC by value: A holds the first 80% of the value, B to 95%, C the rest; the largest SKU is always A", () => {
    const classes = abcClasses([
      { sku: "TV", value: 700 },
      { sku: "RADIO", value: 150 },
      { sku: "MUG", value: 100 },
      { sku: "PEN", value: 50 },
      { sku: "DUST", value: 0 },
    ]);
    expect(Object.fromEntries(classes)).toEqual({ TV: "A", RADIO: "A", MUG: "B", PEN: "C", DUST: "C" });
    expect(abcClasses([{ sku: "ONLY", value: 5 }]).get("ONLY")).toBe("A");
  });

  it("property: each class's share of the value never starts past its cut (A before 80%, B before 95%)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 50 }), (values) => {
        const items = values.map((value, i) => ({ sku: `S${String(i).padStart(3, "0")}`, value }));
        const classes = abcClasses(items);
        const total = values.reduce((a, b) => a + b, 0);
        const sorted = [...items].sort((a, b) => b.value - a.value || (a.sku < b.sku ? -1 : 1));
        let before = 0;
        for (const item of sorted) {
          const c = classes.get(item.sku)!;
          if (c === "A") expect(before / total).toBeLessThan(0.8);
          if (c === "B") expect(before / total).toBeGreaterThanOrEqual(0.8);
          if (c === "C") expect(before / total).toBeGreaterThanOrEqual(0.95);
          before += item.value;
        }
      }),
    );
  });

  it("due today: never counted first within a class, then the most overdue; A before B before C", () => {
    const classes = new Map([["TV", "A"], ["MUG", "B"], ["PEN", "C"], ["NEW", "A"]] as const);
    const last = new Map([["TV", "2026-02-01"], ["MUG", "2026-03-01"], ["PEN", "2025-09-01"]]);
    expect(cycleCountsDue(classes, last, "2026-03-31")).toEqual([
      { sku: "NEW", abcClass: "A", lastCounted: null, dueDate: null, overdueDays: null },
      { sku: "TV", abcClass: "A", lastCounted: "2026-02-01", dueDate: "2026-03-03", overdueDays: 28 },
      { sku: "PEN", abcClass: "C", lastCounted: "2025-09-01", dueDate: "2026-02-28", overdueDays: 31 },
    ]);
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

  it("the count scenario gives the same results as on the memory store", async () => {
    expect(await countScenario(postgresStore({ client: db, schema: "stocktake" }))).toEqual(await countScenario());
  }, 120_000);
});
