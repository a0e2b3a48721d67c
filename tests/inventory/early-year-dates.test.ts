import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { createStorekeep } from "../../src/index.js";
import type { Store } from "../../src/ports/storage.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * A business date keeps its year on every path: a movement dated "0026-03-01" (a valid
 * LocalDate, likely a typo for 2026) is recorded on 0026-03-01 in the stock history, the
 * journal and the PostgreSQL outbox, never moved to 1926 (found by exploratory use, session 18).
 */

function shop(store?: Store) {
  return createStorekeep({ ...(store === undefined ? {} : { store }), clock: new ManualClock("2026-03-10T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
}

async function receiveIn26(sk: ReturnType<typeof shop>) {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  return sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "1", unitCost: "2", effectiveDate: "0026-03-01" });
}

describe("dates with a year below 100", () => {
  it("a receipt dated 0026-03-01 is in the history and the journal on 0026-03-01", async () => {
    const sk = shop();
    const receipt = await receiveIn26(sk);
    expect(receipt.effectiveDate).toBe("0026-03-01");
    expect(receipt.effectiveAt.startsWith("0026-02-28T23:")).toBe(true); // Berlin's local mean time, +00:53:28
    const [line] = await sk.inventory.history({ sku: "MUG" });
    expect(line).toMatchObject({ effectiveDate: "0026-03-01" });
    const journal = await sk.finance.journal();
    expect(journal.map((e: { date: string }) => e.date)).toEqual(["0026-03-01"]);
    expect(await sk.inventory.onHand({ sku: "MUG", asOf: "0026-03-01" })).toEqual([{ sku: "MUG", locationId: "wh", lot: null, quantity: "1" }]);
  });

  describe("on PostgreSQL (PGlite)", () => {
    let db: PGlite;
    beforeAll(async () => {
      db = new PGlite();
      await db.waitReady;
    }, 60_000);
    afterAll(async () => {
      await db.close();
    });

    it("the outbox keeps the event's effective date 0026-03-01", async () => {
      await receiveIn26(shop(postgresStore({ client: db, schema: "early_years" })));
      const { rows } = await db.query<{ effective_date: string | null }>(`SELECT effective_date::text AS effective_date FROM early_years.outbox WHERE type = 'StockReceived'`);
      expect(rows).toEqual([{ effective_date: "0026-03-01" }]);
    }, 60_000);
  });
});
