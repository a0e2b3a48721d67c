/*
 * Writing an order and what follows from it: the incoming quantities per SKU and warehouse
 * (open lines of approved and sent orders, with expected dates), the exchange rate of a
 * date, and purchasing's own document claims.
 */
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import type { LocalDate } from "../kernel/local-date.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { insertDocuments, lockDocuments } from "../runner/batch-documents.js";
import type { CommandContext } from "../runner/command.js";
import { canonicalJson, sha256Hex } from "../runner/hash.js";
import { CLAIMS, INCOMING, ORDERS } from "./supplier.js";
import type { PurchaseOrder } from "./purchase-order.js";

/**
 * One open order line's quantity still to come.
 *
 * @example
 * ```ts
 * const row: IncomingRow = (await sk.purchasing.incoming({ sku: "MUG" }))[0]!;
 * ```
 */
export type IncomingRow = { readonly sku: string; readonly warehouseId: string; readonly purchaseOrderId: string; readonly lineId: string; readonly supplierId: string; readonly quantity: string; readonly expectedDate: string; readonly status: string };

const OPEN = new Set(["approved", "sent", "partiallyReceived"]);

/** Writes the order at `version` and brings its incoming rows up to date. */
export async function saveOrder(tx: Transaction, order: PurchaseOrder, version: number): Promise<void> {
  await tx.documents.put(ORDERS, order.purchaseOrderId, order as never, version);
  const ids = order.lines.map((l) => `${order.purchaseOrderId}|${l.lineId}`);
  // The order's rows are locked together (the order is locked already, so nobody waits on
  // them): their updates then go to a SQL store in one statement, and new rows in one insert.
  const existing = new Map((await lockDocuments(tx, INCOMING, ids)).map((d) => [d.id, d]));
  const created: { id: string; data: JsonObject }[] = [];
  for (const line of order.lines) {
    const id = `${order.purchaseOrderId}|${line.lineId}`;
    const outstanding = new Decimal(line.quantity).minus(line.received);
    const before = existing.get(id);
    if (OPEN.has(order.status) && outstanding.gt(0)) {
      const row: IncomingRow = { sku: line.sku, warehouseId: order.warehouseId, purchaseOrderId: order.purchaseOrderId, lineId: line.lineId, supplierId: order.supplierId, quantity: canonicalDecimal(outstanding), expectedDate: line.expectedDate, status: order.status };
      if (before === undefined) created.push({ id, data: row as unknown as JsonObject });
      else await tx.documents.put(INCOMING, id, row as never, before.version);
    } else if (before) {
      await tx.documents.delete(INCOMING, id, before.version);
    }
  }
  await insertDocuments(tx, INCOMING, created);
  // Lines removed by a change leave no incoming row behind.
  const kept = new Set(ids);
  const all = await tx.documents.find(INCOMING, { index: "byOrder", equals: [order.purchaseOrderId], limit: 2000 });
  for (const d of all) if (!kept.has(d.id)) await tx.documents.delete(INCOMING, d.id, d.version);
}

/**
 * The rate from `currency` to the functional currency on `date`: 1 for the functional
 * currency, the given one, or the rate provider's; VALIDATION_FAILED when none is known.
 */
export async function rateFor(ctx: CommandContext, currency: string, date: LocalDate | string, given?: string): Promise<string> {
  const functional = ctx.config.functionalCurrency;
  if (currency === functional) return "1";
  if (given !== undefined) return given;
  const rate = await ctx.rates.rate(currency, functional, date as LocalDate);
  if (rate === undefined) {
    throw new StorekeepError("VALIDATION_FAILED", `No ${currency}→${functional} exchange rate is known on ${date}; give the document's rate or add one to the rate provider.`, { issues: [{ path: "rate", message: "no rate known", code: "custom" }] });
  }
  return canonicalDecimal(rate);
}

/**
 * Purchasing's claim of a document it writes (a receipt, bill, payment, return, landed
 * cost): the same id with the same input is a replay (the first result, no second effect),
 * with other input DUPLICATE_DOCUMENT. Returns the first result, or undefined when new.
 */
export async function priorResult(tx: Transaction, kind: string, documentId: string, input: unknown): Promise<unknown> {
  const doc = await tx.documents.get<{ hash: string; result: never }>(CLAIMS, `${kind}:${documentId}`);
  if (!doc) return undefined;
  if (doc.data.hash !== sha256Hex(canonicalJson(input))) {
    throw new StorekeepError("DUPLICATE_DOCUMENT", `${kind} ${documentId} was already recorded with other content; correct it with a correcting document, never by recording it again.`, { documentType: kind, documentId });
  }
  return doc.data.result;
}

/** Records the claim of a new document with its result. */
export async function claimDocument(tx: Transaction, kind: string, documentId: string, input: unknown, result: unknown): Promise<void> {
  await tx.documents.put(CLAIMS, `${kind}:${documentId}`, { hash: sha256Hex(canonicalJson(input)), result: result as never }, 0);
}
