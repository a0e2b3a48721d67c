/**
 * A hand-built shop whose KPIs are worked out by hand (tests/analytics): three SKUs, two
 * receipts, a bill, three orders in March 2026, a late partial shipment, a return with
 * its credit note and refund. Every expected figure is derived in kpis.test.ts.
 */
import type { Storekeep } from "../../src/storekeep.js";

const eur = (amount: string) => ({ amount, currency: "EUR" });
const fx = { currency: "EUR", functionalCurrency: "EUR", rate: "1" } as const;
const LOC = "wh/A";

export async function buildShop(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh", name: "Main" });
  await sk.inventory.defineLocation({ locationId: LOC, warehouseId: "wh", parentId: "wh", name: "A" });
  for (const sku of ["MUG", "TEE", "HAT"]) await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
  const line = (lineId: string, sku: string, quantity: string, price: string) => ({ lineId, sku, quantity, unitPrice: eur(price), receivedValue: eur((Number(quantity) * Number(price)).toFixed(2)), locationId: LOC });
  await sk.recordEvents([
    { type: "GoodsReceived", aggregateType: "receipt", aggregateId: "grn_1", effectiveDate: "2026-01-05", payload: { receiptId: "grn_1", purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: "wh", ...fx, lines: [line("l1", "MUG", "10", "4.00"), line("l2", "TEE", "20", "5.00"), line("l3", "HAT", "5", "2.00")] } },
  ]);
  await sk.recordEvents([
    { type: "GoodsReceived", aggregateType: "receipt", aggregateId: "grn_2", effectiveDate: "2026-03-01", payload: { receiptId: "grn_2", purchaseOrderId: "po_2", supplierId: "sup_1", warehouseId: "wh", ...fx, lines: [line("l1", "MUG", "10", "4.00")] } },
  ]);
  await sk.recordEvents([
    {
      type: "SupplierBillRecorded",
      aggregateType: "bill",
      aggregateId: "bill_2",
      effectiveDate: "2026-03-03",
      payload: {
        billId: "bill_2",
        supplierId: "sup_1",
        purchaseOrderId: "po_2",
        ...fx,
        lines: [{ receiptId: "grn_2", receiptLineId: "l1", sku: "MUG", quantity: "10", unitPrice: eur("4.00"), receivedValue: eur("40.00"), billedValue: eur("40.00") }],
        net: eur("40.00"),
        tax: eur("0"),
        gross: eur("40.00"),
        functional: { net: eur("40.00"), tax: eur("0"), gross: eur("40.00") },
      },
    },
  ]);
  const order = (orderId: string, customerId: string, day: string, lines: [string, string, string, string][]) => ({
    type: "OrderPlaced" as const,
    aggregateType: "order",
    aggregateId: orderId,
    effectiveDate: day,
    payload: { orderId, customerId, warehouseId: "wh", currency: "EUR", lines: lines.map(([lineId, sku, quantity, price]) => ({ lineId, sku, quantity, unitPrice: eur(price) })), total: eur(lines.reduce((s, [, , q, p]) => s + Number(q) * Number(p), 0).toFixed(2)) },
  });
  const ship = (shipmentId: string, orderId: string, day: string, lines: [string, string, string][]) => ({
    type: "ShipmentDispatched" as const,
    aggregateType: "order",
    aggregateId: orderId,
    effectiveDate: day,
    payload: { shipmentId, orderId, warehouseId: "wh", lines: lines.map(([lineId, sku, quantity]) => ({ lineId, sku, quantity, locationId: LOC })) },
  });
  const invoice = (orderId: string, day: string, net: string, shipping: string, prepaid: string) => {
    const gross = (Number(net) + Number(shipping)).toFixed(2);
    const amounts = { net: eur(net), shipping: eur(shipping), tax: eur("0"), gross: eur(gross), prepaymentApplied: eur(prepaid) };
    return { type: "OrderInvoiced" as const, aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { invoiceId: `inv_${orderId}`, orderId, ...fx, ...amounts, functional: amounts } };
  };
  // ord_1: cus_A, 2 MUG at 10 + 1 TEE at 20, paid up front, shipped the same day, invoiced with 5.00 shipping.
  await sk.recordEvents([
    order("ord_1", "cus_A", "2026-03-02", [["l1", "MUG", "2", "10.00"], ["l2", "TEE", "1", "20.00"]]),
    { type: "PaymentCaptured", aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-03-02", payload: { paymentId: "pay_1", orderId: "ord_1", invoiced: false, ...fx, amount: eur("45.00"), functionalAmount: eur("45.00") } },
    ship("shp_1", "ord_1", "2026-03-02", [["l1", "MUG", "2"], ["l2", "TEE", "1"]]),
    invoice("ord_1", "2026-03-02", "40.00", "5.00", "45.00"),
  ]);
  // ord_2: cus_B, 4 TEE at 20; 3 shipped five days later (late), invoiced for those, unpaid.
  await sk.recordEvents([order("ord_2", "cus_B", "2026-03-05", [["l1", "TEE", "4", "20.00"]])]);
  await sk.recordEvents([ship("shp_2", "ord_2", "2026-03-10", [["l1", "TEE", "3"]]), invoice("ord_2", "2026-03-10", "60.00", "0", "0")]);
  // ord_3: cus_A again (a returning customer), 1 MUG at 10, not shipped yet.
  await sk.recordEvents([order("ord_3", "cus_A", "2026-03-20", [["l1", "MUG", "1", "10.00"]])]);
  // ord_1's customer returns one mug (restocked at its cost, 4.00), credited and refunded.
  await sk.recordEvents([
    { type: "ReturnReceived", aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-03-25", payload: { returnId: "ret_1", orderId: "ord_1", warehouseId: "wh", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", disposition: "restock", locationId: LOC, unitCost: eur("4.00") }] } },
    {
      type: "CreditNoteIssued",
      aggregateType: "order",
      aggregateId: "ord_1",
      effectiveDate: "2026-03-25",
      payload: { creditNoteId: "cn_1", orderId: "ord_1", invoiceId: "inv_ord_1", returnId: "ret_1", reason: "return", ...fx, net: eur("10.00"), shipping: eur("0"), tax: eur("0"), gross: eur("10.00"), functional: { net: eur("10.00"), shipping: eur("0"), tax: eur("0"), gross: eur("10.00") } },
    },
    { type: "RefundIssued", aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-03-25", payload: { refundId: "ref_1", orderId: "ord_1", creditNoteId: "cn_1", invoiced: true, ...fx, amount: eur("10.00"), functionalAmount: eur("10.00") } },
  ]);
}
