import { isLocalDate, localDateOf } from "../kernel/local-date.js";
import { hardenApi } from "../kernel/boundary.js";
import { INVENTORY_SHAPES } from "./api-shapes.js";
import { StorekeepError } from "../kernel/errors.js";
import type { z } from "zod";
import type { StoreRegistry } from "../ports/storage.js";
import type { ExecuteOptions, ModuleDefinition } from "../runner/command.js";
import type { Runtime } from "../runner/runner.js";
import { type AuditReport, type InventoryAccountReader, auditInventory } from "./audit.js";
import { type Explanation, explainMovement } from "./explain.js";
import { AVAILABILITY, COST_STATES, QUANTITIES, type RecordedMovement, VALUES, TRANSFERS } from "./ledger-records.js";
import { LOCATIONS, type Location, WAREHOUSES, requireWarehouse } from "./location.js";
import { MOVEMENTS, MOVEMENT_INDEX, SNAPSHOTS, VALUATIONS } from "./movement.js";
import { type OpeningRow, openingStockCommand } from "./opening-stock.js";
import { type InventoryOptions, resolveInventoryOptions } from "./options.js";
import { PRODUCTS, type Product } from "./product.js";
import { defineLocation } from "./define-location.js";
import { defineProduct } from "./define-product.js";
import { defineWarehouse } from "./define-warehouse.js";
import { defineUnit } from "./define-unit.js";
import { defineBarcodeCommand } from "./define-barcode.js";
import { removeBarcodeCommand } from "./remove-barcode.js";
import { BARCODES, type BarcodeEntry, type ProductUnit, type ScanResult, UNITS, scanCode } from "./barcode-lookup.js";
import { adjustCommand } from "./adjust.js";
import { allocate } from "./allocate.js";
import { expireReservations } from "./expire-reservations.js";
import { issueCommand } from "./issue.js";
import { receiveCommand } from "./receive.js";
import { receiveTransferCommand } from "./receive-transfer.js";
import { release } from "./release.js";
import { releaseOrder } from "./release-order.js";
import { reserveCommand } from "./reserve.js";
import { returnFromCustomerCommand } from "./return-from-customer.js";
import { returnToSupplierCommand } from "./return-to-supplier.js";
import { revalueReceiptCommand } from "./revalue-receipt.js";
import { scrapCommand } from "./scrap.js";
import { transferCommand } from "./transfer.js";
import { inventoryReactions } from "./reactions.js";
import { type CostLayers, type HistoryLine, type OnHandRow, type ValuationRow, costLayers, movementHistory, onHandReport, valuationReport } from "./reports.js";
import { type Availability, RESERVATIONS, readAvailability } from "./reservations.js";
import { startStocktake } from "./start-stocktake.js";
import { LOTS } from "./lots.js";
import { LOT_RESERVED, type LotAvailability, lotAvailability } from "./lot-holds.js";
import { type BackorderQueue, backorderQueue } from "./backorder-queue.js";
import { RECEIPT_REVALUATIONS } from "./receipt-cost.js";
import { ISSUE_RETURNS } from "./customer-return-limits.js";
import { ORDER_CUSTOMERS, type PickList, type RecallReport, pickReport, recallReport } from "./lot-reports.js";
import type { RemovalStrategy } from "./removal-strategy.js";
import { changeStandardCostCommand } from "./change-standard-cost.js";
import { type CountResult, recordCountCommand } from "./record-count.js";
import { approveStocktakeCommand } from "./approve-stocktake.js";
import { cancelStocktake } from "./cancel-stocktake.js";
import { type CountSheet, type StocktakeReport, countSheet, stocktakeReport } from "./stocktake-report.js";
import { type CycleCountPlan, cycleCountPlan } from "./cycle-count-report.js";
import type { CountFrequencies } from "./cycle-counting.js";
import { COUNT_DATES, STOCKTAKES, STOCKTAKE_LOCATIONS, type StocktakeSummary } from "./stocktake-records.js";
import { type AgeingReport, type SlowMovingRow, ageingReport, slowMovingReport } from "./ageing-report.js";

