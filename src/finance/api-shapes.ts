import type { ApiShapes } from "../kernel/boundary.js";

/*
 * The argument shapes of this module's API methods (see src/kernel/boundary.ts): a method
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
    revalue: command,
    writeOff: command,
    allocate: command,
    importOpeningBalances: command,
    trialBalance: ["input"],
    balanceSheet: ["input"],
    incomeStatement: ["input"],
    generalLedger: ["input"],
    journal: ["input?"],
    taxReport: ["input"],
    cashFlow: ["input"],
    exportHledger: ["input?"],
    exportCsv: ["input?"],
    openItems: ["input"],
    aging: ["input"],
    statement: ["input"],
    auditSubledgers: ["input"],
    verifyJournal: ["input?"],
  },
};
