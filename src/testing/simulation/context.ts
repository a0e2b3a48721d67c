import { isStorekeepError } from "../../kernel/errors.js";
import type { SimulationRandom } from "../../runner/simulation.js";
import type { Store, Transaction } from "../../ports/storage.js";
import type { Runtime } from "../../runner/runner.js";
import type { Storekeep } from "../../storekeep.js";
import type { ManualClock } from "../clock.js";

/*
 * What the whole-shop simulator hands each built-in module's part of the simulation
 * (src/testing/simulation/<module>.ts): the facade, the seeded random source, the model of
 * stock the invariants compare against, and the list of keyed commands replays draw from.
 * A host module plugs in the same way through `ModuleDefinition.simulation`
 * (src/runner/simulation.ts), with the runtime instead of the facade.
 */

/** One command the simulator may draw: its weight now, the refusal codes it may meet, and what it runs. */
export interface SimStep {
  readonly name: string;
  readonly weight: number;
  /** Refusal codes (StorekeepError codes) this command may meet in a random shop, besides the ones every command may meet. */
  readonly refusals?: readonly string[];
  /** A refusal this command may meet that its code alone does not tell (a coupon past its limit is VALIDATION_FAILED with a reason). */
  readonly refuses?: (error: unknown) => boolean;
  /** Runs the command; resolves to "skip" when the shop offered nothing to do it on (counted apart). */
  run(): Promise<unknown>;
}

/** A keyed command that a later step replays (it must return the first result and add nothing). */
export interface KeyedRun {
  readonly name: string;
  readonly run: () => Promise<unknown>;
  readonly result: unknown;
}

/** The shop a simulation drives, shared by the built-in modules' parts. */
export interface ShopContext {
  readonly sk: Storekeep;
  readonly store: Store;
  readonly clock: ManualClock;
  readonly random: SimulationRandom;
  readonly seed: number;
  /** The untracked products (receipts, counts, purchase orders draw from them). */
  readonly skus: readonly string[];
  /** Everything the shop sells: the untracked products and the lot- and serial-tracked ones. */
  readonly sellable: readonly string[];
  /** The products that allow backorders (sales reserve beyond what is available; empty unless `SimulationOptions.backorders`). */
  readonly backorderSkus: ReadonlySet<string>;
  readonly warehouses: readonly string[];
  /** The current step (1-based; 0 during setup). */
  step(): number;
  /** Whether a batch of concurrent commands is running (a step's own checks of what it read after its command hold only alone). */
  concurrent(): boolean;
  /** A fresh id unique in this run (`prefix` + a counter). */
  id(prefix: string): string;
  today(): string;
  daysAgo(n: number): string;
  /** A random unit price or cost, 1.00–40.99. */
  money(): string;
  /** The model of stock: on hand per SKU as the simulation's own bookkeeping says. */
  readonly expectedOnHand: Map<string, number>;
  /** `sku|warehouse` where an approved count left on hand below what is held (available below zero: over-reserved, not oversold). */
  readonly countedBelowHolds: Set<string>;
  /** Records a committed stock change in the model (call after the command succeeded). */
  moved(sku: string, quantity: number): void;
  /** Remembers a keyed command for replays. */
  keyed(run: KeyedRun): void;
  /** Counts something the run covered (`SimulationReport.tallies`: invoices per tax treatment, lots expired, ...). */
  tally(name: string, n?: number): void;
  /** The customer ids orders may be placed for (the CRM part's customers, whatever became of them). */
  customerIds(): readonly string[];
  /** Records an order placed (call after placeOrder succeeded). */
  orderPlaced(): void;
  /** Records an order placed for a customer id (call after placeOrder succeeded). */
  orderPlacedFor(customerId: string): void;
  /** How many orders were placed for customer ids that `match` accepts. */
  ordersFor(match: (customerId: string) => boolean): number;
  /**
   * How many customers analytics counts orders for: an order counts for the customer its id
   * resolved to when it was placed (through CRM merges), and stays with that one if they are
   * split again; customers merged into one another count once.
   */
  customersWithOrders(): number;
  /** How many orders the sales part placed (committed). */
  ordersPlaced(): number;
}

/** What one module contributes to the simulation: commands drawn at random and invariants checked after a step. */
export interface ModulePart {
  readonly name: string;
  steps(): readonly SimStep[];
  /** Violations found (empty when sound); `full` asks for the expensive checks too. */
  invariants(full: boolean): Promise<readonly string[]>;
}

/**
 * Runs a check's own read or catch-up that writes (a projection's sync) until it gets past the
 * injected store failures and lost commits every command meets; any other error is thrown.
 */
export async function retryingInjected<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(isStorekeepError(error) && (error.code === "STORE_FAILURE" || error.code === "COMMIT_OUTCOME_UNKNOWN")) || attempt > 50) throw error;
    }
  }
}

/** The event ids each transaction appended, split into committed and rolled back. */
export interface OutboxWitness {
  readonly committed: string[];
  readonly rolledBack: string[];
}

