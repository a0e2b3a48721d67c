import { PGlite } from "@electric-sql/pglite";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import type { PurchasingOptions } from "../../src/purchasing/index.js";
import type { FinanceOptions } from "../../src/finance/settings.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { Decimal } from "../../src/kernel/decimal.js";

export type Kind = "memory" | "pglite";
export const KINDS: readonly Kind[] = ["memory", "pglite"];

/** One PGlite per test file, a schema per shop. */
export function pgliteHolder(): { get(): PGlite; start(): Promise<void>; stop(): Promise<void>; schema(): string } {
  let db: PGlite | undefined;
  let n = 0;
  return {
    get: () => db!,
    async start() {
      db = new PGlite();
      await db.waitReady;
    },
    async stop() {
      await db?.close();
    },
    schema: () => `purchasing_${++n}`,
  };
}

export const RATES = [
  { base: "USD", quote: "EUR", date: "2026-03-01", rate: "0.9" },
  { base: "USD", quote: "EUR", date: "2026-03-10", rate: "0.92" },
  { base: "USD", quote: "EUR", date: "2026-03-20", rate: "0.95" },
  { base: "USD", quote: "EUR", date: "2026-04-05", rate: "0.93" },
];

/** A shop on the given adapter, books in EUR, clock at 2026-03-02. */
export function shop(kind: Kind, db: () => PGlite, schema: () => string, purchasing: PurchasingOptions = {}, finance?: FinanceOptions): { sk: Storekeep; clock: ManualClock } {
  const clock = new ManualClock("2026-03-02T10:00:00.000Z");
  const store = kind === "memory" ? memoryStore() : postgresStore({ client: db(), schema: schema() });
  const sk = createStorekeep({ store, clock, ids: sequentialIds(), rates: memoryRates(RATES), config: { functionalCurrency: "EUR", timeZone: "UTC" }, purchasing, ...(finance === undefined ? {} : { finance }) });
  return { sk, clock };
}

/** The functional balance (debit positive) of an account as of a date. */
export async function balance(sk: Storekeep, account: string, asOf = "2026-12-31"): Promise<string> {
  const tb = await sk.finance.trialBalance({ asOf });
  const row = tb.rows.find((r) => r.account === account);
  if (row === undefined) return "0";
  return new Decimal(row.debit).minus(row.credit).toString();
}

/** The stable code of what `work` throws, or "none". */
export async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return "none";
  } catch (e) {
    return isStorekeepError(e) ? e.code : `not a StorekeepError: ${String(e)}`;
  }
}

/** On hand of a SKU (all locations). */
export async function onHand(sk: Storekeep, sku: string): Promise<string> {
  const rows = await sk.inventory.onHand({ sku });
  let total = new Decimal(0);
  for (const r of rows) total = total.plus(r.quantity);
  return total.toString();
}

/** Every account's balance (debit positive, zero balances left out), the trial balance checked to balance. */
export async function books(sk: Storekeep): Promise<Record<string, string>> {
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  if (tb.totals.debit !== tb.totals.credit) throw new Error(`the trial balance does not balance: ${tb.totals.debit} ≠ ${tb.totals.credit}`);
  const out: Record<string, string> = {};
  for (const r of tb.rows) {
    const v = new Decimal(r.debit).minus(r.credit);
    if (!v.isZero()) out[r.account] = v.toString();
  }
  return out;
}
