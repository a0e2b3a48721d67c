/**
 * The purchasing module: its store registry, its commands, and `sk.purchasing`.
 */
import type { z } from "zod";
import { hardenApi, query } from "../kernel/boundary.js";
import { StorekeepError } from "../kernel/errors.js";
import { isLocalDate, localDateOf } from "../kernel/local-date.js";
import type { StoreRegistry } from "../ports/storage.js";
import type { ExecuteOptions, ModuleDefinition } from "../runner/command.js";
import type { Runtime } from "../runner/runner.js";
import { approveBill } from "./approve-bill.js";
import { approveOrder } from "./approve-order.js";
import type { SupplierBill } from "./bill.js";
import { cancelOrder } from "./cancel-order.js";
import { changeOrder } from "./change-order.js";
import { closeOrder } from "./close-order.js";
import { correctBill } from "./correct-bill.js";
import { rejectBill } from "./reject-bill.js";
import { createOrder } from "./create-order.js";
import { defineSupplier } from "./define-supplier.js";
import { draftOrdersFromSuggestions } from "./draft-orders.js";
import { type LeadTimeStats, type SupplierScorecard, leadTimeOf, scorecardOf } from "./supplier-performance.js";
import { type BillsToPay, type BillsToPayQuery, type PayableCreditsReader, billsToPayOf } from "./bills-to-pay.js";
import type { PurchasingOptions, PurchasingSettings, PurchasingTaxFunctions } from "./options.js";
import { resolvePurchasingOptions } from "./options.js";
import { paySupplier } from "./pay-supplier.js";
import { purchasingReactions } from "./reactions.js";
import { type SepaCreditTransfer, type SepaCreditTransferQuery, sepaCreditTransferOf } from "./sepa.js";
import type { PurchaseOrder } from "./purchase-order.js";
import { receiveGoods } from "./receive-goods.js";
import { recordBill } from "./record-bill.js";
import { recordLandedCost } from "./record-landed-cost.js";
import { type IncomingSummary, billsOf, documentOf, heldBills, incomingReport, ordersOf } from "./reports.js";
import { returnToSupplier } from "./return-to-supplier.js";
import { sendOrder } from "./send-order.js";
import { setSupplierItem } from "./set-supplier-item.js";
import { BILLS, CLAIMS, INCOMING, ORDERS, RECEIPTS, SUPPLIERS, SUPPLIER_ITEMS, type Supplier, type SupplierItem } from "./supplier.js";

/**
 * What purchasing stores (collection names are part of the stored format).
 *
 * @example
 * ```ts
 * await store.migrate({ collections: [], logs: [], balances: [], counters: [], ...PURCHASING_REGISTRY });
 * ```
 */
export const PURCHASING_REGISTRY: Partial<StoreRegistry> = {
  collections: [
    { name: SUPPLIERS },
    { name: SUPPLIER_ITEMS, indexes: { bySkuSupplier: { fields: ["sku", "supplierId"] } } },
    { name: ORDERS, indexes: { byOrderDate: { fields: ["supplierId", "orderDate"] }, byStatus: { fields: ["status", "purchaseOrderId"] } } },
    { name: INCOMING, indexes: { bySku: { fields: ["sku", "warehouseId", "expectedDate"] }, byExpected: { fields: ["expectedDate"] }, byOrder: { fields: ["purchaseOrderId"] } } },
    { name: RECEIPTS, indexes: { byReceiptDate: { fields: ["supplierId", "date"] } } },
    { name: BILLS, indexes: { bySupplier: { fields: ["supplierId", "status"] }, byBillStatus: { fields: ["status", "billId"] } } },
    { name: CLAIMS },
  ],
};

/**
 * The purchasing module for `createRuntime` (the facade adds it). Its settings travel to
 * the commands as `moduleOptions.purchasing` (see {@link purchasingModuleOptions}).
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ ...ports, modules: [purchasingModule()], moduleOptions: { purchasing: purchasingModuleOptions({ approvalLimit: "5000" }) } });
 * ```
 */
