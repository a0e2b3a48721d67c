import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import type { Store } from "../../src/ports/storage.js";
import { harness } from "./setup.js";

async function scenario(changeOn: string, store?: Store) {
  const h = await harness(store === undefined ? {} : { store });
  const inv = h.inventory;
  await inv.defineWarehouse({ warehouseId: "wh" });
  await inv.defineProduct({ sku: "BOLT", costingMethod: "standard", standardCost: "4" });
  await inv.receive({ sku: "BOLT", warehouseId: "wh", quantity: "10", unitCost: "4.2", effectiveDate: "2026-03-01" });
  const early = await inv.issue({ sku: "BOLT", warehouseId: "wh", quantity: "3", effectiveDate: "2026-03-10" });
  const change = await inv.changeStandardCost({ sku: "BOLT", standardCost: "5", effectiveDate: changeOn, reference: "std_2026" });
  const late = await inv.issue({ sku: "BOLT", warehouseId: "wh", quantity: "2", effectiveDate: "2026-03-20" });
  const history = await inv.history({ sku: "BOLT" });
  return {
    early: early.amount,
    change: { amount: change.amount, postings: change.postings, standardCost: change.standardCost },
    late: late.amount,
    history: history.map((l) => [l.kind, l.effectiveDate, l.quantity, l.amount]),
    valuation: await inv.valuation({ sku: "BOLT" }),
    valuationBefore: await inv.valuation({ sku: "BOLT", asOf: "2026-03-04" }),
    revalued: (await h.events("StockRevalued")).map((e) => e.payload),
    audit: (await inv.audit()).ok,
    explain: (await inv.explain(change.movementId)).why,
  };
}

describe("standard-cost changes", () => {
  it("scenario: a new standard revalues the stock on hand on its date (posted), later issues leave at it, earlier ones keep their cost (memory store)", async () => {
    const r = await scenario("2026-03-15");
    expect(r.early).toBe("12");
    // 7 on hand at 4.00 → 5.00: +7.00 against the purchase price variance.
    expect(r.change).toEqual({ amount: "7", postings: { inventory: "7", "purchase-price-variance": "-7" }, standardCost: "5" });
    expect(r.late).toBe("10");
    expect(r.valuation).toMatchObject([{ quantity: "5", value: "25" }]);
    expect(r.revalued).toEqual([
      {
        revaluationId: expect.any(String),
        sku: "BOLT",
        reason: "standard-cost-change",
        source: { type: "standard-cost-change", id: "std_2026" },
        postings: [
          { role: "inventory", amount: { amount: "7", currency: "EUR" } },
          { role: "purchase-price-variance", amount: { amount: "-7", currency: "EUR" } },
        ],
      },
    ]);
    expect(r.audit).toBe(true);
    expect(r.explain.join(" ")).toContain("Standard-cost change");
  });

  it("a change back-dated before later movements revalues what was on hand then and re-derives what came after, never what came before", async () => {
    const r = await scenario("2026-03-05");
    // On hand on 5 March: 10 units, +10.00; the issue of 10 March now leaves at 5.00.
    expect(r.change.amount).toBe("10");
    expect(r.history).toEqual([
      ["receipt", "2026-03-01", "10", "42"],
      ["revaluation", "2026-03-05", "0", "10"],
      ["sale-issue", "2026-03-10", "-3", "15"],
      ["sale-issue", "2026-03-20", "-2", "10"],
    ]);
    expect(r.valuationBefore).toMatchObject([{ quantity: "10", value: "40" }]);
    expect(r.valuation).toMatchObject([{ quantity: "5", value: "25" }]);
    expect(r.audit).toBe(true);
  });

  it("refuses products that are not standard-costed", async () => {
    const h = await harness();
    await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await expect(h.inventory.changeStandardCost({ sku: "MUG", standardCost: "3" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
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

  it("the standard-cost scenarios give the same results as on the memory store", async () => {
    expect(await scenario("2026-03-05", postgresStore({ client: db, schema: "standard_change" }))).toEqual(await scenario("2026-03-05"));
  }, 60_000);
});
