import { memoryStore } from "../adapters/memory/index.js";
import { isStorekeepError } from "../kernel/errors.js";
import { localDateOf } from "../kernel/local-date.js";
import type { ModuleDefinition } from "../runner/command.js";
import { canonicalJson, sha256Hex } from "../runner/hash.js";
import type { SimulationRandom } from "../runner/simulation.js";
import { type Storekeep, createStorekeep } from "../storekeep.js";
import { ManualClock } from "./clock.js";
import { assertTrialBalanceSumsToZero, ledgerInvariantViolations } from "./finance/invariants.js";
import { sequentialIds } from "./ids.js";
import { failingStore } from "./wrappers.js";

/*
 * The whole-shop simulator: from one seed, a deterministic run of random commands of every
 * module (stock receipts, issues, back-dated receipts, adjustments, transfers, holds,
 * host-recorded catalog events, journal entries, period locks, a manual clock moving on,
 * injected store failures, replays of keyed commands), checking the shop's invariants
 * after every step. The same seed gives the same commands, ids and events, so a failing
 * seed's replay line reproduces it exactly.
 */

/**
 * Creates the seeded random source of a simulation.
 *
 * @example
 * ```ts
 * seededRandom(7).int(1, 100);
 * ```
 */
export function seededRandom(seed: number): SimulationRandom {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

/**
 * Options of {@link simulateShop}.
 *
 * @example
 * ```ts
 * const options: SimulationOptions = { seed: 42, steps: 200 };
 * ```
 */
export interface SimulationOptions {
  readonly seed: number;
  readonly steps: number;
  /** Inject store failures (a failing write every ~40 writes on average). Default true. */
  readonly faults?: boolean;
  /** Host modules (registered with the shop; their `simulation` commands and invariants join in). */
  readonly modules?: readonly ModuleDefinition[];
  /** Every step's command and outcome (for debugging a seed). */
  readonly log?: (line: string) => void;
}

/**
 * What a simulation did.
 *
 * @example
 * ```ts
 * const report = await simulateShop({ seed: 1, steps: 50 });
 * report.outcomes["inventory.issue"]; // { ok: 9, refused: 2 }
 * ```
 */
export interface SimulationReport {
  readonly seed: number;
  readonly steps: number;
  readonly outcomes: Readonly<Record<string, { ok: number; refused: number }>>;
  readonly injectedFaults: number;
  readonly replays: number;
  readonly events: number;
  readonly journalEntries: number;
  /** SHA-256 of the outbox (every event's id, type, dates and payload, in order): equal runs of one seed give equal digests. */
  readonly outboxDigest: string;
}

/**
 * A seed that broke an invariant: which step, which command, what broke, and the line that
 * replays it exactly.
 *
 * @example
 * ```ts
 * try { await simulateShop({ seed, steps }); } catch (e) { if (e instanceof SimulationFailure) console.error(e.replay); }
 * ```
 */
export class SimulationFailure extends Error {
  constructor(
    readonly seed: number,
    readonly step: number,
    readonly command: string,
    readonly violations: readonly string[],
    readonly replay: string,
  ) {
    super(`Simulation seed ${seed} failed at step ${step} (${command}): ${violations.join("; ")}\nReplay: ${replay}`);
    this.name = "SimulationFailure";
  }
}

const SKUS = ["MUG", "TEE", "CAP"] as const;
const WAREHOUSES = ["wh_a", "wh_b"] as const;
/** Refusals any command may meet in a random shop: not a bug. */
const EXPECTED = new Set(["INSUFFICIENT_STOCK", "PERIOD_LOCKED", "NEGATIVE_HISTORY", "STORE_FAILURE", "INVALID_TRANSITION"]);

type Step = { name: string; weight: number; refusals?: readonly string[]; run: () => Promise<unknown> };

/**
 * Runs one seeded whole-shop simulation (memory store, manual clock, sequential ids) and
 * checks after every step: the books balance (the trial balance; the full ledger check —
 * every entry, balances = lines, the accounting equation — every 25 steps and at the end);
 * `inventory.audit()` is ok (on hand = sum of movements, stock value = layers = the
 * Inventory account; every 5 steps and at the end); the receivables and payables
 * subledgers equal their control accounts (every 5 steps and at the end); stock is conserved (on hand per
 * SKU equals what the simulation's own model received minus issued) and never oversold
 * (no warehouse below zero on hand or available); the outbox holds every event once (unique
 * ids) and nothing of a refused or failed command (its length unchanged); a replayed
 * keyed command returns the first result and adds nothing. Throws {@link SimulationFailure}
 * with a replay line on the first violation.
 *
 * @example
 * ```ts
 * const report = await simulateShop({ seed: 42, steps: 200 });
 * ```
 */
export async function simulateShop(options: SimulationOptions): Promise<SimulationReport> {
  const { seed, steps } = options;
  const random = seededRandom(seed);
  const faults = options.faults ?? true;
  const failAt: number[] = [];
  if (faults) for (let w = random.int(30, 120); w < steps * 60; w += random.int(30, 120)) failAt.push(w);
  const store = failingStore(memoryStore(), { failAtWrite: failAt });
  const clock = new ManualClock("2026-01-05T09:00:00.000Z");
  const sk: Storekeep = createStorekeep({ store, clock, ids: sequentialIds({ width: 6 }), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" }, modules: options.modules ?? [] });
  const replay = `npm run sim -- --seed ${seed} --steps ${steps}${faults ? "" : " --no-faults"}`;
  const outcomes: Record<string, { ok: number; refused: number }> = {};
  const expectedOnHand = new Map<string, number>(SKUS.map((s) => [s, 0]));
  const keyed: { name: string; run: () => Promise<unknown>; result: unknown }[] = [];
  const holds: string[] = [];
  let replays = 0;
  let injected = 0;
  let currentStep = 0;
  let currentCommand = "setup";
  const fail = (violations: readonly string[]): never => {
    throw new SimulationFailure(seed, currentStep, currentCommand, violations, replay);
  };

  // Setup without faults counting against it: retry a setup command that met an injected failure.
  const setup = async (run: () => Promise<unknown>): Promise<void> => {
    for (;;) {
      try {
        await run();
        return;
      } catch (error) {
        if (isStorekeepError(error) && error.code === "STORE_FAILURE") {
          injected++;
          continue;
        }
        throw error;
      }
    }
  };
  for (const warehouseId of WAREHOUSES) await setup(() => sk.inventory.defineWarehouse({ warehouseId }));
  for (const [i, sku] of SKUS.entries()) await setup(() => sk.inventory.defineProduct({ sku, costingMethod: i === 1 ? "moving-average" : "fifo" }));

  const today = (): string => localDateOf(clock.now(), "Europe/Berlin");
  const daysAgo = (n: number): string => localDateOf(new Date(clock.now().getTime() - n * 86_400_000), "Europe/Berlin");
  const qty = (n: number): string => String(n);
  const money = (): string => `${random.int(1, 40)}.${String(random.int(0, 99)).padStart(2, "0")}`;
  let lockedThrough = "";

  const hostCommands: Step[] = [];
  for (const module of options.modules ?? []) {
    for (const command of module.simulation?.commands ?? []) {
      hostCommands.push({ name: command.name, weight: command.weight ?? 1, ...(command.refusals === undefined ? {} : { refusals: command.refusals }), run: () => command.run({ runtime: sk.runtime, random, today: today(), step: currentStep }) });
    }
  }

  const draw = (): Step => {
    const sku = random.pick(SKUS);
    const warehouseId = random.pick(WAREHOUSES);
    const n = currentStep;
    const all: Step[] = [
      {
        name: "inventory.receive",
        weight: 6,
        run: async () => {
          const q = random.int(1, 20);
          const key = `grn-${seed}-${n}`;
          const input = { sku, warehouseId, quantity: qty(q), unitCost: money() };
          const run = () => sk.inventory.receive(input, { idempotencyKey: key });
          const result = await run();
          expectedOnHand.set(sku, expectedOnHand.get(sku)! + q);
          keyed.push({ name: "inventory.receive", run, result });
          return result;
        },
      },
      {
        name: "inventory.issue",
        weight: 6,
        run: async () => {
          const q = random.int(1, 8);
          const key = `shp-${seed}-${n}`;
          const run = () => sk.inventory.issue({ sku, warehouseId, quantity: qty(q) }, { idempotencyKey: key });
          const result = await run();
          expectedOnHand.set(sku, expectedOnHand.get(sku)! - q);
          keyed.push({ name: "inventory.issue", run, result });
          return result;
        },
      },
      {
        name: "inventory.receive (back-dated)",
        weight: 2,
        run: async () => {
          const q = random.int(1, 10);
          const result = await sk.inventory.receive({ sku, warehouseId, quantity: qty(q), unitCost: money(), effectiveDate: daysAgo(random.int(1, 12)) });
          expectedOnHand.set(sku, expectedOnHand.get(sku)! + q);
          return result;
        },
      },
      {
        name: "inventory.adjust",
        weight: 2,
        run: async () => {
          const q = random.int(1, 3) * (random.chance(0.5) ? 1 : -1);
          const result = await sk.inventory.adjust({ sku, warehouseId, quantity: qty(q), ...(q > 0 ? { unitCost: money() } : {}) });
          expectedOnHand.set(sku, expectedOnHand.get(sku)! + q);
          return result;
        },
      },
      {
        name: "inventory.transfer",
        weight: 2,
        run: () => sk.inventory.transfer({ sku, quantity: qty(random.int(1, 4)), from: { warehouseId }, to: { warehouseId: warehouseId === "wh_a" ? "wh_b" : "wh_a" }, inTransit: false }),
      },
      {
        name: "inventory.reserve",
        weight: 2,
        run: async () => {
          const { reservations } = await sk.inventory.reserve({ lines: [{ sku, warehouseId, quantity: qty(random.int(1, 3)) }] });
          holds.push(reservations[0]!.reservationId);
        },
      },
      {
        name: "inventory.release",
        weight: holds.length > 0 ? 2 : 0,
        run: async () => {
          const i = random.int(0, holds.length - 1);
          await sk.inventory.release({ reservationId: holds[i]! });
          holds.splice(i, 1);
        },
      },
      {
        name: "events.record (PaymentCaptured)",
        weight: 2,
        run: async () => {
          const amount = money();
          const key = `psp-${seed}-${n}`;
          const date = today();
          const run = () =>
            sk.recordEvents(
              [{ type: "PaymentCaptured", aggregateType: "order", aggregateId: `ord_${n}`, effectiveDate: date, payload: { paymentId: `pay_${n}`, orderId: `ord_${n}`, invoiced: false, currency: "EUR", amount: { amount, currency: "EUR" } } }] as never,
              { idempotencyKey: key },
            );
          const result = await run();
          keyed.push({ name: "events.record", run, result });
          return result;
        },
      },
      {
        name: "finance.postEntry",
        weight: 2,
        run: () => {
          const amount = money();
          return sk.finance.postEntry({ date: random.chance(0.2) ? daysAgo(random.int(1, 12)) : today(), domain: "general", lines: [{ account: "6100", debit: amount }, { account: "1100", credit: amount }] } as never);
        },
      },
      {
        name: "finance.lockPeriod",
        weight: 0.3,
        run: async () => {
          const through = daysAgo(random.int(8, 20));
          if (through <= lockedThrough) return;
          await sk.finance.lockPeriod({ through });
          lockedThrough = through;
        },
      },
      {
        name: "replay",
        weight: keyed.length > 0 ? 2 : 0,
        run: async () => {
          const earlier = random.pick(keyed);
          const before = (await store.readEvents(null, 1_000_000)).length;
          const again = await earlier.run();
          replays++;
          const after = (await store.readEvents(null, 1_000_000)).length;
          const violations: string[] = [];
          if (JSON.stringify(again) !== JSON.stringify(earlier.result)) violations.push(`replayed ${earlier.name} returned ${JSON.stringify(again).slice(0, 200)}, not its first result`);
          if (after !== before) violations.push(`replayed ${earlier.name} appended ${after - before} events`);
          if (violations.length > 0) fail(violations);
        },
      },
      {
        name: "clock.advance",
        weight: 3,
        run: async () => clock.advance(random.int(10, 14 * 60) * 60_000),
      },
      ...hostCommands,
    ];
    const total = all.reduce((s, c) => s + c.weight, 0);
    let r = random.next() * total;
    for (const c of all) {
      r -= c.weight;
      if (r < 0) return c;
    }
    return all[all.length - 1]!;
  };

  const check = async (full: boolean): Promise<void> => {
    const violations: string[] = [];
    const date = today();
    try {
      assertTrialBalanceSumsToZero(await sk.finance.trialBalance({ asOf: date }));
    } catch (error) {
      violations.push(`books: ${(error as Error).message}`);
    }
    if (full) violations.push(...(await ledgerInvariantViolations(sk.finance, [date])).map((v) => `ledger: ${v}`));
    // The audit re-values every SKU from its layers: every 5 steps and at each full check.
    if (full || currentStep % 5 === 0) {
      const audit = await sk.inventory.audit();
      if (!audit.ok) violations.push(`audit: ${JSON.stringify(audit).slice(0, 400)}`);
    }
    const rows = await sk.inventory.onHand({});
    for (const sku of SKUS) {
      const onHand = rows.filter((row) => row.sku === sku).reduce((s, row) => s + Number(row.quantity), 0);
      if (onHand !== expectedOnHand.get(sku)) violations.push(`stock not conserved: ${sku} on hand ${onHand}, the model says ${expectedOnHand.get(sku)}`);
      for (const warehouseId of WAREHOUSES) {
        const a = await sk.inventory.availability(sku, warehouseId);
        if (Number(a.onHand) < 0 || Number(a.available) < 0) violations.push(`oversold: ${sku} at ${warehouseId} on hand ${a.onHand}, available ${a.available}`);
      }
    }
    if (full || currentStep % 5 === 0) {
      for (const c of await sk.finance.auditSubledgers({ asOf: date })) {
        if (!c.ok) violations.push(`subledger ${c.ledger} ${c.subledger} differs from control account ${c.account} ${c.control} by ${c.difference}`);
      }
    }
    const events = await store.readEvents(null, 1_000_000);
    if (new Set(events.map((e) => e.id)).size !== events.length) violations.push("the outbox holds an event twice");
    for (const module of options.modules ?? []) {
      for (const invariant of module.simulation?.invariants ?? []) {
        for (const v of await invariant.check({ runtime: sk.runtime, random, today: date, step: currentStep })) violations.push(`${module.name}/${invariant.name}: ${v}`);
      }
    }
    if (violations.length > 0) fail(violations);
  };

  await check(true);
  for (currentStep = 1; currentStep <= steps; currentStep++) {
    const step = draw();
    currentCommand = step.name;
    const eventsBefore = (await store.readEvents(null, 1_000_000)).length;
    const modelBefore = new Map(expectedOnHand);
    try {
      await step.run();
      (outcomes[step.name] ??= { ok: 0, refused: 0 }).ok++;
      options.log?.(`${currentStep} ${step.name} ok`);
    } catch (error) {
      if (error instanceof SimulationFailure) throw error;
      const code = isStorekeepError(error) ? error.code : undefined;
      if (code === undefined || !(EXPECTED.has(code) || step.refusals?.includes(code))) fail([`unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`]);
      if (code === "STORE_FAILURE") injected++;
      (outcomes[step.name] ??= { ok: 0, refused: 0 }).refused++;
      options.log?.(`${currentStep} ${step.name} refused ${code}`);
      for (const [k, v] of modelBefore) expectedOnHand.set(k, v);
      const eventsAfter = (await store.readEvents(null, 1_000_000)).length;
      if (eventsAfter !== eventsBefore) fail([`a refused command left ${eventsAfter - eventsBefore} events in the outbox`]);
    }
    await check(currentStep % 25 === 0 || currentStep === steps);
  }
  const events = await store.readEvents(null, 1_000_000);
  const journal = await sk.finance.journal({ limit: 1_000_000 });
  const outboxDigest = sha256Hex(canonicalJson(events.map((e) => [e.id, e.type, e.effectiveDate, e.occurredAt, e.causationId, e.payload]) as never));
  return { seed, steps, outcomes, injectedFaults: injected, replays, events: events.length, journalEntries: journal.length, outboxDigest };
}
