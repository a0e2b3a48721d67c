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
