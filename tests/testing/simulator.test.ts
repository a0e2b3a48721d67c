import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { giftWrapModule } from "../../examples/host-module.js";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { retryingFacade, witnessStore } from "../../src/testing/simulation/context.js";
import { type Interleave, ManualClock, SimulationFailure, failingStore, sequentialIds, simulateShop } from "../../src/testing/index.js";

const MODULES = ["inventory", "sales", "purchasing", "finance"];

describe("the whole-shop simulator", () => {
  it.each([1, 2, 3])(
    "seed %i: after every step the books balance, the audit is ok, subledgers (AR, AP, GRNI, prepayments) equal their control accounts, stock is conserved and never oversold, order and purchase-order buckets hold, the outbox holds exactly the committed events once, replays have no second effect",
    async (seed) => {
      const report = await simulateShop({ seed, steps: 60 });
      expect(report.steps).toBe(60);
      expect(report.events).toBeGreaterThan(0);
      const commands = Object.entries(report.outcomes).filter(([name]) => name.includes("."));
      // Every step ran something: a command (concurrent batches run two or three), a replay or the clock.
      expect(Object.values(report.outcomes).reduce((s, o) => s + o.ok + o.refused + o.skipped, 0)).toBeGreaterThanOrEqual(60);
      expect(commands.length).toBeGreaterThan(5);
    },
  );

  it("over a few seeds every module's commands run and commit: sales, purchasing, inventory and finance; store faults are injected and concurrent batches run", async () => {
    const committed: Record<string, number> = {};
    let faults = 0;
    let batches = 0;
    for (const seed of [4, 5, 6]) {
      const report = await simulateShop({ seed, steps: 80 });
      for (const [name, o] of Object.entries(report.outcomes)) committed[name.split(".")[0]!] = (committed[name.split(".")[0]!] ?? 0) + o.ok;
      faults += report.injectedFaults;
      batches += report.concurrentBatches;
    }
    for (const module of MODULES) expect(committed[module] ?? 0, module).toBeGreaterThan(0);
    expect(faults).toBeGreaterThan(0);
    expect(batches).toBeGreaterThan(0);
  });

  it("tax outside Germany and order edits: sales to Germany, distance sales to Austria (at German VAT below the OSS threshold, at Austrian VAT above it), reverse-charged B2B supplies to France and exports are invoiced and credited, and edits refund a surplus, leave a balance due, add and remove lines — with every invoice's tax equal to its tax lines, each order's documents carrying the tax of what it has invoiced and not credited, the tax report per jurisdiction and code equal to the documents and to the output-tax account, and reservations equal to the open order lines", async () => {
    const wanted = [...["domestic", "distance-origin", "distance-destination", "reverse-charge", "export"].map((t) => `sales.invoices.${t}`), ...["refunded", "balance-due", "line-added", "line-removed"].map((e) => `sales.edits.${e}`)];
    const tallies: Record<string, number> = {};
    // Seeds in order until each treatment and each kind of edit has happened (every seed's invariants held).
    for (let seed = 1; seed <= 16 && !wanted.every((w) => (tallies[w] ?? 0) > 0); seed++) {
      const report = await simulateShop({ seed, steps: 100 });
      for (const [name, n] of Object.entries(report.tallies)) tallies[name] = (tallies[name] ?? 0) + n;
    }
    for (const w of wanted) expect(tallies[w] ?? 0, w).toBeGreaterThan(0);
  }, 60_000);

  it("standard costs: the standard-costed product is received, sold, counted and moved while its standard changes now and back-dated, and after every step it is worth on hand x the standard now and the Inventory account equals the valuation", async () => {
    const wanted = ["inventory.standard-changes.now", "inventory.standard-changes.back-dated"];
    const tallies: Record<string, number> = {};
    const committed: Record<string, number> = {};
    for (let seed = 1; seed <= 12 && !wanted.every((w) => (tallies[w] ?? 0) > 0); seed++) {
      const report = await simulateShop({ seed, steps: 100 });
      for (const [name, n] of Object.entries(report.tallies)) tallies[name] = (tallies[name] ?? 0) + n;
      for (const [name, o] of Object.entries(report.outcomes)) committed[name] = (committed[name] ?? 0) + o.ok;
    }
    for (const w of wanted) expect(tallies[w] ?? 0, w).toBeGreaterThan(0);
    expect(committed["inventory.changeStandardCost"]).toBe((tallies[wanted[0]!] ?? 0) + (tallies[wanted[1]!] ?? 0));
  }, 60_000);

  it("lots and serials: a lot-tracked product with expiry dates and a serial-tracked one are received, issued and shipped by FEFO, transferred and their expired lots scrapped, and after every step no issue took an expired lot, a serial is on hand at most once (received again while on hand it is refused), every tracked unit names its lot, an automatic issue took what FEFO proposed and a stocktake counted lot by lot leaves each lot at the book plus its count difference", async () => {
    // (Customers' returns of tracked goods are rarer — a few per 20 seeds of 200 steps — and have their own test in tests/inventory/with-finance.test.ts.)
    const wanted = ["lots.expired-scrapped", "lots.fefo-issues-checked", "lots.issued.shipment", "lots.serial-received-twice-refused", "lots.stocktakes-checked"];
    const tallies: Record<string, number> = {};
    for (let seed = 1; seed <= 24 && !wanted.every((w) => (tallies[w] ?? 0) > 0); seed++) {
      const report = await simulateShop({ seed, steps: 120 });
      for (const [name, n] of Object.entries(report.tallies)) tallies[name] = (tallies[name] ?? 0) + n;
    }
    for (const w of wanted) expect(tallies[w] ?? 0, w).toBeGreaterThan(0);
  }, 60_000);

  it("CRM: customers are created (duplicates reported), given and withdrawing consent, merged, split again and erased while the shop sells to them, and after every step each id resolves to the customer the model says, an erased customer shows no personal data and its timeline no subject or body, an active one shows its latest consent per channel, each customer's timeline holds the orders placed for it, segments score no merged-away customer, and a campaign touches exactly the segment's active customers consenting to its channel", async () => {
    const wanted = ["crm.customers", "crm.consent.granted", "crm.consent.withdrawn", "crm.merges", "crm.unmerges", "crm.erasures", "crm.refused-as-erased", "crm.campaigns-checked"];
    const tallies: Record<string, number> = {};
    for (let seed = 1; seed <= 40 && !wanted.every((w) => (tallies[w] ?? 0) > 0); seed++) {
      const report = await simulateShop({ seed, steps: 150 });
      for (const [name, n] of Object.entries(report.tallies)) tallies[name] = (tallies[name] ?? 0) + n;
    }
    for (const w of wanted) expect(tallies[w] ?? 0, w).toBeGreaterThan(0);
  }, 90_000);

  it("analytics and replenishment: the shop's rules run, suggestions are asked for and draft purchase orders kept in line with them — suggestions read the same twice in a row, order at least the supplier's minimum in whole packs, and drafting again at once changes nothing; analytics' report counts the orders placed and adds up to the books, and a low-stock run alerts exactly the SKUs the stock model puts at or below 0", async () => {
    const wanted = ["replenishment.drafts.created", "replenishment.suggestions", "analytics.low-stock-runs-checked"];
    const tallies: Record<string, number> = {};
    const committed: Record<string, number> = {};
    for (let seed = 1; seed <= 80 && !wanted.every((w) => (tallies[w] ?? 0) > 0); seed++) {
      const report = await simulateShop({ seed, steps: 150 });
      for (const [name, n] of Object.entries(report.tallies)) tallies[name] = (tallies[name] ?? 0) + n;
      for (const [name, o] of Object.entries(report.outcomes)) committed[name] = (committed[name] ?? 0) + o.ok;
    }
    for (const w of wanted) expect(tallies[w] ?? 0, w).toBeGreaterThan(0);
    expect(committed["analytics.runRules"] ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it("seed 263: two receipts of one return with the same dispositions in one concurrent batch restock it once (the second gets the first result), and the model counts that restock once: stock is conserved", async () => {
    // Failed before at step 187 ("CAP on hand 27, the model says 29"): the model counted the replayed receipt's restock again.
    const report = await simulateShop({ seed: 263, steps: 200 });
    expect(report.tallies["sales.returns.received-twice"] ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it("seed 218: a consent grant recorded on a merged customer at the instant of one of the source's stays with the target when the source is split off, in the model as in CRM", async () => {
    // Failed before at step 191 (crm.unmergeCustomer: "cus_218_1's sms consent is true, the model's latest decision is none"):
    // the model took from the target every decision alike in channel, decision and instant to one of the source's.
    const report = await simulateShop({ seed: 218, steps: 200 });
    expect(report.tallies["crm.unmerges"] ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it("payments through authorizations: the provider authorizes, captures the rest or a part against an authorization and voids or fails what is left, and after every step each order's authorized amount is what its authorizations hold, a cancelled order has none left to capture, and every other invariant holds", async () => {
    const committed: Record<string, number> = {};
    const wanted = ["sales.authorizePayment", "sales.capturePayment (authorized)", "sales.voidPayment"];
    for (let seed = 1; seed <= 12 && !wanted.every((w) => (committed[w] ?? 0) > 0); seed++) {
      const report = await simulateShop({ seed, steps: 100, authorizations: true });
      for (const [name, o] of Object.entries(report.outcomes)) committed[name] = (committed[name] ?? 0) + o.ok;
    }
    for (const w of wanted) expect(committed[w] ?? 0, w).toBeGreaterThan(0);
  }, 60_000);

  it("backorders: a product that allows them is ordered beyond its stock, its shipments wait for the stock (refused short, committed once received), and after every step available is on hand less reserved, on hand never below zero, reserved equals the open order lines and holds, and what is backordered is what they hold beyond the stock", async () => {
    const tallies: Record<string, number> = {};
    const wanted = ["sales.backorders.ordered-beyond-stock", "sales.backorders.shipped", "sales.backorders.shipments-refused-short", "inventory.backorders.checks-backordered"];
    for (let seed = 1; seed <= 12 && !wanted.every((w) => (tallies[w] ?? 0) > 0); seed++) {
      const report = await simulateShop({ seed, steps: 100, backorders: true });
      for (const [name, n] of Object.entries(report.tallies)) tallies[name] = (tallies[name] ?? 0) + n;
    }
    for (const w of wanted) expect(tallies[w] ?? 0, w).toBeGreaterThan(0);
  }, 120_000);

  it("customers on account: orders with payment terms fall overdue and are dunned, credit limits refuse orders beyond them, and every invariant holds", async () => {
    const committed: Record<string, number> = {};
    const wanted = ["finance.runDunning", "sales.setCreditLimit"];
    for (let seed = 1; seed <= 12 && !wanted.every((w) => (committed[w] ?? 0) > 0); seed++) {
      const report = await simulateShop({ seed, steps: 150, accounts: true });
      for (const [name, o] of Object.entries(report.outcomes)) committed[name] = (committed[name] ?? 0) + o.ok;
    }
    for (const w of wanted) expect(committed[w] ?? 0, w).toBeGreaterThan(0);
  }, 120_000);

  it("one seed replays exactly: the same outcomes, the same events with the same ids", async () => {
    const a = await simulateShop({ seed: 7, steps: 40 });
    const b = await simulateShop({ seed: 7, steps: 40 });
    expect(b).toEqual(a);
    expect(a.outboxDigest).toMatch(/^[0-9a-f]{64}$/);
    expect((await simulateShop({ seed: 8, steps: 40 })).outboxDigest).not.toBe(a.outboxDigest);
  });

  it("property: in any interleaving fast-check's scheduler picks for the concurrent batches, every invariant holds after every step", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 10_000 }), async (s, seed) => {
        const interleave: Interleave = async (tasks) => {
          const runs = tasks.map((task, i) => s.schedule(Promise.resolve(i)).then(() => task()));
          await s.waitAll();
          return Promise.allSettled(runs);
        };
        const report = await simulateShop({ seed, steps: 30, interleave });
        expect(report.steps).toBe(30);
      }),
      { numRuns: 6 },
    );
  }, 120_000);

  it("a host module plugs in its commands and invariants through ModuleDefinition.simulation", async () => {
    // Drawn often enough to run in a short seed among the built-in modules' commands.
    const host = giftWrapModule();
    const module = { ...host, simulation: { ...host.simulation, commands: (host.simulation?.commands ?? []).map((c) => ({ ...c, weight: 10 })) } };
    const report = await simulateShop({ seed: 11, steps: 80, modules: [module] });
    expect(report.outcomes["giftwrap.wrapItem"]?.ok ?? 0).toBeGreaterThan(0);
  });

  it("a broken invariant fails the seed with the step, the command and a replay line", async () => {
    const broken = { ...giftWrapModule(), simulation: { invariants: [{ name: "always broken", check: async () => ["broken on purpose"] }] } };
    const error = await simulateShop({ seed: 5, steps: 10, modules: [broken] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulationFailure);
    expect((error as SimulationFailure).replay).toBe("npm run sim -- --seed 5 --steps 10");
    expect((error as SimulationFailure).message).toMatch(/always broken: broken on purpose/);
  });

  it("a command whose commit is reported lost (COMMIT_OUTCOME_UNKNOWN) is sent again with the same key by the simulator's facade: the caller gets its result, the shop has one effect", async () => {
    const make = (store: ReturnType<typeof failingStore>) => createStorekeep({ store, clock: new ManualClock("2026-03-02T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    const setup = async (sk: Storekeep) => {
      await sk.inventory.defineWarehouse({ warehouseId: "wh" });
      await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    };
    // A dry run counts the commits of the setup, so the receipt's own commit is the one reported lost.
    const dry = failingStore(memoryStore(), {});
    await setup(make(dry));
    const receive = { sku: "A", warehouseId: "wh", quantity: "5", unitCost: "2" };

    const bareStore = failingStore(memoryStore(), { failAtCommit: [dry.commits + 1] });
    const bare = make(bareStore);
    await setup(bare);
    const heard = await bare.inventory.receive(receive).catch((e: unknown) => e);
    expect(isStorekeepError(heard) && heard.code).toBe("COMMIT_OUTCOME_UNKNOWN");

    const store = failingStore(memoryStore(), { failAtCommit: [dry.commits + 1] });
    const inner = make(store);
    await setup(inner);
    let lost = 0;
    const sk = retryingFacade(inner, () => lost++);
    const result = await sk.inventory.receive(receive);
    expect(lost).toBe(1);
    expect(store.failedAt).toBe("commit");
    expect(result).toMatchObject({ sku: "A" });
    expect((await inner.inventory.onHand({ sku: "A" })).map((r) => r.quantity)).toEqual(["5"]);
    expect((await inner.events.read(null, 100)).filter((e) => e.type === "StockReceived")).toHaveLength(1);
  });

  it("the outbox witness tells committed events from rolled-back ones (what the outbox check compares the outbox with)", async () => {
    const { store, witness } = witnessStore(memoryStore());
    const event = (id: string) => ({ id, type: "Noted", schemaVersion: 1, aggregateType: "note", aggregateId: "n", aggregateVersion: 1, effectiveDate: "2026-01-05", occurredAt: "2026-01-05T09:00:00.000Z", causationId: "c", correlationId: "c", payload: {} });
    await store.transaction(async (tx) => tx.events.append([event("ev_1")]));
    await expect(store.transaction(async (tx) => { await tx.events.append([event("ev_2")]); throw new Error("refused"); })).rejects.toThrow("refused");
    expect(witness.committed).toEqual(["ev_1"]);
    expect(witness.rolledBack).toEqual(["ev_2"]);
    expect((await store.readEvents(null, 10)).map((e) => e.id)).toEqual(["ev_1"]);
  });
});
