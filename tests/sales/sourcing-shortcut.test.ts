import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../src/runner/command.js";
import { type SalesSeams, resolveSalesOptions } from "../../src/sales/options.js";
import type { OrderDoc, OrderLine } from "../../src/sales/order.js";
import { sourceOrder } from "../../src/sales/sourcing.js";

/*
 * The default policy's shortcut (the order's warehouse covers the order: nothing else read,
 * the policy not asked) places the lines exactly as asking the policy with every warehouse's
 * stock does: same lines, same sources, same parts.
 */

const WAREHOUSES = ["a", "b", "c"];
const SKUS = ["MUG", "TEA", "CUP"];

function line(lineId: string, sku: string, sources?: { warehouseId: string; quantity: string }[]): OrderLine {
  return { lineId, sku, ...(sources === undefined ? {} : { sources }) } as unknown as OrderLine;
}

function seams(stock: Map<string, string>, withShortcut: boolean, reads: string[]): SalesSeams {
  const base = {
    availability: async (_tx: unknown, skus: readonly string[]) => {
      reads.push("all");
      return skus.flatMap((sku) => WAREHOUSES.map((warehouseId) => ({ sku, warehouseId, available: stock.get(`${sku}|${warehouseId}`) ?? "0" })));
    },
  };
  const shortcut = {
    availableAt: async (_tx: unknown, skus: readonly string[], warehouseId: string) => {
      reads.push("one");
      return WAREHOUSES.includes(warehouseId) ? new Map(skus.map((sku) => [sku, stock.get(`${sku}|${warehouseId}`) ?? "0"])) : undefined;
    },
  };
  return { ...base, ...(withShortcut ? shortcut : {}) } as unknown as SalesSeams;
}

describe("sourcing shortcut", () => {
  it("property: with or without the one-warehouse read, the default policy places every line the same", async () => {
    const quantity = fc.integer({ min: 1, max: 12 }).map(String);
    const available = fc.oneof(fc.integer({ min: -3, max: 15 }).map(String), fc.constantFrom("0", "2.5"));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...SKUS), fc.constantFrom(...WAREHOUSES), available), { maxLength: 9 }),
        fc.array(fc.tuple(fc.constantFrom(...SKUS), quantity, fc.boolean()), { minLength: 1, maxLength: 5 }),
        fc.constantFrom("a", "b", "z"),
        fc.array(fc.tuple(fc.constantFrom(...SKUS), fc.constantFrom(...WAREHOUSES), fc.integer({ min: 1, max: 4 })), { maxLength: 3 }),
        async (rows, wanted, warehouseId, ownRows) => {
          const stock = new Map(rows.map(([sku, w, a]) => [`${sku}|${w}`, a]));
          const lines = wanted.map(([sku, , sourced], i) => line(String(i + 1), sku, sourced ? [{ warehouseId: "b", quantity: "1" }] : undefined));
          const order = { orderId: "o1", warehouseId, lines } as unknown as OrderDoc;
          const quantities = new Map(wanted.map(([, q], i) => [String(i + 1), BigInt(q) * 1_000_000n]));
          const own = new Map<string, bigint>();
          for (const [sku, w, units] of ownRows) own.set(`${sku}\u0000${w}`, (own.get(`${sku}\u0000${w}`) ?? 0n) + BigInt(units) * 1_000_000n);
          const ctx = { tx: {} } as unknown as CommandContext;
          const readsPlain: string[] = [];
          const readsShort: string[] = [];
          const plain = await sourceOrder(ctx, resolveSalesOptions({}, seams(stock, false, readsPlain)), order, quantities, own);
          const short = await sourceOrder(ctx, resolveSalesOptions({}, seams(stock, true, readsShort)), order, quantities, own);
          expect(short).toEqual(plain);
          expect(readsPlain).toEqual(["all"]);
          // The shortcut reads one warehouse, and all of them only when that one falls short.
          expect(readsShort[0]).toBe("one");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("takes the shortcut when the order's warehouse covers every SKU (lines of one SKU summed, the order's own holds counted)", async () => {
    const stock = new Map([["MUG|a", "3"], ["MUG|b", "9"]]);
    const order = { orderId: "o1", warehouseId: "a", lines: [line("1", "MUG"), line("2", "MUG")] } as unknown as OrderDoc;
    const ctx = { tx: {} } as unknown as CommandContext;
    const run = async (q1: number, q2: number, own: number) => {
      const reads: string[] = [];
      const out = await sourceOrder(ctx, resolveSalesOptions({}, seams(stock, true, reads)), order, new Map([["1", BigInt(q1) * 1_000_000n], ["2", BigInt(q2) * 1_000_000n]]), new Map([["MUG\u0000a", BigInt(own) * 1_000_000n]]));
      return { reads, parts: out.parts };
    };
    expect(await run(2, 1, 0)).toEqual({ reads: ["one"], parts: [{ lineId: "1", sku: "MUG", quantity: "2" }, { lineId: "2", sku: "MUG", quantity: "1" }] });
    expect(await run(2, 2, 1)).toEqual({ reads: ["one"], parts: [{ lineId: "1", sku: "MUG", quantity: "2" }, { lineId: "2", sku: "MUG", quantity: "2" }] });
    expect(await run(2, 2, 0)).toEqual({
      reads: ["one", "all"],
      parts: [
        { lineId: "1", sku: "MUG", quantity: "2" },
        { lineId: "2", sku: "MUG", quantity: "1" },
        { lineId: "2", sku: "MUG", quantity: "1", warehouseId: "b" },
      ],
    });
  });
});
