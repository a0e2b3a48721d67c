/**
 * A whole shop simulated through every module that exists, from two weeks of a real UK
 * online gift shop (UCI Online Retail, CC BY 4.0: see examples/data/README.md).
 *
 * Orders, payments, shipments, returns, refunds and payouts go through `sk.sales`, which
 * emits the catalog events stock and books follow. Prices in the data are tax-inclusive
 * GBP; the shop charges 20% VAT (its sales tax options: see `shopSalesOptions`), pays a payment
 * provider 1.4% + 0.20 per payment, buys its stock from one supplier at about half the
 * selling price, and settles the provider's payouts daily.
 */
import { Decimal, type PurchasingOptions, type Storekeep, defineTaxCodes, isStorekeepError } from "../src/index.js";
import type { ManualClock } from "../src/testing/index.js";
import type { RetailInvoice } from "./online-retail.js";

const round2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
const WAREHOUSE = "wh_main";

/** The shop's VAT: one standard code and zero-rated exports (the demo's flat 20%), rounded once per document, half to even. */
const taxCodes = defineTaxCodes([
  { code: "GB-STD", jurisdiction: { country: "GB" }, category: "standard", kind: "standard", rates: [{ rate: "0.2", validFrom: "2010-01-01" }] },
  { code: "GB-EXP", jurisdiction: { country: "GB" }, category: "*", kind: "zero", rates: [{ rate: "0", validFrom: "2010-01-01" }] },
]);
const LOCATION = "wh_main/A";

/** The shop's sales settings: VAT inside the prices, invoiced per shipment, reserved at placement. */
export const shopSalesOptions = {
  invoicing: "on-shipment",
  reserveAt: "placement",
  tax: { codes: taxCodes, seller: { country: "GB" }, pricesIncludeTax: true, rounding: "document", roundingMode: "half-even" },
} as const;

export interface ShopRun {
  readonly orders: number;
  readonly refusedSoldOut: number;
  readonly returns: number;
  readonly returnsSkipped: number;
}

interface SkuFacts {
  readonly sku: string;
  readonly description: string;
  readonly price: Decimal;
  readonly units: number;
}

function skuFacts(invoices: readonly RetailInvoice[]): SkuFacts[] {
  const facts = new Map<string, { description: string; prices: Decimal[]; units: number }>();
  for (const invoice of invoices) {
    for (const line of invoice.lines) {
      const f = facts.get(line.stockCode) ?? { description: line.description, prices: [], units: 0 };
      f.prices.push(new Decimal(line.unitPrice));
      if (!invoice.cancellation) f.units += line.quantity;
      facts.set(line.stockCode, f);
    }
  }
  return [...facts.entries()]
    .map(([sku, f]) => ({ sku, description: f.description, price: f.prices.sort((a, b) => a.comparedTo(b))[Math.floor(f.prices.length / 2)]!, units: f.units }))
    .sort((a, b) => (a.sku < b.sku ? -1 : 1));
}

const instantOf = (at: string) => new Date(`${at.replace(" ", "T")}:00.000Z`);