export type { InventoryOptions, InventorySettings } from "./options.js";
export { resolveInventoryOptions } from "./options.js";
export type { StockPeriodGuard } from "./period-guard.js";
export { financeStockPeriodGuard, openStockPeriods, sharedStockPeriodGuard } from "./period-guard.js";
export * from "./valuation-kernel.js";
export { fifoKernel, lifoKernelForTests } from "./fifo.js";
export { movingAverageKernel } from "./moving-average.js";
export { standardCostKernel } from "./standard-cost.js";
export { kernelFor, restandardStock, valuationScratch, valueMovement } from "./valuation.js";
export type { ValuationInput, ValuationEffect, MovementValuation, IssueCostLookup, ValuationScratch } from "./valuation.js";
export { BATCH_GENERAL, BATCH_ISSUE, BATCH_ISSUE_NEGATIVE, BATCH_RECEIPT, batchAmount, setBatchMovement, valuationBatch, valueBatch } from "./valuation-batch.js";
export type { ValuationBatch } from "./valuation-batch.js";
export { replayMovements } from "./rederive.js";
export type { ReplayResult, ReplayOptions, BookedValuation, NegativeHistory } from "./rederive.js";
export { costStateToJson, costStateFromJson } from "./cost-state.js";
export type { CostStateJson } from "./cost-state.js";
export { COSTING_METHODS, productInputSchema, skuSchema } from "./product.js";
export type { Product } from "./product.js";
export type { Location } from "./location.js";
export { inTransitLocation } from "./location.js";
export { MOVEMENT_KINDS, movementPosition } from "./movement.js";
export type { MovementKind, MovementRecord } from "./movement.js";
export type { RecordedMovement, MovementDraft, CostStateDoc, SnapshotEntry, MovementIndexDoc } from "./ledger-records.js";
export type { ValuationEntry, DecodedValuation } from "./valuation-log.js";
export { decodeValuation, decodePostings } from "./valuation-log.js";
export type { Reservation, Availability } from "./reservations.js";
export type { CostLayers, OnHandRow, ValuationRow, HistoryLine } from "./reports.js";
export type { Explanation, ExplainedLayer } from "./explain.js";
export type { AuditReport, AuditDifference, InventoryAccountReader } from "./audit.js";
export { parseOpeningCsv, openingRowSchema } from "./opening-stock.js";
export { BARCODES, UNITS, barcodeKey, internalKey, scanCode, requireScan, unitFactor } from "./barcode-lookup.js";
export type { BarcodeEntry, ProductUnit, ScanResult } from "./barcode-lookup.js";
export { convertQuantity, splitIntoPacks, toBaseQuantity } from "./units.js";
export { AGEING_BUCKETS, DEFAULT_MOVEMENT_THRESHOLDS, ageOnHand, classifyMovement } from "./stock-ageing.js";
export type { InboundLayer, MovementThresholds } from "./stock-ageing.js";
export type { AgeingReport, AgeingRow, SlowMovingRow } from "./ageing-report.js";
export type { CountResult } from "./record-count.js";
export { TRACKING_MODES } from "./lots.js";
export type { Lot } from "./lots.js";
export { pickStock } from "./removal-strategy.js";
export type { Pick, PickableStock, PickLimits, RemovalStrategy } from "./removal-strategy.js";
export type { LotAvailability } from "./lot-holds.js";
export type { BackorderQueue, BackorderQueueEntry } from "./backorder-queue.js";
export type { PickList, RecallReport } from "./lot-reports.js";
export type { CountSheet, StocktakeReport } from "./stocktake-report.js";
export type { CountLine } from "./stocktake-reads.js";
export type { CycleCountPlan } from "./cycle-count-report.js";
export type { Stocktake, StocktakeSummary, StocktakeLocation, CountedItem, MissedByCount } from "./stocktake-records.js";
export type { CountDifference } from "./count-differences.js";
export { compareCount, needsRecount } from "./count-differences.js";
export { abcClasses, cycleCountsDue, DEFAULT_ABC_CUTS, DEFAULT_COUNT_FREQUENCIES } from "./cycle-counting.js";
export type { AbcClass, AbcCuts, CountFrequencies, CycleCountDue } from "./cycle-counting.js";
export type { OpeningRow } from "./opening-stock.js";

