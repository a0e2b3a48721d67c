import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../../src/finance/index.js";
import { type Books, eur, makeBooks, tbBalance, usd } from "./helpers.js";

/*
 * Worked examples, line by line: each business event recorded through `recordEvents` with
 * a catalog-shaped payload, and the journal entry its posting rule booked.
 */

type Line = [side: "Dr" | "Cr", account: string, functional: string, transaction?: string];

function linesOf(entry: JournalEntry): Line[] {
  return entry.lines.map((l) => {
    const side = l.functional.startsWith("-") ? "Cr" : "Dr";
    const functional = l.functional.replace("-", "");
    return l.currency === entry.functionalCurrency ? [side, l.account, functional] : [side, l.account, functional, `${l.amount.replace("-", "")} ${l.currency}`];
  });
}

async function record(books: Books, type: string, date: string, payload: Record<string, unknown>, aggregateId = "agg_1"): Promise<JournalEntry[]> {
  const before = new Set((await books.finance.journal()).map((e) => e.entryId));
  await books.sk.recordEvents([{ type, aggregateType: "doc", aggregateId, effectiveDate: date, payload: payload as never }]);
  return (await books.finance.journal()).filter((e) => !before.has(e.entryId)).sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
}

const shipmentSource = { type: "shipment", id: "shp_1", lineId: "l1" };

