import { type ApiShapes, query } from "../kernel/boundary.js";

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
    runDunning: command,
    dunningNotices: [query(["party", "from", "to"], true)],
    importOpeningBalances: command,
    trialBalance: [query(["asOf", "from", "to", "compare", "includeZero"])],
    balanceSheet: [query(["asOf", "compare", "includeZero"])],
    incomeStatement: [query(["from", "to", "compare", "includeZero"])],
    generalLedger: [query(["account", "from", "to", "limit"])],
    journal: [query(["from", "to", "limit"], true)],
    taxReport: [query(["from", "to"])],
    cashFlow: [query(["from", "to", "cashAccounts", "investing", "financing"])],
    exportHledger: [query(["from", "to"], true)],
    exportCsv: [query(["from", "to"], true)],
    openItems: [query(["ledger", "party", "openOnly"])],
    aging: [query(["ledger", "asOf", "buckets", "party"])],
    statement: [query(["ledger", "party", "currency", "from", "to"])],
    auditSubledgers: [query(["asOf"])],
    verifyJournal: [query(["lines", "onProgress"], true)],
  },
};