/**
 * What the inventory module stores.
 *
 * @example
 * ```ts
 * await store.migrate({ collections: [], logs: [], balances: [], counters: [], ...INVENTORY_REGISTRY });
 * ```
 */
export const INVENTORY_REGISTRY: Partial<StoreRegistry> = Object.freeze({
  collections: [
    { name: PRODUCTS },
    { name: WAREHOUSES, indexes: { byId: { fields: ["warehouseId"] } } },
    { name: LOCATIONS, indexes: { byWarehouse: { fields: ["warehouseId", "path"] } } },
    { name: COST_STATES },
    { name: MOVEMENT_INDEX, indexes: { bySource: { fields: ["sourceType", "sourceId"] }, byOrder: { fields: ["orderId", "sku"] } } },
    {
      name: RESERVATIONS,
      indexes: {
        byScopeExpiry: { fields: ["scope", "state", "expiresAt"] },
        byExpiry: { fields: ["state", "expiresAt"] },
        byOrder: { fields: ["orderId", "sku"] },
      },
    },
    { name: TRANSFERS },
    { name: BARCODES },
    { name: UNITS },
    { name: STOCKTAKES },
    { name: STOCKTAKE_LOCATIONS, indexes: { byStocktake: { fields: ["stocktakeId", "locationId"] } } },
    { name: COUNT_DATES },
    { name: LOTS },
    { name: ORDER_CUSTOMERS },
    { name: ISSUE_RETURNS },
  ],
  logs: [
    { name: MOVEMENTS, sortKey: "effectiveAt|movementId (stream: SKU)" },
    { name: VALUATIONS, sortKey: "effectiveAt|movementId#generation; chunks of re-valued movements: UTC hour#generation.part (stream: SKU)" },
    { name: SNAPSHOTS, sortKey: "effectiveAt|movementId#generation (stream: SKU)" },
  ],
  balances: [
    { name: QUANTITIES, fields: ["quantity"], bucket: "day YYYY-MM-DD (key: sku|location|lot)" },
    { name: VALUES, fields: ["value", "inTransit"], bucket: "day YYYY-MM-DD (key: sku)" },
    { name: RECEIPT_REVALUATIONS, fields: ["value"], bucket: "day YYYY-MM-DD (key: receipt movement id)" },
  ],
  counters: [
    { name: LOT_RESERVED, fields: ["reserved"], guards: {} },
    {
      name: AVAILABILITY,
      fields: ["onHand", "reserved"],
      guards: { available: { terms: { onHand: 1, reserved: -1 }, floor: 0 }, onHand: { terms: { onHand: 1 }, floor: 0 } },
    },
  ],
});

/**
 * The inventory module for `createRuntime` / `createStorekeep`: its registry and its
 * reactions to GoodsReceived, ShipmentDispatched, ReturnReceived, SupplierReturned,
 * SupplierBillRecorded, LandedCostRecorded and OrderPlaced (the order's customer, for recalls).
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ store: memoryStore(), clock, ids, rates, config, modules: [inventoryModule()] });
 * ```
 */
export function inventoryModule(options: InventoryOptions = {}): ModuleDefinition {
  const settings = resolveInventoryOptions(options);
  return { name: "inventory", registry: INVENTORY_REGISTRY, reactions: inventoryReactions(settings) };
}

/**
 * Every inventory command definition (for `runtime.execute` or `sk.run`).
 *
 * @example
 * ```ts
 * const commands = inventoryCommands();
 * await runtime.execute(commands.receive, { sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "2.5" });
 * ```
 */
export function inventoryCommands(options: InventoryOptions = {}) {
  const settings = resolveInventoryOptions(options);
  return {
    defineProduct,
    defineWarehouse,
    defineLocation,
    defineUnit,
    defineBarcode: defineBarcodeCommand(settings),
    removeBarcode: removeBarcodeCommand(settings),
    receive: receiveCommand(settings),
    issue: issueCommand(settings),
    returnFromCustomer: returnFromCustomerCommand(settings),
    returnToSupplier: returnToSupplierCommand(settings),
    adjust: adjustCommand(settings),
    scrap: scrapCommand(settings),
    transfer: transferCommand(settings),
    receiveTransfer: receiveTransferCommand(settings),
    revalue: revalueReceiptCommand(settings),
    reserve: reserveCommand(settings),
    allocate,
    release,
    releaseOrder,
    expire: expireReservations,
    importOpeningStock: openingStockCommand(settings),
    changeStandardCost: changeStandardCostCommand(settings),
    startStocktake,
    recordCount: recordCountCommand(settings),
    approveStocktake: approveStocktakeCommand(settings),
    cancelStocktake,
  };
}

