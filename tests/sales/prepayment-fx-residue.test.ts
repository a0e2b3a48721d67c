import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { memoryStore } from "../../src/adapters/memory/index.js";
import type { Storekeep } from "../../src/storekeep.js";
import { USD_RATES, VAT, balance, booksAgree, cleared, sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * A USD order (EUR books) captured in parts before its first invoice, then shipped and
 * invoiced in parts at other rates. An invoice is worth the sum of its converted parts (net,
 * shipping, tax at the invoice's rate), which can differ by a cent from its gross converted
 * whole. The part a prepayment pays was measured as the applied amount converted whole, so an
 * invoice its prepayment paid in full opened a receivable of 0 USD worth 0.01 EUR: nothing
 * was left to pay, nothing ever settled it, and 1200 kept the cent.
 */

const db = sharedPglite();

/**
 * The exchange differences realised by payments on the customer's receivables (booked − settled
 * of each payment settlement, positive = a loss), which 6800 must hold: the allocations of credits
 * to later invoices are advances (IFRIC 22) and move revenue, not 6800.
 */
async function realisedOnPayments(sk: Storekeep): Promise<string> {
  const items = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" });
  return items
    .flatMap((i) => i.settlements)
    .filter((t) => t.kind === "payment")
    .reduce((a, t) => a.plus(t.booked).minus(t.settled), new Decimal(0))
    .toFixed(2);
}

describe.each(["memory", "pglite"] as const)("a USD order captured in parts before its first invoice (%s)", (kind) => {
  it("an invoice its prepayment pays in full opens nothing: 8.67 USD + 19% = 10.32 captured at 0.90, invoiced at 0.92 (net 7.98 + tax 1.52 = 9.50, but 10.32 × 0.92 = 9.49)", async () => {
    const { sk, clock } = shop(storeOf(kind, db), { invoicing: "on-shipment" }, USD_RATES);
    await stock(sk, ["MUG"]);
    await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "USD", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "8.67" }] });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "10.32" });
    clock.set("2026-03-05T10:00:00.000Z");
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1" });
    await cleared(sk);
    // The advance (9.29 EUR) pays the whole invoice: revenue is measured at it (IFRIC 22), 6800 is untouched.
    expect(await balance(sk, "4100")).toBe("-7.77");
    expect(await balance(sk, "2300")).toBe("-1.52");
    expect(await balance(sk, "6800")).toBe("0");
  });

  it.each(["on-shipment", "on-order"] as const)("10.33 captured, a 10.32 invoice, the rest shipped at another rate and paid: nothing open, 1200 and 2200 at 0.00, the capture's exchange difference on 6800 (%s shop)", async (invoicing) => {
    const { sk, clock } = shop(storeOf(kind, db), { invoicing }, [...USD_RATES, { base: "USD", quote: "EUR", date: "2026-03-12", rate: "0.97" }]);
    await stock(sk, ["MUG", "TEE"]);
    // The order itself is invoiced on shipment (an on-order shop's order may say so).
    await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "USD", warehouseId: "wh", invoicing: "on-shipment", lines: [{ sku: "MUG", quantity: 1, unitPrice: "8.67" }, { sku: "TEE", quantity: 1, unitPrice: "10" }] });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "5" });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2", amount: "5.33" });
    clock.set("2026-03-05T10:00:00.000Z");
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "1" }] });
    expect(await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).toEqual([]);
    expect(await balance(sk, "1200")).toBe("0.00");
    expect((await sk.sales.order("ord_1"))!.order.receivable).toEqual({ amount: "0", functional: "0" });
    clock.set("2026-03-10T10:00:00.000Z");
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
    clock.set("2026-03-12T10:00:00.000Z");
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_3" });
    await cleared(sk);
    const items = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" });
    expect(items.map((i) => [i.documentId, i.openAmount, i.openFunctional])).toEqual(items.map((i) => [i.documentId, "0", "0"]));
    // 11.89 USD left (11.90 less the 0.01 still prepaid), open at 0.95 for 11.30 EUR (11.31 less 0.01), paid at 0.97 = 11.53: a 0.23 gain on 6800.
    expect(await realisedOnPayments(sk)).toBe("-0.23");
    expect(await balance(sk, "6800")).toBe("-0.23");
  });
});

