import { expect } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import type { PGlite } from "@electric-sql/pglite";
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