describe("an order's journey through the posting table", () => {
  it("capture before invoicing, shipment, invoice with the prepayment applied, payout with its fee, credit note, refund, restock", async () => {
    const books = makeBooks();
    // Stock to sell: 10 mugs received at 4.00 from a purchase order.
    await record(books, "StockReceived", "2026-03-01", {
      movementId: "mv_1", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "10", value: eur("40"), counterAccountRole: "grni",
      effectiveAt: "2026-03-01T09:00:00.000Z", source: { type: "receipt", id: "grn_1", lineId: "l1" },
    });

    // 1. Capture before invoicing: the money is a prepayment.
    const [capture] = await record(books, "PaymentCaptured", "2026-03-02", {
      paymentId: "pay_1", orderId: "ord_1", invoiced: false, currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur("119"), functionalAmount: eur("119"),
    });
    expect(linesOf(capture!)).toEqual([["Dr", "1150", "119"], ["Cr", "2200", "119"]]);
    expect(capture!.source).toMatchObject({ kind: "event", eventType: "PaymentCaptured" });

    // 2. Shipment: inventory issues 2 mugs at cost.
    const [issue] = await record(books, "StockIssued", "2026-03-03", {
      movementId: "mv_2", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "2", cost: eur("8"), counterAccountRole: "cogs",
      effectiveAt: "2026-03-03T10:00:00.000Z", source: shipmentSource,
    });
    expect(linesOf(issue!)).toEqual([["Dr", "5100", "8"], ["Cr", "1300", "8"]]);

    // 3. Invoice: receivable gross against revenue, shipping and tax; the prepayment applied.
    const [invoice] = await record(books, "OrderInvoiced", "2026-03-03", {
      invoiceId: "inv_1", orderId: "ord_1", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      net: eur("95"), shipping: eur("5"), tax: eur("19"), gross: eur("119"), prepaymentApplied: eur("119"),
      functional: { net: eur("95"), shipping: eur("5"), tax: eur("19"), gross: eur("119"), prepaymentApplied: eur("119") },
    });
    expect(linesOf(invoice!)).toEqual([
      ["Dr", "1200", "119"],
      ["Cr", "4100", "95"],
      ["Cr", "4200", "5"],
      ["Cr", "2300", "19"],
      ["Dr", "2200", "119"],
      ["Cr", "1200", "119"],
    ]);

    // 4. Payout: the provider pays out net of its fee.
    const [payout] = await record(books, "PayoutSettled", "2026-03-05", {
      payoutId: "po_1", currency: "EUR", functionalCurrency: "EUR", rate: "1", gross: eur("119"), fees: eur("2.02"), net: eur("116.98"),
      functional: { gross: eur("119"), fees: eur("2.02"), net: eur("116.98") },
    });
    expect(linesOf(payout!)).toEqual([["Dr", "1100", "116.98"], ["Dr", "6100", "2.02"], ["Cr", "1150", "119"]]);

    // 5. One mug comes back: credit note for half the goods and their tax.
    const [credit] = await record(books, "CreditNoteIssued", "2026-03-10", {
      creditNoteId: "cn_1", orderId: "ord_1", invoiceId: "inv_1", returnId: "ret_1", reason: "return", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      net: eur("47.5"), shipping: eur("0"), tax: eur("9.5"), gross: eur("57"),
      functional: { net: eur("47.5"), shipping: eur("0"), tax: eur("9.5"), gross: eur("57") },
    });
    expect(linesOf(credit!)).toEqual([["Dr", "4300", "47.5"], ["Dr", "2300", "9.5"], ["Cr", "1200", "57"]]);

    // 6. The refund pays the credited receivable back through the provider.
    const [refund] = await record(books, "RefundIssued", "2026-03-10", {
      refundId: "ref_1", orderId: "ord_1", paymentId: "pay_1", creditNoteId: "cn_1", invoiced: true, currency: "EUR", functionalCurrency: "EUR", rate: "1",
      amount: eur("57"), functionalAmount: eur("57"),
    });
    expect(linesOf(refund!)).toEqual([["Dr", "1200", "57"], ["Cr", "1150", "57"]]);

    // 7. The returned mug is restocked at the cost it left with.
    const [restock] = await record(books, "StockReceived", "2026-03-10", {
      movementId: "mv_3", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "1", value: eur("4"), counterAccountRole: "cogs",
      effectiveAt: "2026-03-10T12:00:00.000Z", source: { type: "customer-return", id: "ret_1", lineId: "l1" },
    });
    expect(linesOf(restock!)).toEqual([["Dr", "1300", "4"], ["Cr", "5100", "4"]]);

    const tb = await books.finance.trialBalance({ asOf: "2026-03-31" });
    expect(tb.totals.debit).toBe(tb.totals.credit);
    expect(tbBalance(tb, "1200")).toBe("0"); // receivable settled
    expect(tbBalance(tb, "2200")).toBe("0"); // prepayment applied
    expect(tbBalance(tb, "1150")).toBe("-57"); // clearing owes the refund until the next payout
    expect(tbBalance(tb, "1300")).toBe("36");
    const is = await books.finance.incomeStatement({ from: "2026-03-01", to: "2026-03-31" });
    // revenue 95 + 5 - 47.5; expenses cogs 8 - 4 + fees 2.02
    expect(is.revenue.total).toBe("52.5");
    expect(is.expenses.total).toBe("6.02");
    expect(is.netIncome).toBe("46.48");
  });

  it("a capture after invoicing in a foreign currency posts the realised exchange difference", async () => {
    const books = makeBooks();
    const [invoice] = await record(books, "OrderInvoiced", "2026-03-03", {
      invoiceId: "inv_2", orderId: "ord_2", currency: "USD", functionalCurrency: "EUR", rate: "0.9",
      net: usd("100"), shipping: usd("10"), tax: usd("0"), gross: usd("110"), prepaymentApplied: usd("0"),
      functional: { net: eur("90"), shipping: eur("9"), tax: eur("0"), gross: eur("99"), prepaymentApplied: eur("0") },
    });
    expect(linesOf(invoice!)).toEqual([["Dr", "1200", "99", "110 USD"], ["Cr", "4100", "90", "100 USD"], ["Cr", "4200", "9", "10 USD"]]);
    // Paid later at 0.88: the receivable booked at 99 is settled by 96.8 → loss 2.2.
    const [capture] = await record(books, "PaymentCaptured", "2026-03-20", {
      paymentId: "pay_2", orderId: "ord_2", invoiceId: "inv_2", invoiced: true, currency: "USD", functionalCurrency: "EUR", rate: "0.88",
      amount: usd("110"), functionalAmount: eur("96.8"), exchangeDifference: eur("2.2"),
    });
    expect(linesOf(capture!)).toEqual([["Dr", "1150", "96.8", "110 USD"], ["Dr", "6800", "2.2"], ["Cr", "1200", "99", "110 USD"]]);
    const tb = await books.finance.trialBalance({ asOf: "2026-03-31" });
    const receivable = tb.rows.find((r) => r.account === "1200")!;
    expect(receivable.debit).toBe("0");
    expect(receivable.credit).toBe("0");
    expect(receivable.byCurrency).toEqual([]);
  });
});

