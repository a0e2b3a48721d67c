import { type ApiShapes, query } from "../kernel/boundary.js";

/*
 * The argument shapes of this module's API methods (see src/kernel/boundary.ts): a method
 * missing here still gets its arguments copied into plain data; add its shapes so that
 * `null` or a string where an object belongs is VALIDATION_FAILED naming the argument.
 */

const command = ["input", "options?"] as const;

/**
 * Argument shapes of `sk.inventory`.
 *
 * @example
 * ```ts
 * hardenApi(createInventoryApi(runtime), "inventory", INVENTORY_SHAPES);
 * ```
 */
export const INVENTORY_SHAPES: ApiShapes = {
  methods: {
    defineProduct: command,
    defineWarehouse: command,
    defineLocation: command,
    defineUnit: command,
    defineBarcode: command,
    removeBarcode: command,
    scan: ["string"],
    receive: command,
    issue: command,
    returnFromCustomer: command,
    returnToSupplier: command,
    adjust: command,
    scrap: command,
    transfer: command,
    receiveTransfer: command,
    revalueReceipt: command,
    importOpeningStock: command,
    reserve: command,
    allocate: command,
    release: command,
    releaseOrder: command,
    expireReservations: ["input?", "options?"],
    availability: ["string", "string"],
    lotAvailability: ["string", "string"],
    onHand: [query(["sku", "asOf", "warehouseId"], true)],
    valuation: [query(["sku", "asOf"], true)],
    layers: ["string"],
    history: [query(["sku", "from", "to", "limit"])],
    explain: ["string"],
    changeStandardCost: command,
    pick: [query(["sku", "warehouseId", "quantity", "strategy"])],
    recall: [query(["sku", "lot"])],
    startStocktake: command,
    recordCount: command,
    approveStocktake: command,
    cancelStocktake: command,
    countSheet: ["string"],
    stocktake: ["string"],
    cycleCounts: [query(["warehouseId", "asOf", "cuts", "frequencies"])],
    ageing: [query(["sku", "asOf"], true)],
    slowMoving: [query(["sku", "asOf", "windowDays", "slowCoverDays", "deadAfterDays"], true)],
    audit: [query(["asOf", "skus", "inventoryAccount", "onProgress"], true)],
  },
};
