import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { shop } from "./setup.js";

async function lastUnits(stock: number, backorders = false) {
  const { sk } = shop(memoryStore());
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "LAST", costingMethod: "fifo", allowBackorders: backorders });
  await sk.inventory.receive({ sku: "LAST", warehouseId: "wh", quantity: String(stock), unitCost: "2" });
  return sk;
}

describe("orders racing for the last units (fast-check scheduler, memory store)", () => {
  it("property: concurrent orders never oversell: granted ≤ stock, reserved = granted, every refusal was INSUFFICIENT_STOCK and left nothing behind", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 10 }), fc.integer({ min: 1, max: 6 }), async (s, demands, stock) => {
        const sk = await lastUnits(stock);
        const attempts = demands.map((q, i) =>
          s.schedule(Promise.resolve(i)).then(() =>
            sk.sales.placeOrder({ orderId: `o${i}`, currency: "EUR", warehouseId: "wh", lines: [{ sku: "LAST", quantity: q, unitPrice: "10" }] }).then(
              () => ({ ok: true as const, q, i }),
              (error: unknown) => {
                if (isStorekeepError(error) && error.code === "INSUFFICIENT_STOCK") return { ok: false as const, q, i };
                throw error;
              },
            ),
          ),
        );
        await s.waitAll();
        const outcomes = await Promise.all(attempts);
        const granted = outcomes.filter((o) => o.ok).reduce((sum, o) => sum + o.q, 0);
        expect(granted).toBeLessThanOrEqual(stock);
        const a = await sk.inventory.availability("LAST", "wh");
        expect(a.reserved).toBe(String(granted));
        for (const o of outcomes) expect((await sk.sales.order(`o${o.i}`)) !== undefined).toBe(o.ok);
        // Shipping every granted order issues exactly what was granted and never drives stock below zero.
        for (const o of outcomes) if (o.ok) await sk.sales.shipOrder({ orderId: `o${o.i}`, shipmentId: `s${o.i}` });
        expect((await sk.inventory.availability("LAST", "wh")).onHand).toBe(String(stock - granted));
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it("property: a coupon's usage limit holds under concurrency, and a cancelled order gives its use back", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 4 }), async (s, orders, limit) => {
        const sk = await lastUnits(100);
        await sk.sales.defineCoupon({ code: "FEW", discount: { kind: "fixed", amount: "1" }, usageLimit: limit });
        const attempts = Array.from({ length: orders }, (_, i) =>
          s.schedule(Promise.resolve(i)).then(() =>
            sk.sales.placeOrder({ orderId: `c${i}`, currency: "EUR", warehouseId: "wh", couponCode: "FEW", lines: [{ sku: "LAST", quantity: 1, unitPrice: "10" }] }).then(
              () => true,
              (error: unknown) => {
                if (isStorekeepError(error) && error.details["reason"] === "coupon-exhausted") return false;
                throw error;
              },
            ),
          ),
        );
        await s.waitAll();
        const ok = (await Promise.all(attempts)).filter(Boolean).length;
        expect(ok).toBe(Math.min(orders, limit));
        const first = (await Promise.all(attempts)).indexOf(true);
        await sk.sales.cancelOrder({ orderId: `c${first}` });
        await sk.sales.placeOrder({ orderId: "again", currency: "EUR", warehouseId: "wh", couponCode: "FEW", lines: [{ sku: "LAST", quantity: 1, unitPrice: "10" }] });
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