export function purchasingModule(options: PurchasingOptions = {}): ModuleDefinition {
  resolvePurchasingOptions(options);
  return { name: "purchasing", registry: PURCHASING_REGISTRY, reactions: purchasingReactions() };
}

/**
 * The resolved settings the runtime hands purchasing's commands, with finance's tax
 * functions wired in (the facade passes them; purchasing may not import finance).
 *
 * @example
 * ```ts
 * const moduleOptions = { purchasing: purchasingModuleOptions({ receiptTolerance: "0.05" }, { calculateTax, eventTaxLines }) };
 * ```
 */
export function purchasingModuleOptions(options: PurchasingOptions = {}, functions?: PurchasingTaxFunctions): PurchasingSettings {
  return resolvePurchasingOptions(options, functions);
}

/**
 * Every purchasing command definition (for `runtime.execute` or `sk.run`).
 *
 * @example
 * ```ts
 * const { createOrder, receiveGoods } = purchasingCommands();
 * ```
 */
export function purchasingCommands() {
  return { defineSupplier, setSupplierItem, createOrder, changeOrder, approveOrder, sendOrder, cancelOrder, closeOrder, receiveGoods, recordBill, approveBill, correctBill, rejectBill, paySupplier, returnToSupplier, recordLandedCost, draftOrdersFromSuggestions };
}

type In<C> = C extends { input: infer S extends z.ZodType } ? z.input<S> : never;
type Out<C> = C extends { handle(...args: never[]): Promise<{ result: infer R }> } ? R : never;

/**
 * `sk.purchasing`: suppliers and price lists, purchase orders through their lifecycle,
 * receipts, bills with a 3-way match, supplier payments, returns, landed costs, incoming
 * quantities, learned lead times and supplier scorecards.
 *
 * @example
 * ```ts
 * await sk.purchasing.defineSupplier({ supplierId: "sup_1", currency: "EUR", leadTimeDays: 7, taxTreatment: "none" });
 * const { purchaseOrderId } = await sk.purchasing.createOrder({ supplierId: "sup_1", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100, unitPrice: "2.5" }] });
 * await sk.purchasing.approveOrder({ purchaseOrderId, approver: "ann" });
 * await sk.purchasing.sendOrder({ purchaseOrderId });
 * await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId, lines: [{ lineId: "1", quantity: 100 }] });
 * ```
 */
