import { memoryRates, memoryStore } from "../adapters/memory/index.js";
import { defineTaxCodes } from "../finance/tax/tax-codes.js";
import { Decimal } from "../kernel/decimal.js";
import { isStorekeepError } from "../kernel/errors.js";
import { localDateOf } from "../kernel/local-date.js";
import type { Store } from "../ports/storage.js";
import type { ModuleDefinition } from "../runner/command.js";
import { canonicalJson, sha256Hex } from "../runner/hash.js";
import type { SimulationRandom } from "../runner/simulation.js";
import { type Storekeep, createStorekeep } from "../storekeep.js";
import { ManualClock } from "./clock.js";
import { sequentialIds } from "./ids.js";
import { type KeyedRun, type ModulePart, type ShopContext, type SimStep, retryingFacade, witnessStore } from "./simulation/context.js";
import { analyticsPart } from "./simulation/analytics.js";
import { crmPart } from "./simulation/crm.js";
import { SUPPLIER_ITEMS, replenishmentPart } from "./simulation/replenishment.js";
import { SIM_DUNNING, financePart } from "./simulation/finance.js";
import { STANDARD_COST, STANDARD_SKU, inventoryPart } from "./simulation/inventory.js";
import { TRACKED_PRODUCTS, lotsPart } from "./simulation/lots.js";
import { SIM_FREIGHT, SIM_FREIGHT_ADDRESS, SIM_FREIGHT_IBAN, SIM_SUPPLIER, SIM_SUPPLIER_IBAN, SIM_SUPPLIER_USD, purchasingPart } from "./simulation/purchasing.js";
import { COUPONS, salesPart } from "./simulation/sales.js";
import { failingStore } from "./wrappers.js";

/*
 * The whole-shop simulator: from one seed, a deterministic run of random commands of every
 * module — sales (orders in three currencies under VAT with coupons and discounts, payments,
 * shipments, deliveries, invoices, holds, cancellations, expiries, returns, refunds, payouts),
 * purchasing (orders from a EUR and a USD supplier, approvals, receipts, bills held and
 * approved, supplier payments, landed costs, returns, closes), inventory (receipts, issues,
 * back-dated receipts, adjustments, transfers, holds, stocktakes), finance (journal entries,
 * period locks, month and year-end closes, FX revaluations, bad-debt write-offs), CRM
 * (customers, duplicates, merges and splits, erasure, consent, interactions, segments, the
 * timeline), analytics (the KPI report over the run, the scheduled rules), replenishment
 * (suggestions, draft orders) and every host module's `simulation.commands` — with a manual clock moving on, injected store
 * failures, commits reported lost and sent again with their key, replays of keyed commands
 * and batches of concurrent commands, checking the shop's invariants after every step. Each built-in module's part
 * lives in src/testing/simulation/<module>.ts. The same seed gives the same commands, ids
 * and events, so a failing seed's replay line reproduces it exactly.
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
 * Runs a batch of concurrent commands: starts them and settles them all, in an order the
 * caller controls. The default starts them in the seeded order they were drawn; a test may
 * pass fast-check's scheduler (`interleaveWith(scheduler)` in tests) to explore orders.
 *
 * @example
 * ```ts
 * const interleave: Interleave = (tasks) => Promise.allSettled(tasks.map((t) => t()));
 * ```
 */