type Input<C> = C extends { input: infer S extends z.ZodType } ? z.input<S> : never;

/**
 * `sk.inventory`: products and locations, stock movements, reservations, reports, explain
 * and audit. Commands go through the runner (idempotency keys accepted); reports read
 * balances and cost states.
 *
 * @example
 * ```ts
 * const inventory = createInventoryApi(runtime);
 * await inventory.defineWarehouse({ warehouseId: "wh_main" });
 * await inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
 * await inventory.receive({ sku: "MUG", warehouseId: "wh_main", quantity: "10", unitCost: "2.50" });
 * ```
 */
export interface InventoryApi {
  defineProduct(input: Input<typeof defineProduct>, options?: ExecuteOptions): Promise<Product>;
  defineWarehouse(input: Input<typeof defineWarehouse>, options?: ExecuteOptions): Promise<{ warehouseId: string; created: boolean }>;
  defineLocation(input: Input<typeof defineLocation>, options?: ExecuteOptions): Promise<Location>;
  /** Defines a unit of a product other than its base unit (a carton of 12). */
  defineUnit(input: Input<typeof defineUnit>, options?: ExecuteOptions): Promise<ProductUnit>;
  /** Assigns a barcode to a SKU and a unit of it. */
  defineBarcode(input: Input<ReturnType<typeof defineBarcodeCommand>>, options?: ExecuteOptions): Promise<BarcodeEntry>;
  /** Removes a barcode from the lookup. */
  removeBarcode(input: { barcode: string }, options?: ExecuteOptions): Promise<{ barcode: string; removed: boolean; sku: string | null }>;
  /** What a scanned code means: parsed parts, its SKU and unit, and the base units it stands for. */
  scan(code: string): Promise<ScanResult>;
  receive(input: Input<ReturnType<typeof receiveCommand>>, options?: ExecuteOptions): Promise<RecordedMovement>;
  issue(input: Input<ReturnType<typeof issueCommand>>, options?: ExecuteOptions): Promise<RecordedMovement>;
  returnFromCustomer(input: Input<ReturnType<typeof returnFromCustomerCommand>>, options?: ExecuteOptions): Promise<RecordedMovement>;
  returnToSupplier(input: Input<ReturnType<typeof returnToSupplierCommand>>, options?: ExecuteOptions): Promise<RecordedMovement>;
  adjust(input: Input<ReturnType<typeof adjustCommand>>, options?: ExecuteOptions): Promise<RecordedMovement>;
  scrap(input: Input<ReturnType<typeof scrapCommand>>, options?: ExecuteOptions): Promise<RecordedMovement>;
  transfer(input: Input<ReturnType<typeof transferCommand>>, options?: ExecuteOptions): Promise<RecordedMovement & { transferId: string; stage: string }>;
  receiveTransfer(input: Input<ReturnType<typeof receiveTransferCommand>>, options?: ExecuteOptions): Promise<RecordedMovement>;
  revalueReceipt(input: Input<ReturnType<typeof revalueReceiptCommand>>, options?: ExecuteOptions): Promise<RecordedMovement>;
  importOpeningStock(input: { rows: OpeningRow[]; effectiveDate?: string; effectiveAt?: string; reference?: string } | { csv: string; effectiveDate?: string; effectiveAt?: string; reference?: string }, options?: ExecuteOptions): Promise<{ imported: number; movements: RecordedMovement[] }>;
  reserve(input: Input<ReturnType<typeof reserveCommand>>, options?: ExecuteOptions): Promise<{ reservations: { reservationId: string; sku: string; warehouseId: string; quantity: string; expiresAt: string | null; lot?: string }[] }>;
  allocate(input: { reservationId: string }, options?: ExecuteOptions): Promise<{ reservationId: string; kind: "hard" }>;
  release(input: Input<typeof release>, options?: ExecuteOptions): Promise<{ reservationId: string; released: string; state: string }>;
  releaseOrder(input: Input<typeof releaseOrder>, options?: ExecuteOptions): Promise<{ orderId: string; released: number }>;
  expireReservations(input?: { limit?: number }, options?: ExecuteOptions): Promise<{ expired: number; more: boolean }>;
  /** Changes a standard-costed SKU's standard from a date: stock on hand then is revalued (posted), later movements use it, history stays. */
  changeStandardCost(input: Input<ReturnType<typeof changeStandardCostCommand>>, options?: ExecuteOptions): Promise<RecordedMovement & { standardCost: string }>;
  /** Where to take a quantity of a SKU from at a warehouse: by FIFO (lot age), FEFO (first expiry) or location order; expired lots skipped. */
  pick(query: { sku: string; warehouseId: string; quantity: string; strategy?: RemovalStrategy }): Promise<PickList>;
  /** A lot recall: receipts, shipments with their orders and customers, returns, and what is still on hand. A lot the SKU never had (or an unknown SKU) is NOT_FOUND. */
  recall(query: { sku: string; lot: string }): Promise<RecallReport>;
  /** Starts a count session over a warehouse, a set or range of its locations, optionally some SKUs (blind by default). */
  startStocktake(input: Input<typeof startStocktake>, options?: ExecuteOptions): Promise<{ stocktakeId: string; warehouseId: string; locations: number; blind: boolean }>;
  /** Records one location's count (SKU quantities or scanned barcodes) as of the instant counted. */
  recordCount(input: Input<ReturnType<typeof recordCountCommand>>, options?: ExecuteOptions): Promise<CountResult>;
  /** Approves a stocktake: posts count − book of every counted item as adjustments in one command. */
  approveStocktake(input: { stocktakeId: string }, options?: ExecuteOptions): Promise<{ stocktakeId: string; state: string; summary: StocktakeSummary }>;
  /** Cancels an open stocktake (nothing posted). */
  cancelStocktake(input: { stocktakeId: string }, options?: ExecuteOptions): Promise<{ stocktakeId: string; state: string }>;
  /** What counters see: locations to count and their items (book quantities only when not blind). */
  countSheet(stocktakeId: string): Promise<CountSheet>;
  /** The supervisor's report of a stocktake: book at each count instant, count, difference, recounts, pending locations. */
  stocktake(stocktakeId: string): Promise<StocktakeReport>;
  /** Cycle counting at a warehouse: ABC classes by value and the SKUs due to be counted today (or `asOf`). An unknown warehouse is NOT_FOUND. */
  cycleCounts(query: { warehouseId: string; asOf?: string; cuts?: { a: number; b: number }; frequencies?: CountFrequencies }): Promise<CycleCountPlan>;
  /** Per lot of a SKU at a warehouse: on hand, held by lot reservations (expired holds not counted) and available to anyone else. An unknown warehouse is NOT_FOUND. */
  lotAvailability(sku: string, warehouseId: string): Promise<LotAvailability[]>;
  /** On hand, reserved (expired holds never counted) and available at a warehouse. An unknown warehouse is NOT_FOUND (a known one without the SKU: zeros). */
  availability(sku: string, warehouseId: string): Promise<Availability>;
  /**
   * The live holds of a SKU at a warehouse in the order stock serves them (when their demand
   * queued), each with what the stock on hand covers of it after the holds before it: with
   * backorders, which orders can ship now and how much. An unknown warehouse is NOT_FOUND.
   */
  backorderQueue(sku: string, warehouseId: string): Promise<BackorderQueue>;
  /** Quantity on hand per SKU, location and lot as of a date; `warehouseId` keeps that warehouse's locations (not stock in transit to it; an unknown warehouse is NOT_FOUND). */
  onHand(query?: { sku?: string; asOf?: string; warehouseId?: string }): Promise<OnHandRow[]>;
  /** Value per SKU as of a date. */
  valuation(query?: { sku?: string; asOf?: string }): Promise<ValuationRow[]>;
  /** A SKU's current cost layers (FIFO) or pool. */
  layers(sku: string): Promise<CostLayers>;
  /** A SKU's movements between two dates with their current valuation. */
  history(query: { sku: string; from?: string; to?: string; limit?: number }): Promise<HistoryLine[]>;
  /** Stock by age (0–30, 31–90, 91–180, > 180 days since it came in) per SKU as of a date (default today), quantities and values. */
  ageing(query?: { sku?: string; asOf?: string }): Promise<AgeingReport>;
  /** Slow-moving and dead stock as of a date (default today): last issue, issued in the window, days of cover, status. */
  slowMoving(query?: { sku?: string; asOf?: string; windowDays?: number; slowCoverDays?: number; deadAfterDays?: number }): Promise<SlowMovingRow[]>;
  /** Which layers a movement consumed, at what cost, and why. */
  explain(movementId: string): Promise<Explanation>;
  /** On hand = sum of movements; stock value = sum of remaining layers (= Inventory account with a reader), as of a date. */
  audit(query?: { asOf?: string; skus?: string[]; inventoryAccount?: InventoryAccountReader; onProgress?: (progress: { done: number; total: number }) => void }): Promise<AuditReport>;
}