export interface PurchasingApi {
  defineSupplier(input: In<typeof defineSupplier>, options?: ExecuteOptions): Promise<Out<typeof defineSupplier>>;
  setSupplierItem(input: In<typeof setSupplierItem>, options?: ExecuteOptions): Promise<Out<typeof setSupplierItem>>;
  createOrder(input: In<typeof createOrder>, options?: ExecuteOptions): Promise<Out<typeof createOrder>>;
  changeOrder(input: In<typeof changeOrder>, options?: ExecuteOptions): Promise<Out<typeof changeOrder>>;
  approveOrder(input: In<typeof approveOrder>, options?: ExecuteOptions): Promise<Out<typeof approveOrder>>;
  sendOrder(input: In<typeof sendOrder>, options?: ExecuteOptions): Promise<Out<typeof sendOrder>>;
  cancelOrder(input: In<typeof cancelOrder>, options?: ExecuteOptions): Promise<Out<typeof cancelOrder>>;
  closeOrder(input: In<typeof closeOrder>, options?: ExecuteOptions): Promise<Out<typeof closeOrder>>;
  receiveGoods(input: In<typeof receiveGoods>, options?: ExecuteOptions): Promise<Out<typeof receiveGoods>>;
  recordBill(input: In<typeof recordBill>, options?: ExecuteOptions): Promise<Out<typeof recordBill>>;
  approveBill(input: In<typeof approveBill>, options?: ExecuteOptions): Promise<Out<typeof approveBill>>;
  correctBill(input: In<typeof correctBill>, options?: ExecuteOptions): Promise<Out<typeof correctBill>>;
  /** Rejects a held bill: nothing posts, its order can close; the supplier sends a new bill. */
  rejectBill(input: In<typeof rejectBill>, options?: ExecuteOptions): Promise<Out<typeof rejectBill>>;
  paySupplier(input: In<typeof paySupplier>, options?: ExecuteOptions): Promise<Out<typeof paySupplier>>;
  returnToSupplier(input: In<typeof returnToSupplier>, options?: ExecuteOptions): Promise<Out<typeof returnToSupplier>>;
  recordLandedCost(input: In<typeof recordLandedCost>, options?: ExecuteOptions): Promise<Out<typeof recordLandedCost>>;
  /** Turns replenishment's draft purchase order proposals into draft orders (MOQ, packs and price breaks applied). */
  draftOrdersFromSuggestions(input: In<typeof draftOrdersFromSuggestions>, options?: ExecuteOptions): Promise<Out<typeof draftOrdersFromSuggestions>>;
  supplier(supplierId: string): Promise<Supplier | undefined>;
  supplierItem(supplierId: string, sku: string): Promise<SupplierItem | undefined>;
  order(purchaseOrderId: string): Promise<PurchaseOrder | undefined>;
  orders(query?: { supplierId?: string; status?: string }): Promise<PurchaseOrder[]>;
  bill(billId: string): Promise<SupplierBill | undefined>;
  bills(query: { supplierId: string; status?: "held" | "posted" | "rejected" }): Promise<SupplierBill[]>;
  heldBills(): Promise<SupplierBill[]>;
  /** Quantities still to come on approved and sent orders, per SKU and warehouse, with expected dates. */
  incoming(query?: { sku?: string; warehouseId?: string }): Promise<IncomingSummary[]>;
  /** The lead time learned from a supplier's receipts (days from sending to receipt): mean, spread, the last n. */
  leadTime(supplierId: string, query?: { last?: number; asOf?: string }): Promise<LeadTimeStats>;
  /** A supplier's scorecard as of a date: on-time rate, fill rate, lead-time reliability, price variance. */
  scorecard(supplierId: string, asOf: string): Promise<SupplierScorecard>;
  /** The payment proposal of a run on `asOf`: bills overdue, falling due or losing their early-payment discount by `through`, grouped as `paySupplier` takes them. */
  billsToPay(query: BillsToPayQuery): Promise<BillsToPay>;
  /** The SEPA credit transfer file (pain.001.001.09, or .03) that has the shop's bank pay recorded supplier payments in euro. */
  sepaCreditTransfer(query: SepaCreditTransferQuery): Promise<SepaCreditTransfer>;
}

const command = ["input", "options?"] as const;
const SHAPES = {
  methods: {
    defineSupplier: command,
    setSupplierItem: command,
    createOrder: command,
    changeOrder: command,
    approveOrder: command,
    sendOrder: command,
    cancelOrder: command,
    closeOrder: command,
    receiveGoods: command,
    recordBill: command,
    approveBill: command,
    correctBill: command,
    rejectBill: command,
    paySupplier: command,
    returnToSupplier: command,
    recordLandedCost: command,
    draftOrdersFromSuggestions: command,
    supplier: ["string"],
    supplierItem: ["string", "string"],
    order: ["string"],
    orders: [query(["supplierId", "status"], true)],
    bill: ["string"],
    bills: [query(["supplierId", "status"])],
    heldBills: [],
    incoming: [query(["sku", "warehouseId"], true)],
    leadTime: ["string", query(["last", "asOf"], true)],
    scorecard: ["string", "string"],
    billsToPay: [query(["asOf", "through", "supplierId", "currency"])],
    sepaCreditTransfer: [query(["messageId", "paymentIds", "debtor", "executionDate", "batchBooking", "version"])],
  },
} as const;

