import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { type FinanceApi, type FinanceOptions, createFinanceApi, financeModule } from "../../src/finance/index.js";
import type { RateProvider } from "../../src/ports/rates.js";
import type { Store } from "../../src/ports/storage.js";
import { type StorekeepConfig, resolveConfig } from "../../src/runner/config.js";
import { recordEvents } from "../../src/runner/record-events.js";
import { type Runtime, createRuntime } from "../../src/runner/runner.js";
import { ManualClock } from "../../src/testing/clock.js";
import { sequentialIds } from "../../src/testing/ids.js";

/** The finance module alone on a runtime (no inventory reacting), as finance's tests need it. */
export interface FinanceOnly {
  readonly runtime: Runtime;
  readonly store: Store;
  ready(): Promise<void>;
  recordEvents(events: readonly { type: string; aggregateType: string; aggregateId: string; effectiveDate: string; payload: Record<string, unknown> }[]): Promise<unknown>;
}

export interface Books {
  readonly sk: FinanceOnly;
  readonly finance: FinanceApi;
  readonly clock: ManualClock;
}

/** A runtime with only the finance module on a fresh in-memory store (or the given one), events validated by the catalog. */
export function makeBooks(options: { finance?: FinanceOptions; config?: Partial<StorekeepConfig>; store?: Store; rates?: RateProvider; start?: string } = {}): Books {
  const clock = new ManualClock(options.start ?? "2026-01-15T10:00:00.000Z");
  const financeOptions = options.finance ?? {};
  const store = options.store ?? memoryStore();
  const runtime = createRuntime({
    store,
    clock,
    ids: sequentialIds(),
    rates: options.rates ?? memoryRates([]),
    config: resolveConfig({ functionalCurrency: "EUR", ...options.config }),
    modules: [financeModule(financeOptions)],
  });
  const sk: FinanceOnly = {
    runtime,
    store,
    ready: () => runtime.ready(),
    recordEvents: (events) => runtime.execute(recordEvents, { events }),
  };
  return { sk, finance: createFinanceApi(runtime, financeOptions), clock };
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
