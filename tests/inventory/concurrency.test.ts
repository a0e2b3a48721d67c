import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { IdGenerator } from "../../src/ports/ids.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock } from "../../src/testing/index.js";

/*
 * Concurrent issues for the last units. On a server, a command takes its instant and its
 * movement id before it waits for the SKU's lock, so a command that waited is "before" one
 * that committed first (same instant, smaller id, or an earlier instant). The memory store
 * serialises transactions, so the race is reproduced with ids that count down: every new
 * movement sorts before the ones already recorded at the same instant.
 */

function descendingIds(): IdGenerator {
  let n = 1_000_000;
  return { next: (prefix) => `${prefix}_${String(n--).padStart(8, "0")}` };
}

async function shop(ids: IdGenerator) {
  const sk = createStorekeep({ clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids, config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
  await sk.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "10", unitCost: "2.00", effectiveDate: "2026-03-02" });
  return sk;
}

async function codes(calls: Promise<unknown>[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await Promise.allSettled(calls)) {
    const code = r.status === "fulfilled" ? "ok" : isStorekeepError(r.reason) ? r.reason.code : `raw ${String(r.reason)}`;
    out[code] = (out[code] ?? 0) + 1;
  }
  return out;
}

describe("issues racing for the last units", () => {
  it("60 concurrent issues at one instant for 10 units: 10 succeed, 50 are INSUFFICIENT_STOCK, none NEGATIVE_HISTORY", async () => {
    const sk = await shop(descendingIds());
    const result = await codes(Array.from({ length: 60 }, (_, i) => sk.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "1", reference: `so_${i}` })));
    expect(result).toEqual({ ok: 10, INSUFFICIENT_STOCK: 50 });
    expect(await sk.inventory.onHand({ sku: "A" })).toEqual([]);
    expect((await sk.inventory.audit()).ok).toBe(true);
  });

  it("the race refusal says what happened: concurrent, with the movement that took the stock", async () => {
    const sk = await shop(descendingIds());
    await sk.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "10" });
    const error = await sk.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "1" }).catch((e: unknown) => e);
    expect(isStorekeepError(error) && [error.code, error.details["concurrent"]]).toEqual(["INSUFFICIENT_STOCK", true]);
  });

  it("a deliberately back-dated issue that would drive later history negative is still NEGATIVE_HISTORY", async () => {
    const sk = await shop(descendingIds());
    await sk.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "10", effectiveDate: "2026-03-20" });
    const error = await sk.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "1", effectiveDate: "2026-03-10" }).catch((e: unknown) => e);
    expect(isStorekeepError(error) && error.code).toBe("NEGATIVE_HISTORY");
  });
});
