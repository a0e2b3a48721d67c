import type { ApiShapes } from "./kernel/boundary.js";

/*
 * The argument shapes of the facade's module APIs (see src/kernel/boundary.ts). A method
 * missing here still gets its arguments copied into plain data; add its shapes so that
 * `null` or a string where an object belongs is VALIDATION_FAILED naming the argument.
 */

const command = ["input", "options?"] as const;

/**
 * Argument shapes of `sk.finance`.
 *
 * @example
 * ```ts
 * hardenApi(createFinanceApi(runtime), "finance", FINANCE_SHAPES);
 * ```
 */
export const FINANCE_SHAPES: ApiShapes = {
  methods: {
    postEntry: command,
    reverseEntry: command,
    defineAccount: command,
    accounts: [],
    entry: ["string"],
    lockPeriod: command,
    closePeriod: ["string", "options?"],
    unlock: command,
    hardLock: command,
    periodLocks: [],
    isPeriodOpen: ["string", "string"],
    closeYear: command,
    importOpeningBalances: command,
    trialBalance: ["input"],
    balanceSheet: ["input"],
    incomeStatement: ["input"],
    generalLedger: ["input"],
    journal: ["input?"],
    exportHledger: ["input?"],
    exportCsv: ["input?"],
  },
};

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
    onHand: ["input?"],
    valuation: ["input?"],
    layers: ["string"],
    history: ["input"],
    explain: ["string"],
    audit: ["input?"],
  },
};

/**
 * Argument shapes of `sk.events` (`consumer` is synchronous).
 *
 * @example
 * ```ts
 * hardenApi(createEventsApi(runtime), "events", EVENTS_SHAPES);
 * ```
 */
export const EVENTS_SHAPES: ApiShapes = {
  methods: {
    read: ["string|null", "number?"],
    consumer: ["string", "function", "input?"],
    runConsumers: ["number?"],
  },
  sync: ["consumer"],
};

/**
 * Argument shapes of a consumer from `sk.events.consumer`.
 *
 * @example
 * ```ts
 * hardenApi(consumer, "consumer", CONSUMER_SHAPES);
 * ```
 */
export const CONSUMER_SHAPES: ApiShapes = {
  methods: { runOnce: ["number?"], position: [] },
};