describe("a purchase: receipt, bill at a different price, revaluation, payment", () => {
  it("books GRNI at receipt, clears it at the bill with the price difference, and pays the supplier", async () => {
    const books = makeBooks();
    const [receipt] = await record(books, "StockReceived", "2026-04-01", {
      movementId: "mv_1", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "100", value: eur("250"), counterAccountRole: "grni",
      effectiveAt: "2026-04-01T09:00:00.000Z", source: { type: "receipt", id: "grn_1", lineId: "l1" },
    });
    expect(linesOf(receipt!)).toEqual([["Dr", "1300", "250"], ["Cr", "2150", "250"]]);

    // The bill says 2.60 a unit instead of 2.50.
    const [bill] = await record(books, "SupplierBillRecorded", "2026-04-05", {
      billId: "bill_1", supplierId: "sup_1", purchaseOrderId: "po_1", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      lines: [{ receiptId: "grn_1", receiptLineId: "l1", sku: "MUG", quantity: "100", unitPrice: eur("2.6"), receivedValue: eur("250"), billedValue: eur("260") }],
      net: eur("260"), tax: eur("49.4"), gross: eur("309.4"), functional: { net: eur("260"), tax: eur("49.4"), gross: eur("309.4") },
    });
    expect(linesOf(bill!)).toEqual([["Dr", "2150", "250"], ["Dr", "5200", "10"], ["Dr", "1400", "49.4"], ["Cr", "2100", "309.4"]]);

    // Inventory's reaction: 80 still on hand, 20 sold → 8 to Inventory, 2 to COGS.
    const [revaluation] = await record(books, "StockRevalued", "2026-04-05", {
      revaluationId: "rv_1", sku: "MUG", reason: "price-difference", source: { type: "bill", id: "bill_1" },
      postings: [{ role: "inventory", amount: eur("8") }, { role: "cogs", amount: eur("2") }, { role: "purchase-price-difference", amount: eur("-10") }],
    });
    expect(linesOf(revaluation!)).toEqual([["Dr", "1300", "8"], ["Dr", "5100", "2"], ["Cr", "5200", "10"]]);

    // Paid in full.
    const [payment] = await record(books, "SupplierPaid", "2026-04-20", {
      paymentId: "sp_1", supplierId: "sup_1", billIds: ["bill_1"], currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur("309.4"), functionalAmount: eur("309.4"),
    });
    expect(linesOf(payment!)).toEqual([["Dr", "2100", "309.4"], ["Cr", "1100", "309.4"]]);

    const tb = await books.finance.trialBalance({ asOf: "2026-04-30" });
    expect(tbBalance(tb, "2150")).toBe("0"); // GRNI cleared
    expect(tbBalance(tb, "5200")).toBe("0"); // price difference moved to stock and COGS
    expect(tbBalance(tb, "2100")).toBe("0");
  });

  it("a foreign supplier payment carries its exchange difference to Exchange gain/loss", async () => {
    const books = makeBooks();
    const [payment] = await record(books, "SupplierPaid", "2026-04-20", {
      paymentId: "sp_2", supplierId: "sup_2", billIds: ["bill_2"], currency: "USD", functionalCurrency: "EUR", rate: "0.93",
      amount: usd("250"), functionalAmount: eur("232.5"), exchangeDifference: eur("2.5"),
    });
    expect(linesOf(payment!)).toEqual([["Dr", "2100", "230", "250 USD"], ["Dr", "6800", "2.5"], ["Cr", "1100", "232.5", "250 USD"]]);
  });
});

describe("a standard-cost receipt", () => {
  it("debits Inventory at standard, credits GRNI at the order price and books the variance", async () => {
    const books = makeBooks();
    const [receipt] = await record(books, "StockReceived", "2026-05-02", {
      movementId: "mv_1", sku: "BOWL", warehouseId: "wh", locationId: "wh/A1", quantity: "50", value: eur("150"), counterValue: eur("162.5"), counterAccountRole: "grni",
      effectiveAt: "2026-05-02T09:00:00.000Z", source: { type: "receipt", id: "grn_7", lineId: "l1" },
    });
    expect(linesOf(receipt!)).toEqual([["Dr", "1300", "150"], ["Cr", "2150", "162.5"], ["Dr", "5210", "12.5"]]);
    // A favourable variance is a credit.
    const [cheap] = await record(books, "StockReceived", "2026-05-03", {
      movementId: "mv_2", sku: "BOWL", warehouseId: "wh", locationId: "wh/A1", quantity: "10", value: eur("30"), counterValue: eur("28"), counterAccountRole: "grni",
      effectiveAt: "2026-05-03T09:00:00.000Z", source: { type: "receipt", id: "grn_8", lineId: "l1" },
    });
    expect(linesOf(cheap!)).toEqual([["Dr", "1300", "30"], ["Cr", "2150", "28"], ["Cr", "5210", "2"]]);
  });
});