const DAYS = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12"];

describe("random USD orders with part captures before invoicing, partial shipments and rate changes", () => {
  it("when fully shipped and paid, every receivables open item is settled, 1200 = 0.00, 2200 = 0.00 (and 1410 with VAT on advances), the subledger audit agrees and 6800 holds exactly the exchange differences the payments realised", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ price: fc.integer({ min: 1, max: 4000 }), quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 8000, max: 12000 }), { minLength: DAYS.length, maxLength: DAYS.length }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 9, maxLength: 9 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 3, maxLength: 3 }),
        fc.option(fc.integer({ min: 1, max: 1500 }), { nil: undefined }),
        fc.boolean(),
        async (lines, rateBasis, preShares, splits, laterShares, shipping, taxOnAdvances) => {
          const rates = DAYS.map((date, i) => ({ base: "USD", quote: "EUR", date, rate: new Decimal(rateBasis[i]!).div(10_000).toFixed() }));
          const { sk, clock } = shop(memoryStore(), { invoicing: "on-shipment", tax: { codes: VAT, seller: { country: "DE" }, taxOnAdvances } }, rates);
          const skus = lines.map((_, i) => `SKU${i}`);
          await stock(sk, skus);
          const placed = await sk.sales.placeOrder({
            orderId: "ord_1",
            customerId: "cus_1",
            currency: "USD",
            warehouseId: "wh",
            lines: lines.map((l, i) => ({ sku: skus[i]!, quantity: l.quantity, unitPrice: new Decimal(l.price).div(100).toFixed(2), ...(i === 1 ? { taxCategory: "reduced" } : {}) })),
            ...(shipping === undefined ? {} : { shipping: { amount: new Decimal(shipping).div(100).toFixed(2) } }),
          });
          const total = new Decimal(placed.total).times(100).toNumber();
          let captured = 0;
          let n = 0;
          const capture = async (cents: number) => {
            if (cents <= 0 || captured + cents > total) return;
            n += 1;
            await sk.sales.capturePayment({ orderId: "ord_1", paymentId: `ch_${n}`, amount: new Decimal(cents).div(100).toFixed(2) });
            captured += cents;
          };
          // Part captures before the first invoice: shares of the total, at most all of it.
          const weight = preShares.reduce((a, s) => a + s, 0);
          for (const s of preShares) await capture(Math.floor((total * s) / Math.max(weight, 100)));
          // Partial shipments on later days (each at its day's rate), with captures between them.
          let day = 0;
          const left = lines.map((l) => l.quantity);
          for (let k = 0; k < 3; k++) {
            day += 1;
            clock.set(`${DAYS[day]!}T10:00:00.000Z`);
            const part = left.map((q, i) => Math.min(q, splits[k * 3 + i] ?? 0));
            if (part.some((q) => q > 0)) {
              await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: `shp_${k}`, lines: part.flatMap((q, i) => (q > 0 ? [{ lineId: String(i + 1), quantity: String(q) }] : [])) });
              part.forEach((q, i) => (left[i]! -= q));
            }
            await capture(Math.floor(((total - captured) * laterShares[k]!) / 100));
          }
          day += 1;
          clock.set(`${DAYS[day]!}T10:00:00.000Z`);
          if (left.some((q) => q > 0)) await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_last" });
          day += 1;
          clock.set(`${DAYS[day]!}T10:00:00.000Z`);
          if (captured < total) await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_last" });
          const items = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" });
          expect(items.filter((i) => i.openAmount !== "0" || i.openFunctional !== "0")).toEqual([]);
          await cleared(sk);
          await booksAgree(sk);
          expect(new Decimal(await balance(sk, "1410")).toFixed(2)).toBe("0.00");
          const difference = await realisedOnPayments(sk);
          expect(new Decimal(await balance(sk, "6800")).toFixed(2)).toBe(difference);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
