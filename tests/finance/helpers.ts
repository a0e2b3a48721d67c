import { createStorekeep, type Storekeep } from "../../src/storekeep.js";
import type { FinanceApi, FinanceOptions } from "../../src/finance/index.js";
import { ManualClock } from "../../src/testing/clock.js";
import { sequentialIds } from "../../src/testing/ids.js";
import type { StorekeepConfig } from "../../src/runner/config.js";
import type { Store } from "../../src/ports/storage.js";
import type { RateProvider } from "../../src/ports/rates.js";

export interface Books {
  readonly sk: Storekeep;
  readonly finance: FinanceApi;
  readonly clock: ManualClock;
}

/** A storekeep with the finance module on a fresh in-memory store (or the given one). */
export function makeBooks(options: { finance?: FinanceOptions; config?: Partial<StorekeepConfig>; store?: Store; rates?: RateProvider; start?: string } = {}): Books {
  const clock = new ManualClock(options.start ?? "2026-01-15T10:00:00.000Z");
  const financeOptions = options.finance ?? {};
  const sk = createStorekeep({
    clock,
    ids: sequentialIds(),
    config: { functionalCurrency: "EUR", ...options.config },
    finance: financeOptions,
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.rates === undefined ? {} : { rates: options.rates }),
  });
  return { sk, finance: sk.finance, clock };
}

export const eur = (amount: string) => ({ amount, currency: "EUR" });
export const usd = (amount: string) => ({ amount, currency: "USD" });

/** Net functional balance (debit positive) of one account from a trial balance. */
export function tbBalance(tb: { rows: readonly { account: string; debit: string; credit: string }[] }, account: string): string {
  const row = tb.rows.find((r) => r.account === account);
  if (row === undefined) return "0";
  if (row.debit !== "0") return row.debit;
  return row.credit === "0" ? "0" : `-${row.credit}`;
}
