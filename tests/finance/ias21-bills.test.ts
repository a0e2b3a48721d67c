import { describe, expect, it } from "vitest";
import { createStorekeep, memoryStore, type JournalEntry } from "../../src/index.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * IAS 21 on supplier bills (issue 9): goods received in USD at 0.92 and billed at 0.93. With
 * the received price on the bill line, a pure rate change is an exchange difference (not a
 * purchase price difference, and stock is not revalued); a price change at the bill's rate
 * is a price difference that revalues stock; without it, everything stays a price difference.
 */

const usd = (amount: string) => ({ amount, currency: "USD" });
const eur = (amount: string) => ({ amount, currency: "EUR" });
type Line = [side: "Dr" | "Cr", account: string, functional: string];
const linesOf = (entry: JournalEntry): Line[] => entry.lines.map((l) => [l.functional.startsWith("-") ? "Cr" : "Dr", l.account, l.functional.replace("-", "")]);

async function shop() {
  const sk = createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-03-20T09:00:00Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.recordEvents([{ type: "GoodsReceived", aggregateType: "receipt", aggregateId: "grn_1", effectiveDate: "2026-03-02", payload: {
    receiptId: "grn_1", purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: "wh", currency: "USD", functionalCurrency: "EUR", rate: "0.92",
    lines: [{ lineId: "l1", sku: "MUG", quantity: "100", unitPrice: usd("2.5"), receivedValue: eur("230") }],
  } }]);
  const bill = async (billId: string, unitPrice: string, receivedPrice: string | undefined) => {
    const billed = (Number(unitPrice) * 100).toFixed(2);
    const billedEur = (Math.round(Number(unitPrice) * 100 * 93) / 100).toFixed(2);
    await sk.recordEvents([{ type: "SupplierBillRecorded", aggregateType: "bill", aggregateId: billId, effectiveDate: "2026-03-10", payload: {
      billId, supplierId: "sup_1", currency: "USD", functionalCurrency: "EUR", rate: "0.93",
      lines: [{ receiptId: "grn_1", receiptLineId: "l1", sku: "MUG", quantity: "100", unitPrice: usd(unitPrice), ...(receivedPrice === undefined ? {} : { receivedPrice: usd(receivedPrice) }), receivedValue: eur("230"), billedValue: eur(billedEur) }],
      net: usd(billed), tax: usd("0"), gross: usd(billed), functional: { net: eur(billedEur), tax: eur("0"), gross: eur(billedEur) },
    } }]);
    const journal = await sk.finance.journal();
    return journal.find((e) => e.source.kind === "event" && e.source.eventType === "SupplierBillRecorded")!;
  };
  return { sk, bill };
}

describe("IAS 21 on supplier bills", () => {
  it("same USD price, only the rate moved: the 2.50 is an exchange loss, GRNI cleared, stock stays at 230", async () => {
    const { sk, bill } = await shop();
    const entry = await bill("bill_1", "2.5", "2.5");
    expect(linesOf(entry)).toEqual([["Dr", "2150", "230"], ["Dr", "6800", "2.5"], ["Cr", "2100", "232.5"]]);
    expect((await sk.inventory.valuation())[0]).toMatchObject({ sku: "MUG", value: "230" });
  });

  it("a price change too: (2.60 − 2.50) × 100 × 0.93 = 9.30 is a price difference that revalues stock, 2.50 the exchange loss", async () => {
    const { sk, bill } = await shop();
    const entry = await bill("bill_1", "2.6", "2.5");
    expect(linesOf(entry)).toEqual([["Dr", "2150", "230"], ["Dr", "5200", "9.3"], ["Dr", "6800", "2.5"], ["Cr", "2100", "241.8"]]);
    expect((await sk.inventory.valuation())[0]).toMatchObject({ sku: "MUG", value: "239.3" });
    expect((await sk.inventory.audit()).ok).toBe(true);
  });

  it("without the received price the whole difference stays a price difference (the previous behaviour)", async () => {
    const { sk, bill } = await shop();
    const entry = await bill("bill_1", "2.5", undefined);
    expect(linesOf(entry)).toEqual([["Dr", "2150", "230"], ["Dr", "5200", "2.5"], ["Cr", "2100", "232.5"]]);
    expect((await sk.inventory.valuation())[0]).toMatchObject({ sku: "MUG", value: "232.5" });
  });

  it("a received price in another currency than the bill's is refused", async () => {
    const { sk } = await shop();
    await expect(sk.recordEvents([{ type: "SupplierBillRecorded", aggregateType: "bill", aggregateId: "b", effectiveDate: "2026-03-10", payload: {
      billId: "bill_x", supplierId: "sup_1", currency: "USD", functionalCurrency: "EUR", rate: "0.93",
      lines: [{ receiptId: "grn_1", sku: "MUG", quantity: "100", unitPrice: usd("2.5"), receivedPrice: eur("2.3"), receivedValue: eur("230"), billedValue: eur("232.5") }],
      net: usd("250"), tax: usd("0"), gross: usd("250"), functional: { net: eur("232.5"), tax: eur("0"), gross: eur("232.5") },
    } }])).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("receivedPrice") });
  });
});