/** Sets up products, opening stock and opening balances, then trades every invoice. */
export async function simulateShop(sk: Storekeep, clock: ManualClock, invoices: readonly RetailInvoice[], log: (line: string) => void, onProgress?: (progress: { done: number; total: number }) => void): Promise<ShopRun> {
  const skus = skuFacts(invoices);
  const unitCost = new Map(skus.map((s) => [s.sku, round2(s.price.times("0.5"))]));

  // --- Set up: warehouse, products (FIFO, moving average, standard), opening stock and books.
  clock.set(new Date("2010-11-30T18:00:00.000Z"));
  await sk.inventory.defineWarehouse({ warehouseId: WAREHOUSE, name: "Main warehouse" });
  await sk.inventory.defineLocation({ locationId: LOCATION, warehouseId: WAREHOUSE, parentId: WAREHOUSE, name: "Aisle A" });
  for (const [index, s] of skus.entries()) {
    const method = index < 8 ? "fifo" : index < 11 ? "moving-average" : "standard";
    await sk.inventory.defineProduct({
      sku: s.sku,
      name: s.description,
      costingMethod: method,
      ...(method === "standard" ? { standardCost: unitCost.get(s.sku)!.toFixed() } : {}),
    });
  }
  const opening = skus.map((s) => ({ sku: s.sku, warehouseId: WAREHOUSE, locationId: LOCATION, quantity: String(Math.ceil(s.units * 0.45)), unitCost: unitCost.get(s.sku)!.toFixed() }));
  await sk.inventory.importOpeningStock({ rows: opening, effectiveDate: "2010-11-30", reference: "opening-stock" }, { idempotencyKey: "opening-stock" });
  const stockValue = (await sk.inventory.valuation({ asOf: "2010-11-30" })).reduce((sum, row) => sum.plus(row.value), new Decimal(0));
  await sk.finance.importOpeningBalances(
    {
      date: "2010-11-30",
      rows: [
        { account: "1100", debit: "25000" },
        { account: "1300", debit: stockValue.toFixed() },
        { account: "3100", credit: "25000" },
        { account: "3300", credit: stockValue.toFixed() },
      ],
    },
    { idempotencyKey: "opening-balances" },
  );
  log(`set up ${skus.length} products (8 FIFO, 3 moving average, 1 standard cost); opening stock worth ${stockValue.toFixed(2)} GBP; opening balances imported`);

  // --- Trade day by day.
  const run = { orders: 0, refusedSoldOut: 0, returns: 0, returnsSkipped: 0 };
  const shippedByCustomer = new Map<string, { orderId: string; lineId: string; sku: string; quantity: number }[]>();
  const days = [...new Set(invoices.map((i) => i.at.slice(0, 10)))].sort();
  const purchase = purchaseCycle(skus, unitCost);
  for (const [dayIndex, day] of days.entries()) {
    const captured: { paymentId: string; amount: Decimal }[] = [];
    for (const step of purchase.filter((p) => p.day === day)) await step.run(sk, clock, log);
    for (const invoice of invoices.filter((i) => i.at.startsWith(day))) {
      clock.set(instantOf(invoice.at));
      if (invoice.cancellation) {
        const outcome = await customerReturn(sk, invoice, shippedByCustomer);
        if (outcome === "skipped") run.returnsSkipped++;
        else {
          run.returns++;
          captured.push({ paymentId: `refund:${invoice.invoiceNo}`, amount: outcome.negated() });
        }
        continue;
      }
      const sold = await sellOrder(sk, invoice);
      if (sold === undefined) {
        run.refusedSoldOut++;
        continue;
      }
      run.orders++;
      captured.push({ paymentId: `pay_${invoice.invoiceNo}`, amount: sold.gross });
      const list = shippedByCustomer.get(invoice.customerId) ?? [];
      invoice.lines.forEach((line, n) => list.push({ orderId: `ord_${invoice.invoiceNo}`, lineId: sold.lines[n]!.lineId, sku: line.stockCode, quantity: line.quantity }));
      shippedByCustomer.set(invoice.customerId, list);
    }
    await settlePayout(sk, clock, day, captured);
    onProgress?.({ done: dayIndex + 1, total: days.length });
  }
  return run;
}

async function sellOrder(sk: Storekeep, invoice: RetailInvoice): Promise<{ gross: Decimal; lines: { lineId: string; sku: string }[] } | undefined> {
  const orderId = `ord_${invoice.invoiceNo}`;
  const lines = invoice.lines.map((l, n) => ({ lineId: `l${n + 1}`, sku: l.stockCode, quantity: l.quantity, unitPrice: l.unitPrice }));
  // sk.sales prices the order (20% VAT inside the prices), reserves the last units once
  // (hard holds through the guarded counter) and refuses the order when they are gone.
  let placed: { total: string };
  try {
    placed = await sk.sales.placeOrder({ orderId, customerId: `cus_${invoice.customerId}`, currency: "GBP", warehouseId: WAREHOUSE, shipTo: { country: "GB" }, lines }, { idempotencyKey: `order-${orderId}` });
  } catch (error) {
    if (isStorekeepError(error) && error.code === "INSUFFICIENT_STOCK") return undefined;
    throw error;
  }
  // Paid at checkout (a customer prepayment until the invoice), shipped at once: the
  // shipment issues the stock at its cost and invoices it with the shop's next legal number.
  await sk.sales.capturePayment({ orderId, paymentId: `pay_${invoice.invoiceNo}`, provider: "psp" }, { idempotencyKey: `pay-${orderId}` });
  await sk.sales.shipOrder({ orderId, shipmentId: `shp_${invoice.invoiceNo}`, lines: lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity, locationId: LOCATION })) }, { idempotencyKey: `ship-${orderId}` });
  return { gross: new Decimal(placed.total), lines: lines.map((l) => ({ lineId: l.lineId, sku: l.sku })) };
}

