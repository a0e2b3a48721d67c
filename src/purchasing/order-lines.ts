/*
 * Prices and dates an order's lines: the price list's break (unless a price is given), the
 * supplier's MOQ and pack multiple, tax through finance, expected dates from lead times.
 */
import type { z } from "zod";
import { Decimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { addDays, type LocalDate } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import type { PurchasingSettings } from "./options.js";
import { orderQuantityProblem, priceFor } from "./pricing.js";
import type { PurchaseOrderLine, orderLineInputSchema } from "./purchase-order.js";
import { type Supplier, supplierItems } from "./supplier.js";
import { taxDocument } from "./tax-document.js";

type LineInput = z.output<typeof orderLineInputSchema>;

/** Priced lines and totals of an order. */
export async function priceOrderLines(
  tx: Transaction,
  settings: PurchasingSettings,
  supplier: Supplier,
  orderDate: string,
  inputs: readonly LineInput[],
  previous: readonly PurchaseOrderLine[] = [],
): Promise<{ lines: PurchaseOrderLine[]; net: string; tax: string; gross: string; expectedDate: string }> {
  const currency = supplier.currency;
  const priced: { input: LineInput; lineId: string; unitPrice: string; category: string; expectedDate: string }[] = [];
  const seen = new Set<string>();
  const items = await supplierItems(tx, supplier.supplierId, inputs.map((i) => i.sku));
  // A SKU inventory does not know could be ordered, sent and shown as incoming, and fail only when it arrives.
  const unknown = settings.functions?.catalog === undefined ? [] : await settings.functions.catalog.unknownSkus(tx, [...new Set(inputs.map((i) => i.sku))]);
  if (unknown.length > 0) {
    const index = inputs.findIndex((i) => i.sku === unknown[0]);
    throw new StorekeepError("NOT_FOUND", `lines[${index}]: unknown SKU "${unknown[0]}"${unknown.length > 1 ? ` (and ${unknown.slice(1).join(", ")})` : ""}; define the product first (inventory.defineProduct).`, { sku: unknown[0], skus: unknown, path: `lines[${index}].sku` });
  }
  for (const [index, input] of inputs.entries()) {
    const lineId = input.lineId ?? String(index + 1);
    if (seen.has(lineId)) throw new StorekeepError("VALIDATION_FAILED", `Line id ${lineId} appears twice; give each line its own lineId.`, { issues: [{ path: `lines[${index}].lineId`, message: "duplicate", code: "custom" }] });
    seen.add(lineId);
    const item = items.get(input.sku);
    const quantity = new Decimal(input.quantity);
    if (item !== undefined) {
      const problem = orderQuantityProblem(item, quantity);
      if (problem !== null) throw new StorekeepError("VALIDATION_FAILED", `Line ${lineId} (${input.sku}): ${problem}.`, { issues: [{ path: `lines[${index}].quantity`, message: problem, code: "custom" }] });
    }
    let unitPrice = input.unitPrice;
    if (unitPrice === undefined) {
      const price = item === undefined ? undefined : priceFor(item, quantity, orderDate, currency);
      if (price === undefined) {
        throw new StorekeepError("NOT_FOUND", `No price of ${input.sku} from ${supplier.supplierId} in ${currency} applies to ${input.quantity} on ${orderDate}; set one with purchasing.setSupplierItem or give the line a unitPrice.`, {
          sku: input.sku,
          supplierId: supplier.supplierId,
          issues: [{ path: `lines[${index}].unitPrice`, message: "no price list entry applies", code: "custom" }],
        });
      }
      unitPrice = price.unitPrice;
    }
    const leadTime = item?.leadTimeDays ?? supplier.leadTimeDays;
    priced.push({ input, lineId, unitPrice, category: input.taxCategory ?? settings.defaultTaxCategory, expectedDate: input.expectedDate ?? addDays(orderDate as LocalDate, leadTime) });
  }
  const doc = taxDocument(settings, supplier, currency, orderDate, priced.map((p) => ({ id: p.lineId, category: p.category, quantity: p.input.quantity, unitPrice: p.unitPrice })));
  const prior = new Map(previous.map((l) => [l.lineId, l]));
  const lines: PurchaseOrderLine[] = priced.map((p) => {
    const t = doc.lines.get(p.lineId)!;
    const before = prior.get(p.lineId);
    return {
      lineId: p.lineId,
      sku: p.input.sku,
      quantity: p.input.quantity,
      unitPrice: p.unitPrice,
      taxCategory: p.category,
      net: t.net,
      tax: t.tax,
      gross: t.gross,
      expectedDate: p.expectedDate,
      received: before?.received ?? "0",
      billed: before?.billed ?? "0",
      returned: before?.returned ?? "0",
      returnedUnbilled: before?.returnedUnbilled ?? "0",
      billedNet: before?.billedNet ?? "0",
      returnedNet: before?.returnedNet ?? "0",
      lastBillId: before?.lastBillId ?? null,
      receipts: before?.receipts ?? [],
      ahead: before?.ahead ?? { quantity: "0", value: "0" },
    };
  });
  const expectedDate = lines.reduce((max, l) => (l.expectedDate > max ? l.expectedDate : max), orderDate);
  return { lines, net: doc.net, tax: doc.tax, gross: doc.gross, expectedDate };
}
