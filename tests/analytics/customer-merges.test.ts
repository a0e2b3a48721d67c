import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { ANALYTICS_STORE, applyFactEvent } from "../../src/analytics/facts.js";
import type { Store } from "../../src/ports/storage.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * The analytics projection counts customers by the id on OrderPlaced; CRM can merge a
 * duplicate customer into another (CustomerMerged) and split them again (CustomerUnmerged).
 * Analytics reads both from the outbox and restates its per-day customer facts, so that
 *
 * - after a merge, every day's `newCustomers`, `ordersNew`, `ordersReturning` and
 *   `repeatCustomers` (per dimension: all, channel, warehouse) are those a projection gives
 *   when every order of the two had been placed under one id: one customer, new on the day
 *   of the earliest first order; the other's first order returning on its own day; a repeat
 *   customer on the day of the merged customer's second order;
 * - an order placed under the source's id after the merge counts for the merged customer,
 *   and stays with it after an unmerge (as CRM keeps it: entries recorded while merged stay
 *   with the target);
 * - an unmerge restores the separate counts (each side's own orders);
 * - whichever order the events are read in (a sync after each step, or one page for all),
 *   and a re-delivered merge or unmerge changes nothing.
 */

let db: PGlite;
let schemas = 0;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

const MARCH = { from: "2026-03-01", to: "2026-03-31" };
const eur = (amount: string) => ({ amount, currency: "EUR" });

type Order = { readonly orderId: string; readonly customerId: string; readonly day: string; readonly channel: string };

function placed(o: Order) {
  return {
    type: "OrderPlaced" as const,
    aggregateType: "order",
    aggregateId: o.orderId,
    effectiveDate: o.day,
    payload: { orderId: o.orderId, customerId: o.customerId, channel: o.channel, warehouseId: o.channel === "pos" ? "shop" : "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: eur("10.00") }], total: eur("10.00") },
  };
}

for (const kind of ["memory", "pglite"] as const) {
  const newStore = (): Store => (kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `merges_${++schemas}` }));
  const shopOn = (store: Store): Storekeep => createStorekeep({ store, clock: new ManualClock("2026-03-31T20:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });

  async function withCustomers(ids: readonly string[]): Promise<{ sk: Storekeep; store: Store }> {
    const store = newStore();
    const sk = shopOn(store);
    for (const customerId of ids) await sk.crm.createCustomer({ customerId, name: customerId });
    return { sk, store };
  }

  /** Every non-zero customer figure of the facts family, by dimension key and day (synced first). */
  async function facts(sk: Storekeep, store: Store): Promise<Record<string, Record<string, string>>> {
    await sk.analytics.sync();
    return store.transaction(async (tx) => {
      const out: Record<string, Record<string, string>> = {};
      for (const key of (await tx.balances.sumByKey(ANALYTICS_STORE.facts)).keys()) {
        for (const row of await tx.balances.buckets(ANALYTICS_STORE.facts, key)) {
          const amounts = Object.entries(row.amounts).filter(([f, v]) => ["newCustomers", "repeatCustomers", "ordersNew", "ordersReturning", "ordersGuest", "orders"].includes(f) && !v.isZero());
          if (amounts.length > 0) out[`${key}|${row.bucket}`] = Object.fromEntries(amounts.map(([f, v]) => [f, v.toString()]));
        }
      }
      return out;
    });
  }

  /** The facts of a shop whose orders were placed under the ids given, without any merge. */
  async function reference(orders: readonly Order[]): Promise<Record<string, Record<string, string>>> {
    const store = newStore();
    const sk = shopOn(store);
    await sk.recordEvents(orders.map(placed));
    const out = await facts(sk, store);
    await sk.close();
    return out;
  }

  const customers = async (sk: Storekeep, range: { from: string; to: string } = MARCH) => {
    const k = (await sk.analytics.kpis(range)).kpis;
    return { new: k["new-customers"], returning: k["returning-customer-orders"], repeat: k["repeat-rate"] };
  };

  // cus_B ordered first (2 March, web); cus_A, the customer CRM keeps, on 5 March (point of sale).
  const ORD_1: Order = { orderId: "ord_1", customerId: "cus_B", day: "2026-03-02", channel: "web" };
  const ORD_2: Order = { orderId: "ord_2", customerId: "cus_A", day: "2026-03-05", channel: "pos" };
  const ORD_3: Order = { orderId: "ord_3", customerId: "cus_B", day: "2026-03-10", channel: "web" };
  const as = (o: Order, customerId: string): Order => ({ ...o, customerId });

  describe(`analytics counts a customer CRM merged once (${kind})`, () => {
    it("two customers' first orders on different days, merged after both were projected: one new customer (on the earliest first order's day), the later first order returning on its day, one repeat customer — every day and dimension as if one id had placed both", async () => {
      const { sk, store } = await withCustomers(["cus_A", "cus_B"]);
      await sk.recordEvents([ORD_1, ORD_2].map(placed));
      expect(await customers(sk)).toEqual({ new: "2", returning: "0", repeat: "0.0000" });
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      expect(await customers(sk)).toEqual({ new: "1", returning: "1", repeat: "1.0000" });
      expect(await customers(sk, { from: "2026-03-02", to: "2026-03-02" })).toMatchObject({ new: "1", returning: "0" });
      expect(await customers(sk, { from: "2026-03-05", to: "2026-03-05" })).toMatchObject({ new: "0", returning: "1" });
      expect(await facts(sk, store)).toEqual(await reference([as(ORD_1, "cus_A"), ORD_2]));
      await sk.close();
    }, 60_000);

    it("the merge read in the same page as both orders (one sync at the end) gives the same facts", async () => {
      const { sk, store } = await withCustomers(["cus_A", "cus_B"]);
      await sk.recordEvents([ORD_1, ORD_2].map(placed));
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      expect(await facts(sk, store)).toEqual(await reference([as(ORD_1, "cus_A"), ORD_2]));
      await sk.close();
    }, 60_000);

    it("a merged customer with orders read after the merge: the source's first order is projected after it too", async () => {
      const { sk, store } = await withCustomers(["cus_A", "cus_B"]);
      await sk.recordEvents([placed(ORD_2)]);
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      // An order recorded after the merge under the source's id, dated before the target's first order.
      await sk.recordEvents([placed(ORD_1)]);
      expect(await customers(sk)).toEqual({ new: "1", returning: "1", repeat: "1.0000" });
      expect(await facts(sk, store)).toEqual(await reference([as(ORD_1, "cus_A"), ORD_2]));
      await sk.close();
    }, 60_000);

    it("an order placed under the source's old id after the merge is a returning order of the merged customer", async () => {
      const { sk, store } = await withCustomers(["cus_A", "cus_B"]);
      await sk.recordEvents([ORD_1, ORD_2].map(placed));
      await sk.analytics.sync();
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      await sk.analytics.sync();
      await sk.recordEvents([placed(ORD_3)]);
      expect(await customers(sk)).toEqual({ new: "1", returning: "2", repeat: "1.0000" });
      expect(await facts(sk, store)).toEqual(await reference([as(ORD_1, "cus_A"), ORD_2, as(ORD_3, "cus_A")]));
      await sk.close();
    }, 60_000);

    it("an unmerge restores the separate counts exactly; an order placed while merged stays with the customer it was merged into", async () => {
      const { sk, store } = await withCustomers(["cus_A", "cus_B"]);
      await sk.recordEvents([ORD_1, ORD_2].map(placed));
      const before = await facts(sk, store);
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      expect(await customers(sk)).toEqual({ new: "1", returning: "1", repeat: "1.0000" });
      await sk.crm.unmergeCustomer({ sourceId: "cus_B" });
      expect(await facts(sk, store)).toEqual(before);
      expect(await customers(sk)).toEqual({ new: "2", returning: "0", repeat: "0.0000" });
      // Merged again, an order under cus_B's id, split again: cus_A keeps the order (CRM keeps it with cus_A too).
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      await sk.recordEvents([placed(ORD_3)]);
      await sk.analytics.sync();
      await sk.crm.unmergeCustomer({ sourceId: "cus_B" });
      expect(await customers(sk)).toEqual({ new: "2", returning: "1", repeat: "0.5000" });
      expect(await facts(sk, store)).toEqual(await reference([ORD_1, ORD_2, as(ORD_3, "cus_A")]));
      await sk.close();
    }, 60_000);

    it("chains: C merged into B, B into A, an order under C's id counts for A; splitting B off gives B back with C's orders, A keeps the order placed while merged", async () => {
      const { sk, store } = await withCustomers(["cus_A", "cus_B", "cus_C"]);
      const c1: Order = { orderId: "ord_c1", customerId: "cus_C", day: "2026-03-01", channel: "web" };
      const b1: Order = { orderId: "ord_b1", customerId: "cus_B", day: "2026-03-03", channel: "web" };
      const a1: Order = { orderId: "ord_a1", customerId: "cus_A", day: "2026-03-04", channel: "pos" };
      const c2: Order = { orderId: "ord_c2", customerId: "cus_C", day: "2026-03-02", channel: "pos" };
      await sk.recordEvents([b1, a1].map(placed));
      await sk.analytics.sync();
      await sk.crm.mergeCustomers({ sourceId: "cus_C", targetId: "cus_B" });
      await sk.recordEvents([placed(c1)]); // C's first order, read after C was merged into B: B's
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      await sk.recordEvents([placed(c2)]); // resolves through B to A
      expect(await customers(sk)).toEqual({ new: "1", returning: "3", repeat: "1.0000" });
      expect(await facts(sk, store)).toEqual(await reference([c1, b1, a1, c2].map((o) => as(o, "cus_A"))));
      await sk.crm.unmergeCustomer({ sourceId: "cus_B" });
      expect(await customers(sk)).toEqual({ new: "2", returning: "2", repeat: "1.0000" });
      expect(await facts(sk, store)).toEqual(await reference([as(c1, "cus_B"), b1, a1, as(c2, "cus_A")]));
      await sk.close();
    }, 60_000);

    it("a customer projected before merges were read (first order's day only) still counts its later orders as before: returning, and repeat on its second order", async () => {
      const { sk, store } = await withCustomers(["cus_A"]);
      await sk.recordEvents([placed(as(ORD_1, "cus_A"))]);
      await sk.analytics.sync();
      await store.transaction(async (tx) => {
        const doc = (await tx.documents.get(ANALYTICS_STORE.customers, "cus_A"))!;
        await tx.documents.put(ANALYTICS_STORE.customers, "cus_A", { orders: 1, firstOrderOn: "2026-03-02" }, doc.version);
      });
      await sk.recordEvents([placed(ORD_2), placed(as(ORD_3, "cus_A"))]);
      expect(await customers(sk)).toEqual({ new: "1", returning: "2", repeat: "1.0000" });
      expect(await facts(sk, store)).toEqual(await reference([as(ORD_1, "cus_A"), ORD_2, as(ORD_3, "cus_A")]));
      await sk.close();
    }, 60_000);

    it("a merge or unmerge event read again changes nothing, and a rebuild gives the same facts", async () => {
      const { sk, store } = await withCustomers(["cus_A", "cus_B"]);
      await sk.recordEvents([ORD_1, ORD_2].map(placed));
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      const merged = await facts(sk, store);
      expect(merged).toEqual(await reference([as(ORD_1, "cus_A"), ORD_2]));
      const events = await sk.events.read(null, 1000);
      const merge = events.find((e) => e.type === "CustomerMerged")!;
      const options = { functionalCurrency: "EUR" as const, rates: { rate: async () => undefined }, onTimeDays: 2 };
      await store.transaction((tx) => applyFactEvent(tx, merge, options));
      expect(await facts(sk, store)).toEqual(merged);
      await sk.crm.unmergeCustomer({ sourceId: "cus_B" });
      const split = await facts(sk, store);
      const unmerge = (await sk.events.read(null, 1000)).find((e) => e.type === "CustomerUnmerged")!;
      await store.transaction((tx) => applyFactEvent(tx, unmerge, options));
      expect(await facts(sk, store)).toEqual(split);
      // The merge read again after the unmerge does not merge them again.
      await store.transaction((tx) => applyFactEvent(tx, merge, options));
      expect(await facts(sk, store)).toEqual(split);
      // Merged again: the old merge event read once more must not merge a third time, nor the unmerge split twice.
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      const again = await facts(sk, store);
      expect(again).toEqual(merged);
      await store.transaction((tx) => applyFactEvent(tx, merge, options));
      expect(await facts(sk, store)).toEqual(again);
      await sk.analytics.rebuild();
      expect(await facts(sk, store)).toEqual(again);
      // Merged on into a customer who never ordered (no order names it): a rebuild forgets that customer too.
      await sk.crm.createCustomer({ customerId: "cus_Z", name: "cus_Z" });
      await sk.crm.mergeCustomers({ sourceId: "cus_A", targetId: "cus_Z" });
      const onward = await facts(sk, store);
      expect(onward).toEqual(await reference([as(ORD_1, "cus_Z"), as(ORD_2, "cus_Z")]));
      await sk.analytics.rebuild();
      expect(await facts(sk, store)).toEqual(onward);
      await sk.close();
    }, 60_000);
  });
}

describe("merges in a page of the analytics sync on PostgreSQL", () => {
  it("a page with 40 merges, 40 unmerges and orders under merged ids runs as many statements as one with 4: the merged customers are read ahead together, a level of merges at a time", async () => {
    const { countingPGlite } = await import("../adapters/counting-pglite.js");
    const counting = await countingPGlite();
    try {
      const statements: Record<number, number> = {};
      for (const n of [4, 40]) {
        const store = postgresStore({ client: counting.db, schema: `merge_pages_${n}` });
        const sk = createStorekeep({ store, clock: new ManualClock("2026-03-31T20:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
        const order = (i: number, customer: string, day: string) => placed({ orderId: `o${customer}_${i}`, customerId: customer, day, channel: "web" });
        const link = (type: "CustomerMerged" | "CustomerUnmerged", i: number) => ({ type, aggregateType: "customer", aggregateId: `a${i}`, effectiveDate: "2026-03-20", payload: { sourceId: `b${i}`, targetId: `a${i}` } });
        const range = Array.from({ length: n }, (_, i) => i);
        // CRM's events are in the facade's catalog at run time, not in recordEvents' static type.
        const record = (events: readonly unknown[]) => sk.recordEvents(events as Parameters<typeof sk.recordEvents>[0]);
        // Pairs a_i / b_i ordered apart, then c_i merged into b_i; a page later: b_i into a_i, an order under c_i (through b_i to a_i), b_i split off again.
        await record([...range.flatMap((i) => [order(1, `a${i}`, "2026-03-05"), order(1, `b${i}`, "2026-03-02"), order(1, `c${i}`, "2026-03-01")]), ...range.map((i) => ({ ...link("CustomerMerged", i), payload: { sourceId: `c${i}`, targetId: `b${i}` } }))]);
        await sk.analytics.sync();
        await record([...range.map((i) => link("CustomerMerged", i)), ...range.map((i) => order(2, `c${i}`, "2026-03-21")), ...range.map((i) => link("CustomerUnmerged", i))]);
        const { counts, counted } = counting.perCommand();
        await counted("sync", () => sk.analytics.sync());
        statements[n] = counts["sync"]!;
        const k = (await sk.analytics.kpis(MARCH)).kpis;
        // Each pair: a_i new (with the order placed under c_i while merged), b_i new with c_i's first order.
        expect(k).toMatchObject({ "new-customers": String(2 * n), "returning-customer-orders": String(2 * n), "repeat-rate": "1.0000" });
        await sk.close();
      }
      expect(statements[40]).toBe(statements[4]);
    } finally {
      await counting.db.close();
    }
  }, 120_000);
});
