import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { type Harness, caught, harness } from "./setup.js";

/*
 * A serial number is on hand at most once at every instant of history, not only now: a
 * back-dated receipt of a serial that is on hand at some instant from its date on (before it
 * leaves again) is refused. Before, only today's balance was checked, so a serial received
 * on 03-08 and sold on 03-09 could be received again dated 03-05 and be on hand twice from
 * 03-08 (found by exploratory use, session 18).
 */


async function phones(): Promise<Harness> {
  const h = await harness({ start: "2026-03-10T10:00:00.000Z", config: { timeZone: "UTC" } });
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineLocation({ locationId: "wh/A2", warehouseId: "wh" });
  await h.inventory.defineProduct({ sku: "PHONE", costingMethod: "fifo", tracking: "serial" });
  return h;
}

/** The most times each serial is on hand at any instant, replaying the SKU's history in order. */
async function mostOnHand(h: Harness): Promise<Map<string, string>> {
  const held = new Map<string, Decimal>();
  const most = new Map<string, Decimal>();
  for (const line of await h.inventory.history({ sku: "PHONE" })) {
    if (line.kind === "transfer" || line.lot === null) continue; // a transfer moves the serial, it does not add one
    const now = (held.get(line.lot) ?? new Decimal(0)).plus(line.quantity);
    held.set(line.lot, now);
    if (now.gt(most.get(line.lot) ?? 0)) most.set(line.lot, now);
  }
  return new Map([...most].map(([lot, q]) => [lot, q.toString()]));
}

describe("a serial is on hand at most once at every instant", () => {
  it("a receipt back-dated before the serial's receipt is refused, naming the serial and both dates", async () => {
    const h = await phones();
    await h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "100", lot: "SN1", effectiveDate: "2026-03-08" });
    await h.inventory.issue({ sku: "PHONE", warehouseId: "wh", quantity: "1", lot: "SN1", effectiveDate: "2026-03-09" });
    const error = await caught(h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "100", lot: "SN1", effectiveDate: "2026-03-05" }));
    expect(error.code).toBe("ALREADY_EXISTS");
    expect(error.message).toContain("Serial SN1 of PHONE");
    expect(error.message).toContain("2026-03-05");
    expect(error.message).toContain("2026-03-08");
    expect(error.details).toMatchObject({ sku: "PHONE", serial: "SN1", date: "2026-03-08", onHand: "2" });
    expect(await h.inventory.onHand({ sku: "PHONE", asOf: "2026-03-08" })).toEqual([{ sku: "PHONE", locationId: "wh", lot: "SN1", quantity: "1" }]);
    expect(await h.inventory.onHand({ sku: "PHONE" })).toEqual([]);
  });

  it("a receipt back-dated into the time the serial was on hand is refused, at another location too", async () => {
    const h = await phones();
    await h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "100", lot: "SN1", effectiveDate: "2026-03-01" });
    await h.inventory.issue({ sku: "PHONE", warehouseId: "wh", quantity: "1", lot: "SN1", effectiveDate: "2026-03-09" });
    const error = await caught(h.inventory.receive({ sku: "PHONE", warehouseId: "wh", locationId: "wh/A2", quantity: "1", unitCost: "100", lot: "SN1", effectiveDate: "2026-03-05" }));
    expect(error.code).toBe("ALREADY_EXISTS");
    expect(error.details).toMatchObject({ serial: "SN1", date: "2026-03-05" });
    expect(await mostOnHand(h)).toEqual(new Map([["SN1", "1"]]));
  });

  it("a receipt back-dated to after the serial left is accepted, one before its next receipt is not", async () => {
    const h = await phones();
    await h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "100", lot: "SN1", effectiveDate: "2026-03-01" });
    await h.inventory.issue({ sku: "PHONE", warehouseId: "wh", quantity: "1", lot: "SN1", effectiveDate: "2026-03-03" });
    await h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "100", lot: "SN2", effectiveDate: "2026-03-09" });
    // Before SN2's receipt, so back-dated; SN1 had left on 03-03.
    const again = await h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "90", lot: "SN1", effectiveDate: "2026-03-05" });
    expect(again.backdated).toBe(true);
    await h.inventory.issue({ sku: "PHONE", warehouseId: "wh", quantity: "1", lot: "SN1", effectiveDate: "2026-03-06" });
    expect(await mostOnHand(h)).toEqual(new Map([["SN1", "1"], ["SN2", "1"]]));
    // ...but SN1 cannot come in on 03-04: it would still be on hand when it comes in again on 03-05.
    const twice = await caught(h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "90", lot: "SN1", effectiveDate: "2026-03-04" }));
    expect(twice.code).toBe("ALREADY_EXISTS");
    expect(twice.details).toMatchObject({ serial: "SN1", date: "2026-03-05", movementId: again.movementId });
  });

  it("property: whatever dated receipts, transfers and issues are tried, no serial is ever on hand twice", async () => {
    const op = fc.record({
      kind: fc.constantFrom("receive", "receive", "transfer", "issue"),
      serial: fc.constantFrom("S1", "S2"),
      at: fc.constantFrom("wh", "wh/A2"),
      day: fc.integer({ min: 1, max: 9 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        const h = await phones();
        const inv = h.inventory;
        for (const o of ops) {
          const effectiveDate = `2026-03-0${o.day}`;
          const other = o.at === "wh" ? "wh/A2" : "wh";
          const attempt =
            o.kind === "receive"
              ? inv.receive({ sku: "PHONE", warehouseId: "wh", locationId: o.at, quantity: "1", unitCost: "1", lot: o.serial, effectiveDate })
              : o.kind === "transfer"
                ? inv.transfer({ sku: "PHONE", from: { warehouseId: "wh", locationId: o.at }, to: { warehouseId: "wh", locationId: other }, quantity: "1", lot: o.serial, effectiveDate })
                : inv.issue({ sku: "PHONE", warehouseId: "wh", locationId: o.at, quantity: "1", lot: o.serial, effectiveDate });
          await attempt.catch((e: { code: string }) => {
            if (!["ALREADY_EXISTS", "INSUFFICIENT_STOCK", "NEGATIVE_HISTORY"].includes(e.code)) throw e;
          });
        }
        for (const most of (await mostOnHand(h)).values()) expect(new Decimal(most).lte(1)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