async function customerReturn(
  sk: Storekeep,
  invoice: RetailInvoice,
  shippedByCustomer: Map<string, { orderId: string; lineId: string; sku: string; quantity: number }[]>,
): Promise<Decimal | "skipped"> {
  // A cancellation (a "C" invoice) takes back goods of an earlier order of the same
  // customer, if we shipped one: a return through sk.sales, restocked at the cost the
  // goods left with, a credit note mirroring the invoice, and the refund.
  const shipped = shippedByCustomer.get(invoice.customerId) ?? [];
  const lines = invoice.lines
    .map((l) => ({ line: l, original: [...shipped].reverse().find((s) => s.sku === l.stockCode && s.quantity >= -l.quantity) }))
    .filter((x) => x.original !== undefined);
  if (lines.length === 0) return "skipped";
  const orderId = lines[0]!.original!.orderId;
  const own = lines.filter((x) => x.original!.orderId === orderId);
  const returnId = `ret_${invoice.invoiceNo}`;
  await sk.sales.requestReturn({ orderId, returnId, lines: own.map((x) => ({ lineId: x.original!.lineId, quantity: -x.line.quantity })) }, { idempotencyKey: `return-${returnId}` });
  await sk.sales.receiveReturn({ returnId, dispositions: own.map((x) => ({ lineId: x.original!.lineId, disposition: "restock" as const, locationId: LOCATION })) }, { idempotencyKey: `receive-${returnId}` });
  const view = (await sk.sales.order(orderId))!;
  const credit = new Decimal(view.order.receivable.amount).negated();
  await sk.sales.refundPayment({ orderId, refundId: `ref_${invoice.invoiceNo}`, amount: credit.toFixed(), returnId, provider: "psp" }, { idempotencyKey: `refund-${returnId}` });
  for (const x of own) x.original!.quantity += x.line.quantity;
  return credit;
}

async function settlePayout(sk: Storekeep, clock: ManualClock, day: string, captured: readonly { paymentId: string; amount: Decimal }[]): Promise<void> {
  if (captured.length === 0) return;
  clock.set(new Date(`${day}T23:00:00.000Z`));
  const gross = captured.reduce((sum, c) => sum.plus(c.amount), new Decimal(0));
  const payments = captured.filter((c) => c.amount.isPositive());
  const fees = round2(payments.reduce((sum, c) => sum.plus(c.amount.times("0.014").plus("0.20")), new Decimal(0)));
  await sk.sales.settlePayout({ payoutId: `out_${day}`, provider: "psp", currency: "GBP", gross: gross.toFixed(), fees: fees.toFixed() }, { idempotencyKey: `payout-${day}` });
}

type Step = { readonly day: string; run(sk: Storekeep, clock: ManualClock, log: (line: string) => void): Promise<void> };

/**
 * The shop buys through purchasing: VAT on its purchases from finance's tax codes (the shop
 * is the buyer), bills within 5% of the order price post without a hold.
 */
// Early-payment discounts lower the cost of the goods they were earned on (IAS 2, FRS 102).
export const purchasingOptions: PurchasingOptions = { tax: { codes: taxCodes, buyer: { country: "GB" }, rounding: "document", roundingMode: "half-even" }, priceTolerance: "0.05", approvalLimit: "1000", cashDiscounts: "stock" };

