import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { StorekeepError, isStorekeepError } from "../../src/kernel/errors.js";
import { countingStore } from "../../src/testing/index.js";
import { z } from "zod";
import { type MovementDraft } from "../../src/inventory/ledger-records.js";
import { recordMovements } from "../../src/inventory/record-movements.js";
import { resolveInventoryOptions } from "../../src/inventory/index.js";
import { defineCommand } from "../../src/runner/index.js";
import { harness } from "./setup.js";

const DAY = 86_400_000;
const iso = (day: number, ms = 0) => new Date(Date.UTC(2026, 0, 1) + day * DAY + ms).toISOString();

async function rejection(p: Promise<unknown>): Promise<StorekeepError> {
  try {
    await p;
  } catch (error) {
    if (isStorekeepError(error)) return error;
    throw error;
  }
  throw new Error("expected a StorekeepError");
}

describe("back-dating", () => {
  it("refuses a movement dated into a locked stock period (the guard), and records nothing", async () => {
    const h = await harness({
      periodGuard: async (_tx, date) => {
        if (date <= "2026-01-31") throw new StorekeepError("PERIOD_LOCKED", `${date} is in a locked stock period`, { date });
      },
    });
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    await h.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "5", unitCost: "1", effectiveDate: "2026-02-01" });
    const error = await rejection(h.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "5", unitCost: "1", effectiveDate: "2026-01-31" }));
    expect(error.code).toBe("PERIOD_LOCKED");
    expect(await h.inventory.onHand({ sku: "A" })).toEqual([{ sku: "A", locationId: "wh", lot: null, quantity: "5" }]);
  });

  it("with negative stock refused, a back-dated issue that would drive history negative is refused naming the date", async () => {
    const h = await harness();
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    await h.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "10", unitCost: "1", effectiveAt: iso(1) });
    await h.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "8", effectiveAt: iso(5) });
    await h.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "10", unitCost: "1", effectiveAt: iso(6) });
    // 5 units on day 3 leave 5, and day 5's issue of 8 would find 5.
    const error = await rejection(h.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "5", effectiveAt: iso(3) }));
    expect(error.code).toBe("NEGATIVE_HISTORY");
    expect(error.details).toMatchObject({ date: "2026-01-06", onHand: "5", needed: "8" });
    expect(error.message).toMatch(/2026-01-06/);
    // Before any receipt: the new movement itself lacks stock.
    const early = await rejection(h.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "1", effectiveAt: iso(0) }));
    expect(early.code).toBe("INSUFFICIENT_STOCK");
    expect(early.details["date"]).toBe("2026-01-01");
    expect((await h.inventory.audit()).ok).toBe(true);
  });

  it("touches one SKU and reads and writes in proportion to the movements after it, not the whole history (counting store)", async () => {
    const rows = async (before: number, after: number) => {
      const store = countingStore(memoryStore());
      const h = await harness({ store, snapshotEvery: 32, start: iso(400) });
      await h.inventory.defineWarehouse({ warehouseId: "wh" });
      for (const sku of ["A", "B"]) await h.inventory.defineProduct({ sku, costingMethod: "fifo" });
      let t = 0;
      const step = async (sku: string) => {
        t++;
        if (t % 2 === 1) await h.inventory.receive({ sku, warehouseId: "wh", quantity: "2", unitCost: String(1 + (t % 7)), effectiveAt: iso(10, t * 1000) });
        else await h.inventory.issue({ sku, warehouseId: "wh", quantity: "1", effectiveAt: iso(10, t * 1000) });
      };
      for (let i = 0; i < before; i++) await step("A");
      const cut = iso(10, t * 1000 + 500);
      for (let i = 0; i < after; i++) await step("A");
      for (let i = 0; i < 20; i++) await step("B");
      store.reset();
      await h.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "3", unitCost: "0.5", effectiveAt: cut });
      const s = store.snapshot();
      expect((await h.inventory.audit()).ok).toBe(true);
      expect(s.touched.logs["inventory.movements"]).toEqual(["A"]);
      expect(s.touched.counters["inventory.availability"]).toEqual(["A|wh"]);
      return { reads: s.reads.logs.rows, writes: s.writes.logs.rows };
    };
    const short = await rows(100, 10);
    const longHistory = await rows(1000, 10);
    // Same movements after the back-dated one: the same work, whatever came before.
    expect(longHistory.reads).toBeLessThanOrEqual(short.reads + 64);
    const moreAfter = await rows(100, 100);
    // Ten times the later movements: more work, in proportion.
    expect(moreAfter.reads).toBeGreaterThan(short.reads * 3);
    expect(moreAfter.reads).toBeLessThan(short.reads * 30);
  }, 120_000);

  it("property: the final valuation is the same whatever order back-dated movements arrive in (distinct instants, history never negative)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ day: fc.integer({ min: 1, max: 60 }), receive: fc.boolean(), quantity: fc.integer({ min: 1, max: 9 }), cost: fc.integer({ min: 1, max: 500 }) }), { minLength: 2, maxLength: 14 }),
        fc.constantFrom("fifo" as const, "moving-average" as const, "standard" as const),
        fc.integer({ min: 0, max: 1_000_000 }),
        async (raw, method, seed) => {
          // Distinct instants; receipts sized so that history never goes negative in time order.
          const movements = raw.map((m, i) => ({ ...m, at: iso(m.day, i) })).sort((a, b) => (a.at < b.at ? -1 : 1));
          let onHand = 0;
          const planned = movements.map((m) => {
            const receive = m.receive || onHand < m.quantity;
            onHand += receive ? m.quantity : -m.quantity;
            return { ...m, receive };
          });
          const shuffled = [...planned].sort((a, b) => ((a.cost * 7919 + seed) % 1009) - ((b.cost * 7919 + seed) % 1009) || (a.at < b.at ? -1 : 1));
          const value = async (order: typeof planned) => {
            const h = await harness({ start: iso(100), snapshotEvery: 3 });
            await h.inventory.defineWarehouse({ warehouseId: "wh" });
            await h.inventory.defineProduct({ sku: "A", costingMethod: method, ...(method === "standard" ? { standardCost: "2.5" } : {}) });
            const rejected: string[] = [];
            for (const m of order) {
              const input = { sku: "A", warehouseId: "wh", quantity: String(m.quantity), effectiveAt: m.at };
              try {
                if (m.receive) await h.inventory.receive({ ...input, unitCost: (m.cost / 100).toFixed(2) });
                else await h.inventory.issue(input);
              } catch (error) {
                if (isStorekeepError(error) && (error.code === "INSUFFICIENT_STOCK" || error.code === "NEGATIVE_HISTORY")) rejected.push(m.at);
                else throw error;
              }
            }
            // An issue that arrived before its receipts is refused; record it again at the end.
            for (const at of rejected) {
              const m = order.find((x) => x.at === at)!;
              await h.inventory.issue({ sku: "A", warehouseId: "wh", quantity: String(m.quantity), effectiveAt: m.at });
            }
            const audit = await h.inventory.audit();
            expect(audit.differences).toEqual([]);
            const [row] = await h.inventory.valuation();
            const cogs = (await h.inventory.history({ sku: "A" })).filter((l) => l.kind === "sale-issue").map((l) => l.amount);
            return { row, cogs };
          };
          const inOrder = await value(planned);
          const outOfOrder = await value(shuffled);
          expect(outOfOrder).toEqual(inOrder);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe("chunked re-valuations", () => {
  it("a back-dating that re-values more than a chunk of movements in one hour: explain, history and a return read the newest valuation of each", async () => {
    const h = await harness({ start: "2026-03-31T12:00:00.000Z" });
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "C", costingMethod: "fifo" });
    // 4,400 movements within one hour (0.8 s apart): receipts of 1 at rising cost, issues of 1.
    const bulk = defineCommand({
      name: "test.bulk",
      input: z.object({ n: z.number() }),
      async handle(ctx, input) {
        const drafts: MovementDraft[] = [];
        for (let i = 0; i < input.n; i++) {
          const at = new Date(Date.UTC(2026, 2, 10, 9, 0, 0) + i * 800).toISOString();
          drafts.push(
            i % 2 === 0
              ? { sku: "C", kind: "receipt", effectiveAt: at, quantity: "1", warehouseId: "wh", locationId: "wh", counterRole: "grni", source: { type: "receipt", id: `r${i}` }, valueMinor: BigInt(100 + i) }
              : { sku: "C", kind: "sale-issue", effectiveAt: at, quantity: "-1", warehouseId: "wh", locationId: "wh", counterRole: "cogs", source: { type: "shipment", id: `s${i}` }, orderId: i === 4399 ? "ord_last" : undefined },
          );
        }
        const out = await recordMovements(ctx, resolveInventoryOptions(), drafts);
        return { result: out.movements.map((m) => m.movementId), events: out.events };
      },
    });
    const ids = (await h.runtime.execute(bulk, { n: 4400 })) as string[];
    const lastIssue = ids[4399]!;
    const before = (await h.inventory.history({ sku: "C" })).find((l) => l.movementId === lastIssue)!.amount;
    // One cheap unit before all of them shifts every issue by one unit of FIFO.
    await h.inventory.receive({ sku: "C", warehouseId: "wh", quantity: "1", unitCost: "0.01", effectiveAt: "2026-03-10T08:59:00.000Z" });
    const lines = await h.inventory.history({ sku: "C" });
    const revalued = lines.filter((l) => l.revalued);
    expect(revalued.length).toBeGreaterThan(2048);
    const line = lines.find((l) => l.movementId === lastIssue)!;
    expect(line.amount).not.toBe(before);
    const explained = await h.inventory.explain(lastIssue);
    expect(explained.amount).toBe(line.amount);
    expect(explained.history.map((e) => e.cause)).toEqual(["recorded", expect.stringMatching(/^backdated:/)]);
    expect(explained.history[0]!.amount).toBe(before);
    // Every line of history equals its explanation (spot checks across both chunks).
    for (const l of [lines[2]!, lines[2000]!, lines[4200]!, lines.at(-2)!]) expect((await h.inventory.explain(l.movementId)).amount).toBe(l.amount);
    // A return at the cost its issue left with reads the re-valued cost.
    const back = await h.inventory.returnFromCustomer({ sku: "C", warehouseId: "wh", quantity: "1", orderId: "ord_last", effectiveDate: "2026-03-20" });
    expect(back.amount).toBe(line.amount);
    expect((await h.inventory.audit()).differences).toEqual([]);
  }, 60_000);
});