export type Interleave = (tasks: readonly (() => Promise<unknown>)[]) => Promise<readonly PromiseSettledResult<unknown>[]>;

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
  /** How a batch of concurrent commands is interleaved (default: started in drawn order, all settled). */
  readonly interleave?: Interleave;
  /**
   * The store to run on (default: a fresh memory store). It must be empty; the simulator
   * wraps it with its fault injection and outbox witness. On a PostgreSQL store the
   * statements of concurrent commands interleave inside their transactions.
   */
  readonly store?: Store;
  /** Every step's command and outcome (for debugging a seed). */
  readonly log?: (line: string) => void;
  /**
   * Payments through authorizations too: the provider authorizes, captures the rest or a part
   * against an authorization, and voids or fails what is left (default false, so a seed's run
   * stays the one it was: a seed recorded in a regression test draws the same commands).
   */
  readonly authorizations?: boolean;
  /**
   * One more product that allows backorders (`PRE`, untracked, FIFO: a pre-order article): it
   * is received, bought, counted and sold like the others, its orders reserve beyond what is
   * available, and its shipments wait for the stock (default false, so a seed's run stays the
   * one it was: a seed recorded in a regression test draws the same commands).
   */
  readonly backorders?: boolean;
  /**
   * Customers' open credits (a return's credit note, an over-payment) applied with
   * `finance.allocate` to an open invoice of another of their orders — one placed for it when
   * they have none open —, whole or in part (default false, so a seed's run stays the one it
   * was: a seed recorded in a regression test draws the same commands).
   */
  readonly allocations?: boolean;
  /**
   * Customers on account: 15% of orders carry payment terms (1–7 days), customers get credit
   * limits now and then (an order on account beyond one is refused), finance runs dunning, and
   * early-payment discounts go on the cost of goods (`cashDiscounts: "stock"`) (default false, so a seed's run stays the one it was: a seed recorded in a regression test
   * draws the same commands).
   */
  readonly accounts?: boolean;
  /**
   * The lot-tracked product bought through purchasing too: a quarter of purchase orders add a
   * line of it, its receipts name lots (new ones, or more of a live one), and its returns to
   * the supplier name a lot its receipts brought in — checked to go back billed or not as those
   * receipts are (default false, so a seed's run stays the one it was: a seed recorded in a
   * regression test draws the same commands).
   */
  readonly lots?: boolean;
}

/**
 * What a simulation did.
 *
 * @example
 * ```ts
 * const report = await simulateShop({ seed: 1, steps: 50 });
 * report.outcomes["sales.shipOrder"]; // { ok: 9, refused: 2, skipped: 1 }
 * ```
 */
export interface SimulationReport {
  readonly seed: number;
  readonly steps: number;
  /** Per command: committed, refused (an expected refusal or an injected failure), skipped (nothing in the shop to run it on). */
  readonly outcomes: Readonly<Record<string, { ok: number; refused: number; skipped: number }>>;
  readonly injectedFaults: number;
  /** Commits reported lost (`COMMIT_OUTCOME_UNKNOWN`) and replayed with the same key: each had exactly one effect. */
  readonly lostCommits: number;
  readonly replays: number;
  /** Batches of concurrent commands run. */
  readonly concurrentBatches: number;
  readonly events: number;
  readonly journalEntries: number;
  /** What the run covered beyond commands, counted by the modules' parts (e.g. `sales.invoices.export`: invoices of exports). */
  readonly tallies: Readonly<Record<string, number>>;
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

/** The simulated shop's untracked products: two FIFO, one moving average, one at a standard cost (its changes revalue stock). */
const PRODUCTS = [
  { sku: "MUG", costingMethod: "fifo" as const },
  { sku: "TEE", costingMethod: "moving-average" as const },
  { sku: "CAP", costingMethod: "fifo" as const },
  { sku: STANDARD_SKU, costingMethod: "standard" as const, standardCost: STANDARD_COST },
];
/** The product that takes pre-orders (`SimulationOptions.backorders`): sold beyond its stock, shipped when stock comes in. */
export const BACKORDER_SKU = "PRE";
const BACKORDER_PRODUCT = { sku: BACKORDER_SKU, costingMethod: "fifo" as const, allowBackorders: true };
/**
 * The simulated shop's VAT, as a German seller applies it: Germany's standard and reduced
 * rates (domestic sales, and B2C distance sales inside the EU below the OSS threshold), a
 * reverse-charge code for B2B supplies to other member states, a zero rate for exports (see
 * `BUYERS` in simulation/sales.ts), and Austria's rates for the shops whose distance sales
 * pass the threshold (a third of the seeds).
 */
const SIM_VAT = defineTaxCodes([
  { code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] },
  { code: "DE-RED", jurisdiction: { country: "DE" }, category: "reduced", kind: "reduced", rates: [{ rate: "0.07", validFrom: "2007-01-01" }] },
  { code: "DE-RC", jurisdiction: { country: "DE" }, category: "*", kind: "reverse-charge", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] },
  { code: "DE-EXP", jurisdiction: { country: "DE" }, category: "*", kind: "zero", rates: [{ rate: "0", validFrom: "2007-01-01" }] },
  // Austria's rates, for the shops whose EU distance sales pass the OSS threshold.
  { code: "AT-STD", jurisdiction: { country: "AT" }, category: "standard", kind: "standard", rates: [{ rate: "0.2", validFrom: "2016-01-01" }] },
  { code: "AT-RED", jurisdiction: { country: "AT" }, category: "reduced", kind: "reduced", rates: [{ rate: "0.1", validFrom: "2016-01-01" }] },
]);
/** When the simulated shop opens: five days before a year end, so year-end closes happen in a run. */
const SIM_START = "2025-12-27T09:00:00.000Z";

