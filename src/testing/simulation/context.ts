import type { SimulationRandom } from "../../runner/simulation.js";
import type { Store, Transaction } from "../../ports/storage.js";
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
  readonly skus: readonly string[];
  readonly warehouses: readonly string[];
  /** The current step (1-based; 0 during setup). */
  step(): number;
  /** A fresh id unique in this run (`prefix` + a counter). */
  id(prefix: string): string;
  today(): string;
  daysAgo(n: number): string;
  /** A random unit price or cost, 1.00–40.99. */
  money(): string;
  /** The model of stock: on hand per SKU as the simulation's own bookkeeping says. */
  readonly expectedOnHand: Map<string, number>;
  /** Records a committed stock change in the model (call after the command succeeded). */
  moved(sku: string, quantity: number): void;
  /** Remembers a keyed command for replays. */
  keyed(run: KeyedRun): void;
}

/** What one module contributes to the simulation: commands drawn at random and invariants checked after a step. */
export interface ModulePart {
  readonly name: string;
  steps(): readonly SimStep[];
  /** Violations found (empty when sound); `full` asks for the expensive checks too. */
  invariants(full: boolean): Promise<readonly string[]>;
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
        for (const ids of attempts) witness.rolledBack.push(...ids);
        throw error;
      }
    },
  });
  return { store, witness };
}