/**
 * Builds `sk.inventory` over a runtime that registered {@link inventoryModule}.
 *
 * @example
 * ```ts
 * const inventory = createInventoryApi(runtime, { softHoldMinutes: 20 });
 * const { reservations } = await inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh_main", quantity: "1" }] });
 * ```
 */
export function createInventoryApi(runtime: Runtime, options: InventoryOptions & { readonly inventoryAccount?: InventoryAccountReader } = {}): InventoryApi {
  const settings = resolveInventoryOptions(options);
  const c = inventoryCommands(options);
  const run = <T>(command: Parameters<Runtime["execute"]>[0], input: unknown, o?: ExecuteOptions): Promise<T> => runtime.execute(command, input, o) as Promise<T>;
  const currency = runtime.config.functionalCurrency;
  const api: InventoryApi = {
    defineProduct: (i, o) => run(c.defineProduct, i, o),
    defineWarehouse: (i, o) => run(c.defineWarehouse, i, o),
    defineLocation: (i, o) => run(c.defineLocation, i, o),
    defineUnit: (i, o) => run(c.defineUnit, i, o),
    defineBarcode: (i, o) => run(c.defineBarcode, i, o),
    removeBarcode: (i, o) => run(c.removeBarcode, i, o),
    scan: (code) => runtime.read((tx) => scanCode(tx, code, { today: localDateOf(runtime.clock.now(), runtime.config.timeZone), inStore: settings.inStoreLayouts })),
    receive: (i, o) => run(c.receive, i, o),
    issue: (i, o) => run(c.issue, i, o),
    returnFromCustomer: (i, o) => run(c.returnFromCustomer, i, o),
    returnToSupplier: (i, o) => run(c.returnToSupplier, i, o),
    adjust: (i, o) => run(c.adjust, i, o),
    scrap: (i, o) => run(c.scrap, i, o),
    transfer: (i, o) => run(c.transfer, i, o),
    receiveTransfer: (i, o) => run(c.receiveTransfer, i, o),
    revalueReceipt: (i, o) => run(c.revalue, i, o),
    importOpeningStock: (i, o) => run(c.importOpeningStock, i, o),
    reserve: (i, o) => run(c.reserve, i, o),
    changeStandardCost: (i, o) => run(c.changeStandardCost, i, o),
    pick: async (q) => {
      checkReportQuery("pick", q, ["sku", "warehouseId"]);
      const strategy = q.strategy ?? "fefo";
      if (!["fifo", "fefo", "location"].includes(strategy)) throw new StorekeepError("VALIDATION_FAILED", `pick strategy must be "fifo", "fefo" or "location", not ${JSON.stringify(strategy)}.`, { issues: [{ path: "strategy", message: "unknown strategy", code: "custom" }] });
      if (typeof q.quantity !== "string" || !/^\d{1,15}(\.\d{1,6})?$/.test(q.quantity) || !(Number(q.quantity) > 0)) throw new StorekeepError("VALIDATION_FAILED", "pick quantity must be a positive decimal string (up to 6 decimals).", { issues: [{ path: "quantity", message: "positive decimal string", code: "custom" }] });
      return runtime.read((tx) => pickReport(tx, { sku: q.sku, warehouseId: q.warehouseId, quantity: q.quantity, strategy }, localDateOf(runtime.clock.now(), runtime.config.timeZone), runtime.clock.now().toISOString()));
    },
    recall: async (q) => {
      checkReportQuery("recall", q, ["sku"]);
      if (typeof q.lot !== "string" || q.lot.length === 0 || q.lot.length > 200) throw new StorekeepError("VALIDATION_FAILED", "recall lot must be a non-empty string.", { issues: [{ path: "lot", message: "required", code: "custom" }] });
      return runtime.read((tx) => recallReport(tx, q.sku, q.lot));
    },
    startStocktake: (i, o) => run(c.startStocktake, i, o),
    recordCount: (i, o) => run(c.recordCount, i, o),
    approveStocktake: (i, o) => run(c.approveStocktake, i, o),
    cancelStocktake: (i, o) => run(c.cancelStocktake, i, o),
    countSheet: (stocktakeId) => runtime.read((tx) => countSheet(tx, stocktakeId, runtime.clock.now().toISOString())),
    stocktake: (stocktakeId) => runtime.read((tx) => stocktakeReport(tx, stocktakeId)),
    cycleCounts: async (q) => {
      checkReportQuery("cycleCounts", q, ["warehouseId"]);
      checkCycleQuery(q);
      return runtime.read((tx) => cycleCountPlan(tx, { warehouseId: q.warehouseId, asOf: q.asOf ?? localDateOf(runtime.clock.now(), runtime.config.timeZone), cuts: q.cuts, frequencies: q.frequencies }));
    },
    allocate: (i, o) => run(c.allocate, i, o),
    release: (i, o) => run(c.release, i, o),
    releaseOrder: (i, o) => run(c.releaseOrder, i, o),
    expireReservations: (i = {}, o) => run(c.expire, i, o),
    lotAvailability: (sku, warehouseId) => (
      checkReportQuery("lotAvailability", { sku, warehouseId }, ["sku", "warehouseId"]),
      runtime.read(async (tx) => (await requireWarehouse(tx, warehouseId), lotAvailability(tx, sku, warehouseId, runtime.clock.now().toISOString())))
    ),
    backorderQueue: (sku, warehouseId) => (
      checkReportQuery("backorderQueue", { sku, warehouseId }, ["sku", "warehouseId"]),
      runtime.read(async (tx) => (await requireWarehouse(tx, warehouseId), backorderQueue(tx, sku, warehouseId, runtime.clock.now().toISOString())))
    ),
    availability: (sku, warehouseId) => (
      checkReportQuery("availability", { sku, warehouseId }, ["sku", "warehouseId"]),
      runtime.read(async (tx) => (await requireWarehouse(tx, warehouseId), readAvailability(tx, sku, warehouseId, runtime.clock.now().toISOString())))
    ),
    onHand: (q = {}) => (checkReportQuery("onHand", q), runtime.read(async (tx) => (q.warehouseId === undefined ? undefined : await requireWarehouse(tx, q.warehouseId), onHandReport(tx, q)))),
    valuation: (q = {}) => (checkReportQuery("valuation", q), runtime.read((tx) => valuationReport(tx, currency, q))),
    layers: (sku) => (checkReportQuery("layers", { sku }, ["sku"]), runtime.read((tx) => costLayers(tx, sku, currency))),
    history: (q) => (checkReportQuery("history", q, ["sku"]), runtime.read((tx) => movementHistory(tx, currency, q, runtime.config.timeZone))),
    ageing: async (q = {}) => {
      checkReportQuery("ageing", q);
      return runtime.read((tx) => ageingReport(tx, currency, runtime.config.timeZone, { asOf: q.asOf ?? localDateOf(runtime.clock.now(), runtime.config.timeZone), sku: q.sku }));
    },
    slowMoving: async (q = {}) => {
      checkReportQuery("slowMoving", q);
      const thresholds: Record<string, number> = {};
      for (const key of ["windowDays", "slowCoverDays", "deadAfterDays"] as const) {
        const v = q[key];
        if (v === undefined) continue;
        if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1 || v > 3660) throw new StorekeepError("VALIDATION_FAILED", `slowMoving ${key} must be a whole number of days from 1 to 3660.`, { issues: [{ path: key, message: "days 1-3660", code: "custom" }] });
        thresholds[key] = v;
      }
      return runtime.read((tx) => slowMovingReport(tx, runtime.config.timeZone, { asOf: q.asOf ?? localDateOf(runtime.clock.now(), runtime.config.timeZone), sku: q.sku, thresholds }));
    },
    explain: (movementId) => runtime.read((tx) => explainMovement(tx, currency, movementId)),
    audit: async (q = {}) => {
      checkAuditQuery(q);
      return runtime.read((tx) =>
        auditInventory(tx, settings, currency, runtime.config.rounding, runtime.config.timeZone, { ...q, ...(q.inventoryAccount === undefined && options.inventoryAccount !== undefined ? { inventoryAccount: options.inventoryAccount } : {}) }),
      );
    },
  };
  return hardenApi(api, "inventory", INVENTORY_SHAPES);
}