/** A deterministic daily walk of USD and GBP against EUR from the seed, over the two years a run can span. */
function simRates(random: SimulationRandom): { base: string; quote: string; date: string; rate: string }[] {
  const out: { base: string; quote: string; date: string; rate: string }[] = [];
  let usd = 9_000 + random.int(0, 400);
  let gbp = 11_500 + random.int(0, 400);
  for (let t = Date.parse("2025-12-01T00:00:00Z"); t <= Date.parse("2027-12-31T00:00:00Z"); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    usd = Math.max(8_000, Math.min(10_500, usd + random.int(-40, 40)));
    gbp = Math.max(10_500, Math.min(12_500, gbp + random.int(-40, 40)));
    out.push({ base: "USD", quote: "EUR", date, rate: (usd / 10_000).toFixed(4) }, { base: "GBP", quote: "EUR", date, rate: (gbp / 10_000).toFixed(4) });
  }
  return out;
}
const WAREHOUSES = ["wh_a", "wh_b"] as const;
/** Refusals any command may meet in a random shop: not a bug. */
const EXPECTED = new Set(["INSUFFICIENT_STOCK", "PERIOD_LOCKED", "NEGATIVE_HISTORY", "STORE_FAILURE", "INVALID_TRANSITION"]);
const startInOrder: Interleave = (tasks) => Promise.allSettled(tasks.map((t) => t()));