/**
 * Wraps a store so the simulator knows which appended events committed and which rolled
 * back (a failed write, a refusal, a conflict retry): the outbox must hold exactly the
 * committed ones, each once.
 */
export function witnessStore(inner: Store): { store: Store; witness: OutboxWitness } {
  const witness: OutboxWitness = { committed: [], rolledBack: [] };
  const store: Store = Object.assign(Object.create(inner) as Store, {
    transaction: async <T>(work: (tx: Transaction) => Promise<T>): Promise<T> => {
      const attempts: string[][] = [];
      try {
        const result = await inner.transaction((tx) => {
          const ids: string[] = [];
          attempts.push(ids);
          const events: Transaction["events"] = {
            append: async (list) => {
              await tx.events.append(list);
              ids.push(...list.map((e) => e.id));
            },
          };
          return work({ ...tx, events });
        });
        const last = attempts.pop() ?? [];
        for (const ids of attempts) witness.rolledBack.push(...ids);
        witness.committed.push(...last);
        return result;
      } catch (error) {
        // A commit reported lost (COMMIT_OUTCOME_UNKNOWN from failingStore) did commit: its last attempt's events are in the outbox.
        if (isStorekeepError(error) && error.code === "COMMIT_OUTCOME_UNKNOWN") witness.committed.push(...(attempts.pop() ?? []));
        for (const ids of attempts) witness.rolledBack.push(...ids);
        throw error;
      }
    },
  });
  return { store, witness };
}

/** The facade methods the simulator calls that only read (every other method of a module's namespace is a command). */
const QUERIES = new Set(["accounts", "incomeStatement", "auditSubledgers", "journal", "openItems", "trialBalance", "taxReport", "audit", "availability", "onHand", "valuation", "layers", "pick", "bill", "heldBills", "order", "orders", "orderVersions", "lotAvailability", "backorderQueue", "customer", "timeline", "segments", "cohorts", "customerValue", "campaignReport", "syncTimeline", "kpis", "ageing", "dashboard", "catalogue", "rules", "sync", "suggest", "bills", "supplier", "billsToPay", "creditStatus", "dunningNotices", "sepaCreditTransfer"]);
const NAMESPACES = new Set(["sales", "inventory", "purchasing", "finance", "crm", "analytics", "replenishment"]);

/**
 * The facade as a careful host uses it over an unreliable connection: every command carries
 * an idempotency key (its own, or a fresh one), and a command whose commit was reported lost
 * (`COMMIT_OUTCOME_UNKNOWN`) is sent again with the same key and input until the store
 * answers — the replay returns the first result and adds nothing (the outbox check and the
 * stock model would see a second effect). Queries are re-run when their transaction's
 * commit was reported lost.
 */
export function retryingFacade(sk: Storekeep, onLostCommit: () => void): Storekeep {
  let keys = 0;
  const wrapped = new Map<string, unknown>();
  const lost = (error: unknown) => isStorekeepError(error) && error.code === "COMMIT_OUTCOME_UNKNOWN";
  const query = async <T>(run: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await run();
      } catch (error) {
        if (!lost(error)) throw error;
      }
    }
  };
  const command = async <T>(name: string, options: { idempotencyKey?: string } | undefined, run: (options: { idempotencyKey: string }) => Promise<T>): Promise<T> => {
    const withKey = { ...options, idempotencyKey: options?.idempotencyKey ?? `sim-${name}-${++keys}` };
    let committed = false;
    for (;;) {
      try {
        return await run(withKey);
      } catch (error) {
        if (lost(error)) {
          committed = true;
          onLostCommit();
          continue;
        }
        // Once a commit is known to have happened, the host keeps asking until it hears the result.
        if (committed && isStorekeepError(error) && error.code === "STORE_FAILURE") continue;
        throw error;
      }
    }
  };
  const namespace = (name: string, target: object): unknown =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver) as unknown;
        if (typeof value !== "function" || typeof prop !== "string") return value;
        const fn = value as (...args: unknown[]) => Promise<unknown>;
        if (QUERIES.has(prop)) return (...args: unknown[]) => query(() => fn.apply(t, args));
        return (input: unknown, options?: { idempotencyKey?: string }) => command(name, options, (o) => fn.call(t, input, o));
      },
    });
  const runtime: Runtime = Object.assign(Object.create(sk.runtime) as Runtime, {
    execute: ((definition, input, options) => command("runtime", options, (o) => sk.runtime.execute(definition, input, { ...options, ...o }))) as Runtime["execute"],
    read: (<T>(work: (tx: Transaction) => Promise<T>) => query(() => sk.runtime.read(work))) as Runtime["read"],
  });
  return new Proxy(sk, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (prop === "runtime") return runtime;
      if (typeof prop !== "string" || !NAMESPACES.has(prop) || value === null || typeof value !== "object") return value;
      if (!wrapped.has(prop)) wrapped.set(prop, namespace(prop, value));
      return wrapped.get(prop);
    },
  });
}
