import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

const eur = (amount: string) => ({ amount, currency: "EUR" });

function placed(orderId: string, customerId: string, total: string, day: string) {
  return {
    type: "OrderPlaced" as const,
    aggregateType: "order",
    aggregateId: orderId,
    effectiveDate: day,
    payload: { orderId, customerId, warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: eur(total) }], total: eur(total) },
  };
}

/** A young shop: two customers bought twice within eight days (c1 today), one once. */
async function youngShop(repeatTotals: readonly [string, string] = ["45", "35"]): Promise<Storekeep> {
  const sk = createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-03-09T18:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  for (const customerId of ["c1", "c2", "c3"]) await sk.crm.createCustomer({ customerId });
  await sk.recordEvents([
    placed("o1", "c1", "40", "2026-03-01"),
    placed("o2", "c2", "25", "2026-03-01"),
    placed("o3", "c3", "60", "2026-03-03"),
    placed("o4", "c2", repeatTotals[1], "2026-03-04"),
    placed("o5", "c1", repeatTotals[0], "2026-03-09"),
  ]);
  await sk.crm.syncTimeline();
  return sk;
}

describe("crm.customerValue on a young shop", () => {
  it("says in warnings that plain maximum likelihood ran to a degenerate model, instead of only reporting P(alive) ≈ 0 for a customer who bought today", async () => {
    const sk = await youngShop();
    const report = await sk.crm.customerValue("2026-03-09");
    expect(report.penalizer).toBe(0);
    const c1 = report.customers.find((c) => c.customerId === "c1")!;
    expect(c1.probabilityAlive).toBeLessThan(1e-6);
    expect(report.warnings.some((w) => w.startsWith("BG/NBD") && w.includes("degenerate"))).toBe(true);
    expect(report.warnings.some((w) => w.includes("only 2 of 3 customers bought again"))).toBe(true);
    await sk.close();
  });

  it("with a penalizer the parameters stay within bounds and a customer who bought today is plausibly alive", async () => {
    const sk = await youngShop();
    const report = await sk.crm.customerValue("2026-03-09", { penalizer: 0.01 });
    expect(report.penalizer).toBe(0.01);
    expect(report.warnings.some((w) => w.includes("degenerate"))).toBe(false);
    for (const v of Object.values(report.bgNbd)) expect(v).toBeGreaterThan(1e-4);
    const byId = new Map(report.customers.map((c) => [c.customerId, c]));
    expect(byId.get("c1")!.probabilityAlive).toBeGreaterThan(0.05);
    // c1 bought again more recently than c2, so is likelier alive; c3 never bought again (P(alive) = 1 by the model).
    expect(byId.get("c1")!.probabilityAlive).toBeGreaterThan(byId.get("c2")!.probabilityAlive);
    expect(byId.get("c3")!.probabilityAlive).toBe(1);
    await sk.close();
  });

  it("warns that spend cannot be modelled while nobody has bought again, and that there is nothing to fit before the first purchase", async () => {
    const sk = await youngShop();
    const early = await sk.crm.customerValue("2026-03-03");
    expect(early.gammaGamma).toBeNull();
    expect(early.warnings.some((w) => w.startsWith("Gamma-Gamma: no customer has bought again"))).toBe(true);
    expect(early.customers.every((c) => c.clv === 0)).toBe(true);
    const none = await sk.crm.customerValue("2026-02-01");
    expect(none.customers).toEqual([]);
    expect(none.warnings).toEqual(["No counted purchases up to this date: nothing to fit."]);
    await sk.close();
  });

  it("claims no value for a customer without a repeat purchase when the spend fit has q ≤ 1 (never a negative CLV), and says why", async () => {
    // Repeat spends of 10 and 1000: the Gamma-Gamma fit puts q below 1 (infinite mean spend).
    const sk = await youngShop(["10", "1000"]);
    const report = await sk.crm.customerValue("2026-03-09", { penalizer: 0.01 });
    expect(report.gammaGamma!.q).toBeLessThanOrEqual(1);
    expect(report.warnings.some((w) => w.startsWith("Gamma-Gamma: q ="))).toBe(true);
    const c3 = report.customers.find((c) => c.customerId === "c3")!;
    expect(c3.expectedSpend).toBe(0);
    expect(c3.clv).toBe(0);
    for (const c of report.customers) expect(c.clv).toBeGreaterThanOrEqual(0);
    expect(report.customers.find((c) => c.customerId === "c2")!.clv).toBeGreaterThan(0);
    await sk.close();
  });

  it("refuses a horizon that is not whole weeks, a discount rate outside [0, 1) and a negative penalizer, naming the field", async () => {
    const sk = await youngShop();
    for (const [horizon, field] of [
      [{ weeks: 0 }, "weeks"],
      [{ weeks: 2.5 }, "weeks"],
      [{ weeks: "52" }, "weeks"],
      [{ discountRatePerWeek: -0.01 }, "discountRatePerWeek"],
      [{ discountRatePerWeek: 1 }, "discountRatePerWeek"],
      [{ penalizer: -1 }, "penalizer"],
      [{ penalizer: Number.NaN }, "penalizer"],
    ] as const) {
      await expect(sk.crm.customerValue("2026-03-09", horizon as never)).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining(field) });
    }
    await sk.close();
  });
});
