import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { createStorekeep } from "../../src/storekeep.js";

/*
 * Query and report objects refuse keys they do not read: a misspelled filter must not answer
 * as if it were absent (`history({ sku, form })` answering for every date). Each call below
 * misspells one key; the failure names it and the key it resembles.
 */

const sk = createStorekeep({ store: memoryStore(), config: { functionalCurrency: "EUR" } });
// The calls pass keys the types do not know, as a JavaScript caller or a typo under `as never` would.
const loose = (api: object) => api as Record<string, (...args: unknown[]) => Promise<unknown>>;
const inventory = loose(sk.inventory);
const analytics = loose(sk.analytics);
const purchasing = loose(sk.purchasing);
const crm = loose(sk.crm);
const finance = loose(sk.finance);
const replenishment = loose(sk.replenishment);

const range = { from: "2026-01-01", to: "2026-01-31" };
const cases: [name: string, call: () => Promise<unknown>, key: string, meant: string][] = [
  ["inventory.onHand", () => inventory.onHand!({ sku: "MUG", asof: "2026-01-31" }), "asof", "asOf"],
  ["inventory.valuation", () => inventory.valuation!({ skus: "MUG" }), "skus", "sku"],
  ["inventory.history", () => inventory.history!({ sku: "MUG", form: "2026-01-01" }), "form", "from"],
  ["inventory.pick", () => inventory.pick!({ sku: "MUG", warehouseId: "wh", quantity: "1", stratgy: "fifo" }), "stratgy", "strategy"],
  ["inventory.recall", () => inventory.recall!({ sku: "MUG", lots: "L1" }), "lots", "lot"],
  ["inventory.cycleCounts", () => inventory.cycleCounts!({ warehouseId: "wh", as_of: "2026-01-31" }), "as_of", "asOf"],
  ["inventory.ageing", () => inventory.ageing!({ asof: "2026-01-31" }), "asof", "asOf"],
  ["inventory.slowMoving", () => inventory.slowMoving!({ windowdays: 30 }), "windowdays", "windowDays"],
  ["inventory.audit", () => inventory.audit!({ sku: ["MUG"] }), "sku", "skus"],
  ["analytics.kpis", () => analytics.kpis!({ ...range, grian: "week" }), "grian", "grain"],
  ["analytics.dashboard options", () => analytics.dashboard!(range, { titel: "Week" }), "titel", "title"],
  ["analytics.dashboard range", () => analytics.dashboard!({ from: "2026-01-01", to: "2026-01-31", To: "2026-02-28" }, {}), "To", "to"],
  ["analytics.sync", () => analytics.sync!({ maxEvent: 10 }), "maxEvent", "maxEvents"],
  ["analytics.rebuild", () => analytics.rebuild!({ on_progress: () => {} }), "on_progress", "onProgress"],
  ["analytics.runRules", () => analytics.runRules!({ onprogress: () => {} }), "onprogress", "onProgress"],
  ["purchasing.orders", () => purchasing.orders!({ supplier: "sup_1" }), "supplier", "supplierId"],
  ["purchasing.bills", () => purchasing.bills!({ supplierId: "sup_1", statu: "held" }), "statu", "status"],
  ["purchasing.incoming", () => purchasing.incoming!({ warehouse: "wh" }), "warehouse", "warehouseId"],
  ["purchasing.leadTime", () => purchasing.leadTime!("sup_1", { lst: 5 }), "lst", "last"],
  ["crm.timeline", () => crm.timeline!("c1", { limt: 5 }), "limt", "limit"],
  ["crm.customerValue", () => crm.customerValue!("2026-01-31", { week: 12 }), "week", "weeks"],
  ["finance.trialBalance", () => finance.trialBalance!({ as_of: "2026-12-31" }), "as_of", "asOf"],
  ["finance.balanceSheet", () => finance.balanceSheet!({ asOf: "2026-12-31", includezero: true }), "includezero", "includeZero"],
  ["finance.incomeStatement", () => finance.incomeStatement!({ ...range, compar: ["previous-year"] }), "compar", "compare"],
  ["finance.generalLedger", () => finance.generalLedger!({ account: "1000", ...range, limt: 5 }), "limt", "limit"],
  ["finance.journal", () => finance.journal!({ limt: 5 }), "limt", "limit"],
  ["finance.taxReport", () => finance.taxReport!({ form: "2026-01-01", to: "2026-01-31" }), "form", "from"],
  ["finance.cashFlow", () => finance.cashFlow!({ ...range, cashAccount: ["1000"] }), "cashAccount", "cashAccounts"],
  ["finance.exportHledger", () => finance.exportHledger!({ form: "2026-01-01" }), "form", "from"],
  ["finance.exportCsv", () => finance.exportCsv!({ To: "2026-01-31" }), "To", "to"],
  ["finance.openItems", () => finance.openItems!({ ledger: "receivables", open_only: true }), "open_only", "openOnly"],
  ["finance.aging", () => finance.aging!({ ledger: "receivables", asOf: "2026-01-31", bucket: [30] }), "bucket", "buckets"],
  ["finance.statement", () => finance.statement!({ ledger: "receivables", party: "c1", curency: "EUR", ...range }), "curency", "currency"],
  ["finance.auditSubledgers", () => finance.auditSubledgers!({ asof: "2026-01-31" }), "asof", "asOf"],
  ["finance.verifyJournal", () => finance.verifyJournal!({ line: true }), "line", "lines"],
  ["replenishment.suggest", () => replenishment.suggest!({ asof: "2026-01-31" }), "asof", "asOf"],
  ["replenishment.draftOrders", () => replenishment.draftOrders!({ periodday: 7 }), "periodday", "periodDays"],
];

describe("query and report objects refuse unknown keys", () => {
  it.each(cases)("%s refuses a misspelled key, naming it and the key it resembles", async (_name, call, key, meant) => {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string; details?: { issues?: { path: string; code: string }[] } },
    );
    expect(error?.code).toBe("VALIDATION_FAILED");
    expect(error?.message).toContain(`unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(meant)}?)`);
  });

  it("a key with nothing near lists the keys the query reads (valuation has no warehouse filter)", async () => {
    await expect(inventory.valuation!({ sku: "MUG", warehouse: "wh" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining('unknown key "warehouse" (known keys: sku, asOf)') });
    // onHand has one: the near key is suggested.
    await expect(inventory.onHand!({ sku: "MUG", warehouse: "wh" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining('unknown key "warehouse" (did you mean "warehouseId"?)') });
  });

  it("the issue's path is the unknown key", async () => {
    await expect(purchasing.orders!({ supplier: "sup_1" })).rejects.toMatchObject({ details: { issues: [{ path: "supplier", code: "unrecognized_keys" }] } });
  });

  it("valid queries still answer, with and without their optional objects", async () => {
    expect(await inventory.onHand!({ sku: "MUG", asOf: "2026-01-31" })).toEqual([]);
    expect(await inventory.onHand!()).toEqual([]);
    expect(await inventory.history!({ sku: "MUG", from: "2026-01-01", to: "2026-01-31", limit: 5 })).toEqual([]);
    expect(await purchasing.orders!({ supplierId: "sup_1" })).toEqual([]);
    expect(await purchasing.orders!()).toEqual([]);
    expect(await crm.timeline!("c1", { limit: 5 })).toMatchObject({ entries: [] });
    expect(await analytics.kpis!({ ...range, grain: "week" })).toMatchObject({ from: "2026-01-01" });
    expect(await finance.journal!({ from: "2026-01-01", limit: 5 })).toEqual([]);
    expect(await finance.exportCsv!()).toEqual(expect.any(String));
  });
});
