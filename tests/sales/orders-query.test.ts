import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * sk.sales.orders checks its query at the boundary, as the commands check theirs: a wrong
 * type is VALIDATION_FAILED naming the field, the same on every store. Found by exploratory
 * use: the memory store answered an empty page, PostgreSQL a message about U+0000.
 */

const db = sharedPglite();

/** Bad queries, the field each names, and a word its message must hold. */
const BAD: [query: Record<string, unknown>, path: string, says: string][] = [
  [{ after: "ord_1" }, "after", "next of the previous page"],
  [{ after: { placedAt: 1, orderId: "o1" } }, "after.placedAt", "after.placedAt"],
  [{ after: { placedAt: "2026-03-02T10:00:00.000Z" } }, "after.orderId", "after.orderId"],
  [{ after: { placedAt: "2026-03-02T10:00:00.000Z", orderId: "o1", page: 2 } }, "after.page", "page"],
  [{ customerId: 5 }, "customerId", "customer id"],
  [{ customerId: "a\u0000b" }, "customerId", "customer id"],
  [{ customerId: ["c1"] }, "customerId", "customer id"],
  [{ state: 3 }, "state", "draft, placed, on-hold, completed, cancelled"],
  [{ state: "paid" }, "state", "draft, placed, on-hold, completed, cancelled"],
  [{ from: 20260301 }, "from", "YYYY-MM-DD"],
  [{ to: "2026-02-30" }, "to", "YYYY-MM-DD"],
  [{ limit: "5" }, "limit", "1 to 1000"],
  [{ limit: 2.5 }, "limit", "1 to 1000"],
  [{ limit: 0 }, "limit", "1 to 1000"],
];

async function refusal(run: () => Promise<unknown>): Promise<{ code: string; message: string; paths: string[] }> {
  try {
    await run();
  } catch (error) {
    if (!isStorekeepError(error)) throw error;
    const issues = (error.details as { issues?: { path: string }[] }).issues ?? [];
    return { code: error.code, message: error.message, paths: issues.map((i) => i.path) };
  }
  throw new Error("expected a refusal");
}

describe("sk.sales.orders checks its query's types at the boundary", () => {
  it("every bad field is VALIDATION_FAILED naming it, with the same message on the memory store and PGlite", async () => {
    const shops = (["memory", "pglite"] as const).map((kind) => shop(storeOf(kind, db)).sk);
    for (const sk of shops) {
      await stock(sk);
      await sk.sales.placeOrder({ orderId: "o1", customerId: "c1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
    }
    for (const [query, path, says] of BAD) {
      const [memory, pglite] = (await Promise.all(shops.map((sk) => refusal(() => sk.sales.orders(query as never))))) as [Awaited<ReturnType<typeof refusal>>, Awaited<ReturnType<typeof refusal>>];
      expect(memory, JSON.stringify(query)).toMatchObject({ code: "VALIDATION_FAILED", paths: [path] });
      expect(memory.message, JSON.stringify(query)).toContain(says);
      expect(memory.message).toContain(path.split(".")[0]);
      expect(memory.message).not.toMatch(/U\+0000/);
      expect(pglite, JSON.stringify(query)).toEqual(memory);
    }
    // Good queries still answer, alike on both stores.
    for (const query of [{ customerId: "c1" }, { state: "placed" as const, limit: 1 }, { from: "2026-03-02", to: "2026-03-02" }, { after: { placedAt: "2027-01-01T00:00:00.000Z", orderId: "zzz" } }]) {
      const [memory, pglite] = await Promise.all(shops.map(async (sk) => (await sk.sales.orders(query)).orders.map((o) => o.orderId)));
      expect(memory, JSON.stringify(query)).toEqual(["o1"]);
      expect(pglite).toEqual(memory);
    }
  });
});