describe("other stock events", () => {
  it("adjustments, transfers in transit, supplier returns, landed costs and back-dated revaluations", async () => {
    const books = makeBooks();
    const [loss] = await record(books, "StockAdjusted", "2026-06-30", {
      movementId: "mv_4", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "-1", value: eur("-2.3"), reason: "count", counterAccountRole: "shrinkage",
      effectiveAt: "2026-06-30T18:00:00.000Z", source: { type: "adjustment", id: "cnt_1" },
    });
    expect(linesOf(loss!)).toEqual([["Cr", "1300", "2.3"], ["Dr", "5300", "2.3"]]);
    const [gain] = await record(books, "StockAdjusted", "2026-06-30", {
      movementId: "mv_5", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "2", value: eur("4.6"), reason: "count", counterAccountRole: "shrinkage",
      effectiveAt: "2026-06-30T18:00:00.000Z", source: { type: "adjustment", id: "cnt_1" },
    });
    expect(linesOf(gain!)).toEqual([["Dr", "1300", "4.6"], ["Cr", "5300", "4.6"]]);
    const transfer = { movementId: "mv_6", transferId: "tr_1", sku: "MUG", quantity: "10", from: { warehouseId: "wh", locationId: "wh/A1" }, to: { warehouseId: "wh2", locationId: "wh2/A1" }, value: eur("23"), effectiveAt: "2026-06-01T08:00:00.000Z", source: { type: "transfer", id: "tr_1" } };
    expect(linesOf((await record(books, "StockTransferred", "2026-06-01", { ...transfer, stage: "dispatched" }))[0]!)).toEqual([["Dr", "1310", "23"], ["Cr", "1300", "23"]]);
    expect(linesOf((await record(books, "StockTransferred", "2026-06-03", { ...transfer, movementId: "mv_7", stage: "arrived" }))[0]!)).toEqual([["Cr", "1310", "23"], ["Dr", "1300", "23"]]);
    expect(await record(books, "StockTransferred", "2026-06-03", { ...transfer, movementId: "mv_8", stage: "direct" })).toEqual([]);

    const [debitNote] = await record(books, "SupplierReturned", "2026-06-10", {
      returnId: "sr_1", supplierId: "sup_1", warehouseId: "wh", billId: "bill_1", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      lines: [{ sku: "MUG", quantity: "10", unitPrice: eur("2.6"), locationId: "wh/A1" }],
      net: eur("26"), tax: eur("4.94"), gross: eur("30.94"), functional: { net: eur("26"), tax: eur("4.94"), gross: eur("30.94") },
    });
    expect(linesOf(debitNote!)).toEqual([["Dr", "2100", "30.94"], ["Cr", "1400", "4.94"], ["Cr", "5200", "26"]]);
    const [toSupplier] = await record(books, "StockIssued", "2026-06-10", {
      movementId: "mv_9", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "10", cost: eur("25"), counterAccountRole: "purchase-price-difference",
      effectiveAt: "2026-06-10T10:00:00.000Z", source: { type: "supplier-return", id: "sr_1" },
    });
    expect(linesOf(toSupplier!)).toEqual([["Dr", "5200", "25"], ["Cr", "1300", "25"]]);

    const [freight] = await record(books, "LandedCostRecorded", "2026-06-12", {
      landedCostId: "lc_1", supplierId: "sup_9", receiptIds: ["grn_1"], basis: "value", costType: "freight", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      net: eur("40"), tax: eur("7.6"), gross: eur("47.6"), functional: { net: eur("40"), tax: eur("7.6"), gross: eur("47.6") },
    });
    expect(linesOf(freight!)).toEqual([["Dr", "1450", "40"], ["Dr", "1400", "7.6"], ["Cr", "2100", "47.6"]]);
    const [landed] = await record(books, "StockRevalued", "2026-06-12", {
      revaluationId: "rv_2", sku: "MUG", reason: "landed-cost", source: { type: "landed-cost", id: "lc_1" },
      postings: [{ role: "inventory", amount: eur("30") }, { role: "cogs", amount: eur("10") }, { role: "landed-cost-clearing", amount: eur("-40") }],
    });
    expect(linesOf(landed!)).toEqual([["Dr", "1300", "30"], ["Dr", "5100", "10"], ["Cr", "1450", "40"]]);

    // A back-dated receipt re-derived two earlier issues: one entry per affected date.
    const backdated = await record(books, "StockRevalued", "2026-06-20", {
      revaluationId: "rv_3", sku: "MUG", reason: "backdated", source: { type: "backdate", id: "mv_99" },
      postings: [
        { role: "inventory", amount: eur("1.2"), date: "2026-06-05" },
        { role: "cogs", amount: eur("-1.2"), date: "2026-06-05", movementId: "mv_2" },
        { role: "inventory", amount: eur("0.4"), date: "2026-06-15" },
        { role: "shrinkage", amount: eur("-0.4"), date: "2026-06-15", movementId: "mv_3" },
      ],
    });
    expect(backdated.map((e) => [e.date, linesOf(e)])).toEqual([
      ["2026-06-05", [["Dr", "1300", "1.2"], ["Cr", "5100", "1.2"]]],
      ["2026-06-15", [["Dr", "1300", "0.4"], ["Cr", "5300", "0.4"]]],
    ]);
  });

  it("opening stock credits Opening balance equity; events that move no value post nothing", async () => {
    const books = makeBooks();
    const [opening] = await record(books, "StockReceived", "2025-12-31", {
      movementId: "mv_0", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "100", value: eur("230"), counterAccountRole: "opening-balance-equity",
      effectiveAt: "2025-12-31T09:00:00.000Z", source: { type: "opening", id: "import_1" },
    });
    expect(linesOf(opening!)).toEqual([["Dr", "1300", "230"], ["Cr", "3300", "230"]]);
    expect(
      await record(books, "OrderPlaced", "2026-01-02", {
        orderId: "ord_1", warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "2", unitPrice: eur("9.95") }], total: eur("19.9"),
      }),
    ).toEqual([]);
  });
});

