import { afterAll, beforeAll, expect } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { PGlite } from "@electric-sql/pglite";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { defineTaxCodes } from "../../src/finance/tax/tax-codes.js";
import type { Store } from "../../src/ports/storage.js";
import type { SalesOptions } from "../../src/sales/index.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

export const VAT = defineTaxCodes([
  { code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] },
  { code: "DE-RED", jurisdiction: { country: "DE" }, category: "reduced", kind: "reduced", rates: [{ rate: "0.07", validFrom: "2007-01-01" }] },
]);

/** A shop on a store: EUR books, Berlin VAT, the manual clock. */
export function shop(store: Store, sales: SalesOptions = {}, rates: { base: string; quote: string; date: string; rate: string }[] = []): { sk: Storekeep; clock: ManualClock; rates: ReturnType<typeof memoryRates> } {
  const clock = new ManualClock("2026-03-02T10:00:00.000Z");
  const r = memoryRates(rates);
  const sk = createStorekeep({ store, clock, ids: sequentialIds(), rates: r, config: { functionalCurrency: "EUR", timeZone: "UTC" }, sales: { tax: { codes: VAT, seller: { country: "DE" } }, ...sales } });
  return { sk, clock, rates: r };
}

let counter = 0;
/** A store of the kind: a fresh memory store or a fresh schema on the shared PGlite. */
export function storeOf(kind: "memory" | "pglite", db: () => PGlite): Store {
  counter += 1;
  return kind === "memory" ? memoryStore() : postgresStore({ client: db(), schema: `sales_${counter}_${Math.floor(performance.now())}` });
}

/** Debit minus credit of an account in the trial balance (functional, as a string). */
export async function balance(sk: Storekeep, account: string): Promise<string> {
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  const row = tb.rows.find((r) => r.account === account);
  if (row === undefined) return "0";
  return new Decimal(row.debit).minus(row.credit).toFixed(2);
}

/** USD → EUR rates on 1, 5 and 10 March 2026 (0.90, 0.92, 0.95). */
export const USD_RATES = [
  { base: "USD", quote: "EUR", date: "2026-03-01", rate: "0.9" },
  { base: "USD", quote: "EUR", date: "2026-03-05", rate: "0.92" },
  { base: "USD", quote: "EUR", date: "2026-03-10", rate: "0.95" },
];

/** Warehouse `wh` with 10 units of each SKU received at 3.00 (FIFO). */
export async function stock(sk: Storekeep, skus: readonly string[] = ["MUG"]): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const sku of skus) {
    await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
    await sk.inventory.receive({ sku, warehouseId: "wh", quantity: "10", unitCost: "3" });
  }
}

/** The books balance and every subledger equals its control account. */
export async function booksAgree(sk: Storekeep): Promise<void> {
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  expect(tb.totals.debit).toBe(tb.totals.credit);
  const audit = await sk.finance.auditSubledgers({ asOf: "2026-12-31" });
  expect(audit.filter((c) => c.difference !== "0")).toEqual([]);
}

/**
 * One PGlite for the test file, opened before its tests and closed after them: the returned
 * function gives it to `storeOf` (each store takes a fresh schema on it).
 */
export function sharedPglite(): () => PGlite {
  let db: PGlite | undefined;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });
  return () => db!;
}

/** MUG ×2 and TEE ×2 at 10.00 + 19% = 47.60 for cus_1 as ord_1, on an on-shipment shop, placed on 2 March (USD at 0.90). */
export async function placedOnShipment(kind: "memory" | "pglite", db: () => PGlite, currency: "EUR" | "USD"): Promise<{ sk: Storekeep; clock: ManualClock }> {
  const { sk, clock } = shop(storeOf(kind, db), { invoicing: "on-shipment" }, USD_RATES);
  await stock(sk, ["MUG", "TEE"]);
  await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency, warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "TEE", quantity: 2, unitPrice: "10" }] });
  return { sk, clock };
}

/** Nothing open for cus_1, receivables and customer prepayments 0 (the GL's and ord_1's own), the books balance, subledgers = control. */
export async function cleared(sk: Storekeep): Promise<void> {
  expect(await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).toEqual([]);
  expect(await balance(sk, "1200")).toBe("0.00");
  expect(new Decimal(await balance(sk, "2200")).toFixed(2)).toBe("0.00");
  const view = (await sk.sales.order("ord_1"))!;
  expect(view.order.receivable).toEqual({ amount: "0", functional: "0" });
  expect(view.order.prepayment).toEqual({ amount: "0", functional: "0" });
  await booksAgree(sk);
}
