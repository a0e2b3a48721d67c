import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { type PerCommand, countingPGlite } from "../adapters/counting-pglite.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * On PostgreSQL every statement is a round trip. The ageing, slow-moving and audit reports
 * read many SKUs per call. Counting a location and approving the
 * stocktake run as many statements for 12 SKUs as for 2 — the items' products read ahead in
 * one call, their cost states locked together, every SKU's book read from the balances in one
 * read and from its later movements in one multi-stream read, the count dates locked and
 * created together.
 */

const SKUS = Array.from({ length: 12 }, (_, i) => `SKU${String(i).padStart(2, "0")}`);

let db: PGlite;
let sk: Storekeep;
let perCommand: () => PerCommand;
const clock = new ManualClock("2026-03-02T10:00:00.000Z");

beforeAll(async () => {
  ({ db, perCommand } = await countingPGlite());
  sk = createStorekeep({ store: postgresStore({ client: db, schema: "inv_round_trips" }), clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const [i, sku] of SKUS.entries()) {
    await sk.inventory.defineProduct({ sku, costingMethod: i % 2 === 0 ? "fifo" : "moving-average" });
    await sk.inventory.receive({ sku, warehouseId: "wh", quantity: "50", unitCost: "3.00" });
  }
}, 60_000);

afterAll(async () => {
  await db.close();
});

/** A stocktake of `skus` at the warehouse: every other SKU one unit short, the rest one over. Its statements per command and its summary. */
async function stocktake(skus: readonly string[]): Promise<{ counts: Record<string, number>; adjusted: number; shrinkage: string; gain: string }> {
  const { counts, counted } = perCommand();
  const { stocktakeId } = await sk.inventory.startStocktake({ warehouseId: "wh", skus: [...skus], blind: false });
  const book = await Promise.all(skus.map(async (sku) => Number((await sk.inventory.availability(sku, "wh")).onHand)));
  clock.advance(300_000);
  // A sale during the count, after it was counted, is not a difference.
  await counted("record count", () => sk.inventory.recordCount({ stocktakeId, locationId: "wh", items: skus.map((sku, i) => ({ sku, quantity: String(book[i]! + (i % 2 === 0 ? -1 : 1)) })) }));
  clock.advance(300_000);
  await sk.inventory.issue({ sku: skus[0]!, warehouseId: "wh", quantity: "1" });
  const { summary } = await counted("approve", () => sk.inventory.approveStocktake({ stocktakeId }));
  return { counts, adjusted: summary.adjusted, shrinkage: summary.shrinkage, gain: summary.gain };
}

describe("a stocktake's statements on PostgreSQL do not grow with its SKUs", () => {
  it("recording a count of 12 SKUs and approving it run as many statements as for 2 SKUs, and post the differences counted", async () => {
    await stocktake(SKUS);
    const two = await stocktake(SKUS.slice(0, 2));
    const twelve = await stocktake(SKUS);
    expect(twelve.counts).toEqual(two.counts);
    // One unit short or over of every SKU, at 3.00.
    expect(twelve).toMatchObject({ adjusted: 12, shrinkage: "-18", gain: "18" });
    expect(two).toMatchObject({ adjusted: 2, shrinkage: "-3", gain: "3" });
  }, 60_000);

  it("the ageing, slow-moving and audit reports run as many statements for 36 SKUs as for 12 (their movements, products, values, cost states and counters read for many SKUs at once)", async () => {
    const reports = async (): Promise<Record<string, number>> => {
      const { counts, counted } = perCommand();
      await counted("ageing", () => sk.inventory.ageing());
      await counted("slow moving", () => sk.inventory.slowMoving());
      const audit = await counted("audit", () => sk.inventory.audit());
      expect(audit.differences).toEqual([]);
      return counts;
    };
    const twelve = await reports();
    for (let i = 12; i < 36; i++) {
      await sk.inventory.defineProduct({ sku: `MORE${i}`, costingMethod: i % 2 === 0 ? "fifo" : "moving-average" });
      await sk.inventory.receive({ sku: `MORE${i}`, warehouseId: "wh", quantity: "5", unitCost: "1.50" });
    }
    const more = await reports();
    expect(more).toEqual(twelve);
    expect((await sk.inventory.ageing()).rows).toHaveLength(36);
  }, 60_000);
});
