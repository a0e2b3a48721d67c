/**
 * A day of a shop's books: catalog-shaped events recorded through `recordEvents`, posted by
 * finance's rules, then the trial balance, balance sheet and income statement printed.
 *
 * Run alone with `npx tsx examples/finance.ts`; the shop demo calls `financeDemo(sk)`.
 */
import { pathToFileURL } from "node:url";
import { type Storekeep, createStorekeep } from "../src/index.js";
import type { StatementSection, TrialBalance } from "../src/finance/index.js";

const eur = (amount: string) => ({ amount, currency: "EUR" });

/**
 * The document events of one day (in EUR), in the order they happened. Inventory reacts to
 * the receipt, the shipment and the bill with stock-value events; finance posts them all.
 */
function dayOfEvents(date: string) {
  const doc = (type: string, aggregateType: string, id: string, payload: Record<string, unknown>) => ({ type, aggregateType, aggregateId: id, effectiveDate: date, payload });
  return [
    // 100 mugs arrive from a purchase order at 4.00.
    doc("GoodsReceived", "receipt", "grn_1", {
      receiptId: "grn_1", purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: "wh", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      lines: [{ lineId: "l1", sku: "MUG", quantity: "100", unitPrice: eur("4"), receivedValue: eur("400"), locationId: "wh/A1" }],
    }),
    // An order is paid at checkout (before invoicing), shipped and invoiced.
    doc("PaymentCaptured", "order", "ord_1", { paymentId: "pay_1", orderId: "ord_1", invoiced: false, currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur("59.5"), functionalAmount: eur("59.5") }),
    doc("ShipmentDispatched", "order", "ord_1", { shipmentId: "shp_1", orderId: "ord_1", warehouseId: "wh", lines: [{ lineId: "l1", sku: "MUG", quantity: "4", locationId: "wh/A1" }] }),
    doc("OrderInvoiced", "order", "ord_1", {
      invoiceId: "inv_1", orderId: "ord_1", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      net: eur("45"), shipping: eur("5"), tax: eur("9.5"), gross: eur("59.5"), prepaymentApplied: eur("59.5"),
      functional: { net: eur("45"), shipping: eur("5"), tax: eur("9.5"), gross: eur("59.5"), prepaymentApplied: eur("59.5") },
    }),
    // The supplier bills 0.10 a mug above the order price; inventory splits the difference.
    doc("SupplierBillRecorded", "bill", "bill_1", {
      billId: "bill_1", supplierId: "sup_1", purchaseOrderId: "po_1", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      lines: [{ receiptId: "grn_1", receiptLineId: "l1", sku: "MUG", quantity: "100", unitPrice: eur("4.1"), receivedValue: eur("400"), billedValue: eur("410") }],
      net: eur("410"), tax: eur("77.9"), gross: eur("487.9"), functional: { net: eur("410"), tax: eur("77.9"), gross: eur("487.9") },
    }),
    // The payment provider pays out net of its fee; the supplier is paid.
    doc("PayoutSettled", "payout", "po_1", {
      payoutId: "po_1", currency: "EUR", functionalCurrency: "EUR", rate: "1", gross: eur("59.5"), fees: eur("1.14"), net: eur("58.36"),
      functional: { gross: eur("59.5"), fees: eur("1.14"), net: eur("58.36") },
    }),
    doc("SupplierPaid", "payment", "sp_1", { paymentId: "sp_1", supplierId: "sup_1", billIds: ["bill_1"], currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur("487.9"), functionalAmount: eur("487.9") }),
  ];
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printTrialBalance(tb: TrialBalance): void {
  console.log(`\nTrial balance as of ${"asOf" in tb.range ? tb.range.asOf : `${tb.range.from}..${tb.range.to}`} (${tb.functionalCurrency})`);
  for (const row of tb.rows) {
    if (row.header || (row.debit === "0" && row.credit === "0")) continue;
    console.log(`  ${pad(row.account, 6)}${pad(row.name, 30)}${pad(row.debit === "0" ? "" : row.debit, 12, true)}${pad(row.credit === "0" ? "" : row.credit, 12, true)}`);
  }
  console.log(`  ${pad("", 36)}${pad(tb.totals.debit, 12, true)}${pad(tb.totals.credit, 12, true)}`);
}

function printSection(title: string, section: StatementSection): void {
  console.log(`  ${title}`);
  for (const line of section.lines) if (!line.header && line.amount !== "0") console.log(`    ${pad(line.account, 6)}${pad(line.name, 30)}${pad(line.amount, 12, true)}`);
  console.log(`    ${pad("total", 36)}${pad(section.total, 12, true)}`);
}

/**
 * Posts a day of a shop's events through `recordEvents` and prints the trial balance, the
 * income statement and the balance sheet.
 *
 * @example
 * ```ts
 * await financeDemo(createStorekeep());
 * ```
 */
export async function financeDemo(sk: Storekeep, date = "2026-11-27"): Promise<void> {
  // Inventory needs to know the warehouse and the product before it moves stock.
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineLocation({ locationId: "wh/A1", warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.finance.postEntry({ date, memo: "Owner's deposit", lines: [{ account: "1100", debit: "1000" }, { account: "3100", credit: "1000" }] });
  for (const event of dayOfEvents(date)) await sk.recordEvents([event as never]);
  printTrialBalance(await sk.finance.trialBalance({ asOf: date }));
  const is = await sk.finance.incomeStatement({ from: date, to: date });
  console.log(`\nIncome statement ${date}`);
  printSection("Revenue", is.revenue);
  printSection("Expenses", is.expenses);
  console.log(`  Net income ${is.netIncome}`);
  const bs = await sk.finance.balanceSheet({ asOf: date });
  console.log(`\nBalance sheet as of ${date}`);
  printSection("Assets", bs.assets);
  printSection("Liabilities", bs.liabilities);
  printSection("Equity", bs.equity);
  console.log(`    ${pad("current earnings", 36)}${pad(bs.currentEarnings.amount, 12, true)}`);
  console.log(`  Liabilities + equity ${bs.liabilitiesAndEquity}; balanced: ${bs.balanced}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await financeDemo(createStorekeep({ config: { functionalCurrency: "EUR" } }));
}