/**
 * Builds `sk.purchasing` on a runtime.
 *
 * @example
 * ```ts
 * const purchasing = createPurchasingApi(runtime);
 * ```
 */
export function createPurchasingApi(runtime: Runtime, seams: { readonly payableCredits?: PayableCreditsReader } = {}): PurchasingApi {
  const run = <T>(c: Parameters<Runtime["execute"]>[0], input: unknown, o?: ExecuteOptions): Promise<T> => runtime.execute(c, input, o) as Promise<T>;
  const api: PurchasingApi = {
    defineSupplier: (i, o) => run(defineSupplier, i, o),
    setSupplierItem: (i, o) => run(setSupplierItem, i, o),
    createOrder: (i, o) => run(createOrder, i, o),
    changeOrder: (i, o) => run(changeOrder, i, o),
    approveOrder: (i, o) => run(approveOrder, i, o),
    sendOrder: (i, o) => run(sendOrder, i, o),
    cancelOrder: (i, o) => run(cancelOrder, i, o),
    closeOrder: (i, o) => run(closeOrder, i, o),
    receiveGoods: (i, o) => run(receiveGoods, i, o),
    recordBill: (i, o) => run(recordBill, i, o),
    approveBill: (i, o) => run(approveBill, i, o),
    correctBill: (i, o) => run(correctBill, i, o),
    rejectBill: (i, o) => run(rejectBill, i, o),
    paySupplier: (i, o) => run(paySupplier, i, o),
    returnToSupplier: (i, o) => run(returnToSupplier, i, o),
    recordLandedCost: (i, o) => run(recordLandedCost, i, o),
    draftOrdersFromSuggestions: (i, o) => run(draftOrdersFromSuggestions, i, o),
    supplier: (id) => runtime.read((tx) => documentOf<Supplier>(tx, SUPPLIERS, id)),
    supplierItem: (supplierId, sku) => runtime.read((tx) => documentOf<SupplierItem>(tx, SUPPLIER_ITEMS, `${supplierId}|${sku}`)),
    order: (id) => runtime.read((tx) => documentOf<PurchaseOrder>(tx, ORDERS, id)),
    orders: (q = {}) => runtime.read((tx) => ordersOf(tx, q)),
    bill: (id) => runtime.read((tx) => documentOf<SupplierBill>(tx, BILLS, id)),
    bills: (q) => runtime.read((tx) => billsOf(tx, q)),
    heldBills: () => runtime.read((tx) => heldBills(tx)),
    incoming: (q = {}) => runtime.read((tx) => incomingReport(tx, q)),
    leadTime: (id, q = {}) => runtime.read((tx) => leadTimeOf(tx, id, q)),
    scorecard: (id, asOf) => {
      if (!isLocalDate(asOf)) throw new StorekeepError("VALIDATION_FAILED", "purchasing.scorecard needs a date (YYYY-MM-DD).", { issues: [{ path: "asOf", message: "a date", code: "custom" }] });
      return runtime.read((tx) => scorecardOf(tx, id, asOf));
    },
    billsToPay: (q) => runtime.read((tx) => billsToPayOf(tx, q, seams.payableCredits)),
    // Stamped with the shop's clock; "today" is the shop's date in its time zone.
    sepaCreditTransfer: (q) => {
      const now = runtime.clock.now();
      const sepaCountries = (runtime.moduleOptions["purchasing"] as PurchasingSettings | undefined)?.sepaCountries;
      return runtime.read((tx) => sepaCreditTransferOf(tx, q, { createdAt: `${now.toISOString().slice(0, 19)}Z`, today: localDateOf(now, runtime.config.timeZone), ...(sepaCountries === undefined ? {} : { sepaCountries }) }));
    },
  };
  return hardenApi(api, "purchasing", SHAPES as never);
}