/**
 * Runs one seeded whole-shop simulation (memory store, manual clock, sequential ids) and
 * checks after every step (the expensive checks every 5 or 25 steps and at the end):
 * the books balance (the trial balance; the full ledger check); `inventory.audit()` is ok;
 * the receivables and payables subledgers equal their control accounts, and so do GRNI
 * (receipts not yet cleared by bills) and customer prepayments (orders' open prepayments);
 * stock is conserved (on hand per SKU equals the simulation's own model of every committed
 * receipt, issue, shipment, return, count and transfer) and never oversold (no warehouse
 * below zero on hand or available), and reserved stock equals the sales orders' reserved
 * buckets plus the open holds; every sales order's line buckets and every purchase order
 * line's buckets hold; the outbox holds exactly the events of committed transactions, each
 * once, and none of a refused, failed or retried one (concurrent batches included); a
 * replayed keyed command returns the first result and adds nothing; every host module's
 * `simulation.invariants`; with `backorders`, a product that allows them is reserved beyond its
 * stock (available = on hand − reserved, what is backordered is what open lines and holds hold
 * beyond the stock) and its shipments are refused only while short; CRM, analytics and replenishment against what the simulator drove
 * (see their parts in src/testing/simulation/). Throws {@link SimulationFailure} with a replay line on the first
 * violation.
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
  const interleave = options.interleave ?? startInOrder;
  const failAt: number[] = [];
  if (faults) for (let w = random.int(30, 120); w < steps * 80; w += random.int(30, 120)) failAt.push(w);
  // Commits reported lost (they happened; the caller hears COMMIT_OUTCOME_UNKNOWN and replays with the same key).
  const lostAt: number[] = [];
  if (faults) for (let c = random.int(20, 80); c < steps * 40; c += random.int(20, 80)) lostAt.push(c);
  const { store, witness } = witnessStore(failingStore(options.store ?? memoryStore(), { failAtWrite: failAt, failAtCommit: lostAt }));
  const clock = new ManualClock(SIM_START);
  // Each seed draws its shop's tax treatment: prices with or without VAT, VAT on advances or not.
  const tax = { codes: SIM_VAT, seller: { country: "DE" }, pricesIncludeTax: random.chance(0.5), taxOnAdvances: random.chance(0.5) };
  // A third of the shops sell enough to other member states' consumers to pass the OSS threshold: Austrian buyers pay Austrian VAT.
  const oss = random.chance(1 / 3);
  const salesTax = oss ? { ...tax, distanceSales: { currentYear: "25000", previousYear: "18000" } } : tax;
  let lostCommits = 0;
  const facade: Storekeep = createStorekeep({ store, clock, ids: sequentialIds({ width: 6 }), rates: memoryRates(simRates(random)), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" }, sales: { tax: salesTax }, ...(options.accounts === true ? { finance: { dunning: SIM_DUNNING }, purchasing: { cashDiscounts: "stock" as const, billBeforeReceipt: "allow" as const } } : {}), modules: options.modules ?? [] });
  const sk = retryingFacade(facade, () => lostCommits++);
  const backorders = options.backorders === true;
  // The backorder product only when asked for: every other run keeps its lists, so its draws.
  const products = backorders ? [...PRODUCTS, BACKORDER_PRODUCT] : PRODUCTS;
  const skus = products.map((p) => p.sku);
  /** What the shop sells: the untracked products and the lot- and serial-tracked ones. */
  const sellable = [...skus, ...TRACKED_PRODUCTS.map((p) => p.sku)];
  const replay = `npm run sim -- --seed ${seed} --steps ${steps}${faults ? "" : " --no-faults"}${options.authorizations === true ? " --authorizations" : ""}${backorders ? " --backorders" : ""}${options.allocations === true ? " --allocations" : ""}${options.accounts === true ? " --accounts" : ""}${options.lots === true ? " --lots" : ""}`;
  const outcomes: Record<string, { ok: number; refused: number; skipped: number }> = {};
  const expectedOnHand = new Map<string, number>(sellable.map((s) => [s, 0]));
  const keyed: KeyedRun[] = [];
  const tallies: Record<string, number> = {};
  const ordersByCustomer = new Map<string, number>();
  // Orders by the customer their id resolved to when placed (analytics counts them there).
  const countedFor = new Set<string>();
  let ordersPlaced = 0;
  let crm: ReturnType<typeof crmPart> | undefined;
  let replays = 0;
  let injected = 0;
  let batches = 0;
  let counter = 0;
  let currentStep = 0;
  let currentCommand = "setup";
  let inBatch = false;
  const fail = (violations: readonly string[]): never => {
    throw new SimulationFailure(seed, currentStep, currentCommand, violations, replay);
  };

  const shop: ShopContext = {
    sk,
    store,
    clock,
    random,
    seed,
    skus,
    sellable,
    backorderSkus: new Set(backorders ? [BACKORDER_SKU] : []),
    warehouses: WAREHOUSES,
    step: () => currentStep,
    concurrent: () => inBatch,
    id: (prefix) => `${prefix}_${++counter}`,
    today: () => localDateOf(clock.now(), "Europe/Berlin"),
    daysAgo: (n) => localDateOf(new Date(clock.now().getTime() - n * 86_400_000), "Europe/Berlin"),
    money: () => `${random.int(1, 40)}.${String(random.int(0, 99)).padStart(2, "0")}`,
    expectedOnHand,
    countedBelowHolds: new Set<string>(),
    moved: (sku, quantity) => expectedOnHand.set(sku, expectedOnHand.get(sku)! + quantity),
    keyed: (run) => keyed.push(run),
    tally: (name, n = 1) => {
      tallies[name] = (tallies[name] ?? 0) + n;
    },
    customerIds: () => crm?.customers() ?? [],
    orderPlacedFor: (customerId) => {
      ordersByCustomer.set(customerId, (ordersByCustomer.get(customerId) ?? 0) + 1);
      countedFor.add(crm?.resolve(customerId) ?? customerId);
    },
    orderPlaced: () => {
      ordersPlaced++;
    },
    ordersFor: (match) => {
      let n = 0;
      for (const [customerId, count] of ordersByCustomer) if (match(customerId)) n += count;
      return n;
    },
    customersWithOrders: () => new Set([...countedFor].map((id) => crm?.resolve(id) ?? id)).size,
    ordersPlaced: () => ordersPlaced,
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
  for (const product of [...products, ...TRACKED_PRODUCTS]) await setup(() => sk.inventory.defineProduct(product));
  await setup(() => sk.purchasing.defineSupplier({ supplierId: SIM_SUPPLIER, currency: "EUR", leadTimeDays: 5, taxTreatment: "none", paymentTerms: { netDays: 30, discountDays: 14, discountPercent: "0.02", discountOnPartPayments: true }, bank: { iban: SIM_SUPPLIER_IBAN, bic: "COBADEFFXXX" } }));
  await setup(() => sk.purchasing.defineSupplier({ supplierId: SIM_SUPPLIER_USD, currency: "USD", leadTimeDays: 12, taxTreatment: "none", paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "0.03" } }));
  await setup(() => sk.purchasing.defineSupplier({ supplierId: SIM_FREIGHT, currency: "EUR", leadTimeDays: 1, taxTreatment: "none", bank: { iban: SIM_FREIGHT_IBAN, address: SIM_FREIGHT_ADDRESS }, paymentTerms: { netDays: 14, discountDays: 7, discountPercent: "0.02" } }));
  for (const coupon of COUPONS) await setup(() => sk.sales.defineCoupon(coupon));
  for (const sku of skus) await setup(() => sk.purchasing.setSupplierItem({ supplierId: SIM_SUPPLIER, sku, ...SUPPLIER_ITEMS, prices: [{ unitPrice: "4.00" }, { minQuantity: "60", unitPrice: "3.50" }] }));

  const sales = salesPart(shop, { oss, authorizations: options.authorizations === true, allocations: options.allocations === true, accounts: options.accounts === true });
  const lots = lotsPart(shop);
  const purchasing = purchasingPart(shop, { accounts: options.accounts === true, ...(options.lots === true ? { lots } : {}) });
  const inventory = inventoryPart(shop, () => sales.reserved());
  const grni = { ...purchasing.grni, expected: async () => new Decimal(await purchasing.grni.expected()).plus(inventory.grni()).plus(lots.grni()).toFixed() };
  crm = crmPart(shop);
  const parts: ModulePart[] = [inventory, sales, purchasing, financePart(shop, [grni, sales.prepayments], { accounts: options.accounts === true }), lots, crm, analyticsPart(shop), replenishmentPart(shop)];

  const hostSteps = (): SimStep[] => {
    const out: SimStep[] = [];
    for (const module of options.modules ?? []) {
      for (const command of module.simulation?.commands ?? []) {
        out.push({ name: command.name, weight: command.weight ?? 1, ...(command.refusals === undefined ? {} : { refusals: command.refusals }), run: () => command.run({ runtime: sk.runtime, random, today: shop.today(), step: currentStep }) });
      }
    }
    return out;
  };

  const choose = (all: readonly SimStep[]): SimStep => {
    const total = all.reduce((s, c) => s + c.weight, 0);
    let r = random.next() * total;
    for (const c of all) {
      r -= c.weight;
      if (r < 0) return c;
    }
    return all[all.length - 1]!;
  };
  const commandSteps = (): SimStep[] => [...parts.flatMap((p) => p.steps()), ...hostSteps()];

  // Runs one command step; an error it may meet is a refusal, any other fails the seed.
  // In a concurrent batch a command drawn from what another one changed meanwhile (the same
  // order shipped twice, a line an edit removed meanwhile) may be refused as invalid input or a
  // missing line: expected there, a bug alone.
  const attempt = async (step: SimStep, label: string, concurrent = false): Promise<void> => {
    try {
      const out = await step.run();
      const outcome = (outcomes[step.name] ??= { ok: 0, refused: 0, skipped: 0 });
      if (out === "skip") outcome.skipped++;
      else outcome.ok++;
      options.log?.(`${currentStep} ${label} ${out === "skip" ? "skipped" : "ok"}`);
    } catch (error) {
      if (error instanceof SimulationFailure) throw error;
      const code = isStorekeepError(error) ? error.code : undefined;
      if (code === undefined || !(EXPECTED.has(code) || step.refusals?.includes(code) || step.refuses?.(error) === true || (concurrent && (code === "VALIDATION_FAILED" || (code === "NOT_FOUND" && /has no line/.test((error as Error).message)))))) {
        currentCommand = label;
        fail([`unexpected error from ${step.name}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`]);
      }
      if (code === "STORE_FAILURE") injected++;
      (outcomes[step.name] ??= { ok: 0, refused: 0, skipped: 0 }).refused++;
      options.log?.(`${currentStep} ${label} refused ${code}`);
    }
  };

  const draw = (): SimStep => {
    const commands = commandSteps();
    return choose([
      ...commands,
      {
        name: "replay",
        weight: keyed.length > 0 ? 1.5 : 0,
        run: async () => {
          const earlier = random.pick(keyed);
          await readOutbox();
          const before = outbox.length;
          let again: unknown;
          try {
            again = await earlier.run();
          } catch (error) {
            // An injected failure may meet the replay too (claiming the key is a write): nothing happened, try another step.
            if (isStorekeepError(error) && error.code === "STORE_FAILURE") {
              injected++;
              return;
            }
            throw error;
          }
          replays++;
          await readOutbox();
          const violations: string[] = [];
          if (JSON.stringify(again) !== JSON.stringify(earlier.result)) violations.push(`replayed ${earlier.name} returned ${JSON.stringify(again).slice(0, 200)}, not its first result`);
          if (outbox.length !== before) violations.push(`replayed ${earlier.name} appended ${outbox.length - before} events`);
          if (violations.length > 0) fail(violations);
        },
      },
      {
        name: "concurrent",
        weight: 2,
        run: async () => {
          // Two or three commands at once: each is a command step of its own; none may see another half-done.
          const batch = Array.from({ length: random.int(2, 3) }, () => choose(commandSteps()));
          currentCommand = `concurrent [${batch.map((s) => s.name).join(", ")}]`;
          batches++;
          inBatch = true;
          const settled = await interleave(batch.map((s) => () => attempt(s, `${s.name} (concurrent)`, true))).finally(() => {
            inBatch = false;
          });
          for (const s of settled) if (s.status === "rejected") throw s.reason;
        },
      },
      { name: "clock.advance", weight: 3, run: async () => clock.advance(random.int(10, 36 * 60) * 60_000) },
    ]);
  };

  // The outbox as read so far (ids in order), and the check that it holds exactly what committed.
  const outbox: string[] = [];
  const digestRows: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  const readOutbox = async (): Promise<void> => {
    for (;;) {
      const page = await store.readEvents(cursor, 10_000);
      for (const e of page) {
        outbox.push(e.id);
        digestRows.push([e.id, e.type, e.effectiveDate, e.occurredAt, e.causationId, e.payload]);
      }
      if (page.length === 0) return;
      cursor = page[page.length - 1]!.position;
      if (page.length < 10_000) return;
    }
  };
  const outboxViolations = async (): Promise<string[]> => {
    const from = outbox.length;
    await readOutbox();
    // A store may show committed events a little later (PostgreSQL: once no older transaction
    // runs anywhere on the server, which another client may hold open): latency, not loss. Wait
    // up to ten seconds for what committed before calling anything missing.
    for (let tries = 0; outbox.length < witness.committed.length && tries < 500; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await readOutbox();
    }
    const violations: string[] = [];
    for (const id of outbox.slice(from)) {
      if (seen.has(id)) violations.push(`the outbox holds event ${id} twice`);
      seen.add(id);
    }
    if (outbox.length !== witness.committed.length) violations.push(`the outbox holds ${outbox.length} events, committed transactions appended ${witness.committed.length}`);
    for (const id of witness.committed.slice(from)) if (!seen.has(id)) violations.push(`committed event ${id} is missing from the outbox`);
    for (const id of witness.rolledBack) if (seen.has(id)) violations.push(`event ${id} of a rolled-back transaction is in the outbox`);
    witness.rolledBack.length = 0;
    return violations;
  };

  const check = async (full: boolean): Promise<void> => {
    const violations: string[] = [];
    for (const part of parts) violations.push(...(await part.invariants(full)).map((v) => (v.includes(": ") ? v : `${part.name}: ${v}`)));
    violations.push(...(await outboxViolations()));
    for (const module of options.modules ?? []) {
      for (const invariant of module.simulation?.invariants ?? []) {
        for (const v of await invariant.check({ runtime: sk.runtime, random, today: shop.today(), step: currentStep })) violations.push(`${module.name}/${invariant.name}: ${v}`);
      }
    }
    if (violations.length > 0) fail(violations);
  };

  await check(true);
  for (currentStep = 1; currentStep <= steps; currentStep++) {
    const step = draw();
    currentCommand = step.name;
    if (step.name === "concurrent" || step.name === "replay" || step.name === "clock.advance") {
      await step.run();
      (outcomes[step.name] ??= { ok: 0, refused: 0, skipped: 0 }).ok++;
    } else {
      await attempt(step, step.name);
    }
    await check(currentStep % 25 === 0 || currentStep === steps);
  }
  await readOutbox();
  const journal = await sk.finance.journal({ limit: 1_000_000 });
  const outboxDigest = sha256Hex(canonicalJson(digestRows as never));
  return { seed, steps, outcomes, injectedFaults: injected, lostCommits, replays, concurrentBatches: batches, events: outbox.length, journalEntries: journal.length, tallies, outboxDigest };
}