/**
 * A report's query: `sku`/`warehouseId` strings, `asOf`/`from`/`to` dates, `limit` a positive
 * integer (each optional unless named in `required`), so a stray value is VALIDATION_FAILED
 * before any key is built from it.
 */
function checkReportQuery(report: string, q: unknown, required: readonly string[] = []): void {
  const refuse = (path: string, message: string): never => {
    throw new StorekeepError("VALIDATION_FAILED", `${report} ${path} ${message}.`, { issues: [{ path, message, code: "custom" }] });
  };
  if (q === null || typeof q !== "object") refuse("query", "must be an object");
  const fields = q as Record<string, unknown>;
  for (const key of required) if (fields[key] === undefined) refuse(key, "is required");
  for (const key of ["sku", "warehouseId"]) {
    const value = fields[key];
    if (value !== undefined && (typeof value !== "string" || value.length === 0 || value.length > 200)) refuse(key, "must be a non-empty string");
  }
  for (const key of ["asOf", "from", "to"]) if (fields[key] !== undefined && !isLocalDate(fields[key])) refuse(key, "must be a date (YYYY-MM-DD)");
  const limit = fields["limit"];
  if (limit !== undefined && (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1)) refuse("limit", "must be a positive whole number");
}

/** Cycle counting's cuts (0 < a ≤ b ≤ 1) and frequencies (whole days per class). */
function checkCycleQuery(q: { cuts?: unknown; frequencies?: unknown }): void {
  const refuse = (path: string, message: string): never => {
    throw new StorekeepError("VALIDATION_FAILED", `cycleCounts ${path} ${message}.`, { issues: [{ path, message, code: "custom" }] });
  };
  if (q.cuts !== undefined) {
    const c = q.cuts as { a?: unknown; b?: unknown };
    if (typeof c !== "object" || c === null || typeof c.a !== "number" || typeof c.b !== "number" || !(c.a > 0 && c.a <= c.b && c.b <= 1)) refuse("cuts", "must be { a, b } with 0 < a ≤ b ≤ 1");
  }
  if (q.frequencies !== undefined) {
    const f = q.frequencies as Record<string, unknown>;
    for (const k of ["A", "B", "C"]) {
      const v = typeof f === "object" && f !== null ? f[k] : undefined;
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) refuse(`frequencies.${k}`, "must be a whole number of days (1 or more)");
    }
  }
}

/** The audit's query: `asOf` a date string, `skus` strings, `inventoryAccount` a function (each optional). */
function checkAuditQuery(q: { asOf?: unknown; skus?: unknown; inventoryAccount?: unknown; onProgress?: unknown }): void {
  const refuse = (path: string, message: string): never => {
    throw new StorekeepError("VALIDATION_FAILED", `audit ${path} ${message}.`, { issues: [{ path, message, code: "custom" }] });
  };
  if (q.asOf !== undefined && !isLocalDate(q.asOf)) refuse("asOf", "must be a date (YYYY-MM-DD)");
  if (q.skus !== undefined && (!Array.isArray(q.skus) || q.skus.some((sku) => typeof sku !== "string"))) refuse("skus", "must be an array of SKU strings");
  if (q.inventoryAccount !== undefined && typeof q.inventoryAccount !== "function") refuse("inventoryAccount", "must be a function");
  if (q.onProgress !== undefined && typeof q.onProgress !== "function") refuse("onProgress", "must be a function");
}