describe("a year-end close", () => {
  it("moves the year's result to retained earnings, keeps the income statement, and locks the year", async () => {
    const books = makeBooks();
    const f = books.finance;
    await f.postEntry({ date: "2026-02-01", memo: "Capital", lines: [{ account: "1100", debit: "1000" }, { account: "3100", credit: "1000" }] });
    await f.postEntry({ date: "2026-05-01", memo: "Cash sale", lines: [{ account: "1100", debit: "500" }, { account: "4100", credit: "500" }] });
    await f.postEntry({ date: "2026-06-01", memo: "Fees", lines: [{ account: "6100", debit: "120" }, { account: "1100", credit: "120" }] });
    await f.postEntry({ date: "2026-07-01", memo: "Returns", lines: [{ account: "4300", debit: "30" }, { account: "1100", credit: "30" }] });

    books.clock.set("2027-01-04T09:00:00.000Z"); // a year is closed once it has ended
    const closed = await f.closeYear({ year: 2026 });
    expect(closed.netIncome).toBe("350");
    const closing = (await f.entry(closed.entryId!))!;
    expect(closing.date).toBe("2026-12-31");
    expect(closing.kind).toBe("closing");
    expect(linesOf(closing)).toEqual([["Dr", "4100", "500"], ["Cr", "4300", "30"], ["Cr", "6100", "120"], ["Cr", "3200", "350"]]);

    const tb = await f.trialBalance({ asOf: "2026-12-31" });
    for (const account of ["4100", "4300", "6100"]) expect(tbBalance(tb, account)).toBe("0");
    expect(tbBalance(tb, "3200")).toBe("-350");
    const is = await f.incomeStatement({ from: "2026-01-01", to: "2026-12-31" });
    expect(is.netIncome).toBe("350");
    const bs = await f.balanceSheet({ asOf: "2026-12-31" });
    expect(bs.currentEarnings.amount).toBe("0");
    expect(bs.balanced).toBe(true);
    expect(bs.assets.total).toBe("1350");

    // The year is locked: a late posting into it is refused.
    await expect(f.postEntry({ date: "2026-12-15", lines: [{ account: "1100", debit: "1" }, { account: "4100", credit: "1" }] })).rejects.toMatchObject({ code: "PERIOD_LOCKED" });
    // Closing again with nothing left posts nothing.
    expect((await f.closeYear({ year: 2026 })).entryId).toBeNull();
  });
});