/** An order to the supplier on 1 December, delivered Monday 6 December; its bill at slightly different prices on Wednesday; the payment the next Monday. */
function purchaseCycle(skus: readonly SkuFacts[], unitCost: ReadonlyMap<string, Decimal>): Step[] {
  const lines = skus.map((s, n) => ({ lineId: `l${n + 1}`, sku: s.sku, quantity: String(Math.ceil(s.units * 0.6)), unitPrice: unitCost.get(s.sku)!.toFixed() }));
  const receive: Step = { day: "2010-12-06", async run(sk, clock, log) {
  clock.set(new Date("2010-12-06T07:00:00.000Z"));
  // 2/10 net 30: 2% off when paid within 10 days of the bill.
  await sk.purchasing.defineSupplier({ supplierId: "sup_1", currency: "GBP", leadTimeDays: 5, paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "0.02" }, taxParty: { country: "GB" } });
  const order = await sk.purchasing.createOrder({ purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: WAREHOUSE, orderDate: "2010-12-01", lines }, { idempotencyKey: "po_1" });
  await sk.purchasing.approveOrder({ purchaseOrderId: "po_1", approver: "buyer" }, { idempotencyKey: "po_1-approve" });
  await sk.purchasing.sendOrder({ purchaseOrderId: "po_1", date: "2010-12-01" }, { idempotencyKey: "po_1-send" });
  log(`purchase: po_1 to sup_1 for ${lines.length} lines, ${order.net} + VAT ${order.tax} GBP (above the 1000 limit: approved by "buyer"), sent 2010-12-01`);
  const receipt = await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po_1", lines: lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity, locationId: LOCATION })) }, { idempotencyKey: "grn_1" });
  log(`purchase: received po_1 in full on 2010-12-06 (${receipt.status}; GoodsReceived → stock receipts → Dr Inventory / Cr GRNI)`);
  } };
  // The bill arrives on Wednesday after part of the delivery was sold: 3% dearer on every line.
  const billLines = lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity, unitPrice: round2(new Decimal(l.unitPrice).times("1.03")).toFixed() }));
  const bill: Step = { day: "2010-12-08", async run(sk, clock, log) {
  clock.set(new Date("2010-12-08T07:30:00.000Z"));
  const posted = await sk.purchasing.recordBill({ billId: "bill_1", purchaseOrderId: "po_1", lines: billLines }, { idempotencyKey: "bill_1" });
  log(`purchase: bill_1 ${posted.status} 3% dearer (${posted.net} + VAT ${posted.tax}; 3-way match within the 5% price tolerance): the difference splits between stock on hand and COGS`);
  } };
  const pay: Step = { day: "2010-12-13", async run(sk, clock, log) {
  clock.set(new Date("2010-12-13T07:30:00.000Z"));
  // Monday's payment run: what is due, or loses its discount, before next Monday.
  const run = await sk.purchasing.billsToPay({ asOf: "2010-12-13" });
  for (const b of run.bills) log(`purchase: payment run 2010-12-13: ${b.billId} open ${b.open} GBP, due ${b.dueDate}${b.discount === null ? "" : `, ${b.discount.amount} GBP off if paid by ${b.discount.until}`}: pay ${b.pay} by ${b.payBy}`);
  const [proposal] = run.payments;
  const paid = await sk.purchasing.paySupplier({ paymentId: "sp_1", supplierId: "sup_1", billIds: proposal === undefined ? ["bill_1"] : [...proposal.billIds], date: run.asOf }, { idempotencyKey: "sp_1" });
  const card = await sk.purchasing.scorecard("sup_1", "2010-12-13");
  log(`purchase: bill_1 paid ${paid.amount} GBP on 2010-12-13 (early-payment discount ${paid.discount} GBP, its VAT taken back: ${paid.discountOnStock ?? "0"} GBP off the cost of the goods, on hand and sold); sup_1 lead time ${card.leadTime.meanDays} days (stated 5), on time ${card.onTimeRate === null ? "-" : `${Math.round(card.onTimeRate * 100)}%`}, price variance ${card.priceVariance === null ? "-" : `${(card.priceVariance * 100).toFixed(1)}%`}`);
  } };
  return [receive, bill, pay];
}
